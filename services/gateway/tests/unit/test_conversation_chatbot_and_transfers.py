"""Chatbot conversations (B1, B5, V2, R2), transfers and invitations (A6), presence signals (A1)."""

from __future__ import annotations

import dataclasses

import pytest

from parley_contracts.base import Message
from parley_contracts.chatbot import BotAnswer, HandoffRequestedV1
from parley_contracts.common import OperatorAvailability, Participant, ParticipantRole
from parley_contracts.envelope import CloudEvent
from parley_contracts.gateway import MessageChoice, OperatorSignal, PostBotMessageV1
from parley_contracts.routing import (
    AssignmentMode,
    ConversationAssignedV1,
    NoOperatorFoundV1,
    NoOperatorReason,
    RoutingDecision,
    TransferConversationV1,
    TransferRefusedV1,
)
from parley_gateway.application.conversation_use_cases import ConversationUseCases
from parley_gateway.application.start_conversation import VisitorDetails
from parley_gateway.domain.channel import ChannelRule, ChatbotWhen
from parley_gateway.domain.channel_rules import chatbot_to_run, matching_rule
from parley_gateway.domain.conversation import Lifecycle
from parley_gateway.domain.errors import InvalidInput, NotFound, OnlyParticipantsMayTalk

from .fakes import ADA, BOB, CARL, SUPPORT, VERA, InMemoryChannels, World, world

pytestmark = pytest.mark.unit

WELCOME = ChannelRule(
    sequence=1,
    url_regex=r"/pricing",
    chatbot_script_id="welcome-bot",
    chatbot_when=ChatbotWhen.ALWAYS,
)
LATE = ChannelRule(
    sequence=2,
    url_regex=".*",
    chatbot_script_id="after-hours",
    chatbot_when=ChatbotWhen.NO_OPERATOR,
)
BOT_CHANNEL = dataclasses.replace(SUPPORT, rules=(WELCOME, LATE))
BOT = Participant(id="welcome-bot", role=ParticipantRole.BOT, display_name="Welcome Bot")
PRICING = VisitorDetails(page_url="https://shop.test/pricing", country="DE")


class Directory:
    def __init__(self, *online_channels: str) -> None:
        self.online = set(online_channels)

    def available_in(self, channel_id: str) -> bool:
        return channel_id in self.online


class Sent:
    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def send(self, message: Message) -> None:
        self.messages.append(message)


@pytest.fixture
def sent() -> Sent:
    return Sent()


@pytest.fixture
def w(sent: Sent) -> World:
    base = world()
    deps = dataclasses.replace(
        base.deps, channels=InMemoryChannels(BOT_CHANNEL), operators=Directory(), events=sent
    )
    return dataclasses.replace(base, deps=deps)


@pytest.fixture
def cases(w: World) -> ConversationUseCases:
    return ConversationUseCases.build(w.deps)


def event(data: object, source: str = "/parley/chatbot") -> CloudEvent:  # type: ignore[type-arg]
    return CloudEvent.wrap(data, source=source)  # type: ignore[type-var]


def bot_says(conversation_id: str, step: str, text: str, *choices: MessageChoice) -> CloudEvent:  # type: ignore[type-arg]
    return event(
        PostBotMessageV1(
            conversation_id=conversation_id,
            bot=BOT,
            client_message_id=f"{conversation_id}:{step}:1",
            text=text,
            choices=choices,
        )
    )


def assigned(conversation_id: str, agent: str = "agt_bob", **extra: object) -> CloudEvent:  # type: ignore[type-arg]
    return event(
        ConversationAssignedV1(
            conversation_id=conversation_id,
            channel_id="ch_support",
            agent_id=agent,
            agent_display_name=agent.removeprefix("agt_").title(),
            mode=extra.pop("mode", AssignmentMode.PUSH),  # type: ignore[arg-type]
            waited_seconds=2,
            decision=RoutingDecision(rule="least_loaded", explanation="fewest chats"),
            **extra,  # type: ignore[arg-type]
        ),
        source="/parley/routing",
    )


@pytest.mark.parametrize(
    ("url", "country", "online", "script"),
    [
        ("https://shop.test/pricing", "DE", False, "welcome-bot"),
        ("https://shop.test/pricing", "DE", True, "welcome-bot"),  # always
        ("https://shop.test/contact", "DE", False, "after-hours"),  # only when nobody is online
        ("https://shop.test/contact", "DE", True, None),
        (None, None, False, "after-hours"),
    ],
)
def test_the_first_matching_rule_decides_which_bot_runs(
    url: str | None, country: str | None, online: bool, script: str | None
) -> None:
    assert chatbot_to_run(matching_rule(BOT_CHANNEL, url, country), online) == script


