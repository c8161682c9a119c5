"""The conversation log and snapshots on the real database: gap-free, idempotent, conditional."""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import UTC, datetime
from typing import Any

import pytest
from pymongo.asynchronous.database import AsyncDatabase

from parley_gateway.adapters.mongo_conversation_log import MongoConversationLog
from parley_gateway.adapters.mongo_conversation_snapshots import MongoConversationSnapshots
from parley_gateway.application.conversation_ports import SequenceTaken
from parley_gateway.domain.conversation import (
    Conversation,
    ConversationKind,
    Lifecycle,
    VisitorProfile,
)
from parley_gateway.domain.conversation_fold import changes_between
from parley_gateway.domain.conversation_log import EntryKind, LogEntry
from parley_gateway.domain.identity import Actor, Role

pytestmark = pytest.mark.integration

VERA = Actor("vis_vera", Role.VISITOR, "Vera")
NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def databases(
    shared_database: tuple[AsyncDatabase[Any], AsyncDatabase[Any]],
) -> tuple[AsyncDatabase[Any], AsyncDatabase[Any]]:
    """The same database through two clients, as two gateway replicas see it."""
    return shared_database


def message(conversation_id: str, text: str, client_id: str | None = None) -> LogEntry:
    return LogEntry(
        conversation_id=conversation_id,
        seq=0,
        kind=EntryKind.MESSAGE,
        at=NOW,
        actor=VERA,
        client_message_id=client_id,
        payload={"message_id": f"msg_{text}", "text": text, "attachments": []},
    )


async def test_concurrent_appends_from_two_replicas_get_gap_free_sequences(
    databases: tuple[AsyncDatabase[Any], AsyncDatabase[Any]],
) -> None:
    replica_a, replica_b = MongoConversationLog(databases[0]), MongoConversationLog(databases[1])
    await replica_a.ensure_indexes()
    writes = [
        (replica_a if n % 2 else replica_b).append(message("conv_race", f"m{n}")) for n in range(60)
    ]
    stored = await asyncio.gather(*writes)
    assert sorted(a.entry.seq for a in stored) == list(range(1, 61))
    entries = await replica_b.read("conv_race", 0)
    assert [e.seq for e in entries] == list(range(1, 61))
    assert sorted(e.payload["text"] for e in entries) == sorted(f"m{n}" for n in range(60))
    assert await replica_a.last_seq("conv_race") == 60


async def test_a_retried_client_message_id_is_stored_once_even_when_retries_race(
    databases: tuple[AsyncDatabase[Any], AsyncDatabase[Any]],
) -> None:
    replica_a, replica_b = MongoConversationLog(databases[0]), MongoConversationLog(databases[1])
    await replica_a.ensure_indexes()
    await replica_a.append(message("conv_d", "before"))
    key = "conv_d|vis_vera|c-1"
    results = await asyncio.gather(
        *(
            r.append(message("conv_d", "hi", "c-1"), dedupe_key=key)
            for r in (replica_a, replica_b) * 3
        )
    )
    originals = [r for r in results if not r.duplicate]
    assert len(originals) == 1
    assert {r.entry.seq for r in results} == {2}
    assert await replica_b.last_seq("conv_d") == 2
    again = await replica_b.append(message("conv_d", "hi", "c-1"), dedupe_key=key)
    assert again.duplicate and again.entry.payload["text"] == "hi"


async def test_reads_after_a_sequence_come_in_order_and_within_the_limit(
    databases: tuple[AsyncDatabase[Any], AsyncDatabase[Any]],
) -> None:
    log = MongoConversationLog(databases[0])
    await log.ensure_indexes()
    for n in range(1, 8):
        await log.append(message("conv_r", f"m{n}"))
    assert [e.seq for e in await log.read("conv_r", 3, limit=2)] == [4, 5]
    assert await log.read("conv_r", 7) == []
    assert await log.last_seq("conv_unknown") == 0
    first = (await log.read("conv_r", 0, limit=1))[0]
    assert first.at == NOW and first.actor == VERA and first.kind == "message"


async def test_a_strict_append_fails_when_its_sequence_is_taken(
    databases: tuple[AsyncDatabase[Any], AsyncDatabase[Any]],
) -> None:
    log = MongoConversationLog(databases[0])
    await log.append(message("conv_s", "one"))
    with pytest.raises(SequenceTaken):
        await log.append(message("conv_s", "late"), expected_seq=1)
    assert (await log.append(message("conv_s", "two"), expected_seq=2)).entry.seq == 2


def snapshot(conversation_id: str, **fields: Any) -> Conversation:
    visitor = VisitorProfile(visitor_id="vis_vera", name="Vera")
    return Conversation(
        conversation_id, "ch_support", ConversationKind.VISITOR, NOW, visitor=visitor, **fields
    )


async def test_snapshot_updates_are_conditional_on_the_last_sequence(
    databases: tuple[AsyncDatabase[Any], AsyncDatabase[Any]],
) -> None:
    store = MongoConversationSnapshots(databases[0])
    await store.ensure_indexes()
    before = snapshot("conv_1", last_seq=2)
    assert await store.create(before) and not await store.create(before)
    after = dataclasses.replace(before, title="Refund", tags=("billing",), last_seq=3)
    assert await store.apply("conv_1", changes_between(before, after), 2)
    assert not await store.apply("conv_1", changes_between(before, after), 2)  # a replay
    assert await store.get("conv_1") == after


async def test_lists_find_the_right_conversations(
    databases: tuple[AsyncDatabase[Any], AsyncDatabase[Any]],
) -> None:
    store_a, store_b = (
        MongoConversationSnapshots(databases[0]),
        MongoConversationSnapshots(databases[1]),
    )
    await store_a.ensure_indexes()
    await store_a.create(snapshot("conv_w"))
    await store_a.create(dataclasses.replace(snapshot("conv_x"), channel_id="ch_sales"))
    assert await store_a.mark_queued("conv_x") and not await store_a.mark_queued("conv_x")
    waiting = await store_b.waiting_in_channels(["ch_support", "ch_sales"])
    assert [c.id for c in waiting] == ["conv_w", "conv_x"]
    assert waiting[1].lifecycle is Lifecycle.QUEUED
    assert [c.id for c in await store_b.of_visitor("vis_vera")] == ["conv_w", "conv_x"]
    assert await store_b.active_of_agent("agt_ada") == []
