"""Scripts in collection ``scripts`` (one document per script), with a short-lived cache.

Scripts are few and read on every bot step, so each process keeps them in memory for
``ttl_s``; a save or delete in this process refreshes its copy at once, other replicas see it
within ``ttl_s``.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from parley_contracts.chatbot import ChatbotScript

from ..application.ports import StoredScript

COLLECTION = "scripts"


class MongoScripts:
    def __init__(self, db: AsyncDatabase[dict[str, Any]], ttl_s: float = 5.0) -> None:
        self._collection = db[COLLECTION]
        self._ttl = ttl_s
        self._cache: dict[str, tuple[float, StoredScript | None]] = {}

    async def get(self, script_id: str, *, include_deleted: bool = False) -> StoredScript | None:
        cached = self._cache.get(script_id)
        if cached is not None and time.monotonic() - cached[0] < self._ttl:
            stored = cached[1]
        else:
            document = await self._collection.find_one({"_id": script_id})
            stored = _stored(document) if document else None
            self._cache[script_id] = (time.monotonic(), stored)
        if stored is None or (stored.deleted and not include_deleted):
            return None
        return stored

    async def list(self) -> list[StoredScript]:
        documents = self._collection.find({"deleted_at": None})
        return [_stored(document) async for document in documents]

    async def save(self, script: ChatbotScript, now: datetime) -> StoredScript:
        document = _document(script, now)
        await self._collection.replace_one({"_id": script.id}, document, upsert=True)
        stored = StoredScript(script, now)
        self._cache[script.id] = (time.monotonic(), stored)
        return stored

    async def delete(self, script_id: str, now: datetime) -> bool:
        # Kept, marked deleted: conversations running it go on to their end.
        result = await self._collection.update_one(
            {"_id": script_id, "deleted_at": None}, {"$set": {"deleted_at": now}}
        )
        self._cache.pop(script_id, None)
        return result.modified_count > 0

    async def add_if_absent(self, script: ChatbotScript, now: datetime) -> bool:
        try:
            await self._collection.insert_one(_document(script, now))
        except DuplicateKeyError:
            return False
        return True


def _document(script: ChatbotScript, now: datetime) -> dict[str, Any]:
    return {
        "_id": script.id,
        "script": script.model_dump(mode="json"),
        "updated_at": now,
        "deleted_at": None,
    }


def _stored(document: dict[str, Any]) -> StoredScript:
    return StoredScript(
        script=ChatbotScript.model_validate(document["script"]),
        updated_at=_aware(document["updated_at"]),
        deleted=document.get("deleted_at") is not None,
    )


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
