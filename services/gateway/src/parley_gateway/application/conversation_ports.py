"""Ports of the conversation core: the per-conversation event log, snapshots, live fan-out.

Use cases (one module each in ``application/``) take these ports and an ``Actor``; entry points
(WebSocket handlers, HTTP controllers, broker subscribers) call the use cases and translate
``domain.errors.GatewayError`` subclasses into error frames or HTTP statuses.

Changes for the code written against the first version of this module (names kept):
- ``LogEntry`` and ``Visibility`` now live in ``domain.conversation_log`` (the pure snapshot
  fold needs them) and are re-exported here; ``LogEntry.kind`` takes ``EntryKind`` values.
- ``ConversationLog.append``: ``draft.seq`` is the writer's guess of the next number (0 = no
  guess); new keyword ``expected_seq`` makes the append fail with ``SequenceTaken`` unless it
  gets exactly that number (decisions that depend on the state: end, accept, rate, ...).
- Races (first accept wins, end once, rate once) are decided by the log alone: a strict append
  is a unique-key insert, atomic on every server. Conditional updates are not atomic on
  FerretDB v1.24 (two concurrent ``update_one`` with the same filter both modify), so the
  snapshot is a cache that heals itself on the next write; never decide on it alone.
- New: ``ConversationSnapshots``, ``Clock``, ``IdGenerator``, ``ConversationDeps`` (the bundle
  ``ConversationUseCases`` is built from), ``SequenceTaken``.
- ``LiveFanout.signal`` topics used: ``conversation.<id>`` (queue position), ``agent.<id>``
  (a conversation changed / a chat request for this agent), ``channel.<id>`` (a conversation of
  the channel changed: new waiting ones for the lists), ``visitor.<visitor_id>`` (an agent's
  chat request for that visitor, V7). Frames are ``{"type": "queue" | "conversation", ...}``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from parley_contracts.base import Message

from ..domain.conversation import Conversation
from ..domain.conversation_log import EntryKind, LogEntry, Visibility
from .ports import AccountRepository, AttachmentStore, ChannelRepository

__all__ = [
    "Appended",
    "Clock",
    "ConversationDeps",
    "ConversationLog",
    "ConversationSnapshots",
    "EntryKind",
    "IdGenerator",
    "LiveFanout",
    "LogEntry",
    "SequenceTaken",
    "Visibility",
]


@dataclass(frozen=True)
class Appended:
    """The result of storing an entry; ``duplicate`` when a retried client id was found."""

    entry: LogEntry
    duplicate: bool = False


class SequenceTaken(Exception):
    """Another writer stored ``expected_seq`` first: reload the conversation, decide again."""


class ConversationLog(Protocol):
    async def append(
        self,
        draft: LogEntry,
        events: Sequence[Any] = (),
        *,
        dedupe_key: str | None = None,
        expected_seq: int | None = None,
    ) -> Appended:
        """Store ``draft`` with the next sequence and its contract ``events`` (CloudEvents,
        their ``data.sequence`` set by the store to the number the entry got) through the outbox.

        With ``dedupe_key`` an entry already stored under that key is returned instead
        (``duplicate=True``) and nothing is stored.
        """
        ...

    async def read(self, conversation_id: str, after_seq: int, limit: int = 500) -> list[LogEntry]:
        """Entries with ``seq > after_seq`` in order, at most ``limit``."""
        ...

    async def last_seq(self, conversation_id: str) -> int:
        """The highest stored sequence; 0 for an unknown conversation."""
        ...


class ConversationSnapshots(Protocol):
    """The snapshot read model (collection ``conversations``)."""

    async def get(self, conversation_id: str, *, cached: bool = True) -> Conversation | None:
        """The snapshot; ``cached=False`` asks for the stored one, past any memory of it."""
        ...

    async def create(self, conversation: Conversation) -> bool:
        """Insert; False when it exists already (another writer created it)."""
        ...

    async def apply(
        self, conversation_id: str, changes: dict[str, Any], expected_last_seq: int
    ) -> bool:
        """``$set`` the changed fields (names of ``Conversation`` fields) if the stored snapshot
        is still at ``expected_last_seq``; False otherwise (nothing changed)."""
        ...

    def defer(self, before: Conversation, after: Conversation) -> bool:
        """Take ``after`` (the state just after ``before``) to store it a moment later, when
        nothing but progress fields changed (a message); False: store it now with ``apply``."""
        ...

    async def mark_queued(self, conversation_id: str) -> bool:
        """requested -> queued, when routing queued it (not a log entry: routing's state)."""
        ...

    async def record_offer(self, conversation_id: str, agent_ids: Sequence[str]) -> bool:
        """Add ``agent_ids`` to ``offered_to`` (routing's pull-mode offer: not a log entry);
        False when there is no snapshot (yet)."""
        ...

    async def offered_to_agent(self, agent_id: str, limit: int = 200) -> list[Conversation]:
        """Waiting conversations offered to the agent, oldest first."""
        ...

    async def of_visitor(self, visitor_id: str, limit: int = 20) -> list[Conversation]:
        """The visitor's conversations (and chat requests addressed to them), newest first."""
        ...

    async def active_of_agent(self, agent_id: str) -> list[Conversation]:
        """Not ended, with the agent present, or addressed to the agent (chat requests)."""
        ...

    async def waiting_in_channels(
        self, channel_ids: Sequence[str], limit: int = 200
    ) -> list[Conversation]:
        """Waiting (requested/queued) visitor conversations of these channels, oldest first."""
        ...


class LiveFanout(Protocol):
    """Pushes stored entries and ephemeral signals to every gateway replica's sockets."""

    async def entry(self, entry: LogEntry) -> None: ...

    async def signal(self, topic: str, frame: dict[str, Any]) -> None:
        """An ephemeral frame (typing, queue position, offers) for ``conversation.<id>``,
        ``agent.<id>``, ``channel.<id>`` or ``visitor.<id>`` subscribers."""
        ...


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware (UTC)."""
        ...


class IdGenerator(Protocol):
    def new_id(self, prefix: str) -> str:
        """A fresh id such as ``conv_01j...``: unique, sortable by creation time."""
        ...


class EventSender(Protocol):
    """Publishes a message now (publisher confirms), raising when the broker refuses it."""

    async def send(self, message: Message) -> None: ...


class OperatorDirectory(Protocol):
    """Which channels have an operator online now, as routing last told this replica."""

    def available_in(self, channel_id: str) -> bool: ...


@dataclass(frozen=True)
class ConversationDeps:
    """What every conversation use case is built from."""

    log: ConversationLog
    snapshots: ConversationSnapshots
    fanout: LiveFanout
    channels: ChannelRepository
    accounts: AccountRepository
    clock: Clock
    ids: IdGenerator
    source: str = "/parley/gateway"
    """CloudEvents ``source`` of the events the use cases publish."""
    attachments: AttachmentStore | None = None
    """Uploaded files messages may show (V6); None: every ``attachment_ids`` is not found."""
    events: EventSender | None = None
    """Sends commands to other services at once (transfers); None: such requests fail."""
    operators: OperatorDirectory | None = None
    """Who is online, for chatbot rules (V2); None: nobody is known to be online."""
