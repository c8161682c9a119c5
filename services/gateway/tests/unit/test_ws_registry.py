"""The replica's registry pushes every entry once, in order, filling gaps from the log."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from parley_gateway.domain.conversation_log import LogEntry, Visibility
from parley_gateway.domain.identity import Account, Actor, Role, Visitor
from parley_gateway.entrypoints.ws.connection import Connection
from parley_gateway.entrypoints.ws.registry import ConnectionRegistry

pytestmark = pytest.mark.unit

AT = datetime(2026, 3, 1, tzinfo=UTC)
AGENT = Account("agt_a", "a@x.test", "Ann", Role.AGENT)
VISITOR = Visitor("vis_v", "chn_1")


def entry(seq: int, visibility: Visibility = Visibility.PUBLIC) -> LogEntry:
    actor = Actor("agt_a", Role.AGENT, "Ann")
    kind = "note" if visibility is Visibility.INTERNAL else "message"
    return LogEntry("c1", seq, kind, AT, actor, visibility, None, {"text": f"#{seq}"})


class Log:
    def __init__(self, entries: list[LogEntry]) -> None:
        self.entries = entries
        self.reads = 0

    async def read(self, conversation_id: str, after_seq: int, limit: int = 500) -> list[LogEntry]:
        self.reads += 1
        return [e for e in self.entries if e.seq > after_seq][:limit]

    async def append(self, *args: Any, **kwargs: Any) -> Any: ...

    async def last_seq(self, conversation_id: str) -> int:
        return max((e.seq for e in self.entries), default=0)


class Socket:
    client = None

    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []

    async def send_text(self, text: str) -> None:
        self.sent.append(json.loads(text))

    def seqs(self) -> list[int]:
        return [frame["seq"] for frame in self.sent]


def connect(registry: ConnectionRegistry, who: Account | Visitor, seen: int) -> Socket:
    socket = Socket()
    connection = Connection(socket, who)  # type: ignore[arg-type]
    registry.add(connection)
    registry.follow(connection, "c1", seen)
    return socket


async def test_entries_in_order_go_straight_to_the_socket() -> None:
    log = Log([entry(1), entry(2)])
    registry = ConnectionRegistry(log)
    socket = connect(registry, AGENT, 0)
    for stored in log.entries:
        await registry.on_entry(stored)
    assert socket.seqs() == [1, 2] and log.reads == 0


async def test_a_gap_is_filled_from_the_log_before_the_new_entry() -> None:
    log = Log([entry(n) for n in range(1, 6)])
    registry = ConnectionRegistry(log)
    socket = connect(registry, AGENT, 2)
    await registry.on_entry(log.entries[4])  # 3 and 4 went missing on the way
    assert socket.seqs() == [3, 4, 5]


async def test_an_entry_seen_twice_is_pushed_once() -> None:
    log = Log([entry(1)])
    registry = ConnectionRegistry(log)
    socket = connect(registry, AGENT, 0)
    await registry.on_entry(log.entries[0])
    await registry.on_entry(log.entries[0])
    assert socket.seqs() == [1]


async def test_visitors_skip_internal_entries_without_seeing_a_gap() -> None:
    log = Log([entry(1), entry(2, Visibility.INTERNAL), entry(3)])
    registry = ConnectionRegistry(log)
    visitor = connect(registry, VISITOR, 0)
    agent = connect(registry, AGENT, 0)
    for stored in log.entries:
        await registry.on_entry(stored)
    assert visitor.seqs() == [1, 3] and agent.seqs() == [1, 2, 3]
    assert log.reads == 0


async def test_agent_only_signals_never_reach_visitors() -> None:
    registry = ConnectionRegistry(Log([]))
    visitor = connect(registry, VISITOR, 0)
    agent = connect(registry, AGENT, 0)
    await registry.on_signal("conversation.c1", {"type": "queue", "internal": True})
    await registry.on_signal("conversation.c1", {"type": "queue", "position": 2})
    assert len(agent.sent) == 2 and visitor.sent == [{"type": "queue", "position": 2}]


class RacingLog(Log):
    """The first read starts before ``late`` is stored; the fan-out announces ``late`` while
    that read is on its way, so the read does not have it."""

    def __init__(self, entries: list[LogEntry], late: LogEntry) -> None:
        super().__init__(entries)
        self.late = late
        self.registry: ConnectionRegistry | None = None

    async def read(self, conversation_id: str, after_seq: int, limit: int = 500) -> list[LogEntry]:
        before = await super().read(conversation_id, after_seq, limit)
        if self.late not in self.entries:
            self.entries.append(self.late)
            assert self.registry is not None
            await self.registry.on_entry(self.late)
        return before


async def test_an_entry_announced_during_a_fill_that_missed_it_is_read_again() -> None:
    log = RacingLog([entry(n) for n in range(1, 6)], late=entry(6))
    registry = ConnectionRegistry(log)
    log.registry = registry
    socket = Socket()
    connection = Connection(socket, VISITOR)  # type: ignore[arg-type]
    registry.add(connection)
    # A visitor resuming after 3 is handed 4 and 5; entry 6 arrives while the resume's
    # catch-up reads the log, and that read comes back without it.
    await registry.resume(connection, "c1", 3, log.entries[3:5], up_to_seq=5)
    assert socket.seqs() == [4, 5, 6]
    assert log.reads == 2
