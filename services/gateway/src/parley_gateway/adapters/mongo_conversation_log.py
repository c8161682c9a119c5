"""The conversation log in collection ``conversation_events``: gap-free sequences, outbox, dedupe.

One document per entry, ``_id = "<conversation_id>:<seq:010d>"`` (``_id`` order is seq order).
A writer inserts at the number after the last one it knows; a duplicate ``_id`` means another
writer (maybe on another replica) took it: re-read the highest and try the next. Inserts take
exactly the next number or fail, so the log has no holes. Contract events ride in the same insert
(``_outbox``) and the relay publishes them. A client message id is unique per conversation and
sender through the ``dedupe`` field's unique sparse index: a retry is answered with the original.
"""

from __future__ import annotations

import dataclasses
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

from pymongo import ASCENDING, DESCENDING
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from parley_platform.messaging.outbox import (
    OUTBOX_FIELD,
    PENDING_FIELD,
    document_with_events,
    pending_in,
)
from parley_platform.messaging.relay import OutboxRelay
from parley_platform.storage.batched_inserts import BatchedInserts

from ..application.conversation_ports import Appended, SequenceTaken
from ..domain.conversation_log import LogEntry, Visibility
from ..domain.identity import Actor, Role

COLLECTION = "conversation_events"
_HIDDEN = {OUTBOX_FIELD: 0, PENDING_FIELD: 0}
MAX_ATTEMPTS = 50
"""Inserts tried before giving up: each failure means another writer stored an entry."""


def entry_id(conversation_id: str, seq: int) -> str:
    return f"{conversation_id}:{seq:010d}"


def to_document(entry: LogEntry, dedupe_key: str | None) -> dict[str, Any]:
    document: dict[str, Any] = {
        "_id": entry_id(entry.conversation_id, entry.seq),
        "conversation_id": entry.conversation_id,
        "seq": entry.seq,
        "kind": str(entry.kind),
        "at": entry.at,
        "actor": {
            "id": entry.actor.id,
            "role": str(entry.actor.role),
            "display_name": entry.actor.display_name,
        },
        "visibility": str(entry.visibility),
        "client_message_id": entry.client_message_id,
        "payload": entry.payload,
    }
    if dedupe_key is not None:
        document["dedupe"] = dedupe_key
    return document


def from_document(document: dict[str, Any]) -> LogEntry:
    actor = document["actor"]
    return LogEntry(
        conversation_id=document["conversation_id"],
        seq=document["seq"],
        kind=document["kind"],
        at=document["at"],
        actor=Actor(actor["id"], Role(actor["role"]), actor["display_name"]),
        visibility=Visibility(document.get("visibility", "public")),
        client_message_id=document.get("client_message_id"),
        payload=document.get("payload") or {},
    )


def with_sequence(event: Any, seq: int) -> Any:
    """The envelope with its conversation event's ``sequence`` set to the stored number."""
    data = event.data
    if "sequence" not in type(data).model_fields or data.sequence == seq:
        return event
    return event.model_copy(update={"data": data.model_copy(update={"sequence": seq})})


class MongoConversationLog:
    """``ConversationLog`` over MongoDB/FerretDB; keeps the last number it saw per conversation."""

    def __init__(
        self,
        db: AsyncDatabase[dict[str, Any]],
        relay: OutboxRelay | None = None,
        remembered: int = 100_000,
    ) -> None:
        self._collection = db[COLLECTION]
        # Every message is an insert here: concurrent ones (any conversation) go out together.
        self._inserts = BatchedInserts(self._collection)
        self._relay = relay
        self._last_known: OrderedDict[str, int] = OrderedDict()
        self._remembered = remembered

    async def ensure_indexes(self) -> None:
        await self._collection.create_index([("conversation_id", ASCENDING), ("seq", ASCENDING)])
        await self._collection.create_index("dedupe", unique=True, sparse=True)

    async def append(  # draft.seq: a hint no higher than the last stored seq + 1
        self,
        draft: LogEntry,
        events: Sequence[Any] = (),
        *,
        dedupe_key: str | None = None,
        expected_seq: int | None = None,
    ) -> Appended:
        conversation_id = draft.conversation_id
        seq = expected_seq or max(draft.seq, self._last_known.get(conversation_id, 0) + 1, 1)
        for _ in range(MAX_ATTEMPTS):
            entry = dataclasses.replace(draft, seq=seq)
            document = to_document(entry, dedupe_key)
            if events:
                numbered = [with_sequence(event, seq) for event in events]
                document = document_with_events(document, numbered, draft.at)
            try:
                await self._inserts.insert(document)
            except DuplicateKeyError:
                if dedupe_key is not None:
                    stored = await self._collection.find_one({"dedupe": dedupe_key}, _HIDDEN)
                    if stored is not None:
                        return Appended(from_document(stored), duplicate=True)
                if expected_seq is not None:
                    raise SequenceTaken(f"{conversation_id}: {seq} is taken") from None
                seq = max(seq, await self.last_seq(conversation_id)) + 1
                continue
            self._remember(conversation_id, seq)
            if self._relay is not None and events:
                self._relay.notify(pending_in(COLLECTION, document))
            return Appended(entry)
        raise RuntimeError(f"{conversation_id}: no free sequence after {MAX_ATTEMPTS} attempts")

    async def read(self, conversation_id: str, after_seq: int, limit: int = 500) -> list[LogEntry]:
        cursor = (
            self._collection.find(
                {"conversation_id": conversation_id, "seq": {"$gt": after_seq}}, _HIDDEN
            )
            .sort("seq", ASCENDING)
            .limit(limit)
        )
        entries = [from_document(document) async for document in cursor]
        if entries:
            self._remember(conversation_id, entries[-1].seq)
        return entries

    async def last_seq(self, conversation_id: str) -> int:
        top = await self._collection.find_one(
            {"conversation_id": conversation_id}, {"seq": 1}, sort=[("seq", DESCENDING)]
        )
        seq = int(top["seq"]) if top else 0
        self._remember(conversation_id, seq)
        return seq

    def _remember(self, conversation_id: str, seq: int) -> None:
        if seq <= self._last_known.get(conversation_id, 0):
            return
        self._last_known[conversation_id] = seq
        self._last_known.move_to_end(conversation_id)
        while len(self._last_known) > self._remembered:
            self._last_known.popitem(last=False)
