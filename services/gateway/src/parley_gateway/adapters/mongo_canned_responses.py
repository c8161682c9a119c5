"""Canned responses in collection ``canned_responses``."""

from __future__ import annotations

import re
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from ..domain.canned_response import CannedResponse
from ..domain.identity import Account


def _response(doc: dict[str, Any]) -> CannedResponse:
    return CannedResponse(
        id=doc["_id"],
        shortcut=doc["shortcut"],
        text=doc["text"],
        created_by=doc["created_by"],
        owner_id=doc.get("owner_id"),
        group_ids=frozenset(doc.get("group_ids", ())),
        created_at=doc.get("created_at"),
    )


def _doc(response: CannedResponse) -> dict[str, Any]:
    return {
        "_id": response.id,
        "shortcut": response.shortcut,
        "text": response.text,
        "created_by": response.created_by,
        "owner_id": response.owner_id,
        "group_ids": sorted(response.group_ids),
        "created_at": response.created_at,
    }


class MongoCannedResponseRepository:
    def __init__(self, db: AsyncDatabase[dict[str, Any]]) -> None:
        self._collection = db["canned_responses"]

    async def ensure_indexes(self) -> None:
        await self._collection.create_index("owner_id")
        await self._collection.create_index("group_ids")

    async def get(self, response_id: str) -> CannedResponse | None:
        doc = await self._collection.find_one({"_id": response_id})
        return _response(doc) if doc else None

    async def usable_by(self, account: Account, prefix: str = "") -> list[CannedResponse]:
        query: dict[str, Any] = {}
        if not account.is_admin:
            query["$or"] = [
                {"owner_id": account.id},
                {"owner_id": None, "group_ids": {"$in": sorted(account.group_ids)}},
            ]
        if prefix:
            query["shortcut"] = {"$regex": f"^{re.escape(prefix)}"}
        cursor = self._collection.find(query).sort("shortcut", 1)
        # The domain rule decides; the query only narrows what is read.
        return [r for r in map(_response, [d async for d in cursor]) if r.usable_by(account)]

    async def add(self, response: CannedResponse) -> None:
        await self._collection.insert_one(_doc(response))

    async def update(self, response: CannedResponse) -> None:
        doc = _doc(response)
        doc.pop("_id")
        await self._collection.update_one({"_id": response.id}, {"$set": doc})

    async def delete(self, response_id: str) -> bool:
        return (await self._collection.delete_one({"_id": response_id})).deleted_count == 1
