"""Accounts (agents and admins) in collection ``accounts``."""

from __future__ import annotations

from typing import Any

from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from ..domain.errors import Conflict
from ..domain.identity import Account, Role


def account_from_doc(doc: dict[str, Any]) -> Account:
    return Account(
        id=doc["_id"],
        email=doc["email"],
        display_name=doc["display_name"],
        role=Role(doc["role"]),
        group_ids=frozenset(doc.get("group_ids", ())),
        active=doc.get("active", True),
        created_at=doc.get("created_at"),
    )


def _fields(account: Account) -> dict[str, Any]:
    return {
        "display_name": account.display_name,
        "role": account.role.value,
        "group_ids": sorted(account.group_ids),
        "active": account.active,
    }


class MongoAccountRepository:
    def __init__(self, db: AsyncDatabase[dict[str, Any]]) -> None:
        self._collection = db["accounts"]

    async def ensure_indexes(self) -> None:
        await self._collection.create_index("email", unique=True)
        await self._collection.create_index("group_ids")

    async def get(self, account_id: str) -> Account | None:
        doc = await self._collection.find_one({"_id": account_id}, {"password_hash": 0})
        return account_from_doc(doc) if doc else None

    async def by_email(self, email: str) -> tuple[Account, str] | None:
        doc = await self._collection.find_one({"email": email})
        return (account_from_doc(doc), doc["password_hash"]) if doc else None

    async def add(self, account: Account, password_hash: str) -> None:
        doc = {
            "_id": account.id,
            "email": account.email,
            "password_hash": password_hash,
            "created_at": account.created_at,
            **_fields(account),
        }
        try:
            await self._collection.insert_one(doc)
        except DuplicateKeyError as exc:
            raise Conflict("email: an account with this e-mail exists") from exc

    async def update(self, account: Account) -> None:
        await self._collection.update_one({"_id": account.id}, {"$set": _fields(account)})

    async def set_password_hash(self, account_id: str, password_hash: str) -> None:
        await self._collection.update_one(
            {"_id": account_id}, {"$set": {"password_hash": password_hash}}
        )

    async def list_all(self) -> list[Account]:
        cursor = self._collection.find({}, {"password_hash": 0}).sort("email", 1)
        return [account_from_doc(doc) async for doc in cursor]

    async def count(self) -> int:
        return await self._collection.count_documents({})

    async def count_in_group(self, group_id: str) -> int:
        return await self._collection.count_documents({"group_ids": group_id})
