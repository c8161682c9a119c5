"""Broker subscriptions of the chatbot: one queue for every event that drives a bot.

One queue, not one per event type: its messages are handled in the order they were published,
so a conversation's start comes before its visitor's first answer.
"""

from __future__ import annotations

from parley_contracts.gateway import ConversationEndedV1, ConversationStartedV1, MessagePostedV1
from parley_contracts.routing import ConversationAssignedV1, NoOperatorFoundV1
from parley_platform.messaging.codec import parse_cloudevent
from parley_platform.runtime import ServiceRuntime

from ..application.run_bot_conversations import BotConversations

QUEUE = "bot-conversations"
ROUTING_KEYS = (
    ConversationStartedV1.TYPE,
    MessagePostedV1.TYPE,
    ConversationAssignedV1.TYPE,
    NoOperatorFoundV1.TYPE,
    ConversationEndedV1.TYPE,
)


def subscribe(runtime: ServiceRuntime, bots: BotConversations) -> None:
    runtime.consume(runtime.queue(QUEUE, ROUTING_KEYS), bots.handle, parse_cloudevent)
