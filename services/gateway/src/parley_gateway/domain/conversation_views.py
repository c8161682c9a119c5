"""Conversations and entries as JSON-ready dicts for agents and for visitors.

Visitors never see internal entries, observers, notes, tags, titles or the agents' status:
``visible_to_visitor`` and ``snapshot_for_visitor`` are the one place that decides it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from parley_contracts.common import ParticipantRole

from .conversation import Conversation, Member
from .conversation_log import EntryKind, LogEntry
from .conversation_payloads import visitor_payload


def visible_to_visitor(entry: LogEntry) -> bool:
    if entry.is_internal:
        return False
    participant = entry.payload.get("participant") if entry.kind in _MEMBERSHIP else None
    return not (participant and participant.get("role") == ParticipantRole.OBSERVER)


def entry_view(entry: LogEntry) -> dict[str, Any]:
    """The ``event`` frame body: conversation_id, seq, kind, at, actor, visibility, payload."""
    return {
        "conversation_id": entry.conversation_id,
        "seq": entry.seq,
        "kind": entry.kind,
        "at": entry.at.isoformat(),
        "actor": {
            "id": entry.actor.id,
            "role": str(entry.actor.role),
            "display_name": entry.actor.display_name,
        },
        "visibility": str(entry.visibility),
        "client_message_id": entry.client_message_id,
        "payload": entry.payload,
    }


def snapshot_for_agent(conversation: Conversation) -> dict[str, Any]:
    """Everything, for the console's lists and information panel (A3, A13, V8)."""
    c = conversation
    return {
        **_common(c),
        "visitor": visitor_payload(c.visitor) if c.visitor else None,
        "participants": [_member(m) for m in c.participants],
        "agents_involved": list(c.agents_involved),
        "offered_to": list(c.offered_to),
        "assigned_to": c.assigned_to,
        "initiator_id": c.initiator_id,
        "addressee_id": c.addressee_id,
        "status": str(c.status) if c.status else None,
        "expertise": list(c.expertise),
        "title": c.title,
        "tags": list(c.tags),
        "answered_at": _iso(c.answered_at),
        "ended_by": str(c.ended_by) if c.ended_by else None,
        "outcome": str(c.outcome) if c.outcome else None,
        "message_count": c.message_count,
        "last_message_preview": c.last_message_preview,
        "chatbot_script_id": c.chatbot_script_id,
        "requested_at": _iso(c.requested_at),
        "bot_answers": [
            {"step_id": a.step_id, "question": a.question, "answer": a.answer}
            for a in c.bot_answers
        ],
    }


def snapshot_for_visitor(conversation: Conversation) -> dict[str, Any]:
    """What the widget needs: who is in the chat (no observers), where it stands, the rating."""
    c = conversation
    return {
        **_common(c),
        "participants": [
            _member(m) for m in c.participants if m.role is not ParticipantRole.OBSERVER
        ],
        "pending_request": c.addressee_id is not None and c.is_waiting,
        "choices": [{"id": ch.id, "label": ch.label, "url": ch.url} for ch in c.choices],
    }


def _common(c: Conversation) -> dict[str, Any]:
    return {
        "id": c.id,
        "channel_id": c.channel_id,
        "kind": str(c.kind),
        "lifecycle": str(c.lifecycle),
        "created_at": c.created_at.isoformat(),
        "ended_at": _iso(c.ended_at),
        "last_seq": c.last_seq,
        "last_message_at": _iso(c.last_message_at),
        "rating": {"value": str(c.rating.value), "comment": c.rating.comment} if c.rating else None,
    }


def _member(member: Member) -> dict[str, Any]:
    return {
        "id": member.id,
        "role": str(member.role),
        "display_name": member.display_name,
        "joined_at": member.joined_at.isoformat(),
        "left_at": _iso(member.left_at),
    }


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


_MEMBERSHIP = frozenset({EntryKind.JOINED, EntryKind.LEFT})
