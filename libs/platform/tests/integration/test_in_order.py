"""A queue consumed in order: one delivery at a time, in the order published, across replicas."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from parley_platform.runtime import ServiceRuntime
from parley_platform.settings import ServiceSettings

from .conftest import Started, eventually, parse_probe, probe

pytestmark = pytest.mark.integration


def ordered_runtime(settings: ServiceSettings, handled: list[tuple[str, int]], tag: str) -> Any:
    runtime = ServiceRuntime(settings)

    async def handle(event: Any) -> None:
        # Slow enough that a second delivery would overtake this one if it were allowed in.
        await asyncio.sleep(0.02 if event.data.n % 2 else 0.0)
        handled.append((tag, event.data.n))

    queue = runtime.queue("ordered", ["test.probe_emitted.v1"], in_order=True)
    runtime.consume(queue, handle, parse_probe)
    return runtime


async def test_two_replicas_handle_an_ordered_queue_one_at_a_time_in_order(
    settings: ServiceSettings, started: Started
) -> None:
    handled: list[tuple[str, int]] = []
    first = await started(ordered_runtime(settings, handled, "a"))
    await started(ordered_runtime(settings, handled, "b"))
    for n in range(1, 21):
        await first.publisher.publish(probe(n))
    await eventually(lambda: len(handled) == 20)
    assert [n for _, n in handled] == list(range(1, 21))
    assert len({tag for tag, _ in handled}) == 1  # the single active consumer did them all
