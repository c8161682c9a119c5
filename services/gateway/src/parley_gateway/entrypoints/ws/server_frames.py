"""Frames the server sends (protocol version 1, docs/protocol.md).

Each is serialised once with ``model_dump_json`` and the text is pushed to every socket that
should see it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict
from pydantic_core import to_json

from ...domain.conversation_log import LogEntry
from ...domain.conversation_views import entry_view

PROTOCOL_VERSION = 1


class ServerFrame(BaseModel):
    model_config = ConfigDict(frozen=True)

    def text(self) -> str:
        return self.model_dump_json(exclude_none=True)


class ActorView(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    role: str
    display_name: str


class Welcome(ServerFrame):
    """The answer to ``hello``: who the client is and what it has open."""

    type: Literal["welcome"] = "welcome"
    v: int = PROTOCOL_VERSION
    visitor_id: str | None = None
    visitor_token: str | None = None
    agent: dict[str, Any] | None = None
    channels: list[dict[str, Any]] | None = None
    conversations: list[dict[str, Any]]
    waiting: list[dict[str, Any]] | None = None


class Event(ServerFrame):
    """One stored entry of a conversation's log."""

    type: Literal["event"] = "event"
    conversation_id: str
    seq: int
    kind: str
    at: datetime
    actor: ActorView
    payload: dict[str, Any]
    visibility: Literal["public", "internal"]
    """``internal``: agents only (visitors never receive these)."""
    client_message_id: str | None = None


def event_text(entry: LogEntry) -> str:
    """The ``event`` frame of a log entry, as sent (the same text for every socket)."""
    return to_json({"type": "event", **entry_view(entry)}).decode()


class Ack(ServerFrame):
    """A client frame was done; for messages, the sequence it was stored under."""

    type: Literal["ack"] = "ack"
    ref: str | None = None
    client_message_id: str | None = None
    conversation_id: str | None = None
    seq: int | None = None
    duplicate: bool | None = None


class Typing(ServerFrame):
    type: Literal["typing"] = "typing"
    conversation_id: str
    actor: ActorView
    typing: bool


class Queue(ServerFrame):
    type: Literal["queue"] = "queue"
    conversation_id: str
    position: int
    estimated_wait_seconds: float | None = None


class ConversationChanged(ServerFrame):
    """A conversation's snapshot changed: agents of its channel and its participants get it
    (new waiting ones, joins, ends); a visitor gets it for a chat request addressed to them."""

    type: Literal["conversation"] = "conversation"
    conversation: dict[str, Any]


class Error(ServerFrame):
    type: Literal["error"] = "error"
    code: str
    message: str
    ref: str | None = None
    path: str | None = None
    """For ``bad_frame``: the field that was wrong, dotted (``page.url``)."""
    retry_after: float | None = None
    """For ``rate_limited``: seconds to wait."""


class Pong(ServerFrame):
    type: Literal["pong"] = "pong"
    ref: str | None = None
