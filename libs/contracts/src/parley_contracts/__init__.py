"""Parley's message contracts: every message that crosses a service boundary.

Modules: ``envelope`` (CloudEvents envelope, parse/serialise), ``names`` (exchanges, queues,
headers, sources), ``registry`` (type -> model), one module per owning service (``gateway``,
``routing``, ``chatbot``, ``tickets``, ``notifications``), ``common`` (shared types),
``examples`` (one example per message) and ``asyncapi`` (the published document).
"""

from parley_contracts.base import Command, Event, Message, MessageKind, Query, Reply
from parley_contracts.envelope import CloudEvent, new_event_id, parse_event, parse_event_as
from parley_contracts.registry import (
    ALL_MESSAGES,
    REGISTRY,
    UnknownMessageType,
    message_class,
    owner_of,
)

__all__ = [
    "ALL_MESSAGES",
    "REGISTRY",
    "CloudEvent",
    "Command",
    "Event",
    "Message",
    "MessageKind",
    "Query",
    "Reply",
    "UnknownMessageType",
    "message_class",
    "new_event_id",
    "owner_of",
    "parse_event",
    "parse_event_as",
]
