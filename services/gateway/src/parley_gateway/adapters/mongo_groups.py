"""Groups of agents in collection ``groups``."""

from __future__ import annotations

from typing import Any

from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from ..domain.errors import Conflict
from ..domain.identity import Group


def _group(doc: dict[str, Any]) -> Group:
    return Group(doc["_id"], doc["name"], doc.get("created_at"))


class MongoGroupRepository:
    def __init__(self, db: AsyncDatabase[dict[str, Any]]) -> None:
        self._collection = db["groups"]

    async def ensure_indexes(self) -> None:
        await self._collection.create_index("name", unique=True)

    async def get(self, group_id: str) -> Group | None:
        doc = await self._collection.find_one({"_id": group_id})
        return _group(doc) if doc else None

    async def list_all(self) -> list[Group]:
        return [_group(doc) async for doc in self._collection.find({}).sort("name", 1)]

    async def existing(self, group_ids: frozenset[str]) -> frozenset[str]:
        if not group_ids:
            return frozenset()
        cursor = self._collection.find({"_id": {"$in": sorted(group_ids)}}, {"_id": 1})
        return frozenset([doc["_id"] async for doc in cursor])

    async def add(self, group: Group) -> None:
        try:
            await self._collection.insert_one(
                {"_id": group.id, "name": group.name, "created_at": group.created_at}
            )
        except DuplicateKeyError as exc:
            raise Conflict("name: a group with this name exists") from exc

    async def rename(self, group_id: str, name: str) -> bool:
        try:
            result = await self._collection.update_one({"_id": group_id}, {"$set": {"name": name}})
        except DuplicateKeyError as exc:
            raise Conflict("name: a group with this name exists") from exc
        return result.matched_count == 1

    async def delete(self, group_id: str) -> bool:
        return (await self._collection.delete_one({"_id": group_id})).deleted_count == 1
