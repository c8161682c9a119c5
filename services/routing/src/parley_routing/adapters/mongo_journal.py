"""Routing's working state written for restarts as a journal: appended to, never updated.

Each routing process holds its state in memory (``application/state.py``) and stages here the
latest version of every document that changed. On FerretDB every update, replace or delete
scans its whole collection (an upsert among 6,000 documents: 21 ms; a delete: 260 ms), while
an insert costs about 1 ms and a batch of 50 about 2 ms. So nothing here updates:

- every ``interval_s`` the documents changed since the last flush (their latest version, or a
  tombstone) are appended to this process's journal collection in one ``insert_many``;
- when the journal has grown to several times the state it describes, a new journal starts
  with a snapshot of the state and the old collection is dropped whole;
- ``mirror_heads`` holds one small document per process: its current journal and when it last
  wrote. A starting process loads the freshest journal (any process's: they all follow the
  same events), or the collections of the older mirror (``operators``, ``channels``,
  ``waiting``, ``held``) when there is no journal yet.

Plain inserts (decision records) are batched by the same flusher. A process killed between two
flushes loses at most ``interval_s`` of writes; claims and slots, written at once, keep the
guarantees. A failed flush is retried with the next one (nothing staged is dropped).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import bson
import structlog
from bson import ObjectId
from bson.binary import Binary
from pymongo.asynchronous.database import AsyncDatabase

from parley_platform.storage.mongo import insert_all

log = structlog.get_logger(__name__)

HEADS = "mirror_heads"
JOURNAL_PREFIX = "mirror_"
LEGACY = {"operator": "operators", "channel": "channels", "waiting": "waiting", "held": "held"}
"""Kind of document -> the collection the older mirror kept it in."""
STALE_AFTER = timedelta(days=1)
"""A journal nobody wrote to for this long belongs to a process that is gone: dropped."""
CHUNK = 500

Document = dict[str, Any]


class MirrorJournal:
    def __init__(
        self,
        db: AsyncDatabase[Document],
        replica_id: str,
        interval_s: float,
        *,
        min_entries: int = 50_000,
        growth: int = 8,
    ) -> None:
        self._db = db
        self._replica = replica_id
        self._interval = interval_s
        self._min_entries = min_entries
        self._growth = growth
        self._live: dict[str, dict[str, Document]] = {kind: {} for kind in LEGACY}
        self._staged: dict[tuple[str, str], Document | None] = {}
        self._unsent: list[Document] = []
        self._inserts: dict[str, list[Document]] = {}
        self._flushing: dict[str, list[Document]] = {}
        """Inserts taken by the flush under way, until the database has them."""
        self._journal: str | None = None
        self._entries = 0
        self._seq = 0
        self._task: asyncio.Task[None] | None = None

    def put(self, kind: str, document: Document) -> None:
        self._live[kind][document["_id"]] = document
        self._staged[(kind, document["_id"])] = document

    def drop(self, kind: str, document_id: str) -> None:
        if self._live[kind].pop(document_id, None) is not None:
            self._staged[(kind, document_id)] = None

    def insert(self, collection: str, document: Document) -> None:
        document.setdefault("_id", ObjectId())  # a retried batch is then recognised
        self._inserts.setdefault(collection, []).append(document)

    def pending_inserts(self, collection: str) -> list[Document]:
        """Inserts the database may not have yet: staged, or on their way in a flush. Read them
        before the collection (a flush that ends in between leaves them in both; their ``_id``
        tells them apart), not after it (they could then be in neither)."""
        return [*self._flushing.get(collection, ()), *self._inserts.get(collection, ())]

    async def load(self) -> dict[str, dict[str, Document]]:
        """The last state written (by any process), then a journal of this process's own."""
        journal = await self._read_freshest_journal()
        if journal is None:
            for kind, name in LEGACY.items():
                self._live[kind] = {d["_id"]: d async for d in self._db[name].find({})}
        else:
            options = self._db.codec_options
            for entry in sorted(journal, key=lambda e: e["_id"]):
                kind, key, encoded = entry["k"], entry["i"], entry["d"]
                if encoded is None:
                    self._live[kind].pop(key, None)
                else:
                    self._live[kind][key] = bson.decode(encoded, codec_options=options)
        await self._begin()
        return {kind: dict(documents) for kind, documents in self._live.items()}

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="routing-mirror")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        with contextlib.suppress(Exception):
            await self.flush()

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self._interval)
            try:
                await self.flush()
            except Exception as exc:  # kept for the next flush
                log.warning("mirror.flush_failed", error=repr(exc))

    async def flush(self) -> None:
        staged, self._staged = self._staged, {}
        entries = self._unsent + [self._entry(k, i, d) for (k, i), d in staged.items()]
        self._unsent = []
        inserts, self._inserts = self._inserts, {}
        self._flushing = inserts  # each collection's leaves it once it is written
        try:
            if entries:
                live = sum(len(documents) for documents in self._live.values())
                if self._entries + len(entries) > max(self._min_entries, self._growth * live):
                    await self._begin()  # the snapshot holds what the entries say
                else:
                    await insert_all(self._db[self._current()], entries)
                    self._entries += len(entries)
                await self._touch_head()
            entries = []
            for collection, documents in list(inserts.items()):
                await insert_all(self._db[collection], documents)
                del inserts[collection]
        finally:
            self._flushing = {}
            self._unsent = entries + self._unsent
            for collection, documents in inserts.items():
                self._inserts.setdefault(collection, [])[:0] = documents

    def _entry(self, kind: str, key: str, document: Document | None) -> Document:
        # The document as BSON bytes: FerretDB stores a nested document field by field, at
        # twice the cost.
        self._seq += 1
        encoded = None if document is None else Binary(bson.encode(document))
        return {"_id": self._seq, "k": kind, "i": key, "d": encoded}

    def _current(self) -> str:
        assert self._journal is not None, "load() starts the journal"
        return self._journal

    async def _read_freshest_journal(self) -> list[Document] | None:
        """The entries of the freshest journal, read whole (None: there is no journal)."""
        for _ in range(3):
            heads = [h async for h in self._db[HEADS].find({})]
            if not heads:
                return None
            head = max(heads, key=lambda h: h["at"])
            entries = [e async for e in self._db[head["journal"]].find({})]
            again = await self._db[HEADS].find_one({"_id": head["_id"]})
            if again is not None and again["journal"] == head["journal"]:
                return entries
            # That process started a new journal while we read its old one: read again.
        raise RuntimeError("the routing mirror's journals kept moving while being read")

    async def _begin(self) -> None:
        """Start a new journal with a snapshot of the state; drop the ones it replaces."""
        name = f"{JOURNAL_PREFIX}{self._replica}_{time.time_ns()}"
        snapshot = [
            self._entry(kind, key, document)
            for kind, documents in self._live.items()
            for key, document in documents.items()
        ]
        for start in range(0, len(snapshot), CHUNK):
            await insert_all(self._db[name], snapshot[start : start + CHUNK])
        self._journal, self._entries = name, len(snapshot)
        await self._touch_head()
        await self._drop_stale()

    async def _touch_head(self) -> None:
        await self._db[HEADS].replace_one(
            {"_id": self._replica},
            {"journal": self._current(), "at": datetime.now(UTC)},
            upsert=True,
        )

    async def _drop_stale(self) -> None:
        """This process's replaced journals, and those of processes gone for a day."""
        try:
            heads = [h async for h in self._db[HEADS].find({})]
            stale = datetime.now(UTC) - STALE_AFTER
            freshest = max(heads, key=lambda h: h["at"])
            kept = {self._current()}
            for head in heads:
                if head["_id"] == self._replica or head is freshest or head["at"] >= stale:
                    kept.add(head["journal"])
                else:
                    await self._db[HEADS].delete_one({"_id": head["_id"]})
            own = f"{JOURNAL_PREFIX}{self._replica}_"
            for name in await self._db.list_collection_names():
                if not name.startswith(JOURNAL_PREFIX) or name == HEADS or name in kept:
                    continue
                # Another process's journal nobody names may be one it is starting right now.
                if name.startswith(own) or _started_at(name) < stale:
                    await self._db.drop_collection(name)
        except Exception as exc:  # tidying up; the next new journal tries again
            log.warning("mirror.cleanup_failed", error=repr(exc))


def _started_at(journal: str) -> datetime:
    try:
        return datetime.fromtimestamp(int(journal.rsplit("_", 1)[1]) / 1e9, UTC)
    except ValueError:
        return datetime.now(UTC)
