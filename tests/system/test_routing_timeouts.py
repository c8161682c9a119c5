"""Routing's timeouts, reassignment, transfers and two processes, on the real servers (R3, A6)."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator

import pytest

from parley_contracts.gateway import JoinReason
from parley_contracts.routing import (
    GetOperatorsV1,
    NoOperatorReason,
    OperatorsV1,
    TransferConversationV1,
)

from .conftest import StartService
from .routing_harness import FakeGateway

pytestmark = pytest.mark.system
FAST = {"replica_queue_expiry_s": "10"}


@pytest.fixture
async def gateway(rabbitmq_url: str) -> AsyncIterator[FakeGateway]:
    fake = FakeGateway(rabbitmq_url)
    await fake.start()
    yield fake
    await fake.stop()


async def test_request_nobody_takes_ends_with_no_one_available(
    start_service: StartService, gateway: FakeGateway
) -> None:
    start_service("routing", **FAST)
    channel = gateway.ids("ch")
    await gateway.configure_channel(channel, request_s=10)
    conversation = gateway.ids("conv")
    await gateway.request(conversation, channel)
    found = await gateway.wait_for(
        "conversation.no_operator_found.v1", timeout_s=20, conversation_id=conversation
    )
    assert found.reason is NoOperatorReason.TIMED_OUT
    assert found.waited_seconds >= 10


async def test_assigned_operator_who_does_not_answer_loses_it_to_the_next(
    start_service: StartService, gateway: FakeGateway
) -> None:
    start_service("routing", **FAST)
    channel = gateway.ids("ch")
    await gateway.configure_channel(channel, answer_s=10)
    await gateway.operator("agt_first", channel)
    await gateway.online("agt_first")
    conversation = gateway.ids("conv")
    await gateway.request(conversation, channel)
    first = await gateway.wait_for("conversation.assigned.v1", conversation_id=conversation)
    assert first.agent_id == "agt_first"
    await gateway.operator("agt_second", channel)
    await gateway.online("agt_second")
    expired = await gateway.wait_for(
        "conversation.assignment_expired.v1", timeout_s=20, conversation_id=conversation
    )
    assert (expired.agent_id, expired.attempt) == ("agt_first", 1)
    second = await gateway.wait_for(
        "conversation.assigned.v1", conversation_id=conversation, attempt=2
    )
    assert second.agent_id == "agt_second"


async def test_answered_assignment_does_not_expire(
    start_service: StartService, gateway: FakeGateway
) -> None:
    start_service("routing", **FAST)
    channel = gateway.ids("ch")
    await gateway.configure_channel(channel, answer_s=10)
    await gateway.operator("agt_quick", channel)
    await gateway.online("agt_quick")
    conversation = gateway.ids("conv")
    await gateway.request(conversation, channel)
    await gateway.wait_for("conversation.assigned.v1", conversation_id=conversation)
    await gateway.joined(conversation, channel, "agt_quick", JoinReason.ASSIGNED)
    await gateway.answered(conversation, channel, "agt_quick")
    await asyncio.sleep(12)
    assert not gateway.all_of("conversation.assignment_expired.v1", conversation_id=conversation)


async def test_operator_who_disconnects_has_unanswered_conversation_routed_again(
    start_service: StartService, gateway: FakeGateway
) -> None:
    start_service("routing", reconnect_grace_s="1", **FAST)
    channel = gateway.ids("ch")
    await gateway.configure_channel(channel)
    await gateway.operator("agt_gone", channel)
    await gateway.online("agt_gone")
    conversation = gateway.ids("conv")
    await gateway.request(conversation, channel)
    await gateway.wait_for("conversation.assigned.v1", conversation_id=conversation)
    await gateway.operator("agt_stays", channel)
    await gateway.online("agt_stays")
    await gateway.signed_out("agt_gone")
    await gateway.wait_for("conversation.assignment_expired.v1", conversation_id=conversation)
    again = await gateway.wait_for(
        "conversation.assigned.v1", conversation_id=conversation, attempt=2
    )
    assert again.agent_id == "agt_stays"


async def test_transfer_to_an_online_agent_and_refusal_for_an_offline_one(
    start_service: StartService, gateway: FakeGateway
) -> None:
    start_service("routing", **FAST)
    channel = gateway.ids("ch")
    await gateway.configure_channel(channel)
    for agent in ("agt_from", "agt_to"):
        await gateway.operator(agent, channel)
        await gateway.online(agent)
    await gateway.operator("agt_off", channel)
    conversation = gateway.ids("conv")
    await gateway.publish(
        TransferConversationV1(
            conversation_id=conversation,
            channel_id=channel,
            requested_by="agt_from",
            to_agent_id="agt_to",
        )
    )
    moved = await gateway.wait_for("conversation.assigned.v1", conversation_id=conversation)
    assert (moved.agent_id, moved.mode.value, moved.previous_agent_id) == (
        "agt_to",
        "transfer",
        "agt_from",
    )
    await gateway.publish(
        TransferConversationV1(
            conversation_id=conversation,
            channel_id=channel,
            requested_by="agt_to",
            to_agent_id="agt_off",
        )
    )
    refused = await gateway.wait_for(
        "conversation.transfer_refused.v1", conversation_id=conversation
    )
    assert "offline" in refused.reason


async def test_two_processes_never_exceed_an_operators_maximum_nor_assign_twice(
    start_service: StartService, gateway: FakeGateway
) -> None:
    shared = {"database": f"parley_routing_shared_{gateway.tag}", **FAST}
    start_service("routing", **shared)
    start_service("routing", **shared)
    channel = gateway.ids("ch")
    await gateway.configure_channel(channel)
    for agent in ("agt_x", "agt_y"):
        await gateway.operator(agent, channel, max_chats=2)
        await gateway.online(agent)
    await asyncio.sleep(0.5)  # both processes have the profiles and presence
    conversations = [gateway.ids("conv") for _ in range(8)]
    await asyncio.gather(*(gateway.request(c, channel) for c in conversations))
    await asyncio.sleep(3)
    assigned = gateway.all_of("conversation.assigned.v1")
    mine = [a for a in assigned if a.conversation_id in set(conversations)]
    per_conversation = Counter(a.conversation_id for a in mine)
    per_agent = Counter(a.agent_id for a in mine)
    assert len(mine) == 4, mine
    assert max(per_conversation.values()) == 1
    assert per_agent == {"agt_x": 2, "agt_y": 2}
    operators = await gateway.ask(GetOperatorsV1(channel_id=channel), OperatorsV1)
    assert all(len(o.active_conversation_ids) <= 2 for o in operators.operators)


async def test_when_one_of_two_processes_dies_the_other_routes_all_channels(
    start_service: StartService, gateway: FakeGateway
) -> None:
    shared = {"database": f"parley_routing_shared_{gateway.tag}", **FAST}
    first = start_service("routing", **shared)
    start_service("routing", **shared)
    channels = [gateway.ids("ch") for _ in range(6)]  # each process owns some of them
    for channel in channels:
        await gateway.configure_channel(channel)
        await gateway.operator(f"agt_{channel}", channel)
        await gateway.online(f"agt_{channel}")
    await asyncio.sleep(1.5)  # both know each other, and every profile
    first.kill()
    conversations = {gateway.ids("conv"): channel for channel in channels}
    for conversation, channel in conversations.items():
        await gateway.request(conversation, channel)
    for conversation, channel in conversations.items():
        assigned = await gateway.wait_for(
            "conversation.assigned.v1", timeout_s=15, conversation_id=conversation
        )
        assert assigned.agent_id == f"agt_{channel}"
