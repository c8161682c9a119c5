"""The waiting queue (V4): each waiting visitor's position and an estimated wait.

Order
    One queue per channel, first come first served by ``requested_at`` (then conversation id, so
    equal times have a fixed order). Chatbot hand-offs and returning visitors get no priority:
    their advantages are already elsewhere (the bot served the visitor meanwhile; the returning
    visitor's previous operator is preferred when someone is chosen), and queue-jumping would make
    a visitor's position go *up*, which people read as unfair. A reassigned request (its operator
    did not answer in time) keeps its ``requested_at`` and so its place at the front.

Estimate
    The wait comes from the channel's recent real *handling times* (assignment to end of chat),
    the last :data:`DEFAULT_SAMPLES` of them, summarised by their median, which one forgotten
    three-hour chat does not move. Handling time, not time-to-assignment: the time visitors
    waited already contains the queueing being predicted, and feeding it back would keep the
    estimate high after the queue has drained.

    Let S be the chat slots of the channel's online operators (their maximum simultaneous chats
    summed), F the free ones, D the median handling time. The first F waiting visitors need no
    slot to free up. Every busy slot frees about once per D, so slots free at a rate of
    (S - F) / D, and the visitor at position p waits about::

        wait(p) = max(0, p - F) * D / max(1, S - F)      (rounded up to whole seconds)

    That is the waiting time of position p in an M/M/c queue whose c servers are the busy slots.
    0 means "any moment now" (in pull mode: as soon as someone accepts). With no samples yet or
    no operator online there is no estimate (None), never a made-up constant.
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from .operator import Availability, Operator
from .request import RoutingRequest

DEFAULT_SAMPLES = 20


@dataclass(frozen=True)
class HandlingTimes:
    """One channel's most recent handling times, in seconds, oldest first."""

    samples: tuple[float, ...] = ()
    keep: int = DEFAULT_SAMPLES

    def add(self, seconds: float) -> HandlingTimes:
        if seconds < 0:
            return self
        return replace(self, samples=(*self.samples, seconds)[-self.keep :])

    def typical(self) -> float | None:
        """The median sample; None without samples."""
        return statistics.median(self.samples) if self.samples else None


@dataclass(frozen=True)
class ChannelCapacity:
    """Chat slots of the channel's online operators: all of them, and the free ones."""

    slots: int
    free_slots: int


def channel_capacity(channel_id: str, operators: Iterable[Operator]) -> ChannelCapacity:
    slots = free = 0
    for operator in operators:
        online = operator.state.availability is Availability.ONLINE
        if online and channel_id in operator.profile.channel_ids:
            slots += operator.profile.max_chats
            free += operator.free_capacity
    return ChannelCapacity(slots, free)


def estimate_wait(
    position: int, capacity: ChannelCapacity, handling: HandlingTimes
) -> float | None:
    """Seconds the visitor at ``position`` (1 = next) should expect to wait; None: unknown."""
    typical = handling.typical()
    if typical is None or capacity.slots == 0:
        return None
    ahead_of_a_free_slot = max(0, position - capacity.free_slots)
    busy = max(1, capacity.slots - capacity.free_slots)
    return float(math.ceil(ahead_of_a_free_slot * typical / busy))


@dataclass(frozen=True)
class QueuePosition:
    conversation_id: str
    channel_id: str
    position: int
    """1 = next to be assigned."""
    estimated_wait_seconds: float | None


def queue_order(waiting: Iterable[RoutingRequest]) -> dict[str, tuple[RoutingRequest, ...]]:
    """Each channel's waiting requests, first come first served."""
    by_channel: dict[str, list[RoutingRequest]] = defaultdict(list)
    for request in waiting:
        by_channel[request.channel_id].append(request)
    return {
        channel: tuple(sorted(requests, key=lambda r: (r.requested_at, r.conversation_id)))
        for channel, requests in by_channel.items()
    }


def queue_positions(
    waiting: Iterable[RoutingRequest],
    operators: Iterable[Operator],
    handling: Mapping[str, HandlingTimes],
) -> dict[str, QueuePosition]:
    """Every waiting conversation's position and estimate, by conversation id."""
    operators = tuple(operators)
    positions: dict[str, QueuePosition] = {}
    for channel, requests in queue_order(waiting).items():
        capacity = channel_capacity(channel, operators)
        times = handling.get(channel, HandlingTimes())
        for position, request in enumerate(requests, start=1):
            estimate = estimate_wait(position, capacity, times)
            positions[request.conversation_id] = QueuePosition(
                request.conversation_id, channel, position, estimate
            )
    return positions


def changed_positions(
    before: Mapping[str, QueuePosition], after: Mapping[str, QueuePosition]
) -> tuple[QueuePosition, ...]:
    """The positions to announce: new, or with a different place or estimate."""
    return tuple(p for cid, p in after.items() if before.get(cid) != p)
