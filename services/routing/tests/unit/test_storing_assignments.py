"""An assignment is decided at once and published once its slot and claim are stored (R1, R3)."""

from __future__ import annotations

import asyncio
from typing import cast

import pytest

from parley_contracts.routing import ConversationAssignedV1
from parley_routing.application.assign_conversation import route
from parley_routing.application.state import Waiting
from parley_routing.application.when_conversation_requested import enqueue

from .builders import op, req
from .fakes import AllShards, FakeClaims, FakePublisher, FakeSlots, FakeWorker, routing_deps

pytestmark = pytest.mark.unit


def assigned(publisher: object) -> list[tuple[str, str]]:
    sent = cast(FakePublisher, publisher).sent
    return [(e.conversation_id, e.agent_id) for e in sent if isinstance(e, ConversationAssignedV1)]


async def test_the_next_choice_counts_an_assignment_still_being_stored() -> None:
    deps = routing_deps(op("agt_ann", max_chats=1), op("agt_bob", max_chats=1))
    await enqueue(deps, Waiting(req("conv_1"), key="r1"))
    await enqueue(deps, Waiting(req("conv_2"), key="r2"))
    await cast(FakeWorker, deps.worker).settle()
    assert sorted(assigned(deps.publisher)) == [("conv_1", "agt_ann"), ("conv_2", "agt_bob")]
    assert deps.state.operators["agt_ann"].state.active_conversation_ids == {"conv_1"}


async def test_an_operator_filled_by_another_process_is_skipped_for_the_next() -> None:
    deps = routing_deps(op("agt_ann", idle_min=20), op("agt_bob", idle_min=10))
    cast(FakeSlots, deps.slots).full_elsewhere.add("agt_ann")
    await enqueue(deps, Waiting(req("conv_1"), key="r1"))
    await cast(FakeWorker, deps.worker).settle()
    assert assigned(deps.publisher) == [("conv_1", "agt_bob")]
    # The claim won beside Ann's refused slot still holds: Bob's try does not claim again.
    assert cast(FakeClaims, deps.claims).asked == ["assign:r1:1"]


async def test_the_slot_and_the_claim_go_to_the_database_together() -> None:
    deps = routing_deps(op("agt_ann"))
    slots, claims = cast(FakeSlots, deps.slots), cast(FakeClaims, deps.claims)
    slots.gate = claims.gate = gate = asyncio.Event()
    await enqueue(deps, Waiting(req("conv_1"), key="r1"))
    settling = asyncio.create_task(cast(FakeWorker, deps.worker).settle())
    for _ in range(5):
        await asyncio.sleep(0)
    assert (slots.asked, claims.asked) == (["agt_ann"], ["assign:r1:1"])  # neither answered
    gate.set()
    await settling
    assert assigned(deps.publisher) == [("conv_1", "agt_ann")]


async def test_a_claim_won_while_the_slot_could_not_be_stored_is_kept_for_the_next_try() -> None:
    deps = routing_deps(op("agt_ann"))
    slots, claims = cast(FakeSlots, deps.slots), cast(FakeClaims, deps.claims)
    slots.failing.add("agt_ann")
    await enqueue(deps, Waiting(req("conv_1"), key="r1"))
    await cast(FakeWorker, deps.worker).settle()
    assert assigned(deps.publisher) == []
    assert deps.state.waiting["conv_1"].claimed
    slots.failing.clear()  # the database is back
    await route(deps, deps.state.waiting["conv_1"])
    await cast(FakeWorker, deps.worker).settle()
    assert assigned(deps.publisher) == [("conv_1", "agt_ann")]
    assert claims.asked == ["assign:r1:1"]


async def test_a_request_another_process_assigned_waits_for_its_event_and_keeps_no_slot() -> None:
    deps = routing_deps(op("agt_ann"))
    cast(FakeClaims, deps.claims).others.add("assign:r1:1")
    await enqueue(deps, Waiting(req("conv_1"), key="r1"))
    await cast(FakeWorker, deps.worker).settle()
    assert assigned(deps.publisher) == []
    assert "conv_1" in deps.state.waiting
    assert cast(FakeSlots, deps.slots).held["agt_ann"] == {}
    assert deps.state.operators["agt_ann"].state.active_conversation_ids == frozenset()


async def test_a_conversation_that_ended_while_stored_gives_its_slot_back() -> None:
    deps = routing_deps(op("agt_ann"))
    await enqueue(deps, Waiting(req("conv_1"), key="r1"))
    deps.state.gone["conv_1"] = req().requested_at  # its end arrived meanwhile
    await cast(FakeWorker, deps.worker).settle()
    assert cast(FakeSlots, deps.slots).held["agt_ann"] == {}
    assert "conv_1" not in deps.state.held


async def test_requests_of_a_channel_another_process_routes_only_wait() -> None:
    deps = routing_deps(op("agt_ann"))
    cast(AllShards, deps.shards).others.add(req().channel_id)
    await enqueue(deps, Waiting(req("conv_1"), key="r1"))
    await cast(FakeWorker, deps.worker).settle()
    assert assigned(deps.publisher) == []
    assert "conv_1" in deps.state.waiting


async def test_a_claim_that_could_not_be_stored_gives_its_slot_back() -> None:
    deps = routing_deps(op("agt_ann", max_chats=1))
    cast(FakeClaims, deps.claims).failing.add("assign:r1:1")
    await enqueue(deps, Waiting(req("conv_1"), key="r1"))
    await cast(FakeWorker, deps.worker).settle()
    assert assigned(deps.publisher) == []
    assert "conv_1" in deps.state.waiting  # waits to be routed again
    assert cast(FakeSlots, deps.slots).held["agt_ann"] == {}


async def test_a_store_cancelled_at_shutdown_is_not_mistaken_for_a_database_failure() -> None:
    deps = routing_deps(op("agt_ann"))
    cast(FakeSlots, deps.slots).gate = asyncio.Event()  # the slot never answers
    await enqueue(deps, Waiting(req("conv_1"), key="r1"))
    settling = asyncio.create_task(cast(FakeWorker, deps.worker).settle())
    for _ in range(5):
        await asyncio.sleep(0)
    settling.cancel()
    with pytest.raises(asyncio.CancelledError):
        await settling
