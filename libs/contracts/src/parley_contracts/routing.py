"""Messages of routing, which matches waiting conversations with operators.

Routing consumes ``conversation.requested.v1``, ``chatbot.handoff_requested.v1``, operator
presence and conversation ends. Every assignment (and every pull-mode offer) says which rule
picked the agents and why the other candidates lost, so a decision can be explained after the
fact.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, ClassVar

from pydantic import Field, StringConstraints

from parley_contracts.base import Event
from parley_contracts.common import (
    AgentId,
    ChannelId,
    ConversationId,
    DisplayName,
    Seconds,
    UtcDatetime,
    ValueObject,
)

RuleName = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]
"""A routing rule's name, such as ``previous_operator`` or ``least_loaded``."""


class AssignmentMode(StrEnum):
    """How the agent got the conversation."""

    PUSH = "push"
    """Routing chose the agent."""
    PULL = "pull"
    """The agent was first among the eligible agents to accept."""


class CandidateVerdict(ValueObject):
    """How routing judged one agent for one request."""

    agent_id: AgentId
    eligible: bool
    """False when a hard rule excluded the agent (offline, at capacity, wrong language, ...)."""
    reasons: tuple[Annotated[str, StringConstraints(max_length=500)], ...] = ()
    """Human-readable reasons, e.g. ``at capacity: 3 of 3 chats``."""
    score: float | None = None
    """Ranking among eligible agents; higher wins."""


class RoutingDecision(ValueObject):
    """Why an agent was picked: the deciding rule, and every candidate's verdict."""

    rule: RuleName
    explanation: Annotated[str, StringConstraints(max_length=1000)]
    candidates: tuple[CandidateVerdict, ...] = ()


class ConversationAssignedV1(Event):
    """Routing assigned a waiting conversation to an agent, who must answer by ``answer_by``."""

    TYPE: ClassVar[str] = "conversation.assigned.v1"

    conversation_id: ConversationId
    channel_id: ChannelId
    agent_id: AgentId
    agent_display_name: DisplayName
    mode: AssignmentMode
    attempt: Annotated[int, Field(ge=1)] = 1
    """1 for the first assignment; higher after earlier agents did not answer in time."""
    waited_seconds: Seconds
    """Time from the request to this assignment."""
    answer_by: UtcDatetime | None = None
    """Deadline for the agent's first answer; afterwards the next eligible agent gets it."""
    decision: RoutingDecision


class ConversationOfferedV1(Event):
    """Routing offered a waiting conversation to the eligible agents of a pull-mode channel
    (R1 pull): each of them sees it, and the first to accept gets it.

    An offer narrows who is *told*, not who may take it: any agent the channel is open to may
    still accept a waiting conversation from the waiting list. A later offer for the same
    conversation adds its agents to the ones already offered.
    """

    TYPE: ClassVar[str] = "conversation.offered.v1"

    conversation_id: ConversationId
    channel_id: ChannelId
    agent_ids: Annotated[tuple[AgentId, ...], Field(min_length=1)]
    """The eligible agents the conversation is offered to."""
    offered_at: UtcDatetime
    expires_at: UtcDatetime | None = None
    """When routing stops waiting for an accept and offers it again (or gives up); null: never."""
    decision: RoutingDecision | None = None
    """Why these agents were eligible and the others were not."""


class AssignmentExpiredV1(Event):
    """The assigned agent did not answer in time and lost the conversation; routing moves on."""

    TYPE: ClassVar[str] = "conversation.assignment_expired.v1"

    conversation_id: ConversationId
    channel_id: ChannelId
    agent_id: AgentId
    attempt: Annotated[int, Field(ge=1)]


class QueuePositionChangedV1(Event):
    """A waiting conversation's place in the queue or its estimated wait changed."""

    TYPE: ClassVar[str] = "conversation.queue_position_changed.v1"

    conversation_id: ConversationId
    channel_id: ChannelId
    position: Annotated[int, Field(ge=1)]
    """1 = next to be assigned."""
    estimated_wait_seconds: Seconds | None = None
    """Null when routing cannot estimate (for example no operator online yet)."""


class NoOperatorReason(StrEnum):
    """Why routing gave up on a request."""

    NONE_AVAILABLE = "none_available"
    """No eligible operator is online and the channel does not queue requests."""
    TIMED_OUT = "timed_out"
    """The request waited the channel's maximum time."""


class NoOperatorFoundV1(Event):
    """Routing could not find an operator for a request. The gateway ends the conversation with
    outcome ``no_one_available`` unless a chatbot takes over and continues its script."""

    TYPE: ClassVar[str] = "conversation.no_operator_found.v1"

    conversation_id: ConversationId
    channel_id: ChannelId
    reason: NoOperatorReason
    waited_seconds: Seconds


MESSAGES = (
    ConversationAssignedV1,
    ConversationOfferedV1,
    AssignmentExpiredV1,
    QueuePositionChangedV1,
    NoOperatorFoundV1,
)
"""Every message routing publishes, in catalogue order."""
