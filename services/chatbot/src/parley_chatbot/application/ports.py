"""What the use cases need from the outside world, as Protocols (adapters implement them)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from parley_contracts.chatbot import ChatbotScript
from parley_contracts.envelope import CloudEvent

from ..domain.session import BotSession


@dataclass(frozen=True)
class StoredScript:
    script: ChatbotScript
    updated_at: datetime
    deleted: bool = False


class ScriptRepository(Protocol):
    async def get(self, script_id: str, *, include_deleted: bool = False) -> StoredScript | None:
        """Deleted scripts stay readable for the conversations that still run them."""
        ...

    async def list(self) -> list[StoredScript]: ...

    async def save(self, script: ChatbotScript, now: datetime) -> StoredScript: ...

    async def delete(self, script_id: str, now: datetime) -> bool: ...

    async def add_if_absent(self, script: ChatbotScript, now: datetime) -> bool:
        """Store ``script`` unless a script with its id exists (even a deleted one)."""
        ...


class SessionConflict(RuntimeError):
    """Someone else changed the session since it was read: read it again and redo the change."""


class SessionRepository(Protocol):
    async def get(self, conversation_id: str) -> BotSession | None: ...

    async def add(self, session: BotSession, events: Sequence[CloudEvent[Any]]) -> bool:
        """Store a new session with its events; False when it exists already."""
        ...

    async def save(self, session: BotSession, events: Sequence[CloudEvent[Any]]) -> None:
        """Store the changed session (its ``version`` was raised) with its events, or raise
        ``SessionConflict``."""
        ...

    def forget(self, conversation_id: str) -> None:
        """Drop any cached copy."""
        ...

    def known_without_bot(self, conversation_id: str) -> bool:
        """True when this conversation is known to run no bot (no look-up needed)."""
        ...

    def mark_without_bot(self, conversation_id: str) -> None: ...

    async def waking(self) -> list[tuple[str, datetime]]:
        """Sessions waiting for a timer: conversation id and when."""
        ...


class Clock(Protocol):
    def now(self) -> datetime: ...


class Wakeups(Protocol):
    def schedule(self, conversation_id: str, at: datetime) -> None:
        """Call the runner's ``wake`` for this conversation at ``at`` (replaces an earlier one)."""
        ...
