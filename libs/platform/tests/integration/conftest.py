"""A service runtime wired to the real broker and database, with a probe event to send."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any, ClassVar

import pytest

from parley_contracts.base import Event
from parley_contracts.envelope import CloudEvent, parse_event_as
from parley_platform.messaging.consumer import IncomingEvent
from parley_platform.runtime import ServiceRuntime
from parley_platform.settings import ServiceSettings
from parley_platform.storage.mongo import create_mongo_client


class ProbeEmittedV1(Event):
    """An event that exists only in these tests."""

    TYPE: ClassVar[str] = "test.probe_emitted.v1"
    n: int
    poison: bool = False


def parse_probe(body: bytes) -> IncomingEvent:
    event = parse_event_as(body, ProbeEmittedV1)
    return IncomingEvent(event=event, source=event.source, id=event.id)


def probe(n: int, *, poison: bool = False, source: str = "/parley/test") -> CloudEvent[Any]:
    return CloudEvent.wrap(ProbeEmittedV1(n=n, poison=poison), source=source)


@pytest.fixture
def settings(rabbitmq_url: str, mongodb_url: str) -> ServiceSettings:
    name = f"t{uuid.uuid4().hex[:8]}"
    return ServiceSettings(
        service_name=name,
        rabbitmq_url=rabbitmq_url,
        mongodb_url=mongodb_url,
        log_format="console",
        delivery_limit=3,
        retry_delays_ms=(100, 200),
        outbox_sweep_interval_s=0.2,
    )


Started = Callable[[ServiceRuntime], Awaitable[ServiceRuntime]]


@pytest.fixture
async def started(settings: ServiceSettings) -> AsyncIterator[Started]:
    """Start a runtime after the test registered its consumers; stop it and drop its data after."""
    runtimes: list[ServiceRuntime] = []

    async def start(runtime: ServiceRuntime) -> ServiceRuntime:
        await runtime.start()
        await runtime.wait_until_connected()
        runtimes.append(runtime)
        return runtime

    yield start
    for runtime in runtimes:
        await runtime.stop()
    client = create_mongo_client(settings.mongodb_url, "parley-test-cleanup")
    await client.drop_database(settings.database)
    await client.close()


async def eventually(predicate: Callable[[], bool], timeout_s: float = 10.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout_s
    while not predicate():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.02)


class BusyLoop:
    """Keeps the event loop as busy as a service's other work does: each turn costs
    ``per_turn_s`` of CPU. ``turns`` counts the turns taken while it ran."""

    def __init__(self, per_turn_s: float = 0.002) -> None:
        self._per_turn_s = per_turn_s
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self.turns = 0

    async def __aenter__(self) -> BusyLoop:
        self._task = asyncio.create_task(self._run())
        return self

    async def __aexit__(self, *_: object) -> None:
        self._stop.set()
        assert self._task is not None
        await self._task

    async def _run(self) -> None:
        while not self._stop.is_set():
            until = time.perf_counter() + self._per_turn_s
            while time.perf_counter() < until:
                pass
            self.turns += 1
            await asyncio.sleep(0)
