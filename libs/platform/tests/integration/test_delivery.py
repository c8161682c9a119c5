"""Publishing and consuming through the real broker: confirms, retries, dead letters, duplicates."""

from __future__ import annotations

import asyncio
from typing import Any

import aio_pika
import pytest

from parley_platform.messaging.publisher import UnroutableEvent
from parley_platform.runtime import ServiceRuntime
from parley_platform.settings import ServiceSettings

from .conftest import Started, eventually, parse_probe, probe

pytestmark = pytest.mark.integration


def collecting_runtime(
    settings: ServiceSettings, *, keyed_by_event: bool = False
) -> tuple[ServiceRuntime, list[Any]]:
    runtime = ServiceRuntime(settings)
    handled: list[Any] = []

    async def handle(event: Any) -> None:
        if event.data.poison:
            raise ValueError("this message can never be handled")
        handled.append(event)

    runtime.consume(
        runtime.queue("probes", ["test.probe_emitted.v1"]),
        handle,
        parse_probe,
        keyed_by_event=keyed_by_event,
    )
    return runtime, handled


async def test_published_event_is_handled_once(settings: ServiceSettings, started: Started) -> None:
    runtime, handled = collecting_runtime(settings)
    await started(runtime)
    event = probe(1)
    await runtime.publisher.publish(event)
    await eventually(lambda: len(handled) == 1)
    assert handled[0].id == event.id and handled[0].data.n == 1


async def test_publish_with_no_bound_queue_raises(
    settings: ServiceSettings, started: Started
) -> None:
    runtime = await started(ServiceRuntime(settings))
    with pytest.raises(UnroutableEvent):
        await runtime.publisher.publish(
            probe(1, source="/parley/nobody-listens").model_copy(
                update={"type": "test.nobody_listens.v1"}
            )
        )


async def test_poison_message_is_dead_lettered_after_the_delivery_limit_without_blocking(
    settings: ServiceSettings, started: Started, rabbitmq_url: str
) -> None:
    runtime, handled = collecting_runtime(settings)
    await started(runtime)
    await runtime.publisher.publish(probe(0, poison=True))
    for n in range(1, 6):
        await runtime.publisher.publish(probe(n))
    await eventually(lambda: len(handled) == 5)
    dead = await _wait_for_dead_letter(rabbitmq_url, f"{settings.service_name}.probes.dlq")
    assert dead.headers.get("x-parley-attempt") == settings.delivery_limit
    assert [event.data.n for event in handled] == [1, 2, 3, 4, 5]


async def test_message_that_is_not_an_event_goes_straight_to_dead_letters(
    settings: ServiceSettings, started: Started, rabbitmq_url: str
) -> None:
    runtime, handled = collecting_runtime(settings)
    await started(runtime)
    await runtime.broker.publish(
        b"{not json", exchange="parley.events", routing_key="test.probe_emitted.v1"
    )
    await runtime.publisher.publish(probe(7))
    dead = await _wait_for_dead_letter(rabbitmq_url, f"{settings.service_name}.probes.dlq")
    assert dead.body == b"{not json"
    await eventually(lambda: [event.data.n for event in handled] == [7])


async def test_republished_event_is_handled_only_once(
    settings: ServiceSettings, started: Started
) -> None:
    runtime, handled = collecting_runtime(settings)
    await started(runtime)
    event = probe(3)
    await runtime.publisher.publish(event)
    await eventually(lambda: len(handled) == 1)
    restarted, handled_after_restart = collecting_runtime(settings)
    await runtime.stop()
    await started(restarted)  # a fresh process: its memory of recent keys is empty
    await restarted.publisher.publish(event, republished=True)
    await restarted.publisher.publish(probe(4))
    await eventually(lambda: len(handled_after_restart) == 1)
    assert handled_after_restart[0].data.n == 4


async def test_a_consumer_keyed_by_event_records_nothing_in_the_inbox(
    settings: ServiceSettings, started: Started
) -> None:
    # Its handler's write refuses a second copy by itself: a duplicate reaches the handler
    # again, and no inbox key is written for any event.
    runtime, handled = collecting_runtime(settings, keyed_by_event=True)
    await started(runtime)
    event = probe(5)
    await runtime.publisher.publish(event)
    await eventually(lambda: len(handled) == 1)
    await runtime.publisher.publish(event, republished=True)
    await eventually(lambda: len(handled) == 2)
    assert [e.id for e in handled] == [event.id, event.id]
    assert await runtime.db["inbox"].count_documents({}) == 0
    # The default consumer of the same events does record them.
    counted, counted_handled = collecting_runtime(settings)
    await runtime.stop()
    await started(counted)
    await counted.publisher.publish(probe(6))
    await eventually(lambda: len(counted_handled) == 1)
    for _ in range(100):  # the key is written before the acknowledgement, after the handler
        if await counted.db["inbox"].count_documents({}) == 1:
            break
        await asyncio.sleep(0.05)
    assert await counted.db["inbox"].count_documents({}) == 1


async def test_trace_context_travels_from_publisher_to_handler(
    settings: ServiceSettings, started: Started
) -> None:
    from opentelemetry import trace

    runtime = ServiceRuntime(settings)
    seen: list[str] = []

    async def handle(_: Any) -> None:
        seen.append(format(trace.get_current_span().get_span_context().trace_id, "032x"))

    runtime.consume(runtime.queue("traced", ["test.probe_emitted.v1"]), handle, parse_probe)
    await started(runtime)
    with trace.get_tracer("test").start_as_current_span("publishing") as span:
        await runtime.publisher.publish(probe(1))
        trace_id = format(span.get_span_context().trace_id, "032x")
    await eventually(lambda: len(seen) == 1)
    assert seen == [trace_id]


async def _wait_for_dead_letter(url: str, queue_name: str) -> aio_pika.abc.AbstractIncomingMessage:
    connection = await aio_pika.connect(url)
    async with connection:
        channel = await connection.channel()
        queue = await channel.get_queue(queue_name)
        for _ in range(300):
            message = await queue.get(fail=False, no_ack=True)
            if message is not None:
                return message
            await _sleep()
    raise AssertionError(f"nothing reached {queue_name}")


async def _sleep() -> None:
    import asyncio

    await asyncio.sleep(0.05)
