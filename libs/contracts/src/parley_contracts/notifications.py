"""Messages of the notifications service: transcript mail and notifications for agents."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, ClassVar

from pydantic import StringConstraints

from parley_contracts.base import Command, Event
from parley_contracts.common import (
    AgentId,
    ChannelId,
    ConversationId,
    EmailAddress,
    Identifier,
    LanguageTag,
    Participant,
)


class SendTranscriptV1(Command):
    """Email a conversation's transcript (at the visitor's request or when the chat ends)."""

    TYPE: ClassVar[str] = "notifications.send_transcript.v1"

    conversation_id: ConversationId
    channel_id: ChannelId
    email: EmailAddress
    language: LanguageTag | None = None
    """Language of the mail around the transcript; the channel's default when null."""
    requested_by: Participant | None = None
    """Who asked for it; null when sent automatically at the end of the chat."""


class TranscriptEmailedV1(Event):
    """A transcript mail was handed to the mail server."""

    TYPE: ClassVar[str] = "conversation.transcript_emailed.v1"

    conversation_id: ConversationId
    channel_id: ChannelId
    mail_id: Identifier
    email: EmailAddress


class AgentNotificationKind(StrEnum):
    """What an agent is being told about."""

    NEW_REQUEST = "new_request"
    """A visitor is waiting for an operator."""
    NEW_MESSAGE = "new_message"
    """A message arrived in one of the agent's conversations."""
    MENTION = "mention"
    """Someone @mentioned the agent."""


class AgentNotificationCreatedV1(Event):
    """A browser notification for one agent; the gateway pushes it to the agent's consoles."""

    TYPE: ClassVar[str] = "agent.notification_created.v1"

    notification_id: Identifier
    agent_id: AgentId
    kind: AgentNotificationKind
    title: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    body: Annotated[str, StringConstraints(max_length=1000)] = ""
    conversation_id: ConversationId | None = None


MESSAGES = (SendTranscriptV1, TranscriptEmailedV1, AgentNotificationCreatedV1)
"""Every message the notifications service publishes or handles, in catalogue order."""
