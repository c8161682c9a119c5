"""Routing's working state mirrored to MongoDB for restarts, written behind the decisions.

Every change is staged in memory and written by a flusher every ``interval_s``, the latest
version of each document only: on FerretDB every update scans its collection, so writing on the
decision path would cost more than deciding. A process killed between two flushes loses at most
that interval of mirror writes; the claims and slots (written at once) keep the guarantees.
"""

from __future__ import annotations

import asyncio
import contextlib
from datetime import UTC, datetime, timedelta
from typing import Any

import structlog
from pymongo.asynchronous.database import AsyncDatabase

from parley_contracts.common import RoutingMode
from parley_contracts.routing import DecisionRecord

from ..application.state import ChannelSettings, Held, RoutingState, Waiting
from ..domain.operator import Availability, Operator, OperatorProfile, OperatorState
from ..domain.presence import Presence
from ..domain.request import RoutingRequest
from ..domain.timeouts import ChannelLimits
from .mongo_claims import MongoSlots

log = structlog.get_logger(__name__)

OPERATORS, CHANNELS, WAITING, HELD, DECISIONS = (
    "operators",
    "channels",
    "waiting",
    "held",
    "decisions",
)


class WriteBehind:
    """Staged upserts and deletes per collection, flushed in the background."""

    def __init__(self, db: AsyncDatabase[dict[str, Any]], interval_s: float) -> None:
        self._db = db
        self._interval = interval_s
        self._staged: dict[str, dict[str, dict[str, Any] | None]] = {}
        self._inserts: dict[str, list[dict[str, Any]]] = {}
        self._task: asyncio.Task[None] | None = None

    def put(self, collection: str, document: dict[str, Any]) -> None:
        self._staged.setdefault(collection, {})[document["_id"]] = document

    def drop(self, collection: str, document_id: str) -> None:
        self._staged.setdefault(collection, {})[document_id] = None

    def insert(self, collection: str, document: dict[str, Any]) -> None:
        self._inserts.setdefault(collection, []).append(document)

    def pending_inserts(self, collection: str) -> list[dict[str, Any]]:
        return list(self._inserts.get(collection, ()))

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="routing-mirror")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        with contextlib.suppress(Exception):
            await self.flush()

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self._interval)
            try:
                await self.flush()
            except Exception as exc:  # the next flush writes the latest state anyway
                log.warning("mirror.flush_failed", error=repr(exc))

    async def flush(self) -> None:
        staged, self._staged = self._staged, {}
        inserts, self._inserts = self._inserts, {}
        for collection, documents in inserts.items():
            if documents:
                await self._db[collection].insert_many(documents, ordered=False)
        for collection, changes in staged.items():
            gone = [key for key, document in changes.items() if document is None]
            if gone:
                await self._db[collection].delete_many({"_id": {"$in": gone}})
            for key, document in changes.items():
                if document is not None:
                    await self._db[collection].replace_one({"_id": key}, document, upsert=True)


class MongoStateMirror:
    def __init__(
        self, writes: WriteBehind, db: AsyncDatabase[dict[str, Any]], slots: MongoSlots
    ) -> None:
        self._writes = writes
        self._db = db
        self._slots = slots

    def save_operator(self, operator: Operator, presence: Presence) -> None:
        self._writes.put(OPERATORS, operator_document(operator, presence))

    def save_channel(self, channel_id: str, settings: ChannelSettings) -> None:
        self._writes.put(
            CHANNELS,
            {
                "_id": channel_id,
                "mode": settings.mode.value,
                "max_wait_s": settings.limits.max_wait.total_seconds(),
                "answer_within_s": settings.limits.answer_within.total_seconds(),
            },
        )

    def save_waiting(self, waiting: Waiting) -> None:
        request = waiting.request
        self._writes.put(
            WAITING,
            {
                "_id": request.conversation_id,
                "key": waiting.key,
                "attempt": waiting.attempt,
                "request": _request_doc(request),
            },
        )

    def drop_waiting(self, conversation_id: str) -> None:
        self._writes.drop(WAITING, conversation_id)

    def save_held(self, held: Held) -> None:
        self._writes.put(
            HELD,
            {
                "_id": held.request.conversation_id,
                "key": held.key,
                "agent_id": held.agent_id,
                "attempt": held.attempt,
                "assigned_at": held.assigned_at,
                "answer_by": held.answer_by,
                "request": _request_doc(held.request),
            },
        )

    def drop_held(self, conversation_id: str) -> None:
        self._writes.drop(HELD, conversation_id)

    async def load(self, state: RoutingState) -> None:
        async for doc in self._db[CHANNELS].find({}):
            state.channels[doc["_id"]] = ChannelSettings(
                RoutingMode(doc["mode"]),
                ChannelLimits(
                    timedelta(seconds=doc["max_wait_s"]), timedelta(seconds=doc["answer_within_s"])
                ),
            )
        async for doc in self._db[OPERATORS].find({}):
            operator, presence = operator_of(doc)
            state.put_operator(operator)
            state.presence[operator.agent_id] = presence
        for agent_id, conversation_id in await self._slots.held():
            if agent_id in state.operators:
                state.hold(
                    agent_id,
                    conversation_id,
                    state.operators[agent_id].state.last_assigned_at or _epoch(),
                )
        async for doc in self._db[WAITING].find({}):
            state.waiting[doc["_id"]] = Waiting(
                _request_of(doc["request"]), doc["key"], doc["attempt"]
            )
        async for doc in self._db[HELD].find({}):
            state.held[doc["_id"]] = Held(
                _request_of(doc["request"]),
                doc["key"],
                doc["agent_id"],
                doc["attempt"],
                doc["assigned_at"],
                doc["answer_by"],
            )


