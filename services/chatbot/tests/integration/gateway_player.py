"""Plays the gateway and routing for the chatbot: publishes their events on the real broker and
reads the commands the chatbot publishes from a test queue bound to the events exchange."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import aio_pika
from aio_pika.abc import AbstractIncomingMessage

from parley_contracts.base import Message
from parley_contracts.chatbot import HandoffRequestedV1
from parley_contracts.common import Participant, ParticipantRole, VisitorInfo
from parley_contracts.envelope import CloudEvent, parse_event
from parley_contracts.gateway import ConversationStartedV1, MessagePostedV1
from parley_contracts.gateway.requests import PostBotMessageV1
from parley_contracts.names import CLOUDEVENTS_CONTENT_TYPE, EVENTS_EXCHANGE
from parley_contracts.routing import (
    AssignmentMode,
    ConversationAssignedV1,
    NoOperatorFoundV1,
    NoOperatorReason,
    RoutingDecision,
)
from parley_contracts.tickets import CreateLeadV1, CreateTicketV1

COMMANDS = (PostBotMessageV1, HandoffRequestedV1, CreateLeadV1, CreateTicketV1)
ADA = VisitorInfo(visitor_id="v-ada", name="Ada", country="DE", language="en")


class GatewayPlayer:
    def __init__(self, rabbitmq_url: str) -> None:
        self._url = rabbitmq_url
        self.seen: set[str] = set()
        self.received: asyncio.Queue[Message] = asyncio.Queue()
        self._connection: aio_pika.abc.AbstractRobustConnection | None = None
        self._exchange: aio_pika.abc.AbstractExchange | None = None

    async def start(self) -> None:
        self._connection = await aio_pika.connect_robust(self._url)
        channel = await self._connection.channel(publisher_confirms=True)
        self._exchange = await channel.declare_exchange(
            EVENTS_EXCHANGE, aio_pika.ExchangeType.TOPIC, durable=True
        )
        queue = await channel.declare_queue(exclusive=True, auto_delete=True)
        for model in COMMANDS:
            await queue.bind(self._exchange, model.TYPE)
        await queue.consume(self._on_message)

    async def _on_message(self, message: AbstractIncomingMessage) -> None:
        async with message.process():
            event = parse_event(message.body)
            if event.id in self.seen:
                return  # the outbox relay delivers at least once, as consumers' inboxes expect
            self.seen.add(event.id)
            await self.received.put(event.data)

    async def stop(self) -> None:
        if self._connection is not None:
            await self._connection.close()

    async def publish(self, data: Message) -> None:
        assert self._exchange is not None
        event = CloudEvent.wrap(data, source="/parley/gateway-player")
        await self._exchange.publish(
            aio_pika.Message(
                event.to_json_bytes(),
                content_type=CLOUDEVENTS_CONTENT_TYPE,
                message_id=event.id,
                delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
            ),
            routing_key=data.TYPE,
        )

    async def next(self, timeout_s: float = 10.0) -> Any:
        return await asyncio.wait_for(self.received.get(), timeout_s)

    async def bot_says(self, timeout_s: float = 10.0) -> PostBotMessageV1:
        message = await self.next(timeout_s)
        assert isinstance(message, PostBotMessageV1), message
        return message

    async def nothing_within(self, seconds: float) -> None:
        try:
            message = await asyncio.wait_for(self.received.get(), seconds)
        except TimeoutError:
            return
        raise AssertionError(f"unexpected {message!r}")


class Conversation:
    """One visitor's conversation, numbering its events as the gateway does."""

    def __init__(self, player: GatewayPlayer, script_id: str) -> None:
        self.player = player
        self.script_id = script_id
        self.id = f"c-{uuid.uuid4().hex[:12]}"
        self.seq = 0

    def _next(self) -> int:
        self.seq += 1
        return self.seq

    async def start(self) -> None:
        await self.player.publish(
            ConversationStartedV1(
                conversation_id=self.id,
                channel_id="web",
                sequence=self._next(),
                initiated_by=ParticipantRole.VISITOR,
                visitor=ADA,
                chatbot_script_id=self.script_id,
            )
        )

    async def visitor(self, text: str, choice_id: str | None = None) -> None:
        await self.player.publish(
            MessagePostedV1(
                conversation_id=self.id,
                channel_id="web",
                sequence=self._next(),
                message_id=f"m-{uuid.uuid4().hex[:10]}",
                author=Participant(
                    id=ADA.visitor_id, role=ParticipantRole.VISITOR, display_name="Ada"
                ),
                text=text,
                selected_choice_id=choice_id,
            )
        )

    async def nobody_available(self) -> None:
        await self.player.publish(
            NoOperatorFoundV1(
                conversation_id=self.id,
                channel_id="web",
                reason=NoOperatorReason.NONE_AVAILABLE,
                waited_seconds=0.1,
            )
        )

    async def assigned(self) -> None:
        await self.player.publish(
            ConversationAssignedV1(
                conversation_id=self.id,
                channel_id="web",
                agent_id="a-bob",
                agent_display_name="Bob",
                mode=AssignmentMode.PUSH,
                waited_seconds=0.2,
                decision=RoutingDecision(rule="expertise", explanation="Bob knows billing"),
            )
        )
