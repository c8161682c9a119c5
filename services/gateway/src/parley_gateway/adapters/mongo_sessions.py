"""Login sessions in collection ``sessions``, keyed by the SHA-256 of the token.

Only the hash is stored, so a leaked database does not hand out sessions. Expiry slides: each use
pushes it ``ttl`` ahead, written at most once a minute per session to keep reads cheap.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from ..application.ports import AccountRepository, Clock
from ..domain.identity import Account

_TOUCH_EVERY = timedelta(minutes=1)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class MongoSessionStore:
    def __init__(
        self,
        db: AsyncDatabase[dict[str, Any]],
        accounts: AccountRepository,
        clock: Clock,
        ttl: timedelta,
    ) -> None:
        self._collection = db["sessions"]
        self._accounts = accounts
        self._clock = clock
        self._ttl = ttl

    async def ensure_indexes(self) -> None:
        await self._collection.create_index("account_id")
        await self._collection.create_index("expires_at")

    async def open(self, account_id: str) -> str:
        token = secrets.token_urlsafe(32)
        now = self._clock.now()
        await self._collection.insert_one(
            {
                "_id": token_hash(token),
                "account_id": account_id,
                "created_at": now,
                "touched_at": now,
                "expires_at": now + self._ttl,
            }
        )
        # Expired sessions are removed as new ones arrive: no TTL index needed on any server.
        await self._collection.delete_many({"expires_at": {"$lt": now}})
        return token

    async def account_for_token(self, token: str) -> Account | None:
        if not token or len(token) > 256:
            return None
        key = token_hash(token)
        session = await self._collection.find_one({"_id": key})
        now = self._clock.now()
        if session is None or session["expires_at"] <= now:
            return None
        account = await self._accounts.get(session["account_id"])
        if account is None or not account.active:
            return None
        if now - session["touched_at"] >= _TOUCH_EVERY:
            await self._collection.update_one(
                {"_id": key}, {"$set": {"touched_at": now, "expires_at": now + self._ttl}}
            )
        return account

    async def close(self, token: str) -> None:
        await self._collection.delete_one({"_id": token_hash(token)})

    async def close_all(self, account_id: str) -> None:
        await self._collection.delete_many({"account_id": account_id})
