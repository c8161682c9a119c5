"""Turning message bodies into contract envelopes for consumers."""

from __future__ import annotations

from typing import Any

from pydantic import ConfigDict

from parley_contracts.base import Message
from parley_contracts.envelope import CloudEvent, parse_event

from .consumer import IncomingEvent


def parse_cloudevent(body: bytes) -> IncomingEvent:
    """A registered contract message; anything else raises, and the consumer dead-letters it."""
    event = parse_event(body)
    return IncomingEvent(event=event, source=event.source, id=event.id)


class AnyData(Message):
    """The data of an event whose type this process does not know (kept as it came)."""

    model_config = ConfigDict(frozen=True, extra="allow")


def parse_any_cloudevent(body: bytes) -> IncomingEvent:
    """Any valid CloudEvents envelope: typed when the type is registered, loose otherwise.

    For consumers such as the journal that must keep events of versions newer than their code.
    """
    try:
        return parse_cloudevent(body)
    except Exception:
        event: Any = CloudEvent[AnyData].model_validate_json(body)
        return IncomingEvent(event=event, source=event.source, id=event.id)
