"""Claims: races between routing processes decided by unique ``_id`` inserts.

FerretDB's conditional updates are not atomic between two clients, but a duplicate ``_id`` is
refused on every MongoDB-protocol server, so an insert is the one primitive both processes
can race on safely. It is also the one write that stays cheap on FerretDB (about 1 ms whatever
the collection's size), where every read, update or delete scans its collection.

- **Group commit.** Claims asked for while a write is under way go out together in the next
  ``insert_many`` (unordered); each caller learns its own outcome from the bulk result.
- **Ten-minute collections.** A claim is stored in ``claims_<start of its ten minutes>``, timed
  by the decided thing (the request's or the event's time, not the clock), so every process
  races in the same collection. Old claims go by dropping whole collections: deleting them one
  by one would scan a growing collection on FerretDB.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import BulkWriteError

from .retrying import retried

PREFIX = "claims_"
BUCKET_S = 600
DUPLICATE_KEY = 11000


def collection_for(at: datetime) -> str:
    start = int(at.timestamp()) // BUCKET_S * BUCKET_S
    return f"{PREFIX}{start:011d}"


@dataclass
class _Claim:
    document: dict[str, Any]
    outcome: asyncio.Future[bool] = field(
        default_factory=lambda: asyncio.get_running_loop().create_future()
    )


class MongoClaims:
    def __init__(self, db: AsyncDatabase[dict[str, Any]], owner: str) -> None:
        self._db = db
        self._owner = owner
        self._queued: dict[str, list[_Claim]] = {}
        self._writers: dict[str, asyncio.Task[None]] = {}

    async def claim(self, key: str, at: datetime, record: Mapping[str, Any]) -> bool:
        document = {
            "_id": key,
            "by": self._owner,
            "nonce": uuid.uuid4().hex,
            "at": datetime.now(UTC),
            **record,
        }
        claim = _Claim(document)
        name = collection_for(at)
        self._queued.setdefault(name, []).append(claim)
        if name not in self._writers:
            self._writers[name] = asyncio.create_task(self._write(name), name=f"claims-{name}")
        return await claim.outcome

    async def _write(self, name: str) -> None:
        try:
            while batch := self._queued.pop(name, None):
                try:
                    won = await self._insert(name, [c.document for c in batch])
                except Exception as exc:
                    for claim in batch:
                        claim.outcome.set_exception(exc)
                    continue
                for claim, outcome in zip(batch, won, strict=True):
                    claim.outcome.set_result(outcome)
        finally:
            del self._writers[name]

    async def _insert(self, name: str, documents: list[dict[str, Any]]) -> list[bool]:
        collection = self._db[name]
        ambiguous = False

        def after_lost_connection() -> None:
            nonlocal ambiguous
            ambiguous = True  # the lost write may have been stored

        async def insert() -> set[int]:
            try:
                await collection.insert_many(documents, ordered=False)
            except BulkWriteError as exc:
                errors = exc.details.get("writeErrors", [])
                if any(e.get("code") != DUPLICATE_KEY for e in errors):
                    raise
                return {e["index"] for e in errors}
            return set()

        refused = await retried(insert, f"claims into {name}", on_retry=after_lost_connection)
        if refused and ambiguous:
            refused = await self._not_ours(name, documents, refused)
        return [i not in refused for i in range(len(documents))]

    async def _not_ours(
        self, name: str, documents: list[dict[str, Any]], refused: set[int]
    ) -> set[int]:
        """Of the refused claims, those another process holds (not our own earlier attempt)."""
        keys = [documents[i]["_id"] for i in refused]
        stored = {
            d["_id"]: d.get("nonce")
            async for d in self._db[name].find({"_id": {"$in": keys}}, {"nonce": 1})
        }
        return {i for i in refused if stored.get(documents[i]["_id"]) != documents[i]["nonce"]}

    async def prune(self, older_than: timedelta) -> None:
        """Claims only matter while the processes may still race for them."""
        oldest = collection_for(datetime.now(UTC) - older_than)
        for name in await self._db.list_collection_names():
            if name.startswith(PREFIX) and name < oldest:
                await self._db.drop_collection(name)
