"""Everything a use case needs, wired once in ``bootstrap.py``."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..domain.presence import PresenceSettings
from .ports import (
    Broadcast,
    Claims,
    Clock,
    DecisionLog,
    Publisher,
    Shards,
    Slots,
    StateMirror,
    Timers,
    Worker,
)
from .state import RoutingState


@dataclass
class DecisionTimes:
    """Recent decision durations (ms), for the benchmark and the logs."""

    samples: list[float] = field(default_factory=list)
    keep: int = 100_000

    def add(self, ms: float) -> None:
        self.samples.append(ms)
        if len(self.samples) > self.keep:
            del self.samples[: len(self.samples) - self.keep]


@dataclass
class RoutingDeps:
    state: RoutingState
    claims: Claims
    slots: Slots
    publisher: Publisher
    mirror: StateMirror
    decisions: DecisionLog
    timers: Timers
    worker: Worker
    shards: Shards
    clock: Clock
    broadcast: Broadcast
    presence_settings: PresenceSettings = field(default_factory=PresenceSettings)
    times: DecisionTimes = field(default_factory=DecisionTimes)
