"""Routing over the real broker and database: push and pull modes, decisions read back."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from parley_contracts.common import RoutingMode
from parley_contracts.gateway import JoinReason
from parley_contracts.routing import (
    DecisionKind,
    GetOperatorsV1,
    GetRoutingDecisionsV1,
    OperatorsV1,
    RoutingDecisionsV1,
)

from .conftest import StartService
from .routing_harness import FakeGateway

pytestmark = pytest.mark.system


@pytest.fixture
async def gateway(rabbitmq_url: str) -> AsyncIterator[FakeGateway]:
    fake = FakeGateway(rabbitmq_url)
    await fake.start()
    yield fake
    await fake.stop()


async def test_push_assigns_the_speaker_of_the_visitors_language_and_explains_why(
    start_service: StartService, gateway: FakeGateway
) -> None:
    start_service("routing")
    channel = gateway.ids("ch")
    await gateway.configure_channel(channel)
    await gateway.operator("agt_en", channel, lang="en")
    await gateway.operator("agt_fr", channel, lang="fr")
    await gateway.online("agt_en")
    await gateway.online("agt_fr")
    conversation = gateway.ids("conv")
    await gateway.request(conversation, channel, lang="fr")
    assigned = await gateway.wait_for("conversation.assigned.v1", conversation_id=conversation)
    assert assigned.agent_id == "agt_fr"
    assert assigned.decision.rule == "language"
    operators = await gateway.ask(GetOperatorsV1(channel_id=channel), OperatorsV1)
    loads = {o.profile.agent_id: o.active_conversation_ids for o in operators.operators}
    assert loads["agt_fr"] == (conversation,)
    decisions = await gateway.ask(
        GetRoutingDecisionsV1(conversation_id=conversation), RoutingDecisionsV1
    )
    assert [d.kind for d in decisions.decisions] == [DecisionKind.ASSIGNED]
    loser = next(c for c in decisions.decisions[0].decision.candidates if c.agent_id == "agt_en")
    assert "lower tier" in loser.reasons[0]


async def test_request_waits_in_the_queue_until_an_operator_comes_online(
    start_service: StartService, gateway: FakeGateway
) -> None:
    start_service("routing")
    channel = gateway.ids("ch")
    await gateway.configure_channel(channel)
    await gateway.operator("agt_late", channel)
    conversation = gateway.ids("conv")
    await gateway.request(conversation, channel)
    position = await gateway.wait_for(
        "conversation.queue_position_changed.v1", conversation_id=conversation
    )
    assert position.position == 1
    await gateway.online("agt_late")
    assigned = await gateway.wait_for("conversation.assigned.v1", conversation_id=conversation)
    assert assigned.agent_id == "agt_late"


async def test_pull_offers_to_every_eligible_operator_and_counts_the_accepting_ones_load(
    start_service: StartService, gateway: FakeGateway
) -> None:
    start_service("routing")
    channel = gateway.ids("ch")
    await gateway.configure_channel(channel, RoutingMode.PULL)
    for agent in ("agt_a", "agt_b"):
        await gateway.operator(agent, channel)
        await gateway.online(agent)
    conversation = gateway.ids("conv")
    await gateway.request(conversation, channel)
    offered = await gateway.wait_for("conversation.offered.v1", conversation_id=conversation)
    assert set(offered.agent_ids) == {"agt_a", "agt_b"}
    await gateway.joined(conversation, channel, "agt_b", JoinReason.ACCEPTED)
    decisions = await _decisions_until(gateway, conversation, DecisionKind.ACCEPTED)
    assert decisions[-1].agent_ids == ("agt_b",)
    operators = await gateway.ask(GetOperatorsV1(agent_ids=("agt_b",)), OperatorsV1)
    assert operators.operators[0].active_conversation_ids == (conversation,)
    assert not gateway.all_of("conversation.assigned.v1", conversation_id=conversation)


async def _decisions_until(gateway: FakeGateway, conversation: str, kind: DecisionKind) -> list:  # type: ignore[type-arg]
    import asyncio

    for _ in range(50):
        reply = await gateway.ask(
            GetRoutingDecisionsV1(conversation_id=conversation), RoutingDecisionsV1
        )
        if any(d.kind is kind for d in reply.decisions):
            return list(reply.decisions)
        await asyncio.sleep(0.2)
    raise AssertionError(f"no {kind} decision for {conversation}")
