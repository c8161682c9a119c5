"""A consumer on a busy event loop takes in a burst of messages in a few turns."""

from __future__ import annotations

import asyncio
import uuid

import aio_pika

from parley_platform.messaging.channel_buffer import FRAME_BUFFER, widen_channel_buffers

from .conftest import BusyLoop

MESSAGES = 600


async def test_a_burst_reaches_a_consumer_on_a_busy_loop_in_few_turns(rabbitmq_url: str) -> None:
    """aiormq's default of 10 frames per channel let the connection's reader hand over about
    three messages a turn of the loop: 600 messages took 368 turns, each as long as the
    rest of the service's work made it."""
    widen_channel_buffers()
    widen_channel_buffers()  # a second call changes nothing
    connection = await aio_pika.connect_robust(rabbitmq_url)
    async with connection:
        channel = await connection.channel()
        underlay = await channel.get_underlay_channel()
        assert underlay.frames.maxsize == FRAME_BUFFER
        queue = await channel.declare_queue(f"test.buffer.{uuid.uuid4().hex[:8]}", exclusive=True)
        for n in range(MESSAGES):
            await channel.default_exchange.publish(
                aio_pika.Message(str(n).encode()), routing_key=queue.name
            )
        received: list[int] = []
        all_in = asyncio.Event()

        async def on_message(message: aio_pika.abc.AbstractIncomingMessage) -> None:
            received.append(int(message.body))
            if len(received) == MESSAGES:
                all_in.set()

        async with BusyLoop() as busy:
            await queue.consume(on_message, no_ack=True)
            await asyncio.wait_for(all_in.wait(), timeout=60)
    turns = busy.turns
    assert sorted(received) == list(range(MESSAGES))
    assert turns <= 60, f"{MESSAGES} messages took {turns} turns of the loop"
