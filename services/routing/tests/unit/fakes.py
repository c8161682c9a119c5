"""In-memory stand-ins for routing's ports, for driving the use cases without servers."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from pymongo.errors import ConnectionFailure

from parley_contracts.base import Event
from parley_contracts.routing import DecisionRecord
from parley_routing.application.deps import RoutingDeps
from parley_routing.application.ports import Job, SlotRefused
from parley_routing.application.state import ChannelSettings, Held, RoutingState, Waiting
from parley_routing.domain.operator import Operator
from parley_routing.domain.presence import Presence

from .builders import NOW


class FakeClaims:
    def __init__(self) -> None:
        self.taken: dict[str, str] = {}
        self.others: set[str] = set()
        """Keys another process claims first."""
        self.failing: set[str] = set()
        """Keys whose insert fails (the database stays away)."""
        self.asked: list[str] = []
        self.gate: asyncio.Event | None = None
        """When set, an insert waits for it (on its way to the database)."""

    async def claim(self, key: str, at: datetime, record: Mapping[str, Any]) -> bool:
        self.asked.append(key)
        if self.gate is not None:
            await self.gate.wait()
        if key in self.failing:
            raise ConnectionFailure(f"claim {key}: the database is away")
        if key in self.others or key in self.taken:
            return False
        self.taken[key] = "me"
        return True


class FakeSlots:
    def __init__(self) -> None:
        self.held: dict[str, dict[int, str]] = {}
        self.full_elsewhere: set[str] = set()
        """Agents whose slots another process filled."""
        self.failing: set[str] = set()
        """Agents whose slots cannot be stored (the database stays away)."""
        self.asked: list[str] = []
        self.gate: asyncio.Event | None = None
        """When set, a take waits for it (on its way to the database)."""

    async def take(self, agent_id: str, conversation_id: str, max_chats: int) -> int | SlotRefused:
        self.asked.append(agent_id)
        if self.gate is not None:
            await self.gate.wait()
        if agent_id in self.failing:
            raise ConnectionFailure(f"slot of {agent_id}: the database is away")
        mine = self.held.setdefault(agent_id, {})
        if agent_id in self.full_elsewhere or len(mine) >= max_chats:
            return SlotRefused.FULL
        number = min(n for n in range(max_chats) if n not in mine)
        mine[number] = conversation_id
        return number

    def give_back(self, agent_id: str, conversation_id: str, number: int) -> None:
        self.held.get(agent_id, {}).pop(number, None)

    def release(self, agent_id: str, conversation_id: str) -> None:
        mine = self.held.get(agent_id, {})
        for number in [n for n, c in mine.items() if c == conversation_id]:
            del mine[number]


class FakePublisher:
    def __init__(self) -> None:
        self.sent: list[Event] = []

    async def publish(self, event: Event) -> None:
        self.sent.append(event)


class FakeWorker:
    """Runs what is spawned and what comes back to the sequence when told to (``settle``)."""

    def __init__(self) -> None:
        self.queued: list[Job] = []

    def later(self, job: Job) -> None:
        self.queued.append(job)

    def spawn(self, job: Job) -> None:
        self.queued.append(job)

    async def settle(self) -> None:
        while self.queued:
            await self.queued.pop(0)()


class FakeTimers:
    def __init__(self) -> None:
        self.pending: dict[str, datetime] = {}

    def at(self, key: str, when: datetime, job: Job) -> None:
        self.pending[key] = when

    def cancel(self, key: str) -> None:
        self.pending.pop(key, None)


class NullMirror:
    def save_operator(self, operator: Operator, presence: Presence) -> None: ...
    def save_channel(self, channel_id: str, settings: ChannelSettings) -> None: ...
    def save_waiting(self, waiting: Waiting) -> None: ...
    def drop_waiting(self, conversation_id: str) -> None: ...
    def save_held(self, held: Held) -> None: ...
    def drop_held(self, conversation_id: str) -> None: ...
    async def load(self, state: RoutingState) -> None: ...


class FakeDecisions:
    def __init__(self) -> None:
        self.records: list[tuple[str, DecisionRecord]] = []

    def record(self, conversation_id: str, record: DecisionRecord) -> None:
        self.records.append((conversation_id, record))

    async def for_conversation(self, conversation_id: str) -> list[DecisionRecord]:
        return [r for c, r in self.records if c == conversation_id]


class FixedClock:
    def now(self) -> datetime:
        return NOW


class AllShards:
    def __init__(self) -> None:
        self.others: set[str] = set()
        """Channels another process routes."""

    def owns(self, channel_id: str) -> bool:
        return channel_id not in self.others


class NoBroadcast:
    async def operator_changed(self, operator: Operator) -> None: ...


def routing_deps(*operators: Operator) -> RoutingDeps:
    state = RoutingState()
    for operator in operators:
        state.put_operator(operator)
    return RoutingDeps(
        state=state,
        claims=FakeClaims(),
        slots=FakeSlots(),
        publisher=FakePublisher(),
        mirror=NullMirror(),
        decisions=FakeDecisions(),
        timers=FakeTimers(),
        worker=FakeWorker(),
        shards=AllShards(),
        clock=FixedClock(),
        broadcast=NoBroadcast(),
    )
