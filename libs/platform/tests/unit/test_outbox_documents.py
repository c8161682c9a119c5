"""How events are stored in the document whose change caused them."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from parley_contracts.common import OperatorAvailability
from parley_contracts.envelope import CloudEvent
from parley_contracts.routing import OperatorPresenceChangedV1, PresenceReason
from parley_platform.messaging.outbox import (
    OUTBOX_FIELD,
    PENDING_FIELD,
    document_with_events,
    pending_in,
    with_events,
)

pytestmark = pytest.mark.unit

NOW = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)


def presence(agent: str) -> CloudEvent[OperatorPresenceChangedV1]:
    change = OperatorPresenceChangedV1(
        agent_id=agent,
        display_name="Ada",
        availability=OperatorAvailability.ONLINE,
        reason=PresenceReason.MANUAL,
    )
    return CloudEvent.wrap(change, source="/parley/gateway")


def test_update_keeps_the_callers_fields_and_adds_the_events() -> None:
    event = presence("a1")
    update = with_events({"$set": {"state": "online"}, "$inc": {"n": 1}}, [event], NOW)
    assert update["$set"]["state"] == "online"
    assert update["$inc"] == {"n": 1, PENDING_FIELD: 1}
    stored = update["$set"][f"{OUTBOX_FIELD}.{event.id}"]
    assert stored["type"] == "operator.presence_changed.v1"
    assert stored["body"] == event.to_json_bytes().decode()


def test_new_document_carries_its_events_in_write_order() -> None:
    events = [presence("a1"), presence("a2"), presence("a3")]
    document = document_with_events({"_id": "x", "state": "online"}, events, NOW)
    assert document["state"] == "online" and document[PENDING_FIELD] == 3
    assert [pending.event_id for pending in pending_in("agents", document)] == [
        event.id for event in events
    ]


def test_document_without_events_has_nothing_pending() -> None:
    assert pending_in("agents", {"_id": "x"}) == []
