"""Messages of routing, which matches waiting conversations with operators.

Routing owns operator profiles, presence, the waiting queue and assignments. It consumes
``conversation.requested.v1``, ``chatbot.handoff_requested.v1``, the gateway's operator signals,
channel settings, joins, leaves, agent messages and conversation ends. Every assignment (and every
pull-mode offer) says which rule picked the agents and why the other candidates lost, so a
decision can be explained after the fact; ``routing.get_decisions.v1`` reads them back.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, ClassVar, Self

from pydantic import Field, StringConstraints, model_validator

from parley_contracts.base import Command, Event, Query, Reply
from parley_contracts.common import (
    AgentId,
    ChannelId,
    ConversationId,
    CountryCode,
    DisplayName,
    LanguageTag,
    OperatorAvailability,
    Seconds,
    Tag,
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
    TRANSFER = "transfer"
    """Another agent transferred the conversation to this agent or to this agent's channel."""


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
    previous_agent_id: AgentId | None = None
    """For a transfer: the agent who handed it over and leaves the conversation."""


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


class TransferRefusedV1(Event):
    """A transfer could not be made; the conversation stays with the agent who asked."""

    TYPE: ClassVar[str] = "conversation.transfer_refused.v1"

    conversation_id: ConversationId
    channel_id: ChannelId
    requested_by: AgentId
    to_agent_id: AgentId | None = None
    to_channel_id: ChannelId | None = None
    reason: Annotated[str, StringConstraints(max_length=500)]
    """Why, for the agent who asked: ``Cleo is away``, ``nobody in Sales is available``."""
    decision: RoutingDecision | None = None


class PresenceReason(StrEnum):
    """Why an agent's presence changed."""

    MANUAL = "manual"
    """The agent chose the new availability."""
    IDLE = "idle"
    """No activity for the configured idle time: online became away."""
    ACTIVE = "active"
    """Activity brought an agent who had gone away by idling back online."""
    INACTIVE = "inactive"
    """No activity for 30 minutes: the agent went offline and left their channels."""
    CONNECTION_LOST = "connection_lost"
    """The agent's last socket closed and none reopened within the grace period."""
    SIGNED_OUT = "signed_out"
    """The agent's session ended."""
    CHANNELS_CHANGED = "channels_changed"
    """Availability is unchanged; the agent joined or left channels."""


class OperatorPresenceChangedV1(Event):
    """An agent's availability, or the channels they take chats from, changed."""

    TYPE: ClassVar[str] = "operator.presence_changed.v1"

    agent_id: AgentId
    display_name: DisplayName
    availability: OperatorAvailability
    previous_availability: OperatorAvailability | None = None
    reason: PresenceReason
    channel_ids: tuple[ChannelId, ...] = ()
    """The channels the agent has joined (A2) after the change."""


class OperatorProfile(ValueObject):
    """What an operator can do (R1, A4): routing's hard limits and preferences read it."""

    agent_id: AgentId
    chat_name: DisplayName
    """The name visitors see in the chat."""
    main_language: LanguageTag | None = None
    extra_languages: tuple[LanguageTag, ...] = ()
    expertise: tuple[Tag, ...] = ()
    country: CountryCode | None = None
    max_chats: Annotated[int, Field(ge=1, le=50)] = 3
    """Maximum simultaneous chats; routing never assigns beyond it."""
    channel_ids: tuple[ChannelId, ...] = ()
    """Channels the operator has joined: only these route conversations to them."""


class OperatorOverview(ValueObject):
    """An operator's profile and what they are doing now."""

    profile: OperatorProfile
    availability: OperatorAvailability
    active_conversation_ids: tuple[ConversationId, ...] = ()
    """Conversations the operator holds now: their load."""
    online_since: UtcDatetime | None = None
    last_assigned_at: UtcDatetime | None = None


class OperatorsV1(Reply):
    """Operators, ordered by chat name."""

    TYPE: ClassVar[str] = "routing.operators.v1"

    operators: tuple[OperatorOverview, ...]


class GetOperatorsV1(Query):
    """Read operators: all of them, the ones named, or the ones who joined a channel."""

    TYPE: ClassVar[str] = "routing.get_operators.v1"
    REPLY: ClassVar[type[Reply]] = OperatorsV1

    agent_ids: tuple[AgentId, ...] = ()
    """Only these agents (an unknown id is left out); empty: no filter."""
    channel_id: ChannelId | None = None
    """Only operators who joined this channel."""