def test_rules_limited_to_countries_skip_other_visitors() -> None:
    french_only = dataclasses.replace(WELCOME, countries=("FR",))
    channel = dataclasses.replace(SUPPORT, rules=(french_only,))
    assert matching_rule(channel, "https://shop.test/pricing", "de") is None
    assert matching_rule(channel, "https://shop.test/pricing", "fr") == french_only


async def test_a_bot_conversation_asks_routing_only_at_the_hand_off(
    w: World, cases: ConversationUseCases
) -> None:
    started = await cases.start_conversation(VERA, PRICING)
    conversation = started.conversation
    assert conversation.lifecycle is Lifecycle.BOT
    assert conversation.chatbot_script_id == "welcome-bot"
    [start] = w.log.of_type("conversation.started.v1")
    assert start.chatbot_script_id == "welcome-bot"
    assert w.log.of_type("conversation.requested.v1") == []

    question = bot_says(
        conversation.id,
        "topic",
        "What is it about?",
        MessageChoice(id="billing", label="Billing"),
        MessageChoice(id="other", label="Something else"),
    )
    await cases.when_chatbot_posts_a_message(question)
    await cases.when_chatbot_posts_a_message(question)  # redelivered: stored once
    joined = w.log.of_type("conversation.participant_joined.v1")
    assert [j.participant.role for j in joined] == ["visitor", "bot"]
    [posted] = w.log.of_type("conversation.message_posted.v1")
    assert [c.id for c in posted.choices] == ["billing", "other"]

    with pytest.raises(InvalidInput):
        await cases.post_message(VERA, conversation.id, client_message_id="v1", choice_id="nope")
    answer = await cases.post_message(
        VERA, conversation.id, client_message_id="v1", choice_id="billing"
    )
    picked = w.log.of_type("conversation.message_posted.v1")[-1]
    assert picked.text == "Billing" and picked.selected_choice_id == "billing"
    assert answer.entry.payload["selected_choice_id"] == "billing"
    loaded = await w.deps.snapshots.get(conversation.id)
    assert loaded is not None and loaded.choices == ()

    handoff = HandoffRequestedV1(
        conversation_id=conversation.id,
        channel_id="ch_support",
        script_id="welcome-bot",
        step_id="forward",
        visitor=start.visitor,
        required_expertise=("billing",),
        answers=(BotAnswer(step_id="topic", question="What is it about?", answer="Billing"),),
    )
    await cases.when_handoff_requested(event(handoff))
    waiting = await w.deps.snapshots.get(conversation.id)
    assert waiting is not None and waiting.lifecycle is Lifecycle.REQUESTED
    assert waiting.expertise == ("billing",) and waiting.bot_answers[0].answer == "Billing"

    await cases.when_conversation_assigned(assigned(conversation.id))
    after = await w.deps.snapshots.get(conversation.id)
    assert after is not None and after.lifecycle is Lifecycle.ACTIVE
    assert not after.bot_present and after.is_present("agt_bob")
    left = w.log.of_type("conversation.participant_left.v1")
    assert [(x.participant.id, x.reason) for x in left] == [("welcome-bot", "transferred")]

    late = bot_says(conversation.id, "late", "Still there?")
    await cases.when_chatbot_posts_a_message(late)  # too late: an operator has it
    assert len(w.log.of_type("conversation.message_posted.v1")) == 2


async def test_nobody_available_for_a_hand_off_gives_the_conversation_back_to_the_bot(
    w: World, cases: ConversationUseCases
) -> None:
    conversation = (await cases.start_conversation(VERA, PRICING)).conversation
    await cases.when_chatbot_posts_a_message(bot_says(conversation.id, "hello", "Hello!"))
    [start] = w.log.of_type("conversation.started.v1")
    handoff = HandoffRequestedV1(
        conversation_id=conversation.id,
        channel_id="ch_support",
        script_id="welcome-bot",
        step_id="forward",
        visitor=start.visitor,
    )
    await cases.when_handoff_requested(event(handoff))
    nobody = NoOperatorFoundV1(
        conversation_id=conversation.id,
        channel_id="ch_support",
        reason=NoOperatorReason.NONE_AVAILABLE,
        waited_seconds=0,
    )
    await cases.when_no_operator_found(event(nobody, "/parley/routing"))
    after = await w.deps.snapshots.get(conversation.id)
    assert after is not None and after.lifecycle is Lifecycle.BOT and not after.is_ended
    await cases.when_chatbot_posts_a_message(bot_says(conversation.id, "sorry", "Leave a message?"))
    assert w.log.of_type("conversation.message_posted.v1")[-1].text == "Leave a message?"


