"""Claims and capacity slots: races between routing processes decided by unique ``_id`` inserts.

FerretDB's conditional updates are not atomic between two clients, but a duplicate ``_id`` is
refused on every MongoDB-protocol server, so an insert is the one primitive both processes
can race on safely. Inserts also stay fast on FerretDB (about 1 ms), unlike any filtered read.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

CLAIMS = "claims"
SLOTS = "slots"


class MongoClaims:
    def __init__(self, db: AsyncDatabase[dict[str, Any]], owner: str) -> None:
        self._claims = db[CLAIMS]
        self._owner = owner

    async def claim(self, key: str, record: Mapping[str, Any]) -> bool:
        document = {"_id": key, "by": self._owner, "at": datetime.now(UTC), **record}
        try:
            await self._claims.insert_one(document)
        except DuplicateKeyError:
            return False
        return True

    async def prune(self, older_than: timedelta) -> None:
        """Claims only matter while both processes may still race for them."""
        await self._claims.delete_many({"at": {"$lt": datetime.now(UTC) - older_than}})


class MongoSlots:
    """``<agent>:slot:<n>`` for n < max chats; the documents are the operators' true load."""

    def __init__(self, db: AsyncDatabase[dict[str, Any]]) -> None:
        self._slots = db[SLOTS]
        self._taken: dict[str, set[int]] = defaultdict(set)
        """Slot numbers this process believes taken: tried last, not skipped (they may free)."""

    async def ensure_indexes(self) -> None:
        await self._slots.create_index("agent_id")

    async def take(self, agent_id: str, conversation_id: str, max_chats: int) -> str | None:
        believed = self._taken[agent_id]
        order = [n for n in range(max_chats) if n not in believed]
        order += [n for n in range(max_chats) if n in believed]
        for n in order:
            slot_id = f"{agent_id}:slot:{n}"
            try:
                await self._slots.insert_one(
                    {
                        "_id": slot_id,
                        "agent_id": agent_id,
                        "conversation_id": conversation_id,
                        "at": datetime.now(UTC),
                    }
                )
            except DuplicateKeyError:
                believed.add(n)
                continue
            believed.add(n)
            return slot_id
        return None

    async def give_back(self, slot_id: str) -> None:
        await self._slots.delete_one({"_id": slot_id})
        self._taken.pop(slot_id.split(":slot:", 1)[0], None)

    async def release(self, agent_id: str, conversation_id: str) -> None:
        await self._slots.delete_many({"agent_id": agent_id, "conversation_id": conversation_id})
        self._taken.pop(agent_id, None)

    async def held(self) -> list[tuple[str, str]]:
        """(agent, conversation) of every slot: the load after a restart."""
        return [(d["agent_id"], d["conversation_id"]) async for d in self._slots.find({})]
