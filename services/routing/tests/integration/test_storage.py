"""Routing's storage on the real database, as two routing processes use it at once."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pymongo.asynchronous.database import AsyncDatabase

from parley_contracts.routing import DecisionKind, DecisionRecord, RoutingDecision
from parley_routing.adapters import mongo_slots
from parley_routing.adapters.mongo_claims import MongoClaims
from parley_routing.adapters.mongo_journal import MirrorJournal
from parley_routing.adapters.mongo_slots import MongoSlots
from parley_routing.adapters.mongo_state import DECISIONS, MongoDecisionLog
from parley_routing.application.ports import SlotRefused

pytestmark = pytest.mark.integration

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def databases(
    shared_database: tuple[AsyncDatabase[Any], AsyncDatabase[Any]],
) -> tuple[AsyncDatabase[Any], AsyncDatabase[Any]]:
    """The same database through two clients, as two routing processes see it."""
    return shared_database


async def test_two_processes_racing_never_take_more_slots_than_the_maximum(
    databases: tuple[AsyncDatabase[Any], AsyncDatabase[Any]],
) -> None:
    a, b = MongoSlots(databases[0], "a"), MongoSlots(databases[1], "b")
    takes = [slots.take("agt_x", f"conv_{n}", 3) for n in range(10) for slots in (a, b)]
    outcomes = await asyncio.gather(*takes)
    taken = [o for o in outcomes if isinstance(o, int)]
    assert sorted(taken) == [0, 1, 2]
    assert len(await a.held()) == 3


async def test_an_operator_gets_one_slot_per_conversation_whoever_takes_it(
    databases: tuple[AsyncDatabase[Any], AsyncDatabase[Any]],
) -> None:
    a, b = MongoSlots(databases[0], "a"), MongoSlots(databases[1], "b")
    first, second = await asyncio.gather(a.take("agt_x", "conv_1", 3), b.take("agt_x", "conv_1", 3))
    assert sorted([first, second], key=str) == sorted([0, SlotRefused.HELD_ELSEWHERE], key=str)
    assert [c for _, c, _ in await a.held()] == ["conv_1"]


async def test_a_released_slot_can_be_taken_again(
    databases: tuple[AsyncDatabase[Any], AsyncDatabase[Any]],
) -> None:
    a = MongoSlots(databases[0], "a")
    assert await a.take("agt_x", "conv_1", 1) == 0
    assert await a.take("agt_x", "conv_2", 1) is SlotRefused.FULL
    a.release("agt_x", "conv_1")
    assert await a.take("agt_x", "conv_2", 1) == 0  # waits for the release under way
    assert [c for _, c, _ in await a.held()] == ["conv_2"]


async def test_a_slot_whose_taker_is_gone_is_given_back_by_the_other_process(
    databases: tuple[AsyncDatabase[Any], AsyncDatabase[Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(mongo_slots, "RESCUE_AFTER_S", 0.2)
    gone, survivor = MongoSlots(databases[0], "a"), MongoSlots(databases[1], "b")
    assert await gone.take("agt_x", "conv_1", 1) == 0
    survivor.release("agt_x", "conv_1")
    await survivor.drain()
    assert await survivor.take("agt_x", "conv_2", 1) == 0


async def test_a_claim_is_won_by_exactly_one_process(
    databases: tuple[AsyncDatabase[Any], AsyncDatabase[Any]],
) -> None:
    a, b = MongoClaims(databases[0], "a"), MongoClaims(databases[1], "b")
    keys = [f"assign:req_{n}:1" for n in range(20)]
    outcomes = await asyncio.gather(
        *(claims.claim(key, NOW, {}) for key in keys for claims in (a, b))
    )
    assert outcomes.count(True) == len(keys)
    assert all(outcomes[i] != outcomes[i + 1] for i in range(0, len(outcomes), 2))


async def test_old_claims_are_dropped_with_their_collection(
    databases: tuple[AsyncDatabase[Any], AsyncDatabase[Any]],
) -> None:
    claims = MongoClaims(databases[0], "a")
    old, recent = datetime.now(UTC) - timedelta(days=2), datetime.now(UTC)
    assert await claims.claim("giveup:req_old", old, {})
    assert await claims.claim("giveup:req_new", recent, {})
    await claims.prune(timedelta(days=1))
    assert not await claims.claim("giveup:req_new", recent, {})
    assert await claims.claim("giveup:req_old", old, {})


async def test_the_journal_brings_back_the_latest_state_across_new_journals(
    databases: tuple[AsyncDatabase[Any], AsyncDatabase[Any]],
) -> None:
    writer = MirrorJournal(databases[0], "a", 60, min_entries=5, growth=2)
    await writer.load()
    for n in range(12):  # more than enough to start new journals on the way
        writer.put("held", {"_id": f"conv_{n}", "attempt": 1})
        writer.put("held", {"_id": f"conv_{n}", "attempt": 2})
        if n % 3 == 0:
            writer.drop("held", f"conv_{n}")
        await writer.flush()
    reader = MirrorJournal(databases[1], "b", 60)
    state = await reader.load()
    assert state["held"] == {
        f"conv_{n}": {"_id": f"conv_{n}", "attempt": 2} for n in range(12) if n % 3
    }
    journals = [n for n in await databases[0].list_collection_names() if n.startswith("mirror_a")]
    assert len(journals) == 1


async def test_slots_kept_by_an_older_version_still_count(
    databases: tuple[AsyncDatabase[Any], AsyncDatabase[Any]],
) -> None:
    db = databases[0]
    await db["slots"].insert_one(
        {"_id": "agt_x:slot:0", "agent_id": "agt_x", "conversation_id": "conv_old", "at": NOW}
    )
    slots = MongoSlots(db, "a")
    await slots.prepare()
    assert [(a, c) for a, c, _ in await slots.held()] == [("agt_x", "conv_old")]
    assert await slots.take("agt_x", "conv_new", 1) is SlotRefused.FULL


class _GatedDecisions:
    """The database as the journal sees it, with inserts into ``decisions`` held at a gate:
    before they reach the database, or after (the flush not finished yet)."""

    def __init__(self, db: AsyncDatabase[Any], gate: asyncio.Event, *, written_first: bool) -> None:
        self._db, self._gate, self._written_first = db, gate, written_first

    def __getattr__(self, name: str) -> Any:
        return getattr(self._db, name)

    def __getitem__(self, name: str) -> Any:
        collection = self._db[name]
        if name != DECISIONS:
            return collection
        gate, written_first = self._gate, self._written_first

        class Held:
            async def insert_many(self, documents: Any, ordered: bool) -> None:
                if written_first:
                    await collection.insert_many(documents, ordered=ordered)
                await gate.wait()
                if not written_first:
                    await collection.insert_many(documents, ordered=ordered)

        return Held()


@pytest.mark.parametrize("written_first", [False, True], ids=["on its way", "just written"])
async def test_a_decision_being_flushed_is_read_exactly_once(
    databases: tuple[AsyncDatabase[Any], AsyncDatabase[Any]], written_first: bool
) -> None:
    db = databases[0]
    gate = asyncio.Event()
    journal = MirrorJournal(_GatedDecisions(db, gate, written_first=written_first), "a", 60)
    await journal.load()
    decisions = MongoDecisionLog(journal, db)
    decisions.record(
        "conv_1",
        DecisionRecord(
            decided_at=NOW,
            kind=DecisionKind.ASSIGNED,
            agent_ids=("agt_1",),
            decision=RoutingDecision(rule="language", explanation="speaks fr"),
            decision_ms=0.5,
        ),
    )
    flushing = asyncio.create_task(journal.flush())
    await asyncio.sleep(0.2)  # the flush took the record and waits at the gate
    assert not flushing.done()
    assert [r.agent_ids for r in await decisions.for_conversation("conv_1")] == [("agt_1",)]
    gate.set()
    await flushing
    assert [r.agent_ids for r in await decisions.for_conversation("conv_1")] == [("agt_1",)]
