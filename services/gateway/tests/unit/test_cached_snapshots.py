"""The replica's snapshot memory: served without a database read, never trusted for writes it
did not see, dropped where routing changes a snapshot outside the log."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import pytest

from parley_gateway.adapters.cached_snapshots import CachedSnapshots
from parley_gateway.domain.conversation import Conversation, ConversationKind, Lifecycle

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
