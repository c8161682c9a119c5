"""The live fan-out over the real broker: what one replica produces in a turn of its event loop
reaches the other replicas as one message, in order; single items of the previous version are
still understood."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator, Mapping
from datetime import UTC, datetime
from typing import Any

import aio_pika
import pytest
from aio_pika.abc import AbstractExchange
from pydantic_core import to_json

from parley_gateway.adapters.live_fanout import LIVE_EXCHANGE, RabbitLiveFanout
from parley_gateway.domain.conversation_log import LogEntry, Visibility
from parley_gateway.domain.identity import Actor, Role

pytestmark = pytest.mark.integration

AT = datetime(2026, 3, 1, tzinfo=UTC)


class Recorder:
    """A replica's sink: what reached it, in order."""

    def __init__(self) -> None:
        self.got: list[tuple[str, Any]] = []

    async def on_entry(self, entry: LogEntry) -> None:
        self.got.append(("entry", entry.seq))

    async def on_signal(self, topic: str, frame: Mapping[str, Any]) -> None:
        self.got.append((topic, frame["n"]))


def entry(seq: int) -> LogEntry:
    actor = Actor("agt_a", Role.AGENT, "Ann")
    return LogEntry("conv_1", seq, "message", AT, actor, Visibility.PUBLIC, None, {"text": "hi"})


async def until(predicate: Any, timeout_s: float = 10.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout_s
    while not predicate():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("not delivered in time")
        await asyncio.sleep(0.02)


@pytest.fixture
async def pair(rabbitmq_url: str) -> AsyncIterator[tuple[RabbitLiveFanout, Recorder, Recorder]]:
    run = uuid.uuid4().hex[:8]
    sinks = Recorder(), Recorder()
    remote: list[LogEntry] = []
    a = RabbitLiveFanout(rabbitmq_url, f"a-{run}", sinks[0])
    b = RabbitLiveFanout(rabbitmq_url, f"b-{run}", sinks[1], remote_entries=remote.append)
    for fanout in (a, b):
        fanout.start()
        await fanout.wait_until_ready()
    try:
        yield a, sinks[0], sinks[1]
    finally:
        await a.stop()
        await b.stop()


@contextlib.asynccontextmanager
async def live_exchange(rabbitmq_url: str) -> AsyncIterator[AbstractExchange]:
    """The live exchange, as another program on the broker sees it."""
    connection = await aio_pika.connect(rabbitmq_url)
    async with connection:
        channel = await connection.channel()
        yield await channel.get_exchange(LIVE_EXCHANGE)


async def test_one_turn_of_items_is_one_message_and_keeps_its_order(
    pair: tuple[RabbitLiveFanout, Recorder, Recorder], rabbitmq_url: str
) -> None:
    a, own, other = pair
    async with live_exchange(rabbitmq_url) as exchange:
        spy = await exchange.channel.declare_queue(exclusive=True)
        await spy.bind(exchange, routing_key="#")

        async def produce(n: int) -> None:
            await a.entry(entry(n))
            await a.signal("conversation.conv_1", {"type": "typing", "n": n})

        # Eight writers finishing in the same turn, as the callers of one grouped insert do.
        await asyncio.gather(*(produce(n) for n in range(1, 9)))
        topic = "conversation.conv_1"
        expected = [item for n in range(1, 9) for item in (("entry", n), (topic, n))]
        await until(lambda: len(other.got) == len(expected))
        assert other.got == expected
        assert own.got == expected  # the writing replica's own sockets, directly
        messages = []
        while (message := await spy.get(no_ack=True, fail=False)) is not None:
            messages.append(message)
        assert len(messages) == 1 and messages[0].routing_key == "batch"


async def test_a_single_item_from_the_previous_version_is_delivered(
    pair: tuple[RabbitLiveFanout, Recorder, Recorder], rabbitmq_url: str
) -> None:
    _, _, other = pair
    async with live_exchange(rabbitmq_url) as exchange:
        await exchange.publish(
            aio_pika.Message(to_json({"frame": {"type": "queue", "n": 7}}), app_id="old-replica"),
            routing_key="agent.agt_a",
        )
        await until(lambda: other.got == [("agent.agt_a", 7)])
