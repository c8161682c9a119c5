"""Commands and queries the gateway handles for other services."""

from __future__ import annotations

from typing import ClassVar

from parley_contracts.base import Command, Query, Reply
from parley_contracts.common import (
    Attachment,
    ChannelId,
    ConversationId,
    MessageId,
    MessageText,
    Participant,
    SequenceNumber,
    UtcDatetime,
    ValueObject,
    VisitorInfo,
)
from parley_contracts.gateway.conversation import ClientMessageId, MessageChoice, Title


class PostBotMessageV1(Command):
    """Post a chatbot message into a conversation; the gateway publishes ``MessagePostedV1``."""

    TYPE: ClassVar[str] = "gateway.post_bot_message.v1"

    conversation_id: ConversationId
    bot: Participant
    """The bot as the visitor sees it (role ``bot``, id = script id)."""
    client_message_id: ClientMessageId
    """Stable per script step so that a retried command posts the message once."""
    text: MessageText
    choices: tuple[MessageChoice, ...] = ()


class TranscriptEntry(ValueObject):
    """One public message in a transcript."""

    sequence: SequenceNumber
    message_id: MessageId
    author: Participant
    posted_at: UtcDatetime
    text: MessageText = ""
    attachments: tuple[Attachment, ...] = ()


class TranscriptV1(Reply):
    """The public messages of a conversation, in sequence order."""

    TYPE: ClassVar[str] = "gateway.transcript.v1"

    conversation_id: ConversationId
    channel_id: ChannelId
    title: Title | None = None
    visitor: VisitorInfo | None = None
    started_at: UtcDatetime
    ended_at: UtcDatetime | None = None
    messages: tuple[TranscriptEntry, ...]


class GetTranscriptV1(Query):
    """Ask the gateway for a conversation's transcript (answered with ``TranscriptV1``)."""

    TYPE: ClassVar[str] = "gateway.get_transcript.v1"
    REPLY: ClassVar[type[Reply]] = TranscriptV1

    conversation_id: ConversationId