class OperatorUpdatedV1(Reply):
    """The operator after an update, or why the update was refused."""

    TYPE: ClassVar[str] = "routing.operator_updated.v1"

    agent_id: AgentId
    operator: OperatorOverview | None = None
    error: Annotated[str, StringConstraints(max_length=500)] | None = None
    """Set when nothing was changed, naming the field at fault: ``max_chats: ...``."""


class UpdateOperatorV1(Query):
    """Create or change an operator's profile, or join and leave channels (A2, A4).

    ``profile`` replaces the whole profile (its ``channel_ids`` too); ``join_channel_ids`` and
    ``leave_channel_ids`` change only the channels, so that an agent's join does not overwrite an
    admin's concurrent profile edit. An operator who does not exist yet is created offline.
    """

    TYPE: ClassVar[str] = "routing.update_operator.v1"
    REPLY: ClassVar[type[Reply]] = OperatorUpdatedV1

    agent_id: AgentId
    display_name: DisplayName
    """The agent's account name, the chat name of a profile created by a channel join."""
    profile: OperatorProfile | None = None
    join_channel_ids: tuple[ChannelId, ...] = ()
    leave_channel_ids: tuple[ChannelId, ...] = ()


class DecisionKind(StrEnum):
    ASSIGNED = "assigned"
    OFFERED = "offered"
    REASSIGNED = "reassigned"
    """The assigned operator did not answer in time, or went offline, and the next one got it."""
    TRANSFERRED = "transferred"
    TRANSFER_REFUSED = "transfer_refused"
    NO_OPERATOR = "no_operator"
    ACCEPTED = "accepted"
    """Pull mode: an operator accepted an offer."""


class DecisionRecord(ValueObject):
    """One decision routing took for a conversation (R4)."""

    decided_at: UtcDatetime
    kind: DecisionKind
    agent_ids: tuple[AgentId, ...] = ()
    """Who got it (assigned, transferred) or was offered it."""
    decision: RoutingDecision
    decision_ms: Annotated[float, Field(ge=0)] | None = None
    """How long choosing took."""


class RoutingDecisionsV1(Reply):
    """Every decision for a conversation, oldest first (empty when routing never saw it)."""

    TYPE: ClassVar[str] = "routing.decisions.v1"

    conversation_id: ConversationId
    decisions: tuple[DecisionRecord, ...]


class GetRoutingDecisionsV1(Query):
    """Read why a conversation went where it went (R4)."""

    TYPE: ClassVar[str] = "routing.get_decisions.v1"
    REPLY: ClassVar[type[Reply]] = RoutingDecisionsV1

    conversation_id: ConversationId


class TransferConversationV1(Command):
    """An agent hands their conversation to another agent or to a channel's operators (A6).

    To an agent: the agent must be online with free capacity. To a channel: routing chooses among
    the channel's operators by the usual rules at once (no queueing). Either way the result is
    ``conversation.assigned.v1`` with mode ``transfer`` or ``conversation.transfer_refused.v1``.
    """

    TYPE: ClassVar[str] = "routing.transfer_conversation.v1"

    conversation_id: ConversationId
    channel_id: ChannelId
    """The conversation's own channel."""
    requested_by: AgentId
    to_agent_id: AgentId | None = None
    to_channel_id: ChannelId | None = None
    """Exactly one of ``to_agent_id`` and ``to_channel_id`` is set."""

    @model_validator(mode="after")
    def _one_target(self) -> Self:
        if (self.to_agent_id is None) == (self.to_channel_id is None):
            raise ValueError("set exactly one of to_agent_id and to_channel_id")
        return self


MESSAGES = (
    ConversationAssignedV1,
    ConversationOfferedV1,
    AssignmentExpiredV1,
    QueuePositionChangedV1,
    NoOperatorFoundV1,
    TransferRefusedV1,
    OperatorPresenceChangedV1,
    TransferConversationV1,
    UpdateOperatorV1,
    OperatorUpdatedV1,
    GetOperatorsV1,
    OperatorsV1,
    GetRoutingDecisionsV1,
    RoutingDecisionsV1,
)
"""Every message routing publishes, in catalogue order."""
