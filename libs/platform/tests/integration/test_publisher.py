"""The event publisher keeps many publishes moving on a busy event loop."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

import aio_pika
import pytest

from parley_platform.messaging.publisher import EventPublisher
from parley_platform.messaging.topology import EVENTS_EXCHANGE

from .conftest import BusyLoop, probe

CONCURRENT = 400


@pytest.fixture
async def bound_queue(rabbitmq_url: str) -> AsyncIterator[aio_pika.abc.AbstractQueue]:
    """A queue for the probe events, so that mandatory publishes are routed."""
    connection = await aio_pika.connect_robust(rabbitmq_url)
    async with connection:
        channel = await connection.channel()
        exchange = await channel.declare_exchange(
            EVENTS_EXCHANGE, aio_pika.ExchangeType.TOPIC, durable=True
        )
        queue = await channel.declare_queue(f"test.publisher.{uuid.uuid4().hex[:8]}")
        await queue.bind(exchange, routing_key=probe(0).type)
        yield queue
        await queue.delete(if_unused=False, if_empty=False)


async def test_concurrent_publishes_share_turns_of_a_busy_loop(
    rabbitmq_url: str, bound_queue: aio_pika.abc.AbstractQueue
) -> None:
    """A service's loop is rarely idle, and each turn of it costs time. Publishes started
    together go out in a few turns: taking the channel's lock through ``asyncio.wait_for``
    (aiormq, given a timeout) cost seven turns a publish, and the connection's queue of 10
    messages for its writer, once full, one turn a publish (400 publishes, 399 turns)."""
    publisher = EventPublisher(rabbitmq_url, "test-publisher", timeout_s=60.0)
    await publisher.connect()
    try:
        async with BusyLoop() as busy:
            await asyncio.gather(*(publisher.publish(probe(n)) for n in range(CONCURRENT)))
    finally:
        await publisher.close()
    turns = busy.turns
    # The broker confirms in its own time (a few turns), but not one turn a publish.
    assert turns <= CONCURRENT / 2, f"{CONCURRENT} publishes took {turns} turns of the loop"
    for _ in range(50):
        if bound_queue.declaration_result.message_count == CONCURRENT:
            break
        await asyncio.sleep(0.1)
        await bound_queue.declare()
    assert bound_queue.declaration_result.message_count == CONCURRENT
