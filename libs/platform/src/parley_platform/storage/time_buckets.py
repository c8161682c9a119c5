"""Collections per span of time, dropped whole once they are old.

For records that matter only for a while (sent marks of the outbox, routing's claims): each goes
into the collection of the span its time falls in, ``<prefix><span start, epoch seconds>``, and
old records go by dropping their collections. Dropping is one cheap operation, where deleting
old documents one filter at a time scans the whole collection on FerretDB, and the scan grows
with the collection. The names sort in time order.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase


class TimeBuckets:
    def __init__(self, db: AsyncDatabase[dict[str, Any]], prefix: str, span: timedelta) -> None:
        self._db = db
        self.prefix = prefix
        self._span_s = int(span.total_seconds())

    def name_for(self, at: datetime) -> str:
        """The collection for records timed ``at``."""
        moment = at if at.tzinfo is not None else at.replace(tzinfo=UTC)
        start = int(moment.timestamp()) // self._span_s * self._span_s
        return f"{self.prefix}{start:011d}"

    async def between(self, start: datetime | None, end: datetime) -> list[str]:
        """The existing collections for times from ``start`` (None: the oldest) to ``end``."""
        first = self.name_for(start) if start is not None else self.prefix
        last = self.name_for(end)
        return sorted(n for n in await self._names() if first <= n <= last)

    async def drop_before(self, at: datetime) -> list[str]:
        """Drop the collections whose whole span is before ``at``; their names."""
        oldest_kept = self.name_for(at)
        dropped = sorted(name for name in await self._names() if name < oldest_kept)
        for name in dropped:
            await self._db.drop_collection(name)
        return dropped

    async def _names(self) -> list[str]:
        return [n for n in await self._db.list_collection_names() if n.startswith(self.prefix)]
