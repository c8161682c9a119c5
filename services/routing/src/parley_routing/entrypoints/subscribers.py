"""What routing does with each event it hears: one line per type (thin controllers)."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

from parley_contracts.chatbot import HandoffRequestedV1
from parley_contracts.gateway import (
    ChannelConfiguredV1,
    ConversationEndedV1,
    ConversationRequestedV1,
    MessagePostedV1,
    OperatorSignalledV1,
    ParticipantJoinedV1,
    ParticipantLeftV1,
)
from parley_contracts.routing import (
    AssignmentExpiredV1,
    ConversationAssignedV1,
    ConversationOfferedV1,
    NoOperatorFoundV1,
    TransferConversationV1,
)

from ..adapters.mongo_state import operator_of
from ..application import when_conversation_changed as conversations
from ..application import when_routing_decided as decided
from ..application.deps import RoutingDeps
from ..application.manage_operators import apply_operator
from ..application.transfer_conversation import transfer_conversation
from ..application.when_channel_configured import when_channel_configured
from ..application.when_conversation_requested import (
    when_conversation_requested,
    when_handoff_requested,
)
from ..application.when_operator_signalled import when_operator_signalled

Handler = Callable[[Any], Awaitable[None]]


def handlers(deps: RoutingDeps) -> dict[str, Handler]:
    table: dict[str, Callable[[RoutingDeps, Any], Awaitable[None]]] = {
        ConversationRequestedV1.TYPE: when_conversation_requested,
        HandoffRequestedV1.TYPE: when_handoff_requested,
        ParticipantJoinedV1.TYPE: conversations.when_participant_joined,
        ParticipantLeftV1.TYPE: conversations.when_participant_left,
        MessagePostedV1.TYPE: conversations.when_message_posted,
        ConversationEndedV1.TYPE: conversations.when_conversation_ended,
        OperatorSignalledV1.TYPE: when_operator_signalled,
        ChannelConfiguredV1.TYPE: when_channel_configured,
        TransferConversationV1.TYPE: transfer_conversation,
        ConversationAssignedV1.TYPE: decided.when_assigned,
        AssignmentExpiredV1.TYPE: decided.when_expired,
        NoOperatorFoundV1.TYPE: decided.when_no_operator_found,
        ConversationOfferedV1.TYPE: decided.when_offered,
    }

    def bound(use_case: Callable[[RoutingDeps, Any], Awaitable[None]]) -> Handler:
        async def handle(event: Any) -> None:
            await use_case(deps, event)

        return handle

    return {key: bound(use_case) for key, use_case in table.items()}


def sync_handler(deps: RoutingDeps) -> Callable[[bytes], Awaitable[None]]:
    """A profile changed by a query in some routing process (this one included)."""

    async def on_sync(body: bytes) -> None:
        document = json.loads(body)
        operator, _ = operator_of(document)
        await apply_operator(deps, operator)

    return on_sync
