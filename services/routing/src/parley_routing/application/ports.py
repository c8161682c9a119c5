"""The ports routing's use cases need; adapters implement them, unit tests fake them."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime
from enum import Enum
from typing import Any, Protocol

from parley_contracts.base import Event
from parley_contracts.routing import DecisionRecord

from ..domain.operator import Operator
from ..domain.presence import Presence
from .state import ChannelSettings, Held, RoutingState, Waiting


class Clock(Protocol):
    def now(self) -> datetime: ...


class Claims(Protocol):
    """Decides races between routing processes: the first insert of a key wins, once."""

    async def claim(self, key: str, at: datetime, record: Mapping[str, Any]) -> bool:
        """True when this process won ``key`` (nobody claimed it before). ``at`` is the time of
        what is decided (a request's, an event's), the same in every process."""
        ...


class SlotRefused(Enum):
    FULL = "full"
    """Every slot of the operator is taken."""
    HELD_ELSEWHERE = "held elsewhere"
    """The operator holds a slot for this conversation already (another process took it)."""


class Slots(Protocol):
    """Capacity slots ``slot:<n>`` (n < max chats) per operator, one per conversation held."""

    async def take(self, agent_id: str, conversation_id: str, max_chats: int) -> int | SlotRefused:
        """Claim a free slot for the conversation: its number, or why there is none."""
        ...

    def give_back(self, agent_id: str, conversation_id: str, number: int) -> None:
        """Return one slot taken for a race this process then lost (only that one: the winner
        may hold another slot of the same operator for the same conversation). In the
        background, after the take."""
        ...

    def release(self, agent_id: str, conversation_id: str) -> None:
        """The operator no longer holds the conversation (in the background)."""
        ...


class Publisher(Protocol):
    async def publish(self, event: Event) -> None: ...


class StateMirror(Protocol):
    """Saves the working state for restarts (write-behind: calls return at once)."""

    def save_operator(self, operator: Operator, presence: Presence) -> None: ...
    def save_channel(self, channel_id: str, settings: ChannelSettings) -> None: ...
    def save_waiting(self, waiting: Waiting) -> None: ...
    def drop_waiting(self, conversation_id: str) -> None: ...
    def save_held(self, held: Held) -> None: ...
    def drop_held(self, conversation_id: str) -> None: ...
    async def load(self, state: RoutingState) -> None: ...


class DecisionLog(Protocol):
    def record(self, conversation_id: str, record: DecisionRecord) -> None:
        """Store one decision (write-behind)."""
        ...

    async def for_conversation(self, conversation_id: str) -> list[DecisionRecord]: ...


Job = Callable[[], Awaitable[None]]


class Shards(Protocol):
    """Splits the routing work between the processes alive."""

    def owns(self, channel_id: str) -> bool:
        """Whether this process routes the channel's requests (the others only follow)."""
        ...


class Worker(Protocol):
    """The process's one sequence of state changes, and work beside it."""

    def later(self, job: Job) -> None:
        """Run ``job`` in the sequence, after what is queued."""
        ...

    def spawn(self, job: Job) -> None:
        """Run ``job`` beside the sequence (I/O the sequence must not wait for); a job that
        changes the state hands that part back with :meth:`later`."""
        ...


class Timers(Protocol):
    """Runs a job at a moment, in the same sequence as events; a key has one pending job."""

    def at(self, key: str, when: datetime, job: Job) -> None: ...
    def cancel(self, key: str) -> None: ...


class Broadcast(Protocol):
    """Tells every routing process (this one included) about a change made by a query."""

    async def operator_changed(self, operator: Operator) -> None: ...
