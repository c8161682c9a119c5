"""The entries of a conversation's log: what happened, numbered gap-free from 1.

The log is the truth of a conversation; the snapshot (``conversation.Conversation``) is a fold
of it. Payloads hold JSON values only (no datetimes) so entries go to sockets unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from .identity import Actor


class Visibility(StrEnum):
    PUBLIC = "public"
    """Everyone in the conversation sees it."""
    INTERNAL = "internal"
    """Agents only: notes, observers joining, command output."""


class EntryKind(StrEnum):
    """What an entry records; ``payload`` keys per kind are listed in docs/protocol.md."""

    STARTED = "started"
    """Seq 1: kind, channel_id, visitor, title, addressee (agent-initiated chats)."""
    MESSAGE = "message"
    """message_id, text (card numbers masked), attachments."""
    NOTE = "note"
    """Internal: message_id, text."""
    JOINED = "joined"
    """participant {id, role, display_name}, reason (contracts' JoinReason)."""
    LEFT = "left"
    """participant, reason (contracts' LeaveReason)."""
    STATUS_CHANGED = "status_changed"
    """Internal: status, previous_status, expertise."""
    RENAMED = "renamed"
    """Internal: title, previous_title."""
    TAGGED = "tagged"
    """Internal: added, removed, tags (the whole set afterwards)."""
    ENDED = "ended"
    """outcome, ended_by, duration_seconds, time_to_answer_seconds, declined."""
    RATED = "rated"
    """rating, comment."""
    TRANSCRIPT_REQUESTED = "transcript_requested"
    """email."""
    PAGE_VISITED = "page_visited"
    """Internal: url, title."""
    WIDGET_MINIMIZED = "widget_minimized"
    """Internal: minimized."""
    HANDOFF = "handoff"
    """Internal: a chatbot asked for an operator: script_id, step_id, expertise, answers."""
    NO_OPERATOR = "no_operator"
    """Internal: nobody was available for the chatbot's hand-off; the script goes on."""


@dataclass(frozen=True)
class LogEntry:
    """One event of a conversation, numbered gap-free from 1 by the gateway that stored it."""

    conversation_id: str
    seq: int
    kind: str
    at: datetime
    actor: Actor
    visibility: Visibility = Visibility.PUBLIC
    client_message_id: str | None = None
    payload: dict[str, Any] = field(default_factory=dict)

    @property
    def is_internal(self) -> bool:
        return self.visibility is Visibility.INTERNAL