async def test_a_channel_without_an_online_operator_runs_its_after_hours_bot(
    w: World, cases: ConversationUseCases
) -> None:
    contact = VisitorDetails(page_url="https://shop.test/contact")
    assert (await cases.start_conversation(VERA, contact)).conversation.chatbot_script_id == (
        "after-hours"
    )


async def test_an_online_operator_means_no_after_hours_bot(sent: Sent) -> None:
    base = world()
    deps = dataclasses.replace(
        base.deps,
        channels=InMemoryChannels(BOT_CHANNEL),
        operators=Directory("ch_support"),
        events=sent,
    )
    cases = ConversationUseCases.build(deps)
    contact = VisitorDetails(page_url="https://shop.test/contact")
    started = await cases.start_conversation(VERA, contact)
    assert started.conversation.chatbot_script_id is None
    assert started.conversation.lifecycle is Lifecycle.REQUESTED
    assert len(base.log.of_type("conversation.requested.v1")) == 1


async def active_with_bob(w: World, cases: ConversationUseCases) -> str:
    """A chat Bob answers (an operator is online, so no after-hours bot runs)."""
    directory = w.deps.operators
    assert isinstance(directory, Directory)
    directory.online.add("ch_support")
    conversation = (await cases.start_conversation(VERA, VisitorDetails())).conversation
    await cases.when_conversation_assigned(assigned(conversation.id))
    return conversation.id


async def test_a_transfer_is_asked_of_routing_and_swaps_the_agents_when_assigned(
    w: World, cases: ConversationUseCases, sent: Sent
) -> None:
    conversation_id = await active_with_bob(w, cases)
    with pytest.raises(OnlyParticipantsMayTalk):
        await cases.transfer_conversation(ADA, conversation_id, to_agent_id="agt_dora")
    with pytest.raises(NotFound):
        await cases.transfer_conversation(BOB, conversation_id, to_agent_id="agt_nobody")
    with pytest.raises(InvalidInput):
        await cases.transfer_conversation(BOB, conversation_id, to_agent_id="agt_bob")
    await cases.transfer_conversation(BOB, conversation_id, to_agent_id="agt_dora")
    [command] = sent.messages
    assert isinstance(command, TransferConversationV1)
    assert (command.requested_by, command.to_agent_id) == ("agt_bob", "agt_dora")

    moved = assigned(
        conversation_id, "agt_dora", mode=AssignmentMode.TRANSFER, previous_agent_id="agt_bob"
    )
    await cases.when_conversation_assigned(moved)
    await cases.when_conversation_assigned(moved)  # redelivered: nothing more
    after = await w.deps.snapshots.get(conversation_id)
    assert after is not None and after.present_agents == ("agt_dora",)
    joined = [j.reason for j in w.log.of_type("conversation.participant_joined.v1")]
    left = [(x.participant.id, x.reason) for x in w.log.of_type("conversation.participant_left.v1")]
    assert joined == ["started", "assigned", "transferred"]
    assert left == [("agt_bob", "transferred")]


async def test_a_refused_transfer_is_told_to_the_agent_who_asked(
    w: World, cases: ConversationUseCases
) -> None:
    conversation_id = await active_with_bob(w, cases)
    refused = TransferRefusedV1(
        conversation_id=conversation_id,
        channel_id="ch_support",
        requested_by="agt_bob",
        to_agent_id="agt_dora",
        reason="Dora is away",
    )
    await cases.when_transfer_refused(event(refused, "/parley/routing"))
    [frame] = w.fanout.frames_for("agent.agt_bob")[-1:]
    assert frame == {
        "type": "transfer_refused",
        "conversation_id": conversation_id,
        "to_agent_id": "agt_dora",
        "to_channel_id": None,
        "reason": "Dora is away",
    }


