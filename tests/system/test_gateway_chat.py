"""A chat across two gateway replicas: a visitor on A, an agent on B, the broker between them."""

from __future__ import annotations

import pytest

from .gateway_client import (
    AgentClient,
    VisitorClient,
    about,
    agent_joined,
    message_event,
    of_type,
)
from .gateway_cluster import (
    GatewayPair,
    RoutingStandIn,
    Workspace,
    pair_fixture,
    routing_fixture,
    workspace_fixture,
)

pytestmark = pytest.mark.system

gateway_pair = pair_fixture()
workspace = workspace_fixture()
routing = routing_fixture()


async def test_visitor_on_a_and_agent_on_b_chat_both_ways_after_routing_assigns(
    gateway_pair: GatewayPair, workspace: Workspace, routing: RoutingStandIn
) -> None:
    agent = await workspace.agent(gateway_pair.b.url)
    visitor = await workspace.visitor(gateway_pair.a.url)
    try:
        conversation_id = await visitor.start(name="Vera", text="Hello, is anyone there?")

        await routing.assign(conversation_id, workspace.channel_id, workspace.agent_id, "Alan")
        await agent.wait_for(about(conversation_id, lifecycle="active"))
        await visitor.wait_for(agent_joined(conversation_id))

        # Joining makes the agent's socket follow the conversation from its start: the
        # history arrives without asking. (A resume on a socket that already follows with an
        # older cursor would replay entries, which docs/protocol.md allows and clients ignore.)
        first = await agent.wait_for(message_event(conversation_id, "Hello, is anyone there?"))
        assert first["actor"]["role"] == "visitor"

        await chat_both_ways(visitor, agent, conversation_id)
    finally:
        await visitor.close()
        await agent.close()


async def test_agent_on_b_accepts_a_waiting_conversation_from_a(
    gateway_pair: GatewayPair, workspace: Workspace
) -> None:
    agent = await workspace.agent(gateway_pair.b.url)
    visitor = await workspace.visitor(gateway_pair.a.url)
    try:
        conversation_id = await visitor.start(name="Walter")
        answer = await agent.accept(conversation_id)
        assert answer["type"] == "ack", answer
        await visitor.wait_for(agent_joined(conversation_id))
        await chat_both_ways(visitor, agent, conversation_id)
    finally:
        await visitor.close()
        await agent.close()


async def chat_both_ways(visitor: VisitorClient, agent: AgentClient, conversation_id: str) -> None:
    """Two messages each way; both sides see each message once, under the seq it was acked with."""
    for turn in range(2):
        sent = await visitor.message(conversation_id, f"visitor line {turn}")
        assert sent["type"] == "ack", sent
        seen = await agent.wait_for(message_event(conversation_id, f"visitor line {turn}"))
        assert seen["seq"] == sent["seq"]
        assert seen["actor"]["id"] == visitor.visitor_id

        reply = await agent.message(conversation_id, f"agent line {turn}")
        assert reply["type"] == "ack", reply
        heard = await visitor.wait_for(message_event(conversation_id, f"agent line {turn}"))
        assert heard["seq"] == reply["seq"]
        assert heard["actor"]["role"] == "agent"

    for side in (visitor, agent):
        seqs = [frame["seq"] for frame in side.events(conversation_id)]
        assert seqs == sorted(set(seqs)), f"out of order or doubled: {seqs}"
    # Typing is ephemeral: no seq, and it reaches the other replica too.
    await visitor.send({"type": "typing", "conversation_id": conversation_id, "typing": True})
    typing = await agent.wait_for(of_type("typing", conversation_id=conversation_id))
    assert typing["typing"] is True and "seq" not in typing


async def test_a_retried_client_message_is_stored_once(
    gateway_pair: GatewayPair, workspace: Workspace
) -> None:
    agent = await workspace.agent(gateway_pair.b.url)
    visitor = await workspace.visitor(gateway_pair.a.url)
    try:
        conversation_id = await visitor.start(name="Rita")
        assert (await agent.accept(conversation_id))["type"] == "ack"
        first = await visitor.message(conversation_id, "only once, please", "cm_retry_0001")
        # The network lost the ack: the widget sends the same client id again, on both replicas.
        again = await visitor.message(conversation_id, "only once, please", "cm_retry_0001")
        elsewhere = await workspace.visitor(gateway_pair.b.url, visitor.visitor_token)
        try:
            third = await elsewhere.message(conversation_id, "only once, please", "cm_retry_0001")
        finally:
            await elsewhere.close()
        assert first["type"] == again["type"] == third["type"] == "ack"
        assert first["seq"] == again["seq"] == third["seq"]

        await agent.message(conversation_id, "marker after the retries")
        await agent.wait_for(message_event(conversation_id, "marker after the retries"))
        copies = agent.seen(message_event(conversation_id, "only once, please"))
        assert len(copies) == 1, copies

        stored = await workspace.admin.call(
            "GET", f"/api/conversations/{conversation_id}/events?after_seq=0"
        )
        items = stored["items"] if isinstance(stored, dict) else stored
        texts = [item.get("payload", {}).get("text") for item in items]
        assert texts.count("only once, please") == 1, texts
    finally:
        await visitor.close()
        await agent.close()
