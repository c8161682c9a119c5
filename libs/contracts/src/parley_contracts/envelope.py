"""The CloudEvents 1.0 envelope every Parley message travels in (structured JSON mode).

Build: ``CloudEvent.wrap(data, source=names.source_for(Service.GATEWAY))`` (the subject defaults
to ``data.conversation_id`` where the message has one). Send: ``event.to_json_bytes()`` as the
AMQP body with content type ``names.CLOUDEVENTS_CONTENT_TYPE``. Receive: ``parse_event(body)``
looks the ``type`` up in the registry and returns the envelope with the right typed ``data``;
``parse_event_as(body, ConversationStartedV1)`` does the same when the type is known in advance.
``(source, id)`` is the idempotency key: consumers must tolerate redelivery and duplicates.
"""

from __future__ import annotations

import os
import time as _time
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Annotated, Any, ClassVar, Generic, Literal, TypeVar, cast

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from parley_contracts.base import TYPE_PATTERN, Message
from parley_contracts.common import UtcDatetime
from parley_contracts.registry import message_class

DataT = TypeVar("DataT", bound=Message)
M = TypeVar("M", bound=Message)

RawEvent = bytes | bytearray | str | Mapping[str, Any]
"""A received envelope: the AMQP body as bytes or text, or JSON already decoded to a dict."""


def new_event_id() -> str:
    """A UUIDv7 (RFC 9562) as text: unique, and sortable by creation time to the millisecond."""
    millis = _time.time_ns() // 1_000_000
    rand = int.from_bytes(os.urandom(10), "big")
    rand_a, rand_b = rand >> 68, rand & ((1 << 62) - 1)
    value = (millis & ((1 << 48) - 1)) << 80 | 0x7 << 76 | rand_a << 64 | 0b10 << 62 | rand_b
    return str(uuid.UUID(int=value))


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _always_present(schema: dict[str, Any]) -> None:
    # Parley always sets these even where CloudEvents or pydantic would allow a default.
    schema["required"] = ["specversion", "id", "source", "type", "time", "datacontenttype", "data"]


class CloudEvent(BaseModel, Generic[DataT]):
    """A CloudEvents 1.0 envelope in structured JSON mode, carrying one contract message."""

    model_config = ConfigDict(
        frozen=True,
        extra="ignore",
        use_attribute_docstrings=True,
        json_schema_extra=_always_present,
    )

    specversion: Literal["1.0"] = "1.0"
    """The CloudEvents specification version."""
    id: Annotated[str, StringConstraints(min_length=1, max_length=256)] = Field(
        default_factory=new_event_id
    )
    """Unique per source (a UUIDv7 when Parley made it); ``(source, id)`` identifies the event."""
    source: Annotated[str, StringConstraints(min_length=1, max_length=2048)]
    """URI-reference of the producing service, for example ``/parley/gateway``."""
    type: Annotated[str, StringConstraints(pattern=TYPE_PATTERN.pattern)]
    """The message type, also the RabbitMQ routing key, e.g. ``conversation.message_posted.v1``."""
    time: UtcDatetime = Field(default_factory=_utc_now)
    """When the occurrence happened, RFC 3339 in UTC."""
    subject: Annotated[str, StringConstraints(min_length=1)] | None = None
    """The conversation id when the message belongs to a conversation."""
    datacontenttype: Literal["application/json"] = "application/json"
    """Content type of ``data``: always JSON."""
    dataschema: Annotated[str, StringConstraints(min_length=1)] | None = None
    """Optional URI of the schema ``data`` adheres to."""
    data: DataT
    """The message itself; its schema is given by ``type``."""

    OPTIONAL_ATTRIBUTES: ClassVar[tuple[str, ...]] = ("subject", "dataschema")

    @model_validator(mode="after")
    def _type_names_the_data(self) -> CloudEvent[DataT]:
        expected = getattr(type(self.data), "TYPE", None)
        if expected is not None and self.type != expected:
            raise ValueError(f"type {self.type!r} does not match data of type {expected!r}")
        return self

    @classmethod
    def wrap(
        cls,
        data: M,
        *,
        source: str,
        subject: str | None = None,
        id: str | None = None,
        time: datetime | None = None,
        dataschema: str | None = None,
    ) -> CloudEvent[M]:
        """Put ``data`` in an envelope whose ``type`` is ``data.TYPE``.

        ``subject`` defaults to ``data.conversation_id`` where the message has one; ``id`` to a
        fresh UUIDv7; ``time`` to now (pass the time from your clock to keep code testable).
        """
        if subject is None:
            conversation_id = getattr(data, "conversation_id", None)
            subject = conversation_id if isinstance(conversation_id, str) else None
        fields: dict[str, Any] = {"source": source, "type": data.TYPE, "data": data}
        optional = {"subject": subject, "id": id, "time": time, "dataschema": dataschema}
        fields.update({name: value for name, value in optional.items() if value is not None})
        return envelope_class(type(data))(**fields)

    def to_json_bytes(self) -> bytes:
        """The structured-mode JSON body; unset optional attributes are left out."""
        absent = {name for name in self.OPTIONAL_ATTRIBUTES if getattr(self, name) is None}
        return self.model_dump_json(exclude=absent).encode()


def envelope_class(model: type[M]) -> type[CloudEvent[M]]:
    """``CloudEvent[model]``, for a model only known at run time."""
    return cast("type[CloudEvent[M]]", cast(Any, CloudEvent)[model])


def parse_event(raw: RawEvent) -> CloudEvent[Message]:
    """Parse an envelope, choosing the data model by looking its ``type`` up in the registry.

    Raises ``pydantic.ValidationError`` when the body is not a valid envelope or its data does
    not match its type, and ``UnknownMessageType`` when the type is not in the registry.
    Narrow the result with ``isinstance(event.data, SomeMessageV1)``.
    """
    if isinstance(raw, Mapping):
        head = _EnvelopeHead.model_validate(raw)
    else:
        head = _EnvelopeHead.model_validate_json(raw)
    return cast("CloudEvent[Message]", _validate(envelope_class(message_class(head.type)), raw))


def parse_event_as(raw: RawEvent, model: type[M]) -> CloudEvent[M]:
    """Parse an envelope that must carry ``model``; a different ``type`` is a validation error."""
    return _validate(envelope_class(model), raw)


def _validate(envelope: type[CloudEvent[M]], raw: RawEvent) -> CloudEvent[M]:
    if isinstance(raw, Mapping):
        return envelope.model_validate(raw)
    return envelope.model_validate_json(raw)


class _EnvelopeHead(BaseModel):
    model_config = ConfigDict(extra="ignore")

    type: str
