"""The gateway and the routing service, both real processes, over the real broker and database:
an admin sets operator profiles through the gateway's API, agents go online from their
consoles, routing assigns the visitor's chat, explains why, and moves it on a transfer."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from typing import Any

import pytest

from .conftest import StartService
from .gateway_client import (
    AgentClient,
    VisitorClient,
    about,
    agent_joined,
    event,
    message_event,
    new_client_message_id,
    of_type,
)
from .gateway_cluster import Workspace, gateway_settings
from .services import ServiceProcess

pytestmark = pytest.mark.system


@pytest.fixture
async def stack(start_service: StartService) -> AsyncIterator[tuple[ServiceProcess, Workspace]]:
    """Reports (its journal binds every event type, as in every deployment, so no event of the
    gateway is unroutable), routing (its queues exist before the gateway announces its
    channels), then the gateway, and a workspace (group, push-mode channel, agent)."""
    start_service("reports")
    start_service("routing", reconnect_grace_s="5")
    gateway = start_service("gateway", **gateway_settings(secrets.token_urlsafe(32)))
    space = await Workspace.create(gateway.url)
    yield gateway, space
    await space.admin.aclose()


async def operator_online(
    gateway: ServiceProcess, space: Workspace, agent_id: str, email: str, **profile: Any
) -> AgentClient:
    """The admin sets the agent's profile (joined to the workspace's channel); the agent's
    console goes online and routing confirms it with a ``presence`` frame."""
    body = {"chat_name": profile.pop("chat_name", agent_id), "channel_ids": [space.channel_id]}
    overview = await space.admin.call(
        "PUT", f"/api/operators/{agent_id}/profile", {**body, **profile}
    )
    assert overview["profile"]["channel_ids"] == [space.channel_id]
    console = await space.agent(gateway.url, email)
    answer = await console.request({"type": "availability", "availability": "online"})
    assert answer["type"] == "ack", answer
    await console.wait_for(of_type("presence", agent_id=agent_id, availability="online"), 15)
    return console


async def test_routing_assigns_the_visitors_chat_and_explains_it(
    stack: tuple[ServiceProcess, Workspace],
) -> None:
    gateway, space = stack
    ann = await operator_online(
        gateway, space, space.agent_id, space.agent_email, main_language="de", max_chats=2
    )
    visitor = await VisitorClient.connect(gateway.url, space.channel_id)
    try:
        await visitor.hello()
        conversation_id = await visitor.start(name="Vera", text="Guten Tag!")
        await ann.wait_for(about(conversation_id, lifecycle="active"), 15)
        await visitor.wait_for(agent_joined(conversation_id), 15)
        await ann.wait_for(message_event(conversation_id, "Guten Tag!"))
        reply = await ann.request(
            {
                "type": "message",
                "conversation_id": conversation_id,
                "client_message_id": new_client_message_id(),
                "text": "Hallo Vera!",
            }
        )
        assert reply["type"] == "ack"
        await visitor.wait_for(message_event(conversation_id, "Hallo Vera!"))

        decisions = await space.admin.call("GET", f"/api/conversations/{conversation_id}/routing")
        assert [d["kind"] for d in decisions] == ["assigned"]
        assert decisions[0]["agent_ids"] == [space.agent_id]
        operators = await space.admin.call("GET", f"/api/operators?channel_id={space.channel_id}")
        [only] = operators
        assert only["availability"] == "online"
        assert only["active_conversation_ids"] == [conversation_id]
    finally:
        await visitor.close()
        await ann.close()


async def test_a_transfer_moves_the_chat_to_a_colleague_and_a_refusal_is_told(
    stack: tuple[ServiceProcess, Workspace],
) -> None:
    gateway, space = stack
    ann = await operator_online(gateway, space, space.agent_id, space.agent_email)
    bob_id, bob_email = await space.add_agent()
    cleo_id, cleo_email = await space.add_agent()
    bob = await operator_online(gateway, space, bob_id, bob_email, max_chats=1)
    visitor = await VisitorClient.connect(gateway.url, space.channel_id)
    try:
        await visitor.hello()
        conversation_id = await visitor.start(name="Vera", text="Hello")
        # Two operators online: whoever routing picks, the other is the transfer's target.
        joined = await visitor.wait_for(agent_joined(conversation_id), 15)
        first_id = joined["payload"]["participant"]["id"]
        holder, target, target_id = (
            (ann, bob, bob_id)
            if first_id == space.agent_id
            else (
                bob,
                ann,
                space.agent_id,
            )
        )

        refused = await holder.request(
            {"type": "transfer", "conversation_id": conversation_id, "agent_id": cleo_id}
        )
        assert refused["type"] == "ack"  # routing was asked; Cleo is offline
        told = await holder.wait_for(of_type("transfer_refused", conversation_id=conversation_id))
        assert told["to_agent_id"] == cleo_id and "offline" in told["reason"].lower()

        asked = await holder.request(
            {"type": "transfer", "conversation_id": conversation_id, "agent_id": target_id}
        )
        assert asked["type"] == "ack"
        await target.wait_for(about(conversation_id, lifecycle="active"), 15)
        left = await visitor.wait_for(event(conversation_id, "left"), 15)
        assert left["payload"]["participant"]["id"] == first_id
        assert left["payload"]["reason"] == "transferred"
        decisions = await space.admin.call("GET", f"/api/conversations/{conversation_id}/routing")
        assert [d["kind"] for d in decisions][-1] == "transferred"
        del cleo_email
    finally:
        for client in (visitor, ann, bob):
            await client.close()
