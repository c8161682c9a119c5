"""Messages of the gateway, which owns conversations, messages, participants and agent sessions.

Import from here: ``from parley_contracts.gateway import MessagePostedV1``.
"""

from parley_contracts.gateway.channels import ChannelConfiguredV1
from parley_contracts.gateway.conversation import (
    ConversationEndedV1,
    ConversationEvent,
    ConversationOutcome,
    ConversationRatedV1,
    ConversationRequestedV1,
    ConversationStartedV1,
    ConversationStatus,
    ConversationStatusChangedV1,
    EndedBy,
    JoinReason,
    LeaveReason,
    MessageChoice,
    MessagePostedV1,
    MessageVisibility,
    ParticipantJoinedV1,
    ParticipantLeftV1,
    Rating,
    TypingChangedV1,
)
from parley_contracts.gateway.presence import OperatorSignal, OperatorSignalledV1
from parley_contracts.gateway.requests import (
    GetTranscriptV1,
    PostBotMessageV1,
    TranscriptEntry,
    TranscriptV1,
)

MESSAGES = (
    ConversationStartedV1,
    ConversationRequestedV1,
    MessagePostedV1,
    ParticipantJoinedV1,
    ParticipantLeftV1,
    ConversationStatusChangedV1,
    ConversationEndedV1,
    ConversationRatedV1,
    TypingChangedV1,
    OperatorSignalledV1,
    ChannelConfiguredV1,
    PostBotMessageV1,
    GetTranscriptV1,
    TranscriptV1,
)
"""Every message the gateway publishes or handles, in catalogue order."""

__all__ = [
    "MESSAGES",
    "ChannelConfiguredV1",
    "ConversationEndedV1",
    "ConversationEvent",
    "ConversationOutcome",
    "ConversationRatedV1",
    "ConversationRequestedV1",
    "ConversationStartedV1",
    "ConversationStatus",
    "ConversationStatusChangedV1",
    "EndedBy",
    "GetTranscriptV1",
    "JoinReason",
    "LeaveReason",
    "MessageChoice",
    "MessagePostedV1",
    "MessageVisibility",
    "OperatorSignal",
    "OperatorSignalledV1",
    "ParticipantJoinedV1",
    "ParticipantLeftV1",
    "PostBotMessageV1",
    "Rating",
    "TranscriptEntry",
    "TranscriptV1",
    "TypingChangedV1",
]
