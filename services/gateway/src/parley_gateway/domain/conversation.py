"""The conversation snapshot: everything list screens and permission checks need at a glance.

A ``Conversation`` is a fold of its log (``conversation_fold.evolve``); it is never changed
except by applying the next entry, and a few claims that decide races before an entry exists
(``assigned_to`` for first-accept-wins, ``lifecycle`` queued when routing queues it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from parley_contracts.common import ParticipantRole
from parley_contracts.gateway import (
    ConversationOutcome,
    ConversationStatus,
    EndedBy,
    Rating,
)

MAX_PAGES_KEPT = 15
"""Pages visited an agent sees (V8); older ones are dropped."""
PREVIEW_LENGTH = 140
AGENT_CHATS_CHANNEL = "agents"
"""Agent-to-agent chats belong to no channel; contracts need one, so they use this name."""


class Lifecycle(StrEnum):
    BOT = "bot"
    """A chatbot runs its script; nobody asked routing for an operator yet (or nobody was
    available for its hand-off and the script goes on)."""
    REQUESTED = "requested"
    """Started; waiting for routing, an accepting agent, or the addressee of a chat request."""
    QUEUED = "queued"
    """Routing queued it (the visitor sees a position and an estimated wait)."""
    ACTIVE = "active"
    """Someone answers: an agent joined (or the addressee accepted the request)."""
    ENDED = "ended"


WAITING = frozenset({Lifecycle.REQUESTED, Lifecycle.QUEUED})


class ConversationKind(StrEnum):
    VISITOR = "visitor"
    """A visitor or customer asked for help on a channel."""
    AGENT_TO_AGENT = "agent_to_agent"
    """An agent opened a chat with another agent (A5)."""
    AGENT_REQUEST = "agent_request"
    """An agent asked a visitor or customer to chat (A5, V7)."""


@dataclass(frozen=True)
class PageVisit:
    url: str
    title: str | None
    at: datetime


@dataclass(frozen=True)
class VisitorProfile:
    """The person on the visitor side, as the widget and the website described them (V8)."""

    visitor_id: str
    name: str
    customer_id: str | None = None
    email: str | None = None
    language: str | None = None
    country: str | None = None
    page_url: str | None = None
    pages: tuple[PageVisit, ...] = ()
    minimized: bool = False
    user_agent: str | None = None
    ip: str | None = None
    """Masked (last IPv4 octet / IPv6 tail dropped) before it gets here."""


@dataclass(frozen=True)
class Member:
    """A participant, present (``left_at`` None) or past."""

    id: str
    role: ParticipantRole
    display_name: str
    joined_at: datetime
    left_at: datetime | None = None

    @property
    def present(self) -> bool:
        return self.left_at is None


@dataclass(frozen=True)
class BotAnswer:
    """What the visitor answered one chatbot step; the operator sees it after a hand-off (B5)."""

    step_id: str
    question: str
    answer: str


@dataclass(frozen=True)
class Choice:
    """A button of the last chatbot message; the visitor answers by picking one."""

    id: str
    label: str
    url: str | None = None


@dataclass(frozen=True)
class RatingGiven:
    value: Rating
    comment: str | None = None


@dataclass(frozen=True)
class Conversation:
    """The snapshot of one conversation, as of ``last_seq``."""

    id: str
    channel_id: str
    kind: ConversationKind
    created_at: datetime
    visitor: VisitorProfile | None = None
    lifecycle: Lifecycle = Lifecycle.REQUESTED
    status: ConversationStatus | None = None
    participants: tuple[Member, ...] = ()
    agents_involved: tuple[str, ...] = ()
    """Every agent who ever joined as an agent, in joining order."""
    unanswered_agents: tuple[str, ...] = ()
    """Agents who lost the conversation because they did not answer in time (R3)."""
    answering_agents: tuple[str, ...] = ()
    """Agents who posted at least one public message, in order of their first one."""
    offered_to: tuple[str, ...] = ()
    assigned_to: str | None = None
    initiator_id: str | None = None
    addressee_id: str | None = None
    """Who an agent-initiated chat is addressed to (an agent or a visitor id)."""
    title: str | None = None
    tags: tuple[str, ...] = ()
    answered_at: datetime | None = None
    ended_at: datetime | None = None
    ended_by: EndedBy | None = None
    outcome: ConversationOutcome | None = None
    rating: RatingGiven | None = None
    last_seq: int = 0
    last_message_at: datetime | None = None
    last_message_preview: str | None = None
    message_count: int = 0
    chatbot_script_id: str | None = None
    expertise: tuple[str, ...] = field(default=())
    requested_at: datetime | None = None
    """When an operator was asked for: the start, or a chatbot's hand-off."""
    bot_answers: tuple[BotAnswer, ...] = ()
    handoffs: int = 0
    """Chatbot hand-offs recorded; with ``handoffs_failed`` it tells whether one is pending."""
    handoffs_failed: int = 0
    """Hand-offs routing found nobody for (their answer may arrive before the hand-off)."""
    choices: tuple[Choice, ...] = ()
    """The buttons of the last chatbot message, while the visitor has not answered them."""

    @property
    def is_ended(self) -> bool:
        return self.lifecycle is Lifecycle.ENDED

    @property
    def is_waiting(self) -> bool:
        return self.lifecycle in WAITING

    @property
    def bot_present(self) -> bool:
        return any(m.role is ParticipantRole.BOT for m in self.present)

    @property
    def present(self) -> tuple[Member, ...]:
        return tuple(member for member in self.participants if member.present)

    @property
    def present_agents(self) -> tuple[str, ...]:
        return tuple(m.id for m in self.present if m.role is ParticipantRole.AGENT)

    @property
    def participating_agents(self) -> tuple[str, ...]:
        """Agents who took part: joined as agents, minus those who lost it unanswered."""
        return tuple(a for a in self.agents_involved if a not in self.unanswered_agents)

    def member(self, participant_id: str) -> Member | None:
        """The participant's latest membership (present, or the last one they left)."""
        found = [m for m in self.participants if m.id == participant_id]
        return found[-1] if found else None

    def is_present(self, participant_id: str, role: ParticipantRole | None = None) -> bool:
        member = self.member(participant_id)
        return member is not None and member.present and (role is None or member.role is role)
