"""Protection on the visitor path: rate limits, card numbers masked, observers invisible."""

from __future__ import annotations

import asyncio

import pytest

from .gateway_client import event, message_event, of_type
from .gateway_cluster import GatewayPair, Workspace, pair_fixture, workspace_fixture

pytestmark = pytest.mark.system

gateway_pair = pair_fixture()
workspace = workspace_fixture()

BURST = 20
"""The default burst of messages per visitor (docs/protocol.md, Limits)."""


async def test_a_visitor_sending_too_fast_is_rate_limited_and_keeps_its_socket(
    gateway_pair: GatewayPair, workspace: Workspace
) -> None:
    visitor = await workspace.visitor(gateway_pair.a.url)
    try:
        conversation_id = await visitor.start(name="Speedy")
        answers = [
            await visitor.message(conversation_id, f"spam {n}", f"cm_spam_{n:04d}")
            for n in range(BURST + 5)
        ]
        limited = [answer for answer in answers if answer["type"] == "error"]
        assert limited, "no message was rate limited"
        assert all(answer["code"] == "rate_limited" for answer in limited), limited
        assert all(answer["retry_after"] > 0 for answer in limited), limited
        assert len(answers) - len(limited) <= BURST + 1
        await visitor.ping()
    finally:
        await visitor.close()


async def test_card_numbers_in_visitor_messages_are_masked_before_anyone_sees_them(
    gateway_pair: GatewayPair, workspace: Workspace
) -> None:
    agent = await workspace.agent(gateway_pair.b.url)
    visitor = await workspace.visitor(gateway_pair.a.url)
    try:
        conversation_id = await visitor.start(name="Carl")
        assert (await agent.accept(conversation_id))["type"] == "ack"
        await visitor.message(conversation_id, "my card is 4111 1111 1111 1111, ok?")
        await visitor.message(conversation_id, "order 4111-1111-1111-1112 is not a card")
        masked = "my card is **** **** **** 1111, ok?"
        for side in (agent, visitor):
            await side.wait_for(message_event(conversation_id, masked))
            await side.wait_for(
                message_event(conversation_id, "order 4111-1111-1111-1112 is not a card")
            )
        stored = await workspace.admin.call(
            "GET", f"/api/conversations/{conversation_id}/events?after_seq=0"
        )
        assert "4111 1111 1111 1111" not in str(stored)
    finally:
        await visitor.close()
        await agent.close()


async def test_an_observer_is_invisible_to_the_visitor(
    gateway_pair: GatewayPair, workspace: Workspace
) -> None:
    _, observer_email = await workspace.add_agent()
    agent = await workspace.agent(gateway_pair.b.url)
    observer = await workspace.agent(gateway_pair.a.url, observer_email)
    visitor = await workspace.visitor(gateway_pair.a.url)
    try:
        conversation_id = await visitor.start(name="Otto")
        assert (await agent.accept(conversation_id))["type"] == "ack"
        answer = await observer.request({"type": "observe", "conversation_id": conversation_id})
        assert answer["type"] == "ack", answer
        await visitor.message(conversation_id, "who is here?")
        await observer.wait_for(message_event(conversation_id, "who is here?"))
        await agent.message(conversation_id, "just me")
        await visitor.wait_for(message_event(conversation_id, "just me"))
        await asyncio.sleep(0.5)
        frames = str(visitor.frames)
        assert observer_email not in frames
        joined = visitor.seen(event(conversation_id, "joined"))
        roles = {frame["payload"]["participant"]["role"] for frame in joined}
        assert roles <= {"visitor", "agent"}, roles
        observer_id = observer.welcome["agent"]["id"]
        assert observer_id not in frames
        assert visitor.seen(of_type("typing")) == []
    finally:
        await visitor.close()
        await observer.close()
        await agent.close()
