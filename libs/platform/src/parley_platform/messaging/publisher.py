"""Publishing events: confirmed by the broker, mandatory, traced."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any, Protocol, cast

import aio_pika
import aiormq
from aio_pika.abc import AbstractChannel, AbstractRobustConnection
from aio_pika.exceptions import DeliveryError
from opentelemetry import propagate, trace
from opentelemetry.trace import SpanKind, TracerProvider

from parley_contracts.names import CLOUDEVENTS_CONTENT_TYPE

from .channel_buffer import widen_channel_buffers
from .topology import EVENTS_EXCHANGE, REPUBLISHED_HEADER


class PublishFailed(RuntimeError):
    """The broker did not take the message: it is down, refused it, or did not confirm in time."""


class UnroutableEvent(PublishFailed):
    """No queue is bound for the event's routing key, so the broker returned it."""


class OutgoingEvent(Protocol):
    """What the publisher needs of an event: its CloudEvents attributes and its JSON form."""

    @property
    def id(self) -> str: ...
    @property
    def type(self) -> str: ...
    @property
    def source(self) -> str: ...

    def to_json_bytes(self) -> bytes: ...


class EventPublisher:
    """Publishes CloudEvents to the events exchange and waits for the broker's confirm.

    aio-pika directly, on a connection of its own, rather than FastStream's ``publish``: every
    event of every service goes through here, and FastStream's publish path (its publisher
    objects, its telemetry middleware) cost about as much CPU again as aio-pika's own work (a
    profile of the gateway at 500 messages a second: 18 % of the replica's samples in
    FastStream's publish, 7 % of them in aio-pika's). The producer span and the trace context
    in the headers are what FastStream's middleware did, so a consumer's span still joins the
    publisher's trace.

    The channel's ``basic_publish`` is called without a timeout, and the timeout is ours
    (``asyncio.timeout``). Given a timeout, aiormq takes and releases the channel's lock
    through ``asyncio.wait_for``, a task each way: concurrent publishes then went through
    one every seven turns of the loop (about 100 a second in routing's bench, whose loop is
    busy), and on Python 3.11 a timeout that fires as the lock is granted leaves the lock
    held for good: that publisher never sent again. With ``wait=False`` the lock is not held
    while the frames are written out either: one turn a publish at most. The broker's
    confirm is still awaited.
    """

    def __init__(
        self,
        rabbitmq_url: str,
        app_id: str,
        timeout_s: float = 5.0,
        tracer_provider: TracerProvider | None = None,
    ) -> None:
        self._url = rabbitmq_url
        self._app_id = app_id
        self._timeout = timeout_s
        self._tracer = trace.get_tracer(__name__, tracer_provider=tracer_provider)
        self._connection: AbstractRobustConnection | None = None
        self._channel: AbstractChannel | None = None

    async def connect(self) -> None:
        """Connect (the connection then reconnects by itself); the exchange must exist."""
        if self._connection is not None:
            return
        widen_channel_buffers()  # room for the publishes of a whole turn of the loop
        connection = await aio_pika.connect_robust(
            self._url, client_properties={"connection_name": f"{self._app_id} publisher"}
        )
        try:
            self._channel = await connection.channel(publisher_confirms=True, on_return_raises=True)
        except Exception:
            await connection.close()
            raise
        self._connection = connection

    async def close(self) -> None:
        connection, self._connection, self._channel = self._connection, None, None
        if connection is not None:
            await connection.close()

    async def publish(self, event: OutgoingEvent, *, republished: bool = False) -> None:
        await self.publish_raw(event.to_json_bytes(), event.type, event.id, republished=republished)

    async def publish_raw(
        self,
        body: bytes,
        routing_key: str,
        message_id: str,
        *,
        republished: bool = False,
        headers: Mapping[str, Any] | None = None,
    ) -> None:
        """Publish a serialised envelope; ``republished`` tells consumers it may be a duplicate."""
        channel = self._channel
        if channel is None:
            raise PublishFailed(f"publishing {routing_key} failed: not connected to the broker")
        all_headers: dict[str, Any] = dict(headers or {})
        if republished:
            all_headers[REPUBLISHED_HEADER] = True
        with self._tracer.start_as_current_span(
            f"{EVENTS_EXCHANGE}.{routing_key} publish",
            kind=SpanKind.PRODUCER,
            attributes={
                "messaging.system": "rabbitmq",
                "messaging.operation": "publish",
                "messaging.destination.name": EVENTS_EXCHANGE,
                "messaging.rabbitmq.destination.routing_key": routing_key,
                "messaging.message.id": message_id,
                "messaging.message.body.size": len(body),
            },
        ):
            propagate.inject(all_headers)
            message = aio_pika.Message(
                body,
                headers=all_headers,
                content_type=CLOUDEVENTS_CONTENT_TYPE,
                delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
                message_id=message_id,
                app_id=self._app_id,
            )
            try:
                async with asyncio.timeout(self._timeout):
                    # aiormq's Channel; its abstract type does not declare ``wait``.
                    underlay = cast(aiormq.Channel, await channel.get_underlay_channel())
                    confirmed = await underlay.basic_publish(
                        body,
                        exchange=EVENTS_EXCHANGE,
                        routing_key=routing_key,
                        properties=message.properties,
                        mandatory=True,
                        wait=False,
                    )
            except DeliveryError as exc:
                raise UnroutableEvent(
                    f"no queue is bound to {routing_key!r} on {EVENTS_EXCHANGE}"
                ) from exc
            except Exception as exc:  # aio-pika raises several types for a lost connection
                raise PublishFailed(f"publishing {routing_key} failed: {exc!r}") from exc
        if confirmed is not None and not _is_ack(confirmed):
            raise PublishFailed(f"broker did not confirm {routing_key} ({confirmed!r})")


def _is_ack(confirmation: object) -> bool:
    # aio-pika returns a pamqp Basic.Ack on success, Basic.Nack or Basic.Reject otherwise.
    return type(confirmation).__name__ == "Ack"
