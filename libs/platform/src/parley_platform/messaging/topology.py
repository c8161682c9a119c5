"""Exchanges and queues: what a consumer queue looks like and how it is declared.

FastStream declares the consumer queue itself; bindings to several routing keys, the dead-letter
queue and the back-off wait queues are declared here with aio-pika, which FastStream has no
words for.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, cast

import aio_pika
from aio_pika.abc import AbstractChannel, AbstractExchange
from faststream.rabbit import ExchangeType, QueueType, RabbitExchange, RabbitQueue

from parley_contracts.names import (
    ATTEMPT_HEADER,
    DEAD_LETTER_EXCHANGE,
    EVENTS_EXCHANGE,
    dead_letter_queue,
    wait_queue,
)

REPUBLISHED_HEADER = "x-parley-republished"
"""Set when a message is sent again (relay sweep, retry): it may be a duplicate of one handled."""

__all__ = ["ATTEMPT_HEADER", "DEAD_LETTER_EXCHANGE", "EVENTS_EXCHANGE", "REPUBLISHED_HEADER"]

events_exchange = RabbitExchange(EVENTS_EXCHANGE, type=ExchangeType.TOPIC, durable=True)


@dataclass(frozen=True)
class ConsumerQueue:
    """A durable quorum queue owned by one consumer, with its dead-letter and wait queues."""

    name: str
    routing_keys: tuple[str, ...]
    delivery_limit: int = 5
    retry_delays_ms: tuple[int, ...] = (200, 1_000, 5_000)
    extra_arguments: dict[str, object] = field(default_factory=dict)
    prefetch: int | None = None
    """Unacknowledged deliveries per consumer; None: the service's ``prefetch``."""

    @property
    def dead_letter_queue(self) -> str:
        return dead_letter_queue(self.name)

    def wait_queue(self, delay_ms: int) -> str:
        return wait_queue(self.name, delay_ms)

    def delay_before(self, attempt: int) -> int:
        """The wait before ``attempt`` (2 = first retry); the last delay repeats."""
        index = min(attempt - 2, len(self.retry_delays_ms) - 1)
        return self.retry_delays_ms[max(index, 0)]

    def arguments(self) -> dict[str, object]:
        return {
            "x-queue-type": "quorum",
            # The broker's own count covers consumers that die mid-message.
            "x-delivery-limit": self.delivery_limit,
            "x-dead-letter-exchange": DEAD_LETTER_EXCHANGE,
            "x-dead-letter-routing-key": self.name,
            **self.extra_arguments,
        }

    def as_faststream(self) -> RabbitQueue:
        return RabbitQueue(
            self.name,
            durable=True,
            queue_type=QueueType.QUORUM,
            arguments=cast(Any, self.arguments()),
            # Bound to the first key by FastStream; the others are bound in declare_consumer_queue.
            routing_key=self.routing_keys[0] if self.routing_keys else "",
        )


async def declare_exchanges(channel: AbstractChannel) -> tuple[AbstractExchange, AbstractExchange]:
    events = await channel.declare_exchange(
        EVENTS_EXCHANGE, aio_pika.ExchangeType.TOPIC, durable=True
    )
    dead = await channel.declare_exchange(
        DEAD_LETTER_EXCHANGE, aio_pika.ExchangeType.DIRECT, durable=True
    )
    return events, dead


async def declare_consumer_queue(channel: AbstractChannel, spec: ConsumerQueue) -> None:
    """Declare the queue, its bindings, its dead-letter queue and its wait queues (idempotent)."""
    events, dead = await declare_exchanges(channel)
    queue = await channel.declare_queue(
        spec.name, durable=True, arguments=cast(Any, spec.arguments())
    )
    for key in spec.routing_keys:
        await queue.bind(events, routing_key=key)
    dlq = await channel.declare_queue(
        spec.dead_letter_queue, durable=True, arguments={"x-queue-type": "quorum"}
    )
    await dlq.bind(dead, routing_key=spec.name)
    for delay in sorted(set(spec.retry_delays_ms)):
        # Expired messages fall back into the consumer queue through the default exchange.
        await channel.declare_queue(
            spec.wait_queue(delay),
            durable=True,
            arguments={
                "x-queue-type": "quorum",
                "x-message-ttl": delay,
                "x-dead-letter-exchange": "",
                "x-dead-letter-routing-key": spec.name,
            },
        )