class MongoDecisionLog:
    def __init__(self, writes: WriteBehind, db: AsyncDatabase[dict[str, Any]]) -> None:
        self._writes = writes
        self._db = db

    async def ensure_indexes(self) -> None:
        await self._db[DECISIONS].create_index("conversation_id")

    def record(self, conversation_id: str, record: DecisionRecord) -> None:
        self._writes.insert(
            DECISIONS,
            {"conversation_id": conversation_id, "record": record.model_dump(mode="json")},
        )

    async def for_conversation(self, conversation_id: str) -> list[DecisionRecord]:
        stored = [d async for d in self._db[DECISIONS].find({"conversation_id": conversation_id})]
        staged = [
            d
            for d in self._writes.pending_inserts(DECISIONS)
            if d["conversation_id"] == conversation_id
        ]
        return [DecisionRecord.model_validate(d["record"]) for d in stored + staged]

    async def decision_times(self) -> list[float]:
        """Every stored decision's duration (ms): what the benchmark reads."""
        cursor = self._db[DECISIONS].find({}, {"record.decision_ms": 1})
        return [
            d["record"]["decision_ms"]
            async for d in cursor
            if d["record"].get("decision_ms") is not None
        ]


def operator_document(operator: Operator, presence: Presence) -> dict[str, Any]:
    p, s = operator.profile, operator.state
    return {
        "_id": p.agent_id,
        "profile": {
            "chat_name": p.chat_name,
            "main_language": p.main_language,
            "extra_languages": sorted(p.extra_languages),
            "expertise": sorted(p.expertise),
            "country": p.country,
            "max_chats": p.max_chats,
            "channel_ids": sorted(p.channel_ids),
        },
        "availability": s.availability.value,
        "online_since": s.online_since,
        "last_assigned_at": s.last_assigned_at,
        "presence": {
            "availability": presence.availability.value,
            "chosen": presence.chosen.value,
            "last_activity_at": presence.last_activity_at,
            "sockets": presence.sockets,
            "connection_lost_at": presence.connection_lost_at,
        },
    }


def operator_of(doc: dict[str, Any]) -> tuple[Operator, Presence]:
    p = doc["profile"]
    profile = OperatorProfile(
        agent_id=doc["_id"],
        chat_name=p["chat_name"],
        main_language=p.get("main_language"),
        extra_languages=frozenset(p.get("extra_languages") or ()),
        expertise=frozenset(p.get("expertise") or ()),
        country=p.get("country"),
        max_chats=p.get("max_chats", 3),
        channel_ids=frozenset(p.get("channel_ids") or ()),
    )
    state = OperatorState(
        availability=Availability(doc.get("availability", "offline")),
        online_since=doc.get("online_since"),
        last_assigned_at=doc.get("last_assigned_at"),
    )
    pr = doc.get("presence") or {}
    presence = Presence(
        availability=Availability(pr.get("availability", "offline")),
        chosen=Availability(pr.get("chosen", "offline")),
        last_activity_at=pr.get("last_activity_at"),
        sockets=pr.get("sockets", 0),
        connection_lost_at=pr.get("connection_lost_at"),
    )
    return Operator(profile, state), presence


def _request_doc(request: RoutingRequest) -> dict[str, Any]:
    return {
        "conversation_id": request.conversation_id,
        "channel_id": request.channel_id,
        "requested_at": request.requested_at,
        "language": request.language,
        "country": request.country,
        "expertise": sorted(request.expertise),
        "previous_agent_id": request.previous_agent_id,
        "from_handoff": request.from_handoff,
        "fallback_to_any": request.fallback_to_any,
        "timed_out_agent_ids": sorted(request.timed_out_agent_ids),
    }


def _request_of(doc: dict[str, Any]) -> RoutingRequest:
    return RoutingRequest(
        conversation_id=doc["conversation_id"],
        channel_id=doc["channel_id"],
        requested_at=doc["requested_at"],
        language=doc.get("language"),
        country=doc.get("country"),
        expertise=frozenset(doc.get("expertise") or ()),
        previous_agent_id=doc.get("previous_agent_id"),
        from_handoff=doc.get("from_handoff", False),
        fallback_to_any=doc.get("fallback_to_any", True),
        timed_out_agent_ids=frozenset(doc.get("timed_out_agent_ids") or ()),
    )


def _epoch() -> datetime:
    return datetime(1970, 1, 1, tzinfo=UTC)
