"""Recording events in the journal."""

from __future__ import annotations

import json

import pytest

from parley_contracts.common import OperatorAvailability
from parley_contracts.envelope import CloudEvent
from parley_contracts.routing import OperatorPresenceChangedV1, PresenceReason
from parley_reports.application.record_event import RecordEvent
from parley_reports.domain.journal import JournalEntry

pytestmark = pytest.mark.unit


class InMemoryJournal:
    def __init__(self) -> None:
        self.entries: dict[str, JournalEntry] = {}

    async def append(self, entry: JournalEntry) -> bool:
        if entry.key in self.entries:
            return False
        self.entries[entry.key] = entry
        return True


def presence_event() -> CloudEvent[OperatorPresenceChangedV1]:
    change = OperatorPresenceChangedV1(
        agent_id="agent-1",
        display_name="Ada",
        availability=OperatorAvailability.AWAY,
        reason=PresenceReason.IDLE,
    )
    return CloudEvent.wrap(change, source="/parley/routing")


async def test_event_is_kept_with_its_whole_envelope() -> None:
    journal = InMemoryJournal()
    event = presence_event()
    await RecordEvent(journal)(event)
    entry = journal.entries[f"/parley/routing|{event.id}"]
    assert entry.type == "operator.presence_changed.v1"
    assert json.loads(entry.envelope)["data"]["availability"] == "away"


async def test_the_same_event_twice_is_kept_once() -> None:
    journal = InMemoryJournal()
    event = presence_event()
    await RecordEvent(journal)(event)
    await RecordEvent(journal)(event)
    assert len(journal.entries) == 1
