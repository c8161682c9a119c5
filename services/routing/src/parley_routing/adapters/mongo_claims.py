"""Claims: races between routing processes decided by unique ``_id`` inserts.

FerretDB's conditional updates are not atomic between two clients, but a duplicate ``_id`` is
refused on every MongoDB-protocol server, so an insert is the one primitive both processes
can race on safely. It is also the one write that stays cheap on FerretDB (about 1 ms whatever
the collection's size), where every read, update or delete scans its collection.

- **Group commit.** Claims asked for while a write is under way go out together in the next
  ``insert_many`` (``parley_platform.storage.BatchedInserts``); each caller learns its own
  outcome.
- **Ten-minute collections.** A claim is stored in ``claims_<start of its ten minutes>``, timed
  by the decided thing (the request's or the event's time, not the clock), so every process
  races in the same collection. Old claims go by dropping whole collections
  (``parley_platform.storage.TimeBuckets``).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from parley_platform.storage.batched_inserts import BatchedInserts
from parley_platform.storage.time_buckets import TimeBuckets

from .retrying import retried

PREFIX = "claims_"
SPAN = timedelta(minutes=10)


class MongoClaims:
    def __init__(self, db: AsyncDatabase[dict[str, Any]], owner: str) -> None:
        self._db = db
        self._owner = owner
        self._buckets = TimeBuckets(db, PREFIX, SPAN)
        self._inserts: dict[str, BatchedInserts] = {}

    async def claim(self, key: str, at: datetime, record: Mapping[str, Any]) -> bool:
        document = {
            "_id": key,
            "by": self._owner,
            "nonce": uuid.uuid4().hex,
            "at": datetime.now(UTC),
            **record,
        }
        name = self._buckets.name_for(at)
        inserts = self._inserts.setdefault(name, BatchedInserts(self._db[name]))
        ambiguous = False

        def after_lost_connection() -> None:
            nonlocal ambiguous
            ambiguous = True  # the lost write may have been stored

        try:
            await retried(
                lambda: inserts.insert(document), f"claim {key}", on_retry=after_lost_connection
            )
        except DuplicateKeyError:
            # After a lost connection the duplicate may be our own earlier attempt.
            return ambiguous and await self._ours(name, document)
        return True

    async def _ours(self, name: str, document: Mapping[str, Any]) -> bool:
        stored = await self._db[name].find_one({"_id": document["_id"]}, {"nonce": 1})
        return stored is not None and stored.get("nonce") == document["nonce"]

    async def prune(self, older_than: timedelta) -> None:
        """Claims only matter while the processes may still race for them."""
        for name in await self._buckets.drop_before(datetime.now(UTC) - older_than):
            self._inserts.pop(name, None)
