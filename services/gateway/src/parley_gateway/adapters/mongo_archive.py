"""The read side of conversations for the HTTP API: history lists, search, catching up.

Reads what the conversation core writes, with the spec's field names: ``conversations``
(snapshots: ``channel_id``, ``lifecycle``, ``agents_involved``, ``outcome``, ``tags``,
``created_at``, ...) and ``conversation_events`` (``_id`` = ``<conversation_id>:<seq:010d>``,
``conversation_id``, ``seq``, ``kind``, ``at``, ``actor``, ``visibility``, ``payload``).

Search (A10) is a case-insensitive regular expression over message text (``payload.text``), and
over titles, tags and visitor names: no text index, no aggregation, so it runs on FerretDB.
"""

from __future__ import annotations

import re
from typing import Any

from pymongo import DESCENDING
from pymongo.asynchronous.database import AsyncDatabase

from ..application.read_models import ConversationRecord, HistoryFilter, SearchHit
from ..domain.conversation_log import LogEntry, Visibility
from ..domain.identity import Actor, Role

_RECORD_FIELDS = set(ConversationRecord.__dataclass_fields__) - {"id"}
_TUPLES = {"tags", "participants", "agents_involved", "offered_to"}
_SCAN_BATCH = 200
_SCAN_LIMIT = 5_000
_SNIPPET = 160


def record_from_doc(doc: dict[str, Any]) -> ConversationRecord:
    values = {k: v for k, v in doc.items() if k in _RECORD_FIELDS and v is not None}
    for name in _TUPLES & values.keys():
        values[name] = tuple(values[name])
    return ConversationRecord(id=doc["_id"], **values)


def entry_from_doc(doc: dict[str, Any]) -> LogEntry:
    actor = doc.get("actor") or {}
    return LogEntry(
        conversation_id=doc["conversation_id"],
        seq=doc["seq"],
        kind=doc["kind"],
        at=doc["at"],
        actor=Actor(
            actor.get("id", ""), Role(actor.get("role", "system")), actor.get("display_name", "")
        ),
        visibility=Visibility(doc.get("visibility", "public")),
        client_message_id=doc.get("client_message_id"),
        payload=doc.get("payload") or {},
    )


def _snippet(text: str, pattern: re.Pattern[str]) -> str:
    match = pattern.search(text)
    start = max(0, (match.start() if match else 0) - _SNIPPET // 3)
    piece = text[start : start + _SNIPPET]
    return ("…" if start else "") + piece + ("…" if start + _SNIPPET < len(text) else "")


class MongoConversationArchive:
    def __init__(self, db: AsyncDatabase[dict[str, Any]]) -> None:
        self._conversations = db["conversations"]
        self._events = db["conversation_events"]

    async def ensure_indexes(self) -> None:
        await self._conversations.create_index([("channel_id", 1), ("created_at", DESCENDING)])
        await self._conversations.create_index("agents_involved")
        await self._events.create_index("at")

    async def get(self, conversation_id: str) -> ConversationRecord | None:
        doc = await self._conversations.find_one({"_id": conversation_id}, {"_outbox": 0})
        return record_from_doc(doc) if doc else None

    async def history(self, query: HistoryFilter) -> list[ConversationRecord]:
        where: dict[str, Any] = {}
        if query.channel_ids is not None:
            where["channel_id"] = {"$in": sorted(query.channel_ids)}
        if query.agent_id:
            where["agents_involved"] = query.agent_id
        if query.outcome:
            where["outcome"] = query.outcome
        if query.tag:
            where["tags"] = query.tag
        if query.lifecycle:
            where["lifecycle"] = query.lifecycle
        created: dict[str, Any] = {}
        if query.created_from:
            created["$gte"] = query.created_from
        if query.created_until:
            created["$lt"] = query.created_until
        if created:
            where["created_at"] = created
        cursor = (
            self._conversations.find(where, {"_outbox": 0})
            .sort([("created_at", DESCENDING), ("_id", DESCENDING)])
            .skip(query.offset)
            .limit(query.limit)
        )
        return [record_from_doc(doc) async for doc in cursor]

    async def events(
        self, conversation_id: str, after_seq: int, limit: int, include_internal: bool
    ) -> list[LogEntry]:
        where: dict[str, Any] = {"conversation_id": conversation_id, "seq": {"$gt": after_seq}}
        if not include_internal:
            where["visibility"] = {"$ne": Visibility.INTERNAL.value}
        cursor = self._events.find(where, {"_outbox": 0}).sort("seq", 1).limit(limit)
        return [entry_from_doc(doc) async for doc in cursor]

    async def search(
        self, text: str, channel_ids: frozenset[str] | None, limit: int
    ) -> list[SearchHit]:
        pattern = re.compile(re.escape(text), re.IGNORECASE)
        regex = {"$regex": re.escape(text), "$options": "i"}
        allowed = {} if channel_ids is None else {"channel_id": {"$in": sorted(channel_ids)}}
        hits: dict[str, SearchHit] = {}
        # Conversations whose own fields match: title, tags, visitor name or e-mail.
        own = (
            self._conversations.find(
                {
                    **allowed,
                    "$or": [
                        {"title": regex},
                        {"tags": regex},
                        {"visitor.name": regex},
                        {"visitor.email": regex},
                    ],
                },
                {"_outbox": 0},
            )
            .sort("created_at", DESCENDING)
            .limit(limit)
        )
        async for doc in own:
            record = record_from_doc(doc)
            shown = record.title or (record.visitor or {}).get("name") or ", ".join(record.tags)
            hits[record.id] = SearchHit(record, None, _snippet(shown or "", pattern))
        # Then message text, newest first, keeping only conversations this agent may see.
        scanned = 0
        while len(hits) < limit and scanned < _SCAN_LIMIT:
            batch = [
                doc
                async for doc in self._events.find({"payload.text": regex}, {"_outbox": 0})
                .sort("at", DESCENDING)
                .skip(scanned)
                .limit(_SCAN_BATCH)
            ]
            if not batch:
                break
            scanned += len(batch)
            wanted = {d["conversation_id"] for d in batch} - hits.keys()
            found = {
                doc["_id"]: record_from_doc(doc)
                async for doc in self._conversations.find(
                    {**allowed, "_id": {"$in": sorted(wanted)}}, {"_outbox": 0}
                )
            }
            for doc in batch:
                hit = found.get(doc["conversation_id"])
                if hit is not None and hit.id not in hits and len(hits) < limit:
                    text_found = str(doc["payload"].get("text", ""))
                    hits[hit.id] = SearchHit(hit, doc["seq"], _snippet(text_found, pattern))
        return list(hits.values())
