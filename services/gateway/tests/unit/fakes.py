"""In-memory implementations of the conversation ports, for unit tests of the use cases."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from parley_gateway.application.conversation_ports import (
    Appended,
    ConversationDeps,
    SequenceTaken,
)
from parley_gateway.domain.channel import Channel
from parley_gateway.domain.conversation import Conversation, ConversationKind, Lifecycle
from parley_gateway.domain.conversation_log import LogEntry
from parley_gateway.domain.identity import Account, Role, Visitor

START = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


class InMemoryLog:
    def __init__(self) -> None:
        self.entries: dict[str, list[LogEntry]] = {}
        self.events: list[Any] = []
        self._dedupe: dict[str, LogEntry] = {}
        self.taken_once: set[int] = set()
        """Sequences a "competing writer" takes right before our strict append (races)."""

    async def append(
        self,
        draft: LogEntry,
        events: Sequence[Any] = (),
        *,
        dedupe_key: str | None = None,
        expected_seq: int | None = None,
    ) -> Appended:
        if dedupe_key is not None and dedupe_key in self._dedupe:
            return Appended(self._dedupe[dedupe_key], duplicate=True)
        log = self.entries.setdefault(draft.conversation_id, [])
        seq = len(log) + 1
        if expected_seq is not None and expected_seq in self.taken_once:
            self.taken_once.discard(expected_seq)
            raise SequenceTaken(str(expected_seq))
        if expected_seq is not None and expected_seq != seq:
            raise SequenceTaken(str(expected_seq))
        entry = dataclasses.replace(draft, seq=seq)
        log.append(entry)
        if dedupe_key is not None:
            self._dedupe[dedupe_key] = entry
        for event in events:
            data = event.data
            if "sequence" in type(data).model_fields:
                event = event.model_copy(update={"data": data.model_copy(update={"sequence": seq})})
            self.events.append(event)
        return Appended(entry)

    async def read(self, conversation_id: str, after_seq: int, limit: int = 500) -> list[LogEntry]:
        return [e for e in self.entries.get(conversation_id, []) if e.seq > after_seq][:limit]

    async def last_seq(self, conversation_id: str) -> int:
        return len(self.entries.get(conversation_id, []))

    def of_type(self, type_: str) -> list[Any]:
        return [event.data for event in self.events if event.type == type_]


class InMemorySnapshots:
    def __init__(self) -> None:
        self.stored: dict[str, Conversation] = {}

    async def get(self, conversation_id: str, *, cached: bool = True) -> Conversation | None:
        return self.stored.get(conversation_id)

    async def create(self, conversation: Conversation) -> bool:
        if conversation.id in self.stored:
            return False
        self.stored[conversation.id] = conversation
        return True

    async def apply(
        self, conversation_id: str, changes: dict[str, Any], expected_last_seq: int
    ) -> bool:
        current = self.stored.get(conversation_id)
        if current is None or current.last_seq != expected_last_seq:
            return False
        self.stored[conversation_id] = dataclasses.replace(current, **changes)
        return True

    def defer(self, before: Conversation, after: Conversation) -> bool:
        return False

    async def mark_queued(self, conversation_id: str) -> bool:
        current = self.stored.get(conversation_id)
        if current is None or current.lifecycle is not Lifecycle.REQUESTED:
            return False
        self.stored[conversation_id] = dataclasses.replace(current, lifecycle=Lifecycle.QUEUED)
        return True

    async def record_offer(self, conversation_id: str, agent_ids: Sequence[str]) -> bool:
        current = self.stored.get(conversation_id)
        if current is None:
            return False
        added = tuple(a for a in agent_ids if a not in current.offered_to)
        self.stored[conversation_id] = dataclasses.replace(
            current, offered_to=(*current.offered_to, *added)
        )
        return True

    async def offered_to_agent(self, agent_id: str, limit: int = 200) -> list[Conversation]:
        return [c for c in self.stored.values() if agent_id in c.offered_to and c.is_waiting]

    async def of_visitor(self, visitor_id: str, limit: int = 20) -> list[Conversation]:
        mine = [c for c in self.stored.values() if c.visitor and c.visitor.visitor_id == visitor_id]
        return sorted(mine, key=lambda c: c.created_at, reverse=True)[:limit]

    async def active_of_agent(self, agent_id: str) -> list[Conversation]:
        return [
            c
            for c in self.stored.values()
            if not c.is_ended
            and (c.is_present(agent_id) or (c.addressee_id == agent_id and c.is_waiting))
        ]

    async def waiting_in_channels(
        self, channel_ids: Sequence[str], limit: int = 200
    ) -> list[Conversation]:
        return [
            c
            for c in self.stored.values()
            if c.channel_id in channel_ids and c.is_waiting and c.kind is ConversationKind.VISITOR
        ][:limit]


class RecordingFanout:
    def __init__(self) -> None:
        self.entries: list[LogEntry] = []
        self.signals: list[tuple[str, dict[str, Any]]] = []

    async def entry(self, entry: LogEntry) -> None:
        self.entries.append(entry)

    async def signal(self, topic: str, frame: dict[str, Any]) -> None:
        self.signals.append((topic, frame))

    def frames_for(self, topic: str) -> list[dict[str, Any]]:
        return [frame for t, frame in self.signals if t == topic]


class InMemoryChannels:
    def __init__(self, *channels: Channel) -> None:
        self.channels = {channel.id: channel for channel in channels}

    async def get(self, channel_id: str) -> Channel | None:
        return self.channels.get(channel_id)

    async def open_to(self, account: Account) -> list[Channel]:
        return [c for c in self.channels.values() if c.open_to(account)]


class InMemoryAccounts:
    def __init__(self, *accounts: Account) -> None:
        self.accounts = {account.id: account for account in accounts}

    async def get(self, account_id: str) -> Account | None:
        return self.accounts.get(account_id)

    async def by_email(self, email: str) -> tuple[Account, str] | None:
        return None


class SteppingClock:
    """Starts at ``START`` and moves ``step`` forward on every reading."""

    def __init__(self, step: timedelta = timedelta(seconds=1)) -> None:
        self.moment = START
        self.step = step

    def now(self) -> datetime:
        self.moment += self.step
        return self.moment


class CountingIds:
    def __init__(self) -> None:
        self.n = 0

    def new_id(self, prefix: str) -> str:
        self.n += 1
        return f"{prefix}_{self.n:04d}"


SUPPORT = Channel(id="ch_support", name="Support", group_ids=frozenset({"grp_support"}), secret="s")
SALES = Channel(id="ch_sales", name="Sales", group_ids=frozenset({"grp_sales"}), secret="s")
ADA = Account("agt_ada", "ada@x.test", "Ada", Role.AGENT, frozenset({"grp_support"}))
BOB = Account("agt_bob", "bob@x.test", "Bob", Role.AGENT, frozenset({"grp_support"}))
DORA = Account("agt_dora", "dora@x.test", "Dora", Role.AGENT, frozenset({"grp_support"}))
CARL = Account("agt_carl", "carl@x.test", "Carl", Role.AGENT, frozenset({"grp_sales"}))
VERA = Visitor(id="vis_vera", channel_id="ch_support", name="Vera")
OTTO = Visitor(id="vis_otto", channel_id="ch_support")


@dataclasses.dataclass
class World:
    log: InMemoryLog
    snapshots: InMemorySnapshots
    fanout: RecordingFanout
    clock: SteppingClock
    deps: ConversationDeps


def world() -> World:
    log, snapshots, fanout, clock = (
        InMemoryLog(),
        InMemorySnapshots(),
        RecordingFanout(),
        SteppingClock(),
    )
    deps = ConversationDeps(
        log=log,
        snapshots=snapshots,
        fanout=fanout,
        channels=InMemoryChannels(SUPPORT, SALES),
        accounts=InMemoryAccounts(ADA, BOB, CARL, DORA),
        clock=clock,
        ids=CountingIds(),
    )
    return World(log, snapshots, fanout, clock, deps)
