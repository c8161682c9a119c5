"""The outbox of an append-only collection: which stored events were published, without ever
updating the documents that carry them.

A collection whose documents are only inserted (the gateway's conversation log: one document per
entry, at the rate of the messages) cannot have its published events removed one update at a
time: on FerretDB v1 an update finds each document it changes by scanning the collection, so
removals cost (events x collection size) and grow with the log. Here the documents keep their
events, and the relay records what it published as small *marks*, one inserted document per event
in a collection per minute of writing (``<collection>_sent_<minute>``, ``TimeBuckets``).

The sweep reads the collection's documents written since the last sweep (less ``MARGIN``, for
clocks and slow inserts), leaves out the events that have a mark, and publishes the rest. Then
it moves its watermark (``outbox_sweeps``) and drops the mark collections the watermark has
left behind: dropping a collection is one cheap operation where deleting marks would scan. An
event nobody is bound to holds the watermark until it can be published or the relay gives it up
(``unroutable_limit_s`` after its write), which marks it like a published one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from ..storage.mongo import insert_all
from ..storage.time_buckets import TimeBuckets
from .outbox import OUTBOX_FIELD, WRITTEN_AT_FIELD, PendingEvent, pending_in

MARGIN = timedelta(seconds=30)
"""How far before the watermark a sweep looks again: a document's write time is taken before its
insert, by the writer's clock."""
SWEEPS = "outbox_sweeps"
BATCH = 10_000
"""Documents per reply: a sweep's cursor is read out in few round trips."""


class SentMarks:
    """Marks of published events for one append-only collection."""

    def __init__(self, db: AsyncDatabase[dict[str, Any]], collection: str) -> None:
        self._db = db
        self.collection = collection
        self._buckets = TimeBuckets(db, f"{collection}_sent_", timedelta(minutes=1))

    async def mark(self, events: Sequence[PendingEvent]) -> None:
        """Record ``events`` as published (a mark that exists already is fine)."""
        by_bucket: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for event in events:
            by_bucket[self._buckets.name_for(event.order[0])].append({"_id": event.event_id})
        for bucket, marks in by_bucket.items():
            await insert_all(self._db[bucket], marks)

    async def watermark(self) -> datetime | None:
        stored = await self._db[SWEEPS].find_one({"_id": self.collection})
        if stored is None:
            return None
        moment: datetime = stored["swept_until"]
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)

    async def unpublished(self, until: datetime) -> list[list[PendingEvent]]:
        """The events written before ``until`` (and since the watermark, less the margin) that
        have no mark, per document, in the order they were written."""
        since = await self.watermark()
        start = since - MARGIN if since is not None else None
        written: dict[str, Any] = {"$lt": until}
        if start is not None:
            written["$gte"] = start
        documents = self._db[self.collection].find(
            {WRITTEN_AT_FIELD: written}, {OUTBOX_FIELD: 1}, batch_size=BATCH
        )
        found = [pending_in(self.collection, document) async for document in documents]
        found = [events for events in found if events]
        if not found:
            return []
        sent = await self._marked(start, until)
        unsent = [
            [event for event in events if event.event_id not in sent]
            for events in sorted(found, key=lambda events: events[0].order)
        ]
        return [events for events in unsent if events]

    async def _marked(self, start: datetime | None, until: datetime) -> set[str]:
        marked: set[str] = set()
        for name in await self._buckets.between(start, until + MARGIN):
            marked.update([mark["_id"] async for mark in self._db[name].find({}, {"_id": 1})])
        return marked

    async def advance(self, swept_until: datetime) -> None:
        """Sweeps start from ``swept_until`` (less the margin) on; older mark collections go."""
        await self._db[SWEEPS].update_one(
            {"_id": self.collection}, {"$set": {"swept_until": swept_until}}, upsert=True
        )
        await self._buckets.drop_before(swept_until - MARGIN - timedelta(minutes=1))
