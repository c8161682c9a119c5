"""A visitor over the real WebSocket goes through the Welcome Bot (B1-B5, R2, V2): the gateway,
the chatbot, routing and reports run as real processes on the real broker and database.

Nobody online: welcome texts, a question answered by a button, a multi-line answer, a hand-off
that finds nobody so the script goes on, an invalid then a valid e-mail, the end, a restart.
An operator with the right expertise online: the hand-off assigns them, the bot leaves, and the
operator's console shows what the bot collected.
"""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from typing import Any

import pytest

from .conftest import StartService
from .gateway_client import (
    Predicate,
    VisitorClient,
    about,
    agent_joined,
    event,
    new_client_message_id,
    of_type,
)
from .gateway_cluster import Workspace, gateway_settings
from .services import ServiceProcess

pytestmark = pytest.mark.system

WELCOME_BOT = "welcome-bot"
WAIT_S = 30.0
"""Generous: four services share two cores with the rest of the suite."""


@pytest.fixture
async def stack(start_service: StartService) -> AsyncIterator[tuple[ServiceProcess, Workspace]]:
    """Every service a bot conversation touches; a workspace whose channel runs the Welcome Bot
    on every page (V2)."""
    start_service("reports")
    start_service("routing")
    start_service("chatbot", typing_pause_s="0.1", multi_line_quiet_s="1.0")
    gateway = start_service("gateway", **gateway_settings(secrets.token_urlsafe(32)))
    space = await Workspace.create(gateway.url)
    channel = await space.admin.call("GET", f"/api/channels/{space.channel_id}")
    rule = {"sequence": 1, "url_regex": ".*", "chatbot_script_id": WELCOME_BOT}
    settings = {
        key: channel[key] for key in ("name", "group_ids", "allowed_origins", "routing_mode")
    }
    await space.admin.call(
        "PUT", f"/api/channels/{space.channel_id}", {**settings, "rules": [rule]}
    )
    yield gateway, space
    await space.admin.aclose()


def bot_says(conversation_id: str, text: str) -> Predicate:
    """A message event from the bot whose text starts with ``text``."""
    return lambda frame: (
        event(conversation_id, "message")(frame)
        and frame["actor"]["role"] == "bot"
        and str(frame["payload"].get("text", "")).startswith(text)
    )


async def say(visitor: VisitorClient, conversation_id: str, **fields: Any) -> None:
    frame = {
        "type": "message",
        "conversation_id": conversation_id,
        "client_message_id": new_client_message_id(),
        **fields,
    }
    answer = await visitor.request(frame)
    assert answer["type"] == "ack", answer


async def welcomed(visitor: VisitorClient) -> tuple[str, dict[str, Any]]:
    conversation_id = await visitor.start(name="Vera")
    await visitor.wait_for(bot_says(conversation_id, "Hello! I'm a bot!"), WAIT_S)
    await visitor.wait_for(bot_says(conversation_id, "I help visitors"), WAIT_S)
    question = await visitor.wait_for(bot_says(conversation_id, "So, what may I help"), WAIT_S)
    said = [f["payload"]["text"] for f in visitor.seen(event(conversation_id, "message"))]
    assert said[:3] == [
        "Hello! I'm a bot!",
        "I help visitors find their way and the right person to talk to.",
        "So, what may I help you with?",
    ], "the bot's messages are stored in the order it sent them"
    return conversation_id, question


async def test_with_nobody_online_the_script_goes_on_to_a_ticket_and_restarts(
    stack: tuple[ServiceProcess, Workspace],
) -> None:
    gateway, space = stack
    visitor = await VisitorClient.connect(gateway.url, space.channel_id)
    try:
        await visitor.hello()
        conversation_id, question = await welcomed(visitor)
        choices = {c["id"]: c["label"] for c in question["payload"]["choices"]}
        assert choices == {
            "buy": "I want to buy the software",
            "pricing": "I have a pricing question",
            "other": "Something else",
        }
        refused = await visitor.request(
            {
                "type": "message",
                "conversation_id": conversation_id,
                "client_message_id": new_client_message_id(),
                "choice_id": "not-offered",
            }
        )
        assert refused["type"] == "error" and refused["code"] == "bad_frame"

        await say(visitor, conversation_id, choice_id="other")
        await visitor.wait_for(bot_says(conversation_id, "Tell me a little more"), WAIT_S)
        await say(visitor, conversation_id, text="My invoice from March")
        await say(visitor, conversation_id, text="shows the wrong VAT number")
        await visitor.wait_for(bot_says(conversation_id, "Thanks! Let me find someone"), WAIT_S)
        # Routing finds nobody online: the bot has the conversation again and goes on (R2).
        await visitor.wait_for(bot_says(conversation_id, "Uh-oh"), WAIT_S)
        await visitor.wait_for(bot_says(conversation_id, "Would you mind leaving"), WAIT_S)
        await say(visitor, conversation_id, text="vera at example")
        await visitor.wait_for(bot_says(conversation_id, '"vera at example" does not look'), WAIT_S)
        await visitor.wait_for(bot_says(conversation_id, "Would you mind leaving"), WAIT_S)
        await say(visitor, conversation_id, text="vera@example.com")
        await visitor.wait_for(bot_says(conversation_id, "Thank you, you should hear"), WAIT_S)
        ended = await visitor.wait_for(bot_says(conversation_id, "Conversation ended"), WAIT_S)
        assert [c["id"] for c in ended["payload"]["choices"]] == ["restart"]

        await say(visitor, conversation_id, choice_id="restart")
        await visitor.wait_for(bot_says(conversation_id, "Your previous answers"), WAIT_S)
        await visitor.wait_for(bot_says(conversation_id, "Hello! I'm a bot!"), WAIT_S)
        assert not visitor.seen(agent_joined(conversation_id))
    finally:
        await visitor.close()


async def test_a_hand_off_with_an_expert_online_brings_them_in_and_the_bot_leaves(
    stack: tuple[ServiceProcess, Workspace],
) -> None:
    gateway, space = stack
    await space.admin.call(
        "PUT",
        f"/api/operators/{space.agent_id}/profile",
        {"chat_name": "Sam", "expertise": ["sales"], "channel_ids": [space.channel_id]},
    )
    agent = await space.agent(gateway.url)
    visitor = await VisitorClient.connect(gateway.url, space.channel_id)
    try:
        assert (await agent.request({"type": "availability", "availability": "online"}))[
            "type"
        ] == "ack"
        await agent.wait_for(of_type("presence", agent_id=space.agent_id, availability="online"))
        await visitor.hello()
        conversation_id, _ = await welcomed(visitor)
        await say(visitor, conversation_id, choice_id="pricing")
        await visitor.wait_for(bot_says(conversation_id, "Hmmm, let me check"), WAIT_S)
        joined = await visitor.wait_for(agent_joined(conversation_id), WAIT_S)
        assert joined["payload"]["participant"]["id"] == space.agent_id
        left = visitor.seen(event(conversation_id, "left"))
        assert [f["payload"]["participant"]["role"] for f in left] == ["bot"]

        active = await agent.wait_for(about(conversation_id, lifecycle="active"), WAIT_S)
        collected = active["conversation"]["bot_answers"]
        assert {"step_id": "ask", "question": "So, what may I help you with?"}.items() <= (
            collected[0].items()
        )
        assert collected[0]["answer"] == "I have a pricing question"
        assert active["conversation"]["expertise"] == ["sales"]
        decisions = await space.admin.call("GET", f"/api/conversations/{conversation_id}/routing")
        assert decisions[0]["kind"] == "assigned"
    finally:
        await visitor.close()
        await agent.close()
