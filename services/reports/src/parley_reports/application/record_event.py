"""Use case: keep every published event in the journal, once."""

from __future__ import annotations

from typing import Any

import structlog

from ..domain.journal import JournalEntry
from .ports import EventJournal

log = structlog.get_logger(__name__)


class RecordEvent:
    def __init__(self, journal: EventJournal) -> None:
        self._journal = journal

    async def __call__(self, event: Any) -> None:
        entry = JournalEntry(
            source=event.source,
            id=event.id,
            type=event.type,
            time=event.time,
            subject=event.subject,
            envelope=event.model_dump_json(),
        )
        if not await self._journal.append(entry):
            log.info("journal.duplicate", event_id=entry.id, source=entry.source)
