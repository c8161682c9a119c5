"""Events in a conversation's timeline, published by the gateway.

Each derives from ``ConversationEvent`` and carries the conversation's gap-free ``sequence``: a
consumer that sees a jump knows it missed something. ``TypingChangedV1`` is the one ephemeral
exception: it is not numbered and not stored.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, ClassVar

from pydantic import Field, StringConstraints

from parley_contracts.base import Event
from parley_contracts.common import (
    AgentId,
    Attachment,
    ChannelId,
    ConversationId,
    Identifier,
    LanguageTag,
    MessageId,
    MessageText,
    Participant,
    ParticipantRole,
    Seconds,
    SequenceNumber,
    Tag,
    UtcDatetime,
    ValueObject,
    VisitorInfo,
    WebUrl,
)

ClientMessageId = Annotated[str, StringConstraints(min_length=1, max_length=128)]
"""The sender's own id for a message, so that a retried send is stored once."""
Title = Annotated[str, StringConstraints(max_length=200)]


class ConversationStatus(StrEnum):
    """The status an agent gives a live conversation (shown in the information panel)."""

    IN_PROGRESS = "in_progress"
    WAITING_FOR_CUSTOMER = "waiting_for_customer"
    LOOKING_FOR_HELP = "looking_for_help"


class ConversationOutcome(StrEnum):
    """How a conversation concluded."""

    NO_ANSWER = "no_answer"
    """The visitor did not engage after the conversation began."""
    NO_ONE_AVAILABLE = "no_one_available"
    """No operator was online or could be assigned in time."""
    SUCCESS = "success"
    """Completed without escalation or failure (independent of the rating)."""
    ESCALATED = "escalated"
    """Forwarded to another operator because the first could not resolve it."""


class EndedBy(StrEnum):
    """Who closed a conversation; ``system`` means a timeout or rule."""

    VISITOR = "visitor"
    AGENT = "agent"
    BOT = "bot"
    SYSTEM = "system"


class JoinReason(StrEnum):
    """Why a participant joined."""

    STARTED = "started"
    """The participant opened the conversation."""
    ASSIGNED = "assigned"
    """Routing assigned the conversation to this agent."""
    ACCEPTED = "accepted"
    """The agent took it from the waiting or looking-for-help list."""
    INVITED = "invited"
    """Another agent invited this participant (or observer)."""
    TRANSFERRED = "transferred"
    """Another agent handed the conversation over to this one."""


class LeaveReason(StrEnum):
    """Why a participant left."""

    LEFT = "left"
    """The participant left or closed the chat."""
    TRANSFERRED = "transferred"
    """The agent handed the conversation to another agent."""
    DISCONNECTED = "disconnected"
    """The connection was lost or the participant was inactive for too long."""
    REMOVED = "removed"
    """Another agent removed the participant."""
    UNANSWERED = "unanswered"
    """The assigned agent did not answer in time and lost the conversation."""


class Rating(StrEnum):
    """The visitor's rating of a conversation."""

    SATISFIED = "satisfied"
    OKAY = "okay"
    DISSATISFIED = "dissatisfied"


class MessageVisibility(StrEnum):
    """Who sees a message."""

    PUBLIC = "public"
    """Everyone in the conversation, visitor included."""
    INTERNAL = "internal"
    """Agents, observers and bots only; never shown to the visitor."""


class MessageChoice(ValueObject):
    """An answer a visitor can pick (a chatbot question's button)."""

    id: Identifier
    label: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    url: WebUrl | None = None
    """A link the widget opens when the visitor picks this answer."""


class ConversationEvent(Event):
    """Base of the events in a conversation's timeline, numbered by ``sequence``."""

    conversation_id: ConversationId
    channel_id: ChannelId
    sequence: SequenceNumber
    """This event's position in the conversation: 1, 2, 3, ... with no gaps."""


class ConversationStartedV1(ConversationEvent):
    """A conversation was opened on a channel, by a visitor or by an agent (sequence 1)."""

    TYPE: ClassVar[str] = "conversation.started.v1"

    initiated_by: ParticipantRole
    visitor: VisitorInfo | None = None
    """The visitor or customer; null for a chat between agents."""
    initiating_agent_id: AgentId | None = None
    """The agent who opened it (agent-to-customer or agent-to-agent chat)."""
    chatbot_script_id: Identifier | None = None
    """The chatbot script that runs in this conversation; null when no bot runs."""
    title: Title | None = None


