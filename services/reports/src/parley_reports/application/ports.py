"""What the reports use cases need from the outside world."""

from __future__ import annotations

from typing import Protocol

from ..domain.journal import JournalEntry


class EventJournal(Protocol):
    """Every event Parley published, kept once each, for read models and audits."""

    async def append(self, entry: JournalEntry) -> bool:
        """Store ``entry``; False when it was already there (a duplicate delivery)."""
        ...
