"""The event journal: the raw history every report is built from."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class JournalEntry:
    """One published event as the journal keeps it."""

    source: str
    id: str
    type: str
    time: datetime
    subject: str | None
    envelope: str
    """The whole envelope as JSON text, so data with any key names can be stored."""

    @property
    def key(self) -> str:
        # (source, id) identifies a CloudEvent; the same pair twice is the same event.
        return f"{self.source}|{self.id}"
