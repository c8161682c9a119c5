"""Fault tests: killed consumers, poison messages and a broker outage lose nothing."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from typing import Any

import aio_pika
import pytest
from pymongo import AsyncMongoClient

from parley_contracts.common import OperatorAvailability
from parley_contracts.envelope import CloudEvent
from parley_contracts.routing import OperatorPresenceChangedV1, PresenceReason
from parley_platform.messaging.outbox import document_with_events, pending_in
from parley_platform.runtime import ServiceRuntime
from parley_platform.settings import ServiceSettings

from .conftest import StartService
from .services import ServiceProcess

pytestmark = pytest.mark.system

JOURNAL = "reports.journal"
FAST_RETRIES = {"delivery_limit": "3", "retry_delays_ms": "[100,200]"}


class EventSource:
    """A publishing service in miniature: state changes with their events, through the outbox."""

    def __init__(self, rabbitmq_url: str, mongodb_url: str) -> None:
        name = f"faultsource{uuid.uuid4().hex[:6]}"
        self.runtime = ServiceRuntime(
            ServiceSettings(
                service_name=name,
                rabbitmq_url=rabbitmq_url,
                mongodb_url=mongodb_url,
                outbox_sweep_interval_s=0.5,
                publish_timeout_s=2.0,
            )
        )
        self.relay = self.runtime.outbox("agents")
        self.sent = 0

    async def emit(self, count: int) -> None:
        for _ in range(count):
            change = OperatorPresenceChangedV1(
                agent_id=f"agent-{self.sent}",
                display_name="Ada",
                availability=OperatorAvailability.ONLINE,
                reason=PresenceReason.MANUAL,
            )
            event = CloudEvent.wrap(change, source=self.runtime.source)
            document = document_with_events({"_id": change.agent_id, "online": True}, [event])
            await self.runtime.db.agents.insert_one(document)
            self.relay.notify(pending_in("agents", document))
            self.sent += 1


@pytest.fixture
async def source(rabbitmq_url: str, mongodb_url: str) -> AsyncIterator[EventSource]:
    await _delete_queues(rabbitmq_url, JOURNAL)
    events = EventSource(rabbitmq_url, mongodb_url)
    await events.runtime.start()
    await events.runtime.wait_until_connected()
    yield events
    await events.runtime.mongo.drop_database(events.runtime.settings.database)
    await events.runtime.stop()
    await _delete_queues(rabbitmq_url, JOURNAL)


async def journaled(reports: ServiceProcess, mongodb_url: str, source: str) -> int:
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(mongodb_url)
    try:
        return await client[reports.database].journal.count_documents({"source": source})
    finally:
        await client.close()


async def wait_for_journal(
    reports: ServiceProcess, mongodb_url: str, source: EventSource, timeout_s: float = 60
) -> int:
    deadline = asyncio.get_running_loop().time() + timeout_s
    count = -1
    while asyncio.get_running_loop().time() < deadline:
        count = await journaled(reports, mongodb_url, source.runtime.source)
        if count >= source.sent:
            return count
        await asyncio.sleep(0.2)
    raise AssertionError(f"journal has {count} of {source.sent} events:\n{reports.log_tail()}")


async def test_consumer_killed_with_sigkill_processes_everything_published_meanwhile(
    start_service: StartService, source: EventSource, mongodb_url: str
) -> None:
    reports = start_service("reports", **FAST_RETRIES)
    await source.emit(50)
    await wait_for_journal(reports, mongodb_url, source)
    await source.emit(25)
    reports.kill()
    await source.emit(100)  # published while no consumer runs
    await asyncio.to_thread(reports.start)
    assert await wait_for_journal(reports, mongodb_url, source) == 175


async def test_service_stopped_with_sigterm_loses_nothing(
    start_service: StartService, source: EventSource, mongodb_url: str
) -> None:
    reports = start_service("reports")
    await source.emit(100)
    reports.terminate()
    await source.emit(20)
    await asyncio.to_thread(reports.start)
    assert await wait_for_journal(reports, mongodb_url, source) == 120


async def test_poison_message_is_dead_lettered_and_does_not_hold_up_the_rest(
    start_service: StartService, source: EventSource, mongodb_url: str, rabbitmq_url: str
) -> None:
    reports = start_service("reports", **FAST_RETRIES)
    await source.runtime.broker.publish(
        b"\x00 this is not an event",
        exchange="parley.events",
        routing_key="operator.presence_changed.v1",
    )
    await source.emit(30)
    assert await wait_for_journal(reports, mongodb_url, source) == 30
    dead = await _get_one(rabbitmq_url, f"{JOURNAL}.dlq")
    assert dead == b"\x00 this is not an event"


async def test_broker_restart_while_publishing_delivers_every_event_and_consumers_resume(
    start_service: StartService, source: EventSource, mongodb_url: str, rabbitmq: Any
) -> None:
    reports = start_service("reports", **FAST_RETRIES)
    await source.emit(20)
    await wait_for_journal(reports, mongodb_url, source)
    rabbitmq.stop_app()
    try:
        await source.emit(40)  # the outbox keeps them while the broker is away
        await asyncio.sleep(1.0)
        status, body = await asyncio.to_thread(reports.readiness)
        assert status == 503, body
    finally:
        rabbitmq.start_app()
    await source.emit(40)
    assert await wait_for_journal(reports, mongodb_url, source, timeout_s=90) == 100
    await asyncio.to_thread(reports.wait_ready, 60)


async def _delete_queues(url: str, queue: str) -> None:
    connection = await aio_pika.connect(url)
    async with connection:
        channel = await connection.channel()
        waits = [f"{queue}.wait.{delay}" for delay in (100, 200, 1000, 5000)]
        for name in (queue, f"{queue}.dlq", *waits):
            await channel.queue_delete(name)


async def _get_one(url: str, queue_name: str) -> bytes:
    connection = await aio_pika.connect(url)
    async with connection:
        channel = await connection.channel()
        queue = await channel.get_queue(queue_name)
        for _ in range(200):
            message = await queue.get(fail=False, no_ack=True)
            if message is not None:
                return message.body
            await asyncio.sleep(0.05)
    raise AssertionError(f"nothing reached {queue_name}")
