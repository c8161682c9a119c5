"""Response bodies for conversations, their events, search hits, attachments, canned responses."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, Field

from ...application.attachment_refs import DOWNLOAD_PATH
from ...application.read_models import ConversationRecord, SearchHit, StoredAttachment
from ...domain.canned_response import CannedResponse
from ...domain.conversation_log import LogEntry
from .schemas_people import GroupIds, In


class ConversationOut(BaseModel):
    """A conversation's snapshot (agents only)."""

    id: str
    channel_id: str
    kind: str
    lifecycle: str
    """requested, queued, active or ended."""
    status: str | None
    title: str | None
    tags: list[str]
    visitor: dict[str, Any] | None
    participants: list[dict[str, Any]]
    agents_involved: list[str]
    outcome: str | None
    """no_answer, no_one_available, success or escalated, once ended."""
    rating: dict[str, Any] | None
    created_at: datetime | None
    answered_at: datetime | None
    ended_at: datetime | None
    last_seq: int
    last_message_at: datetime | None
    last_message_preview: str | None

    @classmethod
    def of(cls, record: ConversationRecord) -> ConversationOut:
        values = asdict(record)
        values.pop("offered_to")
        return cls(**values)


class ActorOut(BaseModel):
    id: str
    role: str
    display_name: str


class EventOut(BaseModel):
    """One log entry, as the WebSocket ``event`` frame carries it."""

    conversation_id: str
    seq: int
    kind: str
    at: datetime
    actor: ActorOut
    visibility: str
    client_message_id: str | None
    payload: dict[str, Any]

    @classmethod
    def of(cls, entry: LogEntry) -> EventOut:
        return cls(
            conversation_id=entry.conversation_id,
            seq=entry.seq,
            kind=entry.kind,
            at=entry.at,
            actor=ActorOut(
                id=entry.actor.id,
                role=entry.actor.role.value,
                display_name=entry.actor.display_name,
            ),
            visibility=entry.visibility.value,
            client_message_id=entry.client_message_id,
            payload=entry.payload,
        )


class SearchHitOut(BaseModel):
    conversation: ConversationOut
    seq: int | None
    """The matching message's sequence; null when the title, tags or visitor matched."""
    snippet: str

    @classmethod
    def of(cls, hit: SearchHit) -> SearchHitOut:
        return cls(
            conversation=ConversationOut.of(hit.conversation), seq=hit.seq, snippet=hit.snippet
        )


class AttachmentOut(BaseModel):
    id: str
    conversation_id: str
    file_name: str
    content_type: str
    """Sniffed from the content, not taken from the client."""
    size_bytes: int
    created_at: datetime
    url: str

    @classmethod
    def of(cls, attachment: StoredAttachment) -> AttachmentOut:
        return cls(
            id=attachment.id,
            conversation_id=attachment.conversation_id,
            file_name=attachment.file_name,
            content_type=attachment.content_type,
            size_bytes=attachment.size_bytes,
            created_at=attachment.created_at,
            url=DOWNLOAD_PATH.format(attachment_id=attachment.id),
        )


class CannedResponseIn(In):
    shortcut: Annotated[str, Field(min_length=1, max_length=32, examples=["hello"])]
    """Typed as ``:hello`` in the console."""
    text: Annotated[str, Field(min_length=1, max_length=5000)]
    private: bool = True
    """True: only its author uses it. False: shared with ``group_ids``."""
    group_ids: GroupIds = Field(default_factory=list)


class CannedResponseOut(BaseModel):
    id: str
    shortcut: str
    text: str
    private: bool
    owner_id: str | None
    group_ids: list[str]
    created_by: str
    created_at: datetime | None

    @classmethod
    def of(cls, response: CannedResponse) -> CannedResponseOut:
        return cls(
            id=response.id,
            shortcut=response.shortcut,
            text=response.text,
            private=response.is_private,
            owner_id=response.owner_id,
            group_ids=sorted(response.group_ids),
            created_by=response.created_by,
            created_at=response.created_at,
        )
