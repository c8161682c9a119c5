"""Ports the gateway's use cases need: accounts, sessions, channels, groups, canned responses,
attachments, the read side of conversations, password hashing, countries and the clock.

The conversation store and live fan-out ports live in ``conversation_ports.py``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from typing import Protocol

from ..domain.canned_response import CannedResponse
from ..domain.channel import Channel
from ..domain.conversation_log import LogEntry
from ..domain.identity import Account, Group
from .read_models import ConversationRecord, HistoryFilter, SearchHit, StoredAttachment


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware UTC."""
        ...


class AccountRepository(Protocol):
    async def get(self, account_id: str) -> Account | None: ...

    async def by_email(self, email: str) -> tuple[Account, str] | None:
        """The account and its password hash."""
        ...

    async def add(self, account: Account, password_hash: str) -> None:
        """Store a new account; ``Conflict`` when the e-mail is taken."""
        ...

    async def update(self, account: Account) -> None:
        """Save display name, role, groups and active flag."""
        ...

    async def set_password_hash(self, account_id: str, password_hash: str) -> None: ...

    async def list_all(self) -> list[Account]: ...

    async def count(self) -> int: ...

    async def count_in_group(self, group_id: str) -> int: ...


class SessionStore(Protocol):
    async def account_for_token(self, token: str) -> Account | None:
        """The logged-in account of a session token; None when unknown or expired."""
        ...

    async def open(self, account_id: str) -> str:
        """A new session for the account; returns its token (only its hash is stored)."""
        ...

    async def close(self, token: str) -> None: ...

    async def close_all(self, account_id: str) -> None:
        """End every session of an account (deactivated, password reset)."""
        ...


class ChannelRepository(Protocol):
    async def get(self, channel_id: str) -> Channel | None: ...

    async def open_to(self, account: Account) -> list[Channel]:
        """The channels an account may work (A2)."""
        ...

    async def add(self, channel: Channel) -> None: ...

    async def update(self, channel: Channel) -> None: ...

    async def delete(self, channel_id: str) -> bool: ...

    async def clear_default_except(self, channel_id: str) -> None:
        """Only one channel is the default: unset the flag on every other."""
        ...

    async def count_in_group(self, group_id: str) -> int: ...


class GroupRepository(Protocol):
    async def get(self, group_id: str) -> Group | None: ...

    async def list_all(self) -> list[Group]: ...

    async def existing(self, group_ids: frozenset[str]) -> frozenset[str]:
        """Which of ``group_ids`` exist."""
        ...

    async def add(self, group: Group) -> None:
        """Store a new group; ``Conflict`` when the name is taken."""
        ...

    async def rename(self, group_id: str, name: str) -> bool: ...

    async def delete(self, group_id: str) -> bool: ...


class CannedResponseRepository(Protocol):
    async def get(self, response_id: str) -> CannedResponse | None: ...

    async def usable_by(self, account: Account, prefix: str = "") -> list[CannedResponse]:
        """The responses ``account`` may insert, shortcuts starting with ``prefix``."""
        ...

    async def add(self, response: CannedResponse) -> None: ...

    async def update(self, response: CannedResponse) -> None: ...

    async def delete(self, response_id: str) -> bool: ...


class AttachmentStore(Protocol):
    async def save(self, attachment: StoredAttachment, data: bytes) -> StoredAttachment:
        """Store the bytes in chunks, then the metadata (so a half-written file is never found)."""
        ...

    async def get(self, attachment_id: str) -> StoredAttachment | None: ...

    def chunks(self, attachment: StoredAttachment) -> AsyncIterator[bytes]: ...


class ConversationArchive(Protocol):
    """The read side of the conversation core's ``conversations`` and ``conversation_events``."""

    async def get(self, conversation_id: str) -> ConversationRecord | None: ...

    async def history(self, query: HistoryFilter) -> list[ConversationRecord]: ...

    async def events(
        self, conversation_id: str, after_seq: int, limit: int, include_internal: bool
    ) -> list[LogEntry]: ...

    async def search(
        self, text: str, channel_ids: frozenset[str] | None, limit: int
    ) -> list[SearchHit]:
        """Conversations in ``channel_ids`` (None: all) whose messages, title, tags or visitor
        name contain ``text`` (case-insensitive), most recent first."""
        ...


class CountryLookup(Protocol):
    def country_of(self, address: str) -> str | None:
        """The ISO 3166-1 alpha-2 country of an IP address; None when unknown."""
        ...


class PasswordHasher(Protocol):
    async def hash(self, password: str) -> str: ...

    async def verify(self, password_hash: str, password: str) -> bool: ...

    def needs_rehash(self, password_hash: str) -> bool: ...
