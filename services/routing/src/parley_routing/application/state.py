"""Routing's working state, held in memory by every routing process.

FerretDB scans a whole collection for every query, so nothing on the decision path reads the
database: each process keeps operators, presence, channels, the waiting queue and unanswered
assignments here, fed by every event (its own replica queue sees them all), and mirrors them to
MongoDB only so that a restart can start from where it was. Races between two processes are
decided by claims (see :mod:`.ports`), never by this state.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from parley_contracts.common import RoutingMode
from parley_contracts.routing import DecisionKind

from ..domain.operator import Operator, OperatorProfile
from ..domain.presence import Presence
from ..domain.queue import HandlingTimes, QueuePosition
from ..domain.request import RoutingRequest
from ..domain.timeouts import ChannelLimits

PLACEHOLDER = "(held, seen by another routing process)"
"""Conversation id prefix standing for load another process claimed before we saw it."""
COMMITTING = "(being assigned) "
"""Conversation id prefix standing for an assignment decided here and not yet stored."""


@dataclass(frozen=True)
class ChannelSettings:
    mode: RoutingMode = RoutingMode.PUSH
    limits: ChannelLimits = field(default_factory=ChannelLimits)


@dataclass(frozen=True)
class Waiting:
    """A request in the queue. ``key`` is the request's event id: one generation of it."""

    request: RoutingRequest
    key: str
    attempt: int = 1
    offered: frozenset[str] = frozenset()
    claimed: bool = False
    """This process won the attempt's assignment claim but not a slot of the operator (another
    process had filled them): no other process can assign the attempt now, and the next try
    here needs no claim."""


@dataclass(frozen=True)
class Held:
    """A conversation assigned to an operator who has not answered yet."""

    request: RoutingRequest
    key: str
    agent_id: str
    attempt: int
    assigned_at: datetime
    answer_by: datetime | None


@dataclass(frozen=True)
class Committing:
    """An assignment decided here whose slot and claim are being stored (then published)."""

    waiting: Waiting
    agent_id: str
    kind: DecisionKind

    @property
    def key(self) -> str:
        return self.waiting.key


@dataclass
class RoutingState:
    operators: dict[str, Operator] = field(default_factory=dict)
    presence: dict[str, Presence] = field(default_factory=dict)
    channels: dict[str, ChannelSettings] = field(default_factory=dict)
    waiting: dict[str, Waiting] = field(default_factory=dict)
    """By conversation id."""
    held: dict[str, Held] = field(default_factory=dict)
    """Unanswered assignments, by conversation id."""
    committing: dict[str, Committing] = field(default_factory=dict)
    """Assignments decided and not yet stored, by conversation id (they count in load)."""
    handling: dict[str, HandlingTimes] = field(default_factory=dict)
    joined_at: dict[str, tuple[str, datetime]] = field(default_factory=dict)
    """Conversation id -> (channel, when its first agent joined): handling-time samples."""
    gone: dict[str, datetime] = field(default_factory=dict)
    """Conversations that ended (and when), so a late echo does not bring them back."""
    moved_channels: set[str] = field(default_factory=set)
    """Channels whose queue or capacity changed since positions were last announced."""
    announced: dict[str, QueuePosition] = field(default_factory=dict)
    _by_channel: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))

    def channel(self, channel_id: str) -> ChannelSettings:
        return self.channels.get(channel_id, ChannelSettings())

    def operators_in(self, channel_id: str) -> list[Operator]:
        return [
            self.operators[a] for a in self._by_channel.get(channel_id, ()) if a in self.operators
        ]

    def put_operator(self, operator: Operator) -> None:
        old = self.operators.get(operator.agent_id)
        if old is not None:
            for channel in old.profile.channel_ids - operator.profile.channel_ids:
                self._by_channel[channel].discard(operator.agent_id)
        for channel in operator.profile.channel_ids:
            self._by_channel[channel].add(operator.agent_id)
        self.operators[operator.agent_id] = operator

    def operator(self, agent_id: str, display_name: str) -> Operator:
        """The operator, created offline with a bare profile when routing has not met them."""
        known = self.operators.get(agent_id)
        if known is not None:
            return known
        created = Operator(OperatorProfile(agent_id=agent_id, chat_name=display_name))
        self.put_operator(created)
        return created

    def with_profile(self, profile: OperatorProfile) -> Operator:
        current = self.operators.get(profile.agent_id)
        operator = Operator(profile) if current is None else replace(current, profile=profile)
        self.put_operator(operator)
        return operator

    def hold(self, agent_id: str, conversation_id: str, now: datetime) -> None:
        operator = self.operators.get(agent_id)
        if operator is None or operator.holds(conversation_id):
            return
        self.put_operator(_without_placeholders(operator).with_conversation(conversation_id, now))

    def release(self, agent_id: str, conversation_id: str) -> bool:
        operator = self.operators.get(agent_id)
        if operator is None or not operator.holds(conversation_id):
            return False
        self.put_operator(_without_placeholders(operator).without_conversation(conversation_id))
        return True

    def reserve(self, agent_id: str, conversation_id: str, now: datetime) -> None:
        """Count an assignment being stored in the operator's load (see :data:`COMMITTING`)."""
        operator = self.operators[agent_id]
        self.put_operator(operator.with_conversation(COMMITTING + conversation_id, now))

    def unreserve(self, agent_id: str, conversation_id: str) -> None:
        operator = self.operators.get(agent_id)
        if operator is not None and operator.holds(COMMITTING + conversation_id):
            self.put_operator(operator.without_conversation(COMMITTING + conversation_id))

    def saturate(self, agent_id: str) -> None:
        """Another process filled this operator's slots: count them full until their load moves."""
        operator = self.operators.get(agent_id)
        if operator is None:
            return
        ids = set(operator.state.active_conversation_ids)
        n = 0
        while len(ids) < operator.profile.max_chats:
            ids.add(f"{PLACEHOLDER} {n}")
            n += 1
        state = replace(operator.state, active_conversation_ids=frozenset(ids))
        self.put_operator(replace(operator, state=state))

    def holders_of(self, conversation_id: str) -> list[str]:
        return [a for a, o in self.operators.items() if o.holds(conversation_id)]

    def waiting_in(self, channel_id: str) -> list[Waiting]:
        return [w for w in self.waiting.values() if w.request.channel_id == channel_id]

    def forget_gone(self, before: datetime) -> None:
        for conversation_id in [c for c, at in self.gone.items() if at < before]:
            del self.gone[conversation_id]

    def channels_of(self, agent_ids: Iterable[str]) -> set[str]:
        return {
            c
            for a in agent_ids
            if a in self.operators
            for c in self.operators[a].profile.channel_ids
        }


def _without_placeholders(operator: Operator) -> Operator:
    ids = operator.state.active_conversation_ids
    real = frozenset(c for c in ids if not c.startswith(PLACEHOLDER))
    if real == ids:
        return operator
    return replace(operator, state=replace(operator.state, active_conversation_ids=real))


GONE_MEMORY = timedelta(hours=1)
"""How long an ended conversation is remembered, to ignore its late events."""
