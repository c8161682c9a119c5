"""The real chatbot process runs its sample Welcome Bot (B4) in a conversation; the test plays
the gateway and routing on the real broker."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from typing import Any

import aio_pika
import pytest
from aio_pika.abc import AbstractIncomingMessage

from parley_contracts.base import Message
from parley_contracts.chatbot import HandoffRequestedV1
from parley_contracts.common import Participant, ParticipantRole, VisitorInfo
from parley_contracts.envelope import CloudEvent, parse_event
from parley_contracts.gateway import ConversationStartedV1, MessagePostedV1
from parley_contracts.gateway.requests import PostBotMessageV1
from parley_contracts.names import CLOUDEVENTS_CONTENT_TYPE, EVENTS_EXCHANGE
from parley_contracts.routing import NoOperatorFoundV1, NoOperatorReason
from parley_contracts.tickets import CreateTicketV1

from .conftest import StartService

pytestmark = pytest.mark.system

ADA = VisitorInfo(visitor_id="v-ada", name="Ada")
COMMANDS = (PostBotMessageV1, HandoffRequestedV1, CreateTicketV1)


class Gateway:
    def __init__(self, exchange: aio_pika.abc.AbstractExchange) -> None:
        self.exchange = exchange
        self.seen: set[str] = set()
        self.received: asyncio.Queue[Any] = asyncio.Queue()
        self.conversation = f"c-{uuid.uuid4().hex[:10]}"
        self.seq = 0

    async def on_message(self, message: AbstractIncomingMessage) -> None:
        async with message.process():
            event = parse_event(message.body)
            if event.id in self.seen:
                return  # the outbox relay delivers at least once, as consumers' inboxes expect
            self.seen.add(event.id)
            await self.received.put(event.data)

    async def publish(self, data: Message) -> None:
        event = CloudEvent.wrap(data, source="/parley/test-gateway")
        body = aio_pika.Message(
            event.to_json_bytes(), content_type=CLOUDEVENTS_CONTENT_TYPE, message_id=event.id
        )
        await self.exchange.publish(body, routing_key=data.TYPE)

    async def visitor(self, text: str, choice_id: str | None = None) -> None:
        self.seq += 1
        await self.publish(
            MessagePostedV1(
                conversation_id=self.conversation,
                channel_id="web",
                sequence=self.seq,
                message_id=f"m-{uuid.uuid4().hex[:8]}",
                author=Participant(id="v-ada", role=ParticipantRole.VISITOR, display_name="Ada"),
                text=text,
                selected_choice_id=choice_id,
            )
        )

    async def says(self) -> str:
        message = await asyncio.wait_for(self.received.get(), 15)
        assert isinstance(message, PostBotMessageV1), message
        return message.text

    async def next(self) -> Any:
        return await asyncio.wait_for(self.received.get(), 15)


@pytest.fixture
async def gateway(rabbitmq_url: str) -> AsyncIterator[Gateway]:
    connection = await aio_pika.connect_robust(rabbitmq_url)
    channel = await connection.channel(publisher_confirms=True)
    exchange = await channel.declare_exchange(
        EVENTS_EXCHANGE, aio_pika.ExchangeType.TOPIC, durable=True
    )
    player = Gateway(exchange)
    queue = await channel.declare_queue(exclusive=True, auto_delete=True)
    for model in COMMANDS:
        await queue.bind(exchange, model.TYPE)
    await queue.consume(player.on_message)
    yield player
    await connection.close()


async def test_welcome_bot_qualifies_falls_back_and_opens_a_ticket(
    start_service: StartService, gateway: Gateway
) -> None:
    start_service("chatbot", typing_pause_s="0.05", multi_line_quiet_s="1.5")
    gateway.seq = 1
    await gateway.publish(
        ConversationStartedV1(
            conversation_id=gateway.conversation,
            channel_id="web",
            sequence=1,
            initiated_by=ParticipantRole.VISITOR,
            visitor=ADA,
            chatbot_script_id="welcome-bot",
        )
    )
    assert await gateway.says() == "Hello! I'm a bot!"
    assert "find their way" in await gateway.says()
    assert await gateway.says() == "So, what may I help you with?"
    await gateway.visitor("Something else", choice_id="other")
    assert "Tell me a little more" in await gateway.says()
    await gateway.visitor("My login fails")
    await gateway.visitor("since this morning")
    assert await gateway.says() == "Thanks! Let me find someone who can help you."
    handoff = await gateway.next()
    assert isinstance(handoff, HandoffRequestedV1) and handoff.required_expertise == ()
    assert handoff.answers[-1].answer == "My login fails\nsince this morning"
    await gateway.publish(
        NoOperatorFoundV1(
            conversation_id=gateway.conversation,
            channel_id="web",
            reason=NoOperatorReason.NONE_AVAILABLE,
            waited_seconds=0,
        )
    )
    assert "none of our operators" in await gateway.says()
    assert "email address" in await gateway.says()
    await gateway.visitor("ada@")
    assert "does not look like an e-mail address" in await gateway.says()
    assert "email address" in await gateway.says()
    await gateway.visitor("ada@example.com")
    ticket = await gateway.next()
    assert isinstance(ticket, CreateTicketV1) and ticket.customer.email == "ada@example.com"
    assert "Thank you" in await gateway.says()
    assert "Conversation ended" in await gateway.says()
