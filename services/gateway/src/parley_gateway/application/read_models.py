"""What the HTTP read side returns: conversation snapshots, search hits, stored attachments.

The conversation core writes ``conversations`` (snapshots) and ``conversation_events`` (the log);
these records are the subset of a snapshot the console's lists and permission checks need.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class ConversationRecord:
    """A conversation as the ``conversations`` snapshot describes it (spec field names)."""

    id: str
    channel_id: str
    kind: str = "visitor"
    lifecycle: str = "requested"
    status: str | None = None
    title: str | None = None
    tags: tuple[str, ...] = ()
    visitor: dict[str, Any] | None = None
    participants: tuple[dict[str, Any], ...] = ()
    agents_involved: tuple[str, ...] = ()
    offered_to: tuple[str, ...] = ()
    outcome: str | None = None
    rating: dict[str, Any] | None = None
    created_at: datetime | None = None
    answered_at: datetime | None = None
    ended_at: datetime | None = None
    last_seq: int = 0
    last_message_at: datetime | None = None
    last_message_preview: str | None = None

    @property
    def visitor_id(self) -> str | None:
        return (self.visitor or {}).get("visitor_id")


@dataclass(frozen=True)
class HistoryFilter:
    """Past and current conversations to list; ``channel_ids`` None means every channel."""

    channel_ids: frozenset[str] | None
    agent_id: str | None = None
    outcome: str | None = None
    tag: str | None = None
    lifecycle: str | None = None
    created_from: datetime | None = None
    created_until: datetime | None = None
    limit: int = 50
    offset: int = 0


@dataclass(frozen=True)
class SearchHit:
    """A conversation that matched a search, with the first matching line to show."""

    conversation: ConversationRecord
    seq: int | None
    snippet: str


@dataclass(frozen=True)
class StoredAttachment:
    """An uploaded file's metadata; its bytes are stored separately in chunks."""

    id: str
    conversation_id: str
    channel_id: str
    file_name: str
    content_type: str
    size_bytes: int
    uploaded_by: str
    uploaded_by_role: str
    created_at: datetime
    chunk_count: int = 0
    extra: dict[str, Any] = field(default_factory=dict)
