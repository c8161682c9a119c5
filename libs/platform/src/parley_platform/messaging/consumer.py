"""Consuming events: parse, skip duplicates, handle, then acknowledge, retry or dead-letter."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import structlog
from faststream import AckPolicy
from faststream.message import StreamMessage
from faststream.rabbit import Channel, RabbitBroker
from faststream.rabbit.annotations import RabbitMessage

from .inbox import Inbox
from .topology import ATTEMPT_HEADER, REPUBLISHED_HEADER, ConsumerQueue, events_exchange

log = structlog.get_logger(__name__)


class PoisonMessage(ValueError):
    """The message can never be handled (not a valid event): it goes to the dead-letter queue."""


@dataclass(frozen=True)
class IncomingEvent:
    """What a consumer's parser returns: the typed event and its idempotency key parts."""

    event: Any
    source: str
    id: str


Parser = Callable[[bytes], IncomingEvent]
Handler = Callable[[Any], Awaitable[None]]


async def undecoded(message: StreamMessage[Any]) -> bytes:
    """The body as it came: the contract parses it (``Parser``). FastStream's own decoder
    looks the content type up in an enum first, and ``application/cloudevents+json`` is not
    in it: the ``ValueError`` that lookup raises for every message cost 6 % of the reports
    service's samples (py-spy) at 400 events a second."""
    return message.body


class Consumer:
    """Runs one handler on one queue with the delivery guarantees of docs/architecture.md."""

    def __init__(
        self, spec: ConsumerQueue, handler: Handler, parse: Parser, inbox: Inbox | None
    ) -> None:
        """``inbox`` None: the handler's own write is keyed by the event, so running it again
        for a duplicate changes nothing and no key is recorded (see ``ServiceRuntime.consume``)."""
        self.spec = spec
        self._handler = handler
        self._parse = parse
        self._inbox = inbox
        self._broker: RabbitBroker | None = None

    def register(self, broker: RabbitBroker) -> None:
        self._broker = broker
        channel = Channel(prefetch_count=self.spec.prefetch) if self.spec.prefetch else None
        subscriber = broker.subscriber(
            self.spec.as_faststream(),
            exchange=events_exchange,
            channel=channel,
            ack_policy=AckPolicy.MANUAL,
            title=self.spec.name,
            decoder=undecoded,
        )
        subscriber(self._on_message)

    async def _on_message(self, _decoded: object) -> None:
        # The broker runs without FastStream's argument injection (apply_types=False): resolving
        # a typed message parameter costs a worker-thread hop per message. The message itself
        # comes from FastStream's context; its raw body is parsed by the contract, not here.
        assert self._broker is not None
        msg: RabbitMessage = self._broker.context.get_local("message")
        raw = msg.raw_message
        headers = dict(raw.headers or {})
        attempt = int(str(headers.get(ATTEMPT_HEADER, 1)))
        try:
            incoming = self._parse(msg.body)
        except Exception as exc:
            log.error("message.poison", queue=self.spec.name, error=str(exc))
            await msg.reject(requeue=False)
            return
        inbox, key = self._inbox, Inbox.key(self.spec.name, incoming.source, incoming.id)
        possibly_duplicate = bool(raw.redelivered or attempt > 1 or headers.get(REPUBLISHED_HEADER))
        if inbox is not None and await inbox.seen(key, possibly_duplicate=possibly_duplicate):
            log.info("message.duplicate_skipped", queue=self.spec.name, event_id=incoming.id)
            await msg.ack()
            return
        try:
            await self._handler(incoming.event)
        except Exception as exc:
            await self._after_failure(msg, headers, attempt, exc)
            return
        if inbox is not None:
            await inbox.record(key)
        await msg.ack()

    async def _after_failure(
        self, msg: RabbitMessage, headers: dict[str, Any], attempt: int, exc: Exception
    ) -> None:
        if attempt >= self.spec.delivery_limit:
            log.error(
                "message.dead_lettered",
                queue=self.spec.name,
                attempt=attempt,
                error=repr(exc),
                exc_info=exc,
            )
            await msg.reject(requeue=False)
            return
        delay = self.spec.delay_before(attempt + 1)
        log.warning(
            "message.retry_scheduled",
            queue=self.spec.name,
            attempt=attempt,
            delay_ms=delay,
            error=repr(exc),
        )
        assert self._broker is not None
        try:
            await self._broker.publish(
                msg.body,
                queue=self.spec.wait_queue(delay),
                headers={**headers, ATTEMPT_HEADER: attempt + 1},
                message_id=msg.message_id,
                content_type=msg.content_type,
                persist=True,
                mandatory=True,
            )
        except Exception:
            # The wait queue is out of reach: let the broker redeliver (and count) instead.
            log.exception("message.retry_publish_failed", queue=self.spec.name)
            await msg.nack(requeue=True)
            return
        await msg.ack()
