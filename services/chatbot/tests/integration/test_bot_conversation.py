"""A bot conversation over the real broker and database, the gateway and routing played by the
test: welcome texts, a question, e-mail checks, multi-line input, hand-offs, ticket, restart."""

from __future__ import annotations

import pytest

from parley_chatbot.bootstrap import Chatbot
from parley_contracts.chatbot import (
    ChatbotScript,
    HandoffRequestedV1,
    OnlyIf,
    SaveScriptV1,
    ScriptAnswer,
    ScriptSavedV1,
    ScriptStep,
    StepType,
)
from parley_contracts.tickets import CreateTicketV1
from parley_platform.messaging.request import QueryClient

from .gateway_player import Conversation, GatewayPlayer

pytestmark = pytest.mark.integration

SUPPORT_BOT = ChatbotScript(
    id="support-bot",
    name="Support Bot",
    steps=(
        ScriptStep(id="hello", type=StepType.TEXT, text="Hi, I'm the support bot."),
        ScriptStep(id="intro", type=StepType.TEXT, text="I'll ask a few questions first."),
        ScriptStep(
            id="topic",
            type=StepType.QUESTION,
            text="What is it about?",
            answers=(
                ScriptAnswer(id="billing", label="Billing"),
                ScriptAnswer(id="other", label="Something else"),
            ),
        ),
        ScriptStep(id="email", type=StepType.EMAIL, text="Your e-mail address?"),
        ScriptStep(id="phone", type=StepType.PHONE, text="Your phone number?"),
        ScriptStep(
            id="details", type=StepType.FREE_INPUT, multi_line=True, text="Describe the problem."
        ),
        ScriptStep(
            id="forward",
            type=StepType.FORWARD_TO_OPERATOR,
            text="Let me find a colleague.",
            expertise=("billing",),
            only_if=(OnlyIf(step_id="topic", answer_ids=("billing",)),),
        ),
        ScriptStep(id="sorry", type=StepType.TEXT, text="Nobody is available right now."),
        ScriptStep(id="ticket", type=StepType.CREATE_TICKET, labels=("chatbot",)),
        ScriptStep(id="bye", type=StepType.TEXT, text="We opened a ticket for you."),
    ),
)


async def install(chatbot: Chatbot) -> None:
    reply = await QueryClient(chatbot.runtime.broker).ask(
        SaveScriptV1.TYPE, SaveScriptV1(script=SUPPORT_BOT).model_dump_json().encode()
    )
    assert ScriptSavedV1.model_validate_json(reply).saved


async def until_handoff(chat: Conversation, gateway: GatewayPlayer) -> HandoffRequestedV1:
    await chat.start()
    assert (await gateway.bot_says()).text == "Hi, I'm the support bot."
    assert (await gateway.bot_says()).text == "I'll ask a few questions first."
    question = await gateway.bot_says()
    assert [c.label for c in question.choices] == ["Billing", "Something else"]
    await chat.visitor("Billing", choice_id="billing")
    assert (await gateway.bot_says()).text == "Your e-mail address?"
    await chat.visitor("ada at example")
    refusal = await gateway.bot_says()
    assert "does not look like an e-mail address" in refusal.text
    assert (await gateway.bot_says()).text == "Your e-mail address?"
    await chat.visitor("ada@example.com")
    assert (await gateway.bot_says()).text == "Your phone number?"
    await chat.visitor("030 1234567")
    assert (await gateway.bot_says()).text == "Describe the problem."
    await chat.visitor("My invoice is wrong.")
    await chat.visitor("It was charged twice.")
    assert (await gateway.bot_says()).text == "Let me find a colleague."
    handoff = await gateway.next()
    assert isinstance(handoff, HandoffRequestedV1)
    return handoff


async def test_bot_collects_answers_and_hands_over_when_an_operator_is_found(
    chatbot: Chatbot, gateway: GatewayPlayer
) -> None:
    await install(chatbot)
    chat = Conversation(gateway, SUPPORT_BOT.id)
    handoff = await until_handoff(chat, gateway)

    assert handoff.required_expertise == ("billing",)
    assert [(a.step_id, a.answer) for a in handoff.answers] == [
        ("topic", "Billing"),
        ("email", "ada@example.com"),
        ("phone", "030 1234567"),
        ("details", "My invoice is wrong.\nIt was charged twice."),
    ]
    await chat.assigned()
    await chat.visitor("Hello Bob")
    await gateway.nothing_within(1.0)


async def test_bot_goes_on_when_nobody_is_available_then_restarts(
    chatbot: Chatbot, gateway: GatewayPlayer
) -> None:
    await install(chatbot)
    chat = Conversation(gateway, SUPPORT_BOT.id)
    await until_handoff(chat, gateway)

    await chat.nobody_available()
    assert (await gateway.bot_says()).text == "Nobody is available right now."
    ticket = await gateway.next()
    assert isinstance(ticket, CreateTicketV1)
    assert ticket.customer.email == "ada@example.com"
    assert ticket.customer.phone == "+49301234567"
    assert ticket.labels == ("chatbot",)
    assert "Ada: It was charged twice." in ticket.description
    assert (await gateway.bot_says()).text == "We opened a ticket for you."
    end = await gateway.bot_says()
    assert [c.id for c in end.choices] == ["restart"]

    await chat.visitor("Restart the conversation", choice_id="restart")
    assert "erased" in (await gateway.bot_says()).text
    again = await gateway.bot_says()
    assert again.text == "Hi, I'm the support bot."
    assert again.client_message_id != "chatbot:r1:hello:0"


async def test_question_accepts_only_its_answers(chatbot: Chatbot, gateway: GatewayPlayer) -> None:
    await install(chatbot)
    chat = Conversation(gateway, SUPPORT_BOT.id)
    await chat.start()
    for _ in range(3):
        await gateway.bot_says()
    await chat.visitor("I want a refund")
    reprompt = await gateway.bot_says()
    assert reprompt.text == "Please pick one of the answers below."
    assert [c.id for c in reprompt.choices] == ["billing", "other"]
    await chat.visitor("something ELSE")
    assert (await gateway.bot_says()).text == "Your e-mail address?"
