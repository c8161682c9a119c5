"""The sockets this replica holds, and what each of them gets from the live fan-out.

Every entry reaches a socket once, in sequence order: a socket that is behind (the entry's seq
is more than one past the last it got) is filled from the conversation log first. Visitor
sockets skip internal entries and frames marked ``internal``.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

import structlog
from pydantic_core import to_json

from ...application.conversation_ports import ConversationLog
from ...domain.conversation_log import EntryKind, LogEntry
from ...domain.conversation_views import visible_to_visitor
from ...domain.identity import Role
from .connection import Connection
from .server_frames import event_text

log = structlog.get_logger(__name__)

READ_BATCH = 500
EMPTY_READS = 3
"""Reads that may come back empty while an announced entry is not readable yet."""
EMPTY_READ_PAUSE_S = 0.05


class ConnectionRegistry:
    """Implements the fan-out adapter's ``LiveSink`` for this replica."""

    def __init__(self, conversation_log: ConversationLog) -> None:
        self._log = conversation_log
        self._by_conversation: dict[str, set[Connection]] = defaultdict(set)
        self._by_principal: dict[str, set[Connection]] = defaultdict(set)
        self._by_channel: dict[str, set[Connection]] = defaultdict(set)
        self._agents: set[Connection] = set()
        self._latest: dict[str, int] = {}

    def __len__(self) -> int:
        return sum(len(connections) for connections in self._by_principal.values())

    # -- membership ------------------------------------------------------------------------

    def add(self, connection: Connection, channel_ids: Iterable[str] = ()) -> None:
        self._by_principal[connection.principal.id].add(connection)
        if connection.sees_internal:
            self._agents.add(connection)
        for channel_id in channel_ids:
            self._by_channel[channel_id].add(connection)

    def remove(self, connection: Connection) -> None:
        connection.closed = True
        self._agents.discard(connection)
        _discard(self._by_principal, connection.principal.id, connection)
        for conversation_id in connection.last_seq:
            if not _discard(self._by_conversation, conversation_id, connection):
                self._latest.pop(conversation_id, None)
        for channel_id in [key for key, held in self._by_channel.items() if connection in held]:
            _discard(self._by_channel, channel_id, connection)

    def follow(self, connection: Connection, conversation_id: str, seen_seq: int) -> None:
        """Push this conversation's entries after ``seen_seq`` to ``connection`` from now on."""
        self._by_conversation[conversation_id].add(connection)
        connection.last_seq[conversation_id] = seen_seq
        self._note(conversation_id, seen_seq)

    def unfollow(self, connection: Connection, conversation_id: str) -> None:
        connection.last_seq.pop(conversation_id, None)
        _discard(self._by_conversation, conversation_id, connection)

    def follows(self, connection: Connection, conversation_id: str) -> bool:
        return conversation_id in connection.last_seq

    # -- pushing ---------------------------------------------------------------------------

    async def resume(
        self,
        connection: Connection,
        conversation_id: str,
        after_seq: int,
        missed: list[LogEntry],
        up_to_seq: int,
    ) -> None:
        """Send ``missed`` (what the client asked for), then keep the socket following."""
        self.follow(connection, conversation_id, after_seq)
        claimed = connection.start_filling(conversation_id)
        try:
            await self._push_entries(connection, missed)
            if up_to_seq > connection.last_seq[conversation_id]:
                connection.last_seq[conversation_id] = up_to_seq  # internal entries skipped
            if claimed:  # else the catch-up already running goes on from where this stops
                await self._catch_up(connection, conversation_id)
        finally:
            if claimed:
                connection.stop_filling(conversation_id)

    async def follow_if_new(self, connection: Connection, conversation_id: str) -> None:
        """Follow from the start (the history is pushed) unless it is followed already."""
        if not self.follows(connection, conversation_id):
            self.follow(connection, conversation_id, 0)
            await self._fill(connection, conversation_id)

    async def on_entry(self, entry: LogEntry) -> None:
        conversation_id = entry.conversation_id
        self._note(conversation_id, entry.seq)
        self._follow_newcomers(entry)
        connections = self._by_conversation.get(conversation_id)
        if not connections:
            return
        public_text: str | None = None
        for connection in list(connections):
            last = connection.last_seq.get(conversation_id, 0)
            if entry.seq <= last or (connection.filling and conversation_id in connection.filling):
                continue
            if entry.seq > last + 1:
                await self._fill(connection, conversation_id)
                continue
            connection.last_seq[conversation_id] = entry.seq
            if _visible_to(connection, entry):
                public_text = public_text or event_text(entry)
                await connection.push(public_text)

    async def on_signal(self, topic: str, frame: Mapping[str, Any]) -> None:
        kind, _, key = topic.partition(".")
        if kind == "conversation":
            targets = self._by_conversation.get(key)
        elif kind == "agents":
            targets = self._agents
        elif kind in ("agent", "visitor", "channel"):
            targets = (self._by_channel if kind == "channel" else self._by_principal).get(key)
        else:
            return
        if not targets:
            return
        agents_only = kind in ("agent", "channel", "agents") or bool(frame.get("internal"))
        author = (frame.get("actor") or {}).get("id") if frame.get("type") == "typing" else None
        text = _dumps(frame)
        for connection in list(targets):
            if agents_only and not connection.sees_internal:
                continue
            if kind == "visitor" and connection.sees_internal:
                continue
            if author is not None and connection.principal.id == author:
                continue  # nobody needs their own typing indicator echoed
            await connection.push(text)

    # -- catching up -----------------------------------------------------------------------

    async def _fill(self, connection: Connection, conversation_id: str) -> None:
        if not connection.start_filling(conversation_id):
            return
        try:
            await self._catch_up(connection, conversation_id)
        finally:
            connection.stop_filling(conversation_id)

    async def _catch_up(self, connection: Connection, conversation_id: str) -> None:
        # Entries that arrive while we read are left to us (the socket is "filling"): read
        # until a short page comes back and nothing newer was announced meanwhile. An entry
        # announced while a read was on its way may be missing from that read (it was stored
        # after the read began): it is stored, so the next read has it.
        empty_reads = 0
        while not connection.closed:
            last = connection.last_seq.get(conversation_id)
            if last is None:
                return
            entries = await self._log.read(conversation_id, last, READ_BATCH)
            await self._push_entries(connection, entries)
            behind = connection.last_seq.get(conversation_id, 0) < self._latest.get(
                conversation_id, 0
            )
            if len(entries) < READ_BATCH and not behind:
                return
            if entries:
                empty_reads = 0
                continue
            empty_reads += 1
            if empty_reads > EMPTY_READS:
                # Announced but not readable: the next entry's gap fill tries again.
                log.warning(
                    "ws.catch_up_gave_up",
                    conversation_id=conversation_id,
                    at_seq=last,
                    announced=self._latest.get(conversation_id),
                )
                return
            await asyncio.sleep(EMPTY_READ_PAUSE_S * empty_reads)

    async def _push_entries(self, connection: Connection, entries: list[LogEntry]) -> None:
        for entry in entries:
            conversation_id = entry.conversation_id
            if entry.seq <= connection.last_seq.get(conversation_id, 0):
                continue
            connection.last_seq[conversation_id] = entry.seq
            self._note(conversation_id, entry.seq)
            if _visible_to(connection, entry):
                await connection.push(event_text(entry))

    def _note(self, conversation_id: str, seq: int) -> None:
        if seq > self._latest.get(conversation_id, 0):
            self._latest[conversation_id] = seq

    def _follow_newcomers(self, entry: LogEntry) -> None:
        """Sockets of this replica that should start following the conversation now: the
        visitor's other tabs when they act in it, an agent or observer who joins it."""
        newcomers: set[Connection] = set()
        if entry.actor.role is Role.VISITOR:
            newcomers |= self._by_principal.get(entry.actor.id, set())
        joined = _joined_participant(entry)
        if joined is not None:
            newcomers |= self._by_principal.get(joined, set())
        left = _left_agent(entry)
        if left is not None:
            for connection in list(self._by_principal.get(left, ())):
                self.unfollow(connection, entry.conversation_id)
        for connection in newcomers:
            if not self.follows(connection, entry.conversation_id):
                # From the start: the gap fill sends the history before this entry.
                self.follow(connection, entry.conversation_id, 0)


def _visible_to(connection: Connection, entry: LogEntry) -> bool:
    return connection.sees_internal or visible_to_visitor(entry)


def _joined_participant(entry: LogEntry) -> str | None:
    if entry.kind != EntryKind.JOINED:
        return None
    participant = entry.payload.get("participant") or {}
    return participant.get("id") if isinstance(participant, Mapping) else None


def _left_agent(entry: LogEntry) -> str | None:
    if entry.kind != EntryKind.LEFT:
        return None
    participant = entry.payload.get("participant") or {}
    if isinstance(participant, Mapping) and participant.get("role") in ("agent", "observer"):
        return participant.get("id")
    return None


def _discard(index: dict[str, set[Connection]], key: str, connection: Connection) -> bool:
    """Remove ``connection`` under ``key``; False when nothing is left there."""
    held = index.get(key)
    if held is None:
        return False
    held.discard(connection)
    if not held:
        del index[key]
        return False
    return True


def _dumps(frame: Mapping[str, Any]) -> str:
    return to_json(frame).decode()
