"""The replica's snapshot memory: served without a database read, never trusted for writes it
did not see, dropped where routing changes a snapshot outside the log."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import pytest

from parley_gateway.adapters.cached_snapshots import CachedSnapshots
from parley_gateway.domain.conversation import Conversation, ConversationKind, Lifecycle
from parley_gateway.domain.conversation_log import EntryKind, LogEntry
from parley_gateway.domain.identity import Actor, Role

from .fakes import InMemorySnapshots

pytestmark = pytest.mark.unit

AT = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


class CountingSnapshots(InMemorySnapshots):
    def __init__(self) -> None:
        super().__init__()
        self.reads = 0

    async def get(self, conversation_id: str, *, cached: bool = True) -> Conversation | None:
        self.reads += 1
        return await super().get(conversation_id)


def conversation(conversation_id: str = "conv_1", seq: int = 1) -> Conversation:
    return Conversation(
        id=conversation_id,
        channel_id="ch",
        kind=ConversationKind.VISITOR,
        created_at=AT,
        last_seq=seq,
    )


async def test_what_this_replica_wrote_is_read_from_memory() -> None:
    stored = CountingSnapshots()
    cache = CachedSnapshots(stored)
    assert await cache.create(conversation())
    assert await cache.apply("conv_1", {"last_seq": 2, "lifecycle": Lifecycle.ACTIVE}, 1)
    seen = await cache.get("conv_1")
    assert seen is not None and seen.last_seq == 2 and seen.lifecycle is Lifecycle.ACTIVE
    assert stored.reads == 0


async def test_a_lost_compare_and_set_forgets_the_entry() -> None:
    stored = CountingSnapshots()
    cache = CachedSnapshots(stored)
    await cache.create(conversation())
    # Another replica moved the stored snapshot on; our update expected seq 1 and loses.
    stored.stored["conv_1"] = dataclasses.replace(stored.stored["conv_1"], last_seq=3)
    assert not await cache.apply("conv_1", {"last_seq": 2}, 1)
    seen = await cache.get("conv_1")
    assert seen is not None and seen.last_seq == 3 and stored.reads == 1


async def test_changes_outside_the_log_and_uncached_reads_go_to_the_database() -> None:
    stored = CountingSnapshots()
    cache = CachedSnapshots(stored)
    await cache.create(conversation())
    await cache.record_offer("conv_1", ["agt_a"])
    await cache.get("conv_1")
    await cache.get("conv_1", cached=False)
    assert stored.reads == 2


async def test_the_memory_is_bounded_least_recently_used_first_out() -> None:
    stored = CountingSnapshots()
    cache = CachedSnapshots(stored, max_entries=2)
    for name in ("a", "b"):
        await cache.create(conversation(name))
    await cache.get("a")  # a is now the most recent
    await cache.create(conversation("c"))
    assert len(cache) == 2
    reads_before = stored.reads
    await cache.get("a")  # still remembered
    await cache.get("b")  # pushed out by c: read from the database
    assert stored.reads == reads_before + 1


async def test_a_read_that_raced_a_write_does_not_bring_back_the_older_snapshot() -> None:
    old = conversation(seq=1)

    class SlowRead(CountingSnapshots):
        async def get(self, conversation_id: str, *, cached: bool = True) -> Conversation | None:
            return old  # the answer of a read that left before the write below

    racing = CachedSnapshots(SlowRead())
    racing._remember(conversation(seq=2))  # what this replica just wrote
    assert (await racing.get("conv_1", cached=False)) == old
    seen = await racing.get("conv_1")
    assert seen is not None and seen.last_seq == 2


def message_after(before: Conversation, text: str) -> Conversation:
    return dataclasses.replace(
        before,
        last_seq=before.last_seq + 1,
        message_count=before.message_count + 1,
        last_message_preview=text,
    )


async def one_message_behind(stored: InMemorySnapshots) -> tuple[CachedSnapshots, Conversation]:
    """A cache over ``stored`` holding a conversation at seq 1 and one message written behind."""
    cache = CachedSnapshots(stored, write_behind_s=60)
    await cache.create(conversation(seq=1))
    first = await cache.get("conv_1")
    assert first is not None
    second = message_after(first, "hello")
    assert cache.defer(first, second)
    return cache, second


async def test_messages_are_stored_behind_in_one_write_and_read_at_once() -> None:
    stored = CountingSnapshots()
    cache, second = await one_message_behind(stored)
    third = message_after(second, "anyone there?")
    assert cache.defer(second, third)
    assert (await cache.get("conv_1")) is third  # this replica sees it at once
    assert (await stored.get("conv_1")).last_seq == 1  # the database a moment later
    # A read past the memory (say, after routing's mark) gets the deferred changes too.
    assert (await cache.get("conv_1", cached=False)).last_message_preview == "anyone there?"
    await cache.flush()
    saved = await stored.get("conv_1")
    assert (saved.last_seq, saved.message_count) == (3, 2)


async def test_a_change_that_is_not_progress_is_stored_at_once_with_what_was_behind() -> None:
    stored = InMemorySnapshots()
    cache, second = await one_message_behind(stored)
    ended = dataclasses.replace(second, last_seq=3, lifecycle=Lifecycle.ENDED)
    assert not cache.defer(second, ended)  # a lifecycle change is not progress
    assert await cache.apply("conv_1", {"last_seq": 3, "lifecycle": Lifecycle.ENDED}, 2)
    saved = await stored.get("conv_1")
    assert saved is not None
    assert (saved.last_seq, saved.lifecycle, saved.last_message_preview) == (
        3,
        Lifecycle.ENDED,
        "hello",
    )
    await cache.flush()  # nothing left behind: no stale write over the newer state
    assert (await stored.get("conv_1")).last_seq == 3


async def test_a_snapshot_this_replica_did_not_read_is_not_written_behind() -> None:
    cache = CachedSnapshots(InMemorySnapshots(), write_behind_s=60)
    folded = conversation(seq=4)  # say, the stored snapshot plus the log's tail
    assert not cache.defer(folded, message_after(folded, "hi"))


def message_entry(seq: int, text: str) -> LogEntry:
    return LogEntry(
        conversation_id="conv_1",
        seq=seq,
        kind=EntryKind.MESSAGE,
        at=AT,
        actor=Actor("vis_1", Role.VISITOR, "Ann"),
        payload={"text": text},
    )


async def test_another_replicas_entry_moves_a_remembered_snapshot_on() -> None:
    stored = CountingSnapshots()
    cache = CachedSnapshots(stored)
    await cache.create(conversation(seq=3))
    cache.observe(message_entry(4, "from the other replica"))
    moved = await cache.get("conv_1")
    assert moved is not None and moved.last_seq == 4
    assert moved.last_message_preview == "from the other replica"
    assert stored.reads == 0
    cache.observe(message_entry(4, "again"))  # a copy changes nothing
    assert (await cache.get("conv_1")) is moved
    cache.observe(message_entry(6, "after a gap"))  # one missed: forget, read the database
    await cache.get("conv_1")
    assert stored.reads == 1