async def test_invited_colleagues_join_as_participants_or_invisible_observers(
    w: World, cases: ConversationUseCases
) -> None:
    conversation_id = await active_with_bob(w, cases)
    with pytest.raises(OnlyParticipantsMayTalk):
        await cases.invite_to_conversation(ADA, conversation_id, "agt_dora", as_observer=False)
    await cases.invite_to_conversation(BOB, conversation_id, "agt_dora", as_observer=False)
    await cases.invite_to_conversation(BOB, conversation_id, "agt_carl", as_observer=True)
    after = await w.deps.snapshots.get(conversation_id)
    assert after is not None
    assert after.present_agents == ("agt_bob", "agt_dora")
    member = after.member("agt_carl")
    assert member is not None and member.role is ParticipantRole.OBSERVER
    internal = [e for e in w.log.entries[conversation_id] if e.is_internal and e.kind == "joined"]
    assert [e.payload["participant"]["id"] for e in internal] == ["agt_carl"]
    assert CARL.id not in after.agents_involved


async def test_agent_signals_go_to_routing_with_activity_throttled(
    w: World, cases: ConversationUseCases, sent: Sent
) -> None:
    signals = cases.signal_operator
    await signals.connected(BOB, "sock-1")
    await signals.active(BOB)
    await signals.active(BOB)  # within a minute of the last: not sent again
    await signals.choose(BOB, OperatorAvailability.ONLINE)
    await signals.disconnected(BOB, "sock-1")
    kinds = [(m.signal, m.connection_id) for m in sent.messages]  # type: ignore[attr-defined]
    assert kinds == [
        (OperatorSignal.CONNECTED, "sock-1"),
        (OperatorSignal.ACTIVE, None),
        (OperatorSignal.CHOSE_AVAILABILITY, None),
        (OperatorSignal.DISCONNECTED, "sock-1"),
    ]
    assert sent.messages[2].availability is OperatorAvailability.ONLINE  # type: ignore[attr-defined]
    assert [m.at for m in sent.messages] == sorted(m.at for m in sent.messages)  # type: ignore[attr-defined]


async def handed_off(w: World, cases: ConversationUseCases, conversation_id: str) -> None:
    [start] = w.log.of_type("conversation.started.v1")
    handoff = HandoffRequestedV1(
        conversation_id=conversation_id,
        channel_id="ch_support",
        script_id="welcome-bot",
        step_id="forward",
        visitor=start.visitor,
        required_expertise=("sales",),
        answers=(BotAnswer(step_id="ask", question="What about?", answer="Pricing"),),
    )
    await cases.when_handoff_requested(event(handoff))


async def test_an_assignment_that_overtakes_its_hand_off_still_brings_the_agent_in(
    w: World, cases: ConversationUseCases
) -> None:
    conversation = (await cases.start_conversation(VERA, PRICING)).conversation
    await cases.when_chatbot_posts_a_message(bot_says(conversation.id, "hello", "Hello!"))
    await cases.when_conversation_assigned(assigned(conversation.id))  # before the hand-off
    await handed_off(w, cases, conversation.id)
    after = await w.deps.snapshots.get(conversation.id)
    assert after is not None and after.lifecycle is Lifecycle.ACTIVE
    assert after.present_agents == ("agt_bob",) and not after.bot_present
    assert after.bot_answers[0].answer == "Pricing" and after.expertise == ("sales",)


async def test_a_nobody_that_overtakes_its_hand_off_leaves_the_chat_with_the_bot(
    w: World, cases: ConversationUseCases
) -> None:
    conversation = (await cases.start_conversation(VERA, PRICING)).conversation
    await cases.when_chatbot_posts_a_message(bot_says(conversation.id, "hello", "Hello!"))
    nobody = NoOperatorFoundV1(
        conversation_id=conversation.id,
        channel_id="ch_support",
        reason=NoOperatorReason.NONE_AVAILABLE,
        waited_seconds=0,
    )
    await cases.when_no_operator_found(event(nobody, "/parley/routing"))  # before the hand-off
    await handed_off(w, cases, conversation.id)
    after = await w.deps.snapshots.get(conversation.id)
    assert after is not None and after.lifecycle is Lifecycle.BOT and not after.is_ended
    # A later hand-off that routing has not answered yet does wait for an operator.
    await handed_off(w, cases, conversation.id)
    again = await w.deps.snapshots.get(conversation.id)
    assert again is not None and again.lifecycle is Lifecycle.REQUESTED
