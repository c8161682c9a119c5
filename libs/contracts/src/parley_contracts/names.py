"""Names on the broker: exchanges, queues, headers, and the services' CloudEvents sources."""

from __future__ import annotations

import re
from enum import StrEnum

EVENTS_EXCHANGE = "parley.events"
"""Durable topic exchange every message is published to; the routing key is the message type."""
EVENTS_EXCHANGE_TYPE = "topic"
DEAD_LETTER_EXCHANGE = "parley.dead-letter"
"""Durable direct exchange; each consumer queue dead-letters into it with its own name as key."""
DEAD_LETTER_EXCHANGE_TYPE = "direct"

CLOUDEVENTS_CONTENT_TYPE = "application/cloudevents+json; charset=utf-8"
"""AMQP ``content_type`` of a structured-mode CloudEvents body (CloudEvents AMQP binding)."""
DIRECT_REPLY_TO = "amq.rabbitmq.reply-to"
"""RabbitMQ's direct reply-to pseudo queue, used as ``reply_to`` by query senders."""

ATTEMPT_HEADER = "x-parley-attempt"
"""AMQP header: the attempt number of a retried message; without it, a message is on attempt 1."""
TRACEPARENT_HEADER = "traceparent"
"""AMQP header: W3C trace context of the operation that published the message."""
TRACESTATE_HEADER = "tracestate"
"""AMQP header: vendor-specific W3C trace state, travels with ``traceparent``."""

DEAD_LETTER_SUFFIX = ".dlq"
WAIT_INFIX = ".wait."

_WORD = re.compile(r"^[a-z][a-z0-9_-]*$")


class Service(StrEnum):
    """Parley's services; each value is also the service's name in queues and sources."""

    GATEWAY = "gateway"
    ROUTING = "routing"
    CHATBOT = "chatbot"
    TICKETS = "tickets"
    NOTIFICATIONS = "notifications"
    REPORTS = "reports"


def source_for(service: Service | str) -> str:
    """The CloudEvents ``source`` of a service's messages: ``/parley/<service>``."""
    return f"/parley/{_checked(str(service), 'service')}"


def queue_name(service: Service | str, use_case: str) -> str:
    """A consumer queue: ``<service>.<use-case>``, e.g. ``tickets.create-ticket-on-chat-end``."""
    return f"{_checked(str(service), 'service')}.{_checked(use_case, 'use case')}"


def dead_letter_queue(queue: str) -> str:
    """The queue holding ``queue``'s dead letters: ``<queue>.dlq``."""
    return f"{queue}{DEAD_LETTER_SUFFIX}"


def wait_queue(queue: str, delay_ms: int) -> str:
    """The retry wait queue that returns messages to ``queue`` after ``delay_ms``."""
    if delay_ms <= 0:
        raise ValueError(f"delay_ms must be positive, got {delay_ms}")
    return f"{queue}{WAIT_INFIX}{delay_ms}"


def _checked(word: str, what: str) -> str:
    if not _WORD.match(word):
        raise ValueError(f"{what} {word!r} must be lower-case letters, digits, '_' or '-'")
    return word


SOURCES: dict[Service, str] = {service: source_for(service) for service in Service}
"""Every service's CloudEvents source, e.g. ``SOURCES[Service.GATEWAY] == "/parley/gateway"``."""
