"""Idempotent consumption: which ``(source, id)`` a consumer has already handled.

A message can only be a duplicate when the broker redelivers it, when it comes back from a retry,
or when a publisher sent it again (the relay marks those). Fresh first deliveries skip the
database look-up; every handled message is recorded before it is acknowledged.
"""

from __future__ import annotations

from collections import OrderedDict
from datetime import UTC, datetime
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

from ..storage.batched_inserts import BatchedInserts


class Inbox:
    """Handled message keys per consumer queue, in the service's own database."""

    def __init__(self, collection: AsyncCollection[dict[str, Any]], memory: int = 10_000) -> None:
        self._collection = collection
        self._inserts = BatchedInserts(collection)  # one record per handled message: grouped
        self._recent: OrderedDict[str, None] = OrderedDict()
        self._memory = memory

    @staticmethod
    def key(consumer: str, source: str, event_id: str) -> str:
        return f"{consumer}|{source}|{event_id}"

    async def seen(self, key: str, *, possibly_duplicate: bool) -> bool:
        if key in self._recent:
            return True
        if not possibly_duplicate:
            return False
        return await self._collection.find_one({"_id": key}, {"_id": 1}) is not None

    async def record(self, key: str) -> None:
        try:
            await self._inserts.insert({"_id": key, "at": datetime.now(UTC)})
        except DuplicateKeyError:
            pass  # a concurrent redelivery got there first; both saw the same event
        self._remember(key)

    def _remember(self, key: str) -> None:
        self._recent[key] = None
        if len(self._recent) > self._memory:
            self._recent.popitem(last=False)

    async def ensure_indexes(self) -> None:
        await self._collection.create_index("at")

    async def prune(self, before: datetime) -> int:
        """Forget keys older than ``before``; duplicates arrive within minutes, not weeks."""
        result = await self._collection.delete_many({"at": {"$lt": before}})
        return result.deleted_count
