"""The transactional outbox, without multi-document transactions.

Events are stored inside the document whose change caused them, in the same single-document
write (``_outbox.<event id>``), so the change and its events are saved or lost together on every
MongoDB-protocol server. The relay publishes them, fast right after the write and by a periodic
sweep for whatever the fast path could not deliver (broker away, process killed), then removes
them. A broker outage delays events; it loses none.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from opentelemetry import propagate

from .publisher import OutgoingEvent

OUTBOX_FIELD = "_outbox"
WRITTEN_AT_FIELD = "_outbox_at"
"""When a new document's events were written (``document_with_events``): what the sweep of an
append-only collection looks for (``sent_marks``)."""
PENDING_FIELD = "_outbox_pending"
"""Above 0: the document may have events waiting (raised by each write that stores events).
The relay removes published events; its sweep sets the counter back to 0 once the outbox is
empty, so the sweep's query stays limited to documents that had recent events."""


@dataclass(frozen=True)
class PendingEvent:
    """One stored event as the relay reads it back."""

    collection: str
    document_id: Any
    event_id: str
    routing_key: str
    body: bytes
    headers: Mapping[str, Any]
    order: tuple[datetime, int]


def outbox_fields(events: Sequence[OutgoingEvent], now: datetime | None = None) -> dict[str, Any]:
    """The ``$set`` fields that store ``events`` in a document (dotted paths)."""
    written_at = now or datetime.now(UTC)
    carrier: dict[str, str] = {}
    propagate.inject(carrier)  # the relay's publish continues the trace of the write
    fields: dict[str, Any] = {}
    for position, event in enumerate(events):
        fields[f"{OUTBOX_FIELD}.{event.id}"] = {
            "type": event.type,
            "body": event.to_json_bytes().decode(),
            "headers": carrier,
            "at": written_at,
            "n": position,
        }
    return fields


def with_events(
    update: Mapping[str, Any], events: Sequence[OutgoingEvent], now: datetime | None = None
) -> dict[str, Any]:
    """Merge the outbox fields into a MongoDB update document."""
    merged = {operator: dict(fields) for operator, fields in update.items()}
    merged.setdefault("$set", {}).update(outbox_fields(events, now))
    merged.setdefault("$inc", {})[PENDING_FIELD] = len(events)
    return merged


def document_with_events(
    document: Mapping[str, Any], events: Sequence[OutgoingEvent], now: datetime | None = None
) -> dict[str, Any]:
    """A new document carrying ``events`` in its outbox, for ``insert_one``."""
    stored = dict(document)
    written_at = now or datetime.now(UTC)
    stored[OUTBOX_FIELD] = {
        path.split(".", 1)[1]: value for path, value in outbox_fields(events, written_at).items()
    }
    stored[PENDING_FIELD] = len(events)
    stored[WRITTEN_AT_FIELD] = written_at
    return stored


def pending_in(collection: str, document: Mapping[str, Any]) -> list[PendingEvent]:
    """The events waiting in ``document``, oldest first."""
    entries = document.get(OUTBOX_FIELD) or {}
    pending = [
        PendingEvent(
            collection=collection,
            document_id=document["_id"],
            event_id=event_id,
            routing_key=entry["type"],
            body=entry["body"].encode(),
            headers=entry.get("headers") or {},
            order=(_aware(entry["at"]), int(entry.get("n", 0))),
        )
        for event_id, entry in entries.items()
    ]
    return sorted(pending, key=lambda event: event.order)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
