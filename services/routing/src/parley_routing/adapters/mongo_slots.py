"""Capacity slots: an operator's load as documents ``<agent>:slot:<n>`` (n < their maximum).

A slot is taken by inserting its ``_id``, which one process at most can do, and routing
assigns only while holding one: so no operator exceeds their maximum, whichever process
assigns. ``<agent>:holds:<conversation>`` (the slot's number) goes in the same ordered insert:
it refuses a second slot of one operator for one conversation and tells another process which
slot to give back. FerretDB scans for every delete, cheaply (5 us a document) only for an
``_id``-only filter: so the slots are spread over ``PARTITIONS`` collections by agent, and a
process gives back its own slots by ``_id``; one that another process took is given back by
that process, or by this one ``RESCUE_AFTER_S`` later if it is still there (its taker died).
Giving back runs in the background (retried while the database is away), after any take of
the same conversation still under way, so a slot is never deleted before it was inserted.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
import zlib
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import structlog
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import BulkWriteError, CollectionInvalid, DuplicateKeyError

from parley_platform.storage.mongo import DUPLICATE_KEY

from ..application.ports import SlotRefused
from .retrying import retried
from .turns import Turns

log = structlog.get_logger(__name__)

PREFIX = "slots_"
LEGACY = "slots"
PARTITIONS = 128
RESCUE_AFTER_S = 10.0


def collection_of(agent_id: str) -> str:
    return f"{PREFIX}{zlib.crc32(agent_id.encode()) % PARTITIONS:03d}"


def _slot_id(agent_id: str, number: int) -> str:
    return f"{agent_id}:slot:{number}"


def _holder_id(agent_id: str, conversation_id: str) -> str:
    return f"{agent_id}:holds:{conversation_id}"


class MongoSlots:
    def __init__(self, db: AsyncDatabase[dict[str, Any]], owner: str) -> None:
        self._db = db
        self._owner = owner
        self._mine: dict[str, dict[int, str]] = {}
        """Agent -> slot number -> conversation: the slots this process took (or is taking)."""
        self._foreign: dict[str, set[int]] = {}
        """Numbers another process held when this one tried them: tried last, not skipped."""
        self._turns = Turns()
        """Writes for one (agent, conversation) run in the order asked."""
        self._deleting: dict[str, dict[asyncio.Future[None], str]] = {}
        """Own slots being given back, by agent (-> conversation): a take finding none free
        waits for them."""
        self._background: set[asyncio.Task[None]] = set()

    async def take(self, agent_id: str, conversation_id: str, max_chats: int) -> int | SlotRefused:
        """A free slot for the conversation (its number), or why there is none."""
        async with self._turns.take((agent_id, conversation_id)):
            return await self._take(agent_id, conversation_id, max_chats)

    def release(self, agent_id: str, conversation_id: str) -> None:
        """The operator no longer holds the conversation, whichever process took its slot."""
        number = self._number_of(agent_id, conversation_id)
        if number is not None:
            self.give_back(agent_id, conversation_id, number)
            return
        released_at = datetime.now(UTC)

        async def rescue() -> None:
            await asyncio.sleep(RESCUE_AFTER_S)
            if self._number_of(agent_id, conversation_id) is None:  # not taken again here
                await self._delete_foreign(agent_id, conversation_id, released_at)

        self._in_background(rescue)

    async def held(self) -> list[tuple[str, str, datetime]]:
        """(agent, conversation, since) of every slot: the load after a restart."""
        found: list[tuple[str, str, datetime]] = []
        names = [n for n in await self._db.list_collection_names() if n.startswith(PREFIX)]
        for name in names:
            async for doc in self._db[name].find({"conversation_id": {"$exists": True}}):
                agent_id, conversation_id = doc["agent_id"], doc["conversation_id"]
                if doc.get("by") == self._owner:  # this process's, before a restart
                    number = int(doc["_id"].rsplit(":", 1)[1])
                    self._mine.setdefault(agent_id, {})[number] = conversation_id
                found.append((agent_id, conversation_id, doc["at"]))
        return found

    async def prepare(self) -> None:
        """Create the slot collections ahead of the first assignments (creating a collection
        costs FerretDB 5-15 ms, more than an assignment), and bring over the slots of the
        single collection older versions kept (before :meth:`held` reads them)."""
        existing = set(await self._db.list_collection_names())
        for partition in range(PARTITIONS):
            name = f"{PREFIX}{partition:03d}"
            if name not in existing:
                with contextlib.suppress(CollectionInvalid):  # another process was first
                    await self._db.create_collection(name)
        if LEGACY not in existing:
            return
        async for old in self._db[LEGACY].find({}):
            agent_id, conversation_id = old["agent_id"], old["conversation_id"]
            number = int(old["_id"].rsplit(":", 1)[1])
            holder = {"_id": _holder_id(agent_id, conversation_id), "slot": number}
            with contextlib.suppress(BulkWriteError):  # brought over already
                await self._db[collection_of(agent_id)].insert_many(
                    [{**old, "by": "(older version)"}, {**holder, "at": old["at"]}],
                    ordered=False,
                )

    async def drain(self, timeout_s: float = 10.0) -> None:
        """Wait for the slots being given back (shutdown), at most ``timeout_s``."""
        if self._background:
            await asyncio.wait(set(self._background), timeout=timeout_s)

    async def _take(self, agent_id: str, conversation_id: str, max_chats: int) -> int | SlotRefused:
        tried: set[int] = set()
        mine = self._mine.setdefault(agent_id, {})
        while True:
            number = self._free_number(agent_id, max_chats, tried)
            if number is None:
                if not await self._wait_for_gives_back(agent_id, conversation_id):
                    return SlotRefused.FULL
                continue
            tried.add(number)
            mine[number] = conversation_id  # reserved: a concurrent take picks another
            try:
                outcome = await self._insert(agent_id, number, conversation_id)
            except BaseException:
                mine.pop(number, None)
                raise
            if outcome is None:
                return number
            mine.pop(number, None)
            if outcome is SlotRefused.HELD_ELSEWHERE:
                return outcome
            self._foreign.setdefault(agent_id, set()).add(number)

    def _free_number(self, agent_id: str, max_chats: int, tried: set[int]) -> int | None:
        mine, foreign = self._mine.get(agent_id, {}), self._foreign.get(agent_id, set())
        untried = [n for n in range(max_chats) if n not in mine and n not in tried]
        choices = [n for n in untried if n not in foreign] or untried
        return choices[0] if choices else None

    async def _wait_for_gives_back(self, agent_id: str, conversation_id: str) -> bool:
        """Wait for this operator's slots being given back; False when there are none. (Not
        for the conversation's own: that one waits for this take.)"""
        deleting = self._deleting.get(agent_id, {})
        pending = {done for done, c in deleting.items() if c != conversation_id}
        if not pending:
            return False
        await asyncio.wait(pending)
        return True

    def _number_of(self, agent_id: str, conversation_id: str) -> int | None:
        mine = self._mine.get(agent_id, {})
        return next((n for n, c in mine.items() if c == conversation_id), None)

    async def _insert(self, agent_id: str, number: int, conversation_id: str) -> SlotRefused | None:
        """None when the slot is ours; else why not (its number taken, or the conversation
        holding another slot of this operator)."""
        collection = self._db[collection_of(agent_id)]
        now, nonce = datetime.now(UTC), uuid.uuid4().hex
        slot = {
            "_id": _slot_id(agent_id, number),
            "agent_id": agent_id,
            "conversation_id": conversation_id,
            "at": now,
            "by": self._owner,
            "nonce": nonce,
        }
        holder = {"_id": _holder_id(agent_id, conversation_id), "slot": number, "at": now}
        ambiguous = False

        def after_lost_connection() -> None:
            nonlocal ambiguous
            ambiguous = True  # the lost insert may have been stored

        async def insert() -> SlotRefused | None:
            try:
                await collection.insert_many([slot, holder], ordered=True)
            except BulkWriteError as exc:
                errors = exc.details.get("writeErrors", [])
                if any(e.get("code") != DUPLICATE_KEY for e in errors):
                    raise
                if ambiguous:
                    stored = await collection.find_one({"_id": slot["_id"]})
                    if stored is not None and stored.get("nonce") == nonce:
                        with contextlib.suppress(DuplicateKeyError):  # if it did not go in
                            await collection.insert_one(holder)
                        return None
                if errors and errors[0]["index"] == 0:
                    return SlotRefused.FULL
                # Our slot went in, but the conversation holds one of this operator already.
                await collection.delete_one({"_id": slot["_id"]})
                return SlotRefused.HELD_ELSEWHERE
            return None

        return await retried(insert, f"slot of {agent_id}", on_retry=after_lost_connection)

    def give_back(self, agent_id: str, conversation_id: str, number: int) -> None:
        """Return a slot this process took (for a race it then lost, or a conversation over)."""
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        deleting = self._deleting.setdefault(agent_id, {})
        deleting[done] = conversation_id

        async def delete() -> None:
            try:
                await self._delete_own(agent_id, conversation_id, number)
            finally:
                del deleting[done]
                done.set_result(None)

        self._in_turn(agent_id, conversation_id, delete)

    async def _delete_own(self, agent_id: str, conversation_id: str, number: int) -> None:
        mine = self._mine.get(agent_id, {})
        if mine.get(number) != conversation_id:
            return  # the take did not go through
        collection = self._db[collection_of(agent_id)]
        await retried(
            lambda: collection.delete_one({"_id": _slot_id(agent_id, number)}),
            f"slot of {agent_id}",
        )
        del mine[number]
        await retried(
            lambda: collection.delete_one({"_id": _holder_id(agent_id, conversation_id)}),
            f"slot of {agent_id}",
        )
        self._foreign.pop(agent_id, None)  # their load moved: every number may be free

    async def _delete_foreign(
        self, agent_id: str, conversation_id: str, released_at: datetime
    ) -> None:
        collection = self._db[collection_of(agent_id)]
        holder_id = _holder_id(agent_id, conversation_id)
        holder = await retried(lambda: collection.find_one({"_id": holder_id}), "slot holder")
        if holder is None or holder["at"] >= released_at:
            return  # given back by its owner, or taken again since
        log.info("slot.rescued", agent_id=agent_id, conversation_id=conversation_id)
        slot = {"_id": _slot_id(agent_id, holder["slot"]), "conversation_id": conversation_id}
        await retried(lambda: collection.delete_one(slot), f"slot of {agent_id}")
        await retried(lambda: collection.delete_one({"_id": holder_id}), f"slot of {agent_id}")

    def _in_turn(
        self, agent_id: str, conversation_id: str, write: Callable[[], Awaitable[None]]
    ) -> None:
        """Run ``write`` in the background, after the writes already asked for the pair."""
        turn = self._turns.take((agent_id, conversation_id))

        async def run() -> None:
            async with turn:
                await write()

        self._in_background(run)

    def _in_background(self, job: Callable[[], Awaitable[None]]) -> None:
        task = asyncio.create_task(self._logged(job))
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    @staticmethod
    async def _logged(job: Callable[[], Awaitable[None]]) -> None:
        try:
            await job()
        except Exception as exc:
            log.error("slot.give_back_failed", error=repr(exc))
