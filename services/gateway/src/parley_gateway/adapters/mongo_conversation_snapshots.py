"""Conversation snapshots in collection ``conversations`` (the read model of the spec).

Field names follow the spec (the HTTP read side reads them too). Besides the snapshot itself each
document keeps ``visitor_id`` and ``member_ids`` (present participants), flat copies for queries:
FerretDB v1.24 has no ``$elemMatch`` on sub-documents. Updates are compare-and-set on
``last_seq``, so a stale or replayed update changes nothing (on MongoDB; on FerretDB v1.24 two
concurrent conditional updates can both pass, so the snapshot may briefly lag the log: every
reader that matters folds the log tail onto it, and the next write brings it up to date).
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import Enum
from typing import Any

from pymongo import ASCENDING, DESCENDING
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from parley_contracts.common import ParticipantRole
from parley_contracts.gateway import ConversationOutcome, ConversationStatus, EndedBy, Rating

from ..domain.conversation import (
    WAITING,
    BotAnswer,
    Choice,
    Conversation,
    ConversationKind,
    Lifecycle,
    Member,
    RatingGiven,
)
from ..domain.conversation_payloads import visitor_from, visitor_payload

COLLECTION = "conversations"
_NOT_ENDED = sorted(state.value for state in Lifecycle if state is not Lifecycle.ENDED)
_WAITING = sorted(state.value for state in WAITING)
_TUPLES = (
    "agents_involved",
    "unanswered_agents",
    "answering_agents",
    "offered_to",
    "tags",
    "expertise",
)


def _member(member: Member) -> dict[str, Any]:
    return {
        "id": member.id,
        "role": member.role.value,
        "display_name": member.display_name,
        "joined_at": member.joined_at,
        "left_at": member.left_at,
    }


def field_values(name: str, value: Any) -> dict[str, Any]:
    """The document fields for one snapshot field (and the flat copies derived from it)."""
    if name == "participants":
        members = tuple(value)
        present = [m.id for m in members if m.left_at is None]
        return {"participants": [_member(m) for m in members], "member_ids": present}
    if name == "visitor":
        return {
            "visitor": visitor_payload(value) if value else None,
            "visitor_id": value.visitor_id if value else None,
        }
    if name == "rating":
        return {"rating": {"value": value.value.value, "comment": value.comment} if value else None}
    if name == "bot_answers":
        return {
            name: [
                {"step_id": a.step_id, "question": a.question, "answer": a.answer} for a in value
            ]
        }
    if name == "choices":
        return {name: [{"id": c.id, "label": c.label, "url": c.url} for c in value]}
    if name in _TUPLES:
        return {name: list(value)}
    if isinstance(value, Enum):
        return {name: value.value}
    return {name: value}


def to_document(conversation: Conversation) -> dict[str, Any]:
    document: dict[str, Any] = {"_id": conversation.id}
    for name in Conversation.__dataclass_fields__:
        if name != "id":
            document.update(field_values(name, getattr(conversation, name)))
    return document


def from_document(d: dict[str, Any]) -> Conversation:
    rating = d.get("rating")
    return Conversation(
        id=d["_id"],
        channel_id=d["channel_id"],
        kind=ConversationKind(d["kind"]),
        created_at=d["created_at"],
        visitor=visitor_from(d["visitor"]) if d.get("visitor") else None,
        lifecycle=Lifecycle(d["lifecycle"]),
        status=ConversationStatus(d["status"]) if d.get("status") else None,
        participants=tuple(
            Member(
                id=m["id"],
                role=ParticipantRole(m["role"]),
                display_name=m["display_name"],
                joined_at=m["joined_at"],
                left_at=m.get("left_at"),
            )
            for m in d.get("participants") or ()
        ),
        assigned_to=d.get("assigned_to"),
        initiator_id=d.get("initiator_id"),
        addressee_id=d.get("addressee_id"),
        title=d.get("title"),
        answered_at=d.get("answered_at"),
        ended_at=d.get("ended_at"),
        ended_by=EndedBy(d["ended_by"]) if d.get("ended_by") else None,
        outcome=ConversationOutcome(d["outcome"]) if d.get("outcome") else None,
        rating=RatingGiven(Rating(rating["value"]), rating.get("comment")) if rating else None,
        last_seq=d.get("last_seq", 0),
        last_message_at=d.get("last_message_at"),
        last_message_preview=d.get("last_message_preview"),
        message_count=d.get("message_count", 0),
        chatbot_script_id=d.get("chatbot_script_id"),
        requested_at=d.get("requested_at"),
        handoffs=d.get("handoffs", 0),
        handoffs_failed=d.get("handoffs_failed", 0),
        bot_answers=tuple(
            BotAnswer(a["step_id"], a["question"], a["answer"]) for a in d.get("bot_answers") or ()
        ),
        choices=tuple(Choice(c["id"], c["label"], c.get("url")) for c in d.get("choices") or ()),
        **{name: tuple(d.get(name) or ()) for name in _TUPLES},
    )


class MongoConversationSnapshots:
    """``ConversationSnapshots`` over MongoDB/FerretDB."""

    def __init__(self, db: AsyncDatabase[dict[str, Any]]) -> None:
        self._collection = db[COLLECTION]

    async def ensure_indexes(self) -> None:
        await self._collection.create_index([("visitor_id", ASCENDING), ("created_at", DESCENDING)])
        await self._collection.create_index("member_ids")
        await self._collection.create_index("addressee_id", sparse=True)
        await self._collection.create_index([("channel_id", ASCENDING), ("lifecycle", ASCENDING)])
        await self._collection.create_index("offered_to")

    async def get(self, conversation_id: str, *, cached: bool = True) -> Conversation | None:
        document = await self._collection.find_one({"_id": conversation_id})
        return from_document(document) if document else None

    async def create(self, conversation: Conversation) -> bool:
        try:
            await self._collection.insert_one(to_document(conversation))
        except DuplicateKeyError:
            return False
        return True

    async def apply(
        self, conversation_id: str, changes: dict[str, Any], expected_last_seq: int
    ) -> bool:
        fields: dict[str, Any] = {}
        for name, value in changes.items():
            fields.update(field_values(name, value))
        if not fields:
            return True
        result = await self._collection.update_one(
            {"_id": conversation_id, "last_seq": expected_last_seq}, {"$set": fields}
        )
        return result.matched_count == 1

    def defer(self, before: Conversation, after: Conversation) -> bool:
        return False  # every change is stored at once (``CachedSnapshots`` writes behind)

    async def mark_queued(self, conversation_id: str) -> bool:
        result = await self._collection.update_one(
            {"_id": conversation_id, "lifecycle": Lifecycle.REQUESTED.value},
            {"$set": {"lifecycle": Lifecycle.QUEUED.value}},
        )
        return result.modified_count == 1

    async def record_offer(self, conversation_id: str, agent_ids: Sequence[str]) -> bool:
        # Read, then $set the union: $addToSet is outside the storage subset. Routing sends one
        # conversation's offers one after the other, so two offers do not race here.
        document = await self._collection.find_one({"_id": conversation_id}, {"offered_to": 1})
        if document is None:
            return False
        offered = list(document.get("offered_to") or ())
        offered += [agent_id for agent_id in agent_ids if agent_id not in offered]
        await self._collection.update_one(
            {"_id": conversation_id}, {"$set": {"offered_to": offered}}
        )
        return True

    async def offered_to_agent(self, agent_id: str, limit: int = 200) -> list[Conversation]:
        where = {"offered_to": agent_id, "lifecycle": {"$in": _WAITING}}
        cursor = self._collection.find(where).sort("created_at", ASCENDING).limit(limit)
        return [from_document(document) async for document in cursor]

    async def of_visitor(self, visitor_id: str, limit: int = 20) -> list[Conversation]:
        cursor = (
            self._collection.find({"visitor_id": visitor_id})
            .sort("created_at", DESCENDING)
            .limit(limit)
        )
        return [from_document(document) async for document in cursor]

    async def active_of_agent(self, agent_id: str) -> list[Conversation]:
        found: dict[str, Conversation] = {}
        for where in (
            {"member_ids": agent_id, "lifecycle": {"$in": _NOT_ENDED}},
            {"addressee_id": agent_id, "lifecycle": {"$in": _WAITING}},
        ):
            async for document in self._collection.find(where).sort("created_at", ASCENDING):
                found[document["_id"]] = from_document(document)
        return sorted(found.values(), key=lambda c: c.created_at)

    async def waiting_in_channels(
        self, channel_ids: Sequence[str], limit: int = 200
    ) -> list[Conversation]:
        if not channel_ids:
            return []
        where = {
            "channel_id": {"$in": sorted(set(channel_ids))},
            "lifecycle": {"$in": _WAITING},
            "kind": ConversationKind.VISITOR.value,
        }
        cursor = self._collection.find(where).sort("created_at", ASCENDING).limit(limit)
        return [from_document(document) async for document in cursor]
