"""Broker subscriptions of the gateway: routing's decisions about conversations and operators,
and the chatbot's messages and hand-offs.

Each replica consumes the same durable queues (competing consumers): one replica handles an
event, writes the log, and the live fan-out tells every replica's sockets.
"""

from __future__ import annotations

from parley_contracts.chatbot import HandoffRequestedV1
from parley_contracts.gateway import PostBotMessageV1
from parley_contracts.routing import (
    AssignmentExpiredV1,
    ConversationAssignedV1,
    ConversationOfferedV1,
    NoOperatorFoundV1,
    OperatorPresenceChangedV1,
    QueuePositionChangedV1,
    TransferRefusedV1,
)
from parley_platform.messaging.codec import parse_cloudevent
from parley_platform.messaging.consumer import Handler
from parley_platform.runtime import ServiceRuntime

from ..application.conversation_use_cases import ConversationUseCases


def subscribe(runtime: ServiceRuntime, cases: ConversationUseCases) -> None:
    """Register the consumers (before ``runtime.start()``): one queue per event."""
    handlers: dict[str, tuple[str, Handler]] = {
        "conversation-assigned": (ConversationAssignedV1.TYPE, cases.when_conversation_assigned),
        "conversation-offered": (ConversationOfferedV1.TYPE, cases.when_conversation_offered),
        "queue-position-changed": (
            QueuePositionChangedV1.TYPE,
            cases.when_queue_position_changed,
        ),
        "no-operator-found": (NoOperatorFoundV1.TYPE, cases.when_no_operator_found),
        "assignment-expired": (AssignmentExpiredV1.TYPE, cases.when_assignment_expired),
        "transfer-refused": (TransferRefusedV1.TYPE, cases.when_transfer_refused),
        "operator-presence-changed": (
            OperatorPresenceChangedV1.TYPE,
            cases.when_operator_presence_changed,
        ),
        "handoff-requested": (HandoffRequestedV1.TYPE, cases.when_handoff_requested),
    }
    for queue, (routing_key, handler) in handlers.items():
        runtime.consume(runtime.queue(queue, [routing_key]), handler, parse_cloudevent)
    # A bot's messages are stored in the order the chatbot sent them: one at a time, across
    # every replica (the greeting before the question).
    bot_messages = runtime.queue("bot-messages-in-order", [PostBotMessageV1.TYPE], in_order=True)
    runtime.consume(bot_messages, cases.when_chatbot_posts_a_message, parse_cloudevent)