class ConversationRequestedV1(ConversationEvent):
    """The visitor asks for a human operator; routing queues the request and assigns someone.

    Published when a conversation without a chatbot starts, or when its visitor asks again for an
    operator. A chatbot's hand-off is ``chatbot.handoff_requested.v1`` instead: routing consumes
    both, and the gateway does not repeat a hand-off as this event.
    """

    TYPE: ClassVar[str] = "conversation.requested.v1"

    visitor: VisitorInfo
    language: LanguageTag | None = None
    """Language the operator should speak; defaults to the visitor's language."""
    required_expertise: tuple[Tag, ...] = ()
    previous_agent_id: AgentId | None = None
    """The operator this returning visitor last chatted with on the channel, if any."""


class MessagePostedV1(ConversationEvent):
    """A participant posted a message; the gateway stored it under ``message_id``."""

    TYPE: ClassVar[str] = "conversation.message_posted.v1"

    message_id: MessageId
    client_message_id: ClientMessageId | None = None
    """The sender's own id for the message; a retry with the same id is not stored twice."""
    author: Participant
    text: MessageText = ""
    """Plain text, card numbers already redacted; empty when the message is only attachments."""
    attachments: tuple[Attachment, ...] = ()
    visibility: MessageVisibility = MessageVisibility.PUBLIC
    choices: tuple[MessageChoice, ...] = ()
    """Answers offered to the visitor (chatbot questions)."""
    selected_choice_id: Identifier | None = None
    """The choice this message answers with, when the visitor picked one."""
    mentioned_agent_ids: tuple[AgentId, ...] = ()
    """Agents @mentioned in the text."""


class ParticipantJoinedV1(ConversationEvent):
    """Someone joined the conversation: an agent, a bot, an invisible observer or the visitor."""

    TYPE: ClassVar[str] = "conversation.participant_joined.v1"

    participant: Participant
    reason: JoinReason


class ParticipantLeftV1(ConversationEvent):
    """Someone left the conversation."""

    TYPE: ClassVar[str] = "conversation.participant_left.v1"

    participant: Participant
    reason: LeaveReason


class ConversationStatusChangedV1(ConversationEvent):
    """An agent changed the conversation's status (``looking_for_help`` lets others join)."""

    TYPE: ClassVar[str] = "conversation.status_changed.v1"

    status: ConversationStatus
    previous_status: ConversationStatus | None = None
    changed_by: Participant | None = None
    expertise: tuple[Tag, ...] = ()
    """Expertise the conversation needs; agents who have it see the conversation starred."""


class ConversationEndedV1(ConversationEvent):
    """The conversation closed; figures are final except the rating, which may follow."""

    TYPE: ClassVar[str] = "conversation.ended.v1"

    outcome: ConversationOutcome
    ended_by: EndedBy
    visitor: VisitorInfo | None = None
    agent_ids: tuple[AgentId, ...] = ()
    """Agents who took part, in the order they joined; the first answered the visitor."""
    chatbot_script_id: Identifier | None = None
    title: Title | None = None
    tags: tuple[Tag, ...] = ()
    """Labels agents added during the chat; they carry over to its ticket."""
    started_at: UtcDatetime
    ended_at: UtcDatetime
    duration_seconds: Seconds
    time_to_answer_seconds: Seconds | None = None
    """From the request for an operator to the first agent message; null when none answered."""
    message_count: Annotated[int, Field(ge=0)]
    """Public messages posted by visitors, agents and bots."""


class ConversationRatedV1(ConversationEvent):
    """The visitor rated the help they got (the widget asks for a comment unless satisfied)."""

    TYPE: ClassVar[str] = "conversation.rated.v1"

    rating: Rating
    comment: Annotated[str, StringConstraints(max_length=2000)] | None = None
    agent_ids: tuple[AgentId, ...] = ()
    """The agents the rating applies to."""


class TypingChangedV1(Event):
    """A participant started or stopped typing. Ephemeral: not numbered, not stored."""

    TYPE: ClassVar[str] = "conversation.typing_changed.v1"

    conversation_id: ConversationId
    channel_id: ChannelId
    participant: Participant
    typing: bool
