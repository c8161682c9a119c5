"""Broker subscriptions of the reports service."""

from __future__ import annotations

from parley_platform.messaging.codec import parse_any_cloudevent
from parley_platform.runtime import ServiceRuntime

from ..application.record_event import RecordEvent


def subscribe(runtime: ServiceRuntime, record_event: RecordEvent) -> None:
    # "#" binds every routing key: the journal keeps all events, so none is ever unroutable.
    # The journal's ``_id`` is the event's ``source|id``: a duplicate is refused by the insert
    # itself, so the inbox would only add a second write per event.
    runtime.consume(
        runtime.queue("journal", ["#"]), record_event, parse_any_cloudevent, keyed_by_event=True
    )
