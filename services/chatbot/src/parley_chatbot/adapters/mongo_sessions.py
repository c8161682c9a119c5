"""Bot sessions in collection ``bot_sessions`` (``_id`` = conversation id), cached in memory.

The commands a change causes are stored in the same write (the outbox) and handed to the relay.
Saves are compare-and-set on ``version`` (the stored one must be older): a replica holding a
stale copy gets a conflict and reads again. The cache keeps the sessions this process touched
recently, plus the conversations it knows run no bot, so that the visitor messages of ordinary
chats cost no database read.
Closed and handed-over sessions are removed after a retention period once their outbox is empty.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from parley_contracts.chatbot import StepType
from parley_contracts.common import VisitorInfo
from parley_contracts.envelope import CloudEvent
from parley_platform.messaging.outbox import (
    OUTBOX_FIELD,
    PENDING_FIELD,
    document_with_events,
    outbox_fields,
    pending_in,
)
from parley_platform.messaging.relay import OutboxRelay

from ..application.ports import SessionConflict
from ..domain.effects import RecordedAnswer, Speaker, TranscriptLine
from ..domain.session import BotSession, Phase

COLLECTION = "bot_sessions"
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class MongoSessions:
    def __init__(
        self, db: AsyncDatabase[dict[str, Any]], relay: OutboxRelay, cache_size: int = 10_000
    ) -> None:
        self._collection = db[COLLECTION]
        self._relay = relay
        self._cache_size = cache_size
        self._cache: OrderedDict[str, BotSession] = OrderedDict()
        self._without_bot: OrderedDict[str, None] = OrderedDict()

    async def ensure_indexes(self) -> None:
        await self._collection.create_index("wake_at", sparse=True)

    async def get(self, conversation_id: str) -> BotSession | None:
        cached = self._cache.get(conversation_id)
        if cached is not None:
            self._cache.move_to_end(conversation_id)
            return cached
        document = await self._collection.find_one({"_id": conversation_id})
        if document is None:
            return None
        session = from_document(document)
        self._remember(session)
        return session

    async def add(self, session: BotSession, events: Sequence[CloudEvent[Any]]) -> bool:
        document = document_with_events(to_document(session), events)
        try:
            await self._collection.insert_one(document)
        except DuplicateKeyError:
            return False
        self._remember(session)
        self._relay.notify(pending_in(COLLECTION, document))
        return True

    async def save(self, session: BotSession, events: Sequence[CloudEvent[Any]]) -> None:
        now = datetime.now(UTC)
        fields = to_document(session)
        del fields["_id"]
        update: dict[str, Any] = {"$set": {**fields, **outbox_fields(events, now)}}
        if events:
            update["$inc"] = {PENDING_FIELD: len(events)}
        # "Older than mine", not "exactly mine - 1": on FerretDB v1 the relay's removal of sent
        # events is a read-modify-write that can put back an older copy of the document. That
        # older version must not look like another replica's change (the cache holds the truth
        # and this write restores it); a version as new as this one does.
        result = await self._collection.update_one(
            {"_id": session.conversation_id, "version": {"$lt": session.version}}, update
        )
        if result.matched_count == 0:
            raise SessionConflict(session.conversation_id)
        self._remember(session)
        if events:
            stored = {
                path.split(".", 1)[1]: value for path, value in outbox_fields(events, now).items()
            }
            self._relay.notify(
                pending_in(COLLECTION, {"_id": session.conversation_id, OUTBOX_FIELD: stored})
            )

    def forget(self, conversation_id: str) -> None:
        self._cache.pop(conversation_id, None)

    def known_without_bot(self, conversation_id: str) -> bool:
        return conversation_id in self._without_bot

    def mark_without_bot(self, conversation_id: str) -> None:
        self._without_bot[conversation_id] = None
        if len(self._without_bot) > self._cache_size:
            self._without_bot.popitem(last=False)

    async def waking(self) -> list[tuple[str, datetime]]:
        cursor = self._collection.find({"wake_at": {"$gt": _EPOCH}}, {"wake_at": 1})
        return [(document["_id"], _aware(document["wake_at"])) async for document in cursor]

    async def prune(self, before: datetime) -> int:
        """Remove finished sessions last changed before ``before`` whose commands were sent."""
        result = await self._collection.delete_many(
            {
                "phase": {"$in": [Phase.CLOSED.value, Phase.HANDED_OVER.value]},
                "changed_at": {"$lt": before},
                OUTBOX_FIELD: {},
            }
        )
        for conversation_id in [
            cid for cid, s in self._cache.items() if not s.active
        ]:  # they would be read back as "no session", which is what they now are
            self._cache.pop(conversation_id)
        return result.deleted_count

    def _remember(self, session: BotSession) -> None:
        self._cache[session.conversation_id] = session
        self._cache.move_to_end(session.conversation_id)
        if len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)


def to_document(session: BotSession) -> dict[str, Any]:
    return {
        "_id": session.conversation_id,
        "channel_id": session.channel_id,
        "script_id": session.script_id,
        "visitor": session.visitor.model_dump(mode="json", exclude_none=True),
        "run": session.run,
        "phase": session.phase.value,
        "step_id": session.step_id,
        "wake_at": session.wake_at,
        "attempts": session.attempts,
        "buffer": list(session.buffer),
        "answers": [
            {
                "step_id": a.step_id,
                "step_type": a.step_type.value,
                "question": a.question,
                "answer": a.answer,
                "answer_id": a.answer_id,
                "normalised": a.normalised,
            }
            for a in session.answers
        ],
        # FerretDB v1 stores no nested arrays: one small document per line.
        "transcript": [{"s": line.speaker.value, "t": line.text} for line in session.transcript],
        "last_seq": session.last_seq,
        "version": session.version,
        "changed_at": datetime.now(UTC),
    }


def from_document(document: dict[str, Any]) -> BotSession:
    wake_at = document.get("wake_at")
    return BotSession(
        conversation_id=document["_id"],
        channel_id=document["channel_id"],
        script_id=document["script_id"],
        visitor=VisitorInfo.model_validate(document["visitor"]),
        run=document["run"],
        phase=Phase(document["phase"]),
        step_id=document.get("step_id"),
        wake_at=_aware(wake_at) if wake_at else None,
        attempts=document.get("attempts", 0),
        buffer=list(document.get("buffer") or []),
        answers=[
            RecordedAnswer(
                step_id=a["step_id"],
                step_type=StepType(a["step_type"]),
                question=a["question"],
                answer=a["answer"],
                answer_id=a.get("answer_id"),
                normalised=a.get("normalised"),
            )
            for a in document.get("answers") or []
        ],
        transcript=[
            TranscriptLine(Speaker(line["s"]), line["t"])
            for line in document.get("transcript") or []
        ],
        last_seq=document.get("last_seq", 0),
        version=document["version"],
    )


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
