"""The replica feed's sequence runs queued jobs in slices of the loop's time: many cheap jobs in
one turn, yet the tasks beside it (storing, publishing) still get their turns."""

from __future__ import annotations

import asyncio
import functools
import time
from collections.abc import AsyncIterator

import pytest

from parley_routing.adapters.replica_feed import SLICE_S, ReplicaFeed

pytestmark = pytest.mark.unit


class Turns:
    """Counts the turns of the event loop while it runs."""

    def __init__(self) -> None:
        self.count = 0
        self._task = asyncio.create_task(self._tick())

    async def _tick(self) -> None:
        while True:
            self.count += 1
            await asyncio.sleep(0)

    async def stop(self) -> None:
        self._task.cancel()
        await asyncio.gather(self._task, return_exceptions=True)


@pytest.fixture
async def feed() -> AsyncIterator[ReplicaFeed]:
    # No broker: the feed keeps trying to connect in the background; jobs run regardless.
    feed = ReplicaFeed("amqp://guest:guest@127.0.0.1:1/", "unit", expires_ms=60_000)

    async def nothing() -> None:
        return None

    async def on_sync(_: bytes) -> None:
        return None

    feed.start({}, on_sync, nothing)
    yield feed
    await feed.stop()


async def test_cheap_jobs_queued_together_run_in_few_turns(feed: ReplicaFeed) -> None:
    turns = Turns()
    seen: list[tuple[int, int]] = []
    for n in range(200):
        feed.later(functools.partial(_append, seen, n, turns))
    await feed.run(_nothing)
    await turns.stop()
    assert [n for n, _ in seen] == list(range(200))  # in order
    # One job a turn would take 200 turns; sliced, they share a handful.
    assert seen[-1][1] - seen[0][1] < 20


async def test_slow_jobs_leave_turns_to_the_tasks_beside_the_sequence(feed: ReplicaFeed) -> None:
    turns = Turns()
    seen: list[int] = []
    work_s = SLICE_S / 2

    async def slow(n: int) -> None:
        _busy(work_s)
        seen.append(turns.count)

    for n in range(30):
        feed.later(functools.partial(slow, n))
    await feed.run(_nothing)
    await turns.stop()
    # A slice holds about two of these jobs (three when the clock is generous): the loop turns
    # between slices, so the other tasks are never kept waiting for the whole backlog.
    most_in_one_turn = max(seen.count(turn) for turn in set(seen))
    assert most_in_one_turn <= 4
    assert len(set(seen)) >= 30 // 4


async def _append(seen: list[tuple[int, int]], n: int, turns: Turns) -> None:
    seen.append((n, turns.count))


async def _nothing() -> None:
    return None


def _busy(seconds: float) -> None:
    until = time.perf_counter() + seconds
    while time.perf_counter() < until:
        pass
