"""Publishing events: confirmed by the broker, mandatory, traced."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from aio_pika.exceptions import DeliveryError
from faststream.rabbit import RabbitBroker

from parley_contracts.names import CLOUDEVENTS_CONTENT_TYPE

from .topology import EVENTS_EXCHANGE, REPUBLISHED_HEADER, events_exchange


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
    """Publishes CloudEvents to the events exchange and waits for the broker's confirm."""

    def __init__(self, broker: RabbitBroker, timeout_s: float = 5.0) -> None:
        self._broker = broker
        self._timeout = timeout_s

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
        all_headers: dict[str, Any] = dict(headers or {})
        if republished:
            all_headers[REPUBLISHED_HEADER] = True
        try:
            confirmed = await self._broker.publish(
                body,
                exchange=events_exchange,
                routing_key=routing_key,
                mandatory=True,
                persist=True,
                timeout=self._timeout,
                message_id=message_id,
                content_type=CLOUDEVENTS_CONTENT_TYPE,
                headers=all_headers,
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
