"""Playing the gateway and the chatbot for routing's system tests: publish their contract
events on the real broker, and read what routing publishes from a queue bound for the test."""

from __future__ import annotations

import asyncio
import json
import uuid
from datetime import UTC, datetime
from typing import Any

import aio_pika
from aio_pika.abc import AbstractExchange, AbstractQueue, AbstractRobustConnection
from faststream.rabbit import RabbitBroker

from parley_contracts.base import Message
from parley_contracts.common import (
    OperatorAvailability,
    Participant,
    ParticipantRole,
    RoutingMode,
    VisitorInfo,
)
from parley_contracts.envelope import CloudEvent, parse_event
from parley_contracts.gateway import (
    ChannelConfiguredV1,
    ConversationRequestedV1,
    JoinReason,
    MessagePostedV1,
    OperatorSignal,
    OperatorSignalledV1,
    ParticipantJoinedV1,
)
from parley_contracts.names import CLOUDEVENTS_CONTENT_TYPE, EVENTS_EXCHANGE
from parley_contracts.routing import OperatorProfile, OperatorUpdatedV1, UpdateOperatorV1
from parley_platform.messaging.request import QueryClient

GATEWAY = "/parley/gateway"
ROUTING_OUTPUTS = (
    "conversation.assigned.v1",
    "conversation.offered.v1",
    "conversation.assignment_expired.v1",
    "conversation.queue_position_changed.v1",
    "conversation.no_operator_found.v1",
    "conversation.transfer_refused.v1",
    "operator.presence_changed.v1",
)


class FakeGateway:
    def __init__(self, rabbitmq_url: str) -> None:
        self._url = rabbitmq_url
        self.tag = uuid.uuid4().hex[:8]
        self._connection: AbstractRobustConnection | None = None
        self._exchange: AbstractExchange | None = None
        self._queue: AbstractQueue | None = None
        self.seen: list[CloudEvent[Message]] = []
        self._broker = RabbitBroker(rabbitmq_url)
        self._seq = 0

    async def start(self) -> None:
        self._connection = await aio_pika.connect_robust(self._url)
        channel = await self._connection.channel(publisher_confirms=True)
        self._exchange = await channel.declare_exchange(
            EVENTS_EXCHANGE, aio_pika.ExchangeType.TOPIC, durable=True
        )
        self._queue = await channel.declare_queue(
            f"test.routing.{self.tag}", exclusive=True, auto_delete=True
        )
        for key in ROUTING_OUTPUTS:
            await self._queue.bind(self._exchange, routing_key=key)
        await self._queue.consume(self._on_message, no_ack=True)
        await self._broker.start()

    async def stop(self) -> None:
        await self._broker.stop()
        if self._connection is not None:
            await self._connection.close()

    async def _on_message(self, message: aio_pika.abc.AbstractIncomingMessage) -> None:
        self.seen.append(parse_event(message.body))

    def ids(self, prefix: str) -> str:
        return f"{prefix}_{self.tag}_{uuid.uuid4().hex[:6]}"

    async def publish(self, data: Message, subject: str | None = None) -> CloudEvent[Message]:
        assert self._exchange is not None
        event: CloudEvent[Message] = CloudEvent.wrap(data, source=GATEWAY, subject=subject)
        await self._exchange.publish(
            aio_pika.Message(
                event.to_json_bytes(), content_type=CLOUDEVENTS_CONTENT_TYPE, message_id=event.id
            ),
            routing_key=event.type,
        )
        return event

    async def ask(self, query: Message, reply: type[Any]) -> Any:
        body = await QueryClient(self._broker).ask(query.TYPE, query.model_dump_json().encode(), 10)
        return reply.model_validate_json(body)

    async def wait_for(self, type_: str, timeout_s: float = 10, **match: Any) -> Any:
        deadline = asyncio.get_running_loop().time() + timeout_s
        while asyncio.get_running_loop().time() < deadline:
            for event in self.seen:
                if event.type == type_ and all(
                    getattr(event.data, k) == v for k, v in match.items()
                ):
                    return event.data
            await asyncio.sleep(0.05)
        got = [(e.type, json.loads(e.data.model_dump_json())) for e in self.seen]
        raise AssertionError(f"no {type_} matching {match} within {timeout_s}s; saw {got}")

    def all_of(self, type_: str, **match: Any) -> list[Any]:
        return [
            e.data
            for e in self.seen
            if e.type == type_ and all(getattr(e.data, k) == v for k, v in match.items())
        ]

    # The gateway's side of things, in words.

    async def configure_channel(
        self,
        channel_id: str,
        mode: RoutingMode = RoutingMode.PUSH,
        request_s: int = 300,
        answer_s: int = 60,
    ) -> None:
        await self.publish(
            ChannelConfiguredV1(
                channel_id=channel_id,
                name=channel_id,
                routing_mode=mode,
                request_timeout_seconds=request_s,
                answer_timeout_seconds=answer_s,
            )
        )

    async def operator(
        self, agent_id: str, channel_id: str, *, max_chats: int = 3, lang: str = "en"
    ) -> None:
        reply = await self.ask(
            UpdateOperatorV1(
                agent_id=agent_id,
                display_name=agent_id,
                profile=OperatorProfile(
                    agent_id=agent_id,
                    chat_name=agent_id,
                    main_language=lang,
                    max_chats=max_chats,
                    channel_ids=(channel_id,),
                ),
            ),
            OperatorUpdatedV1,
        )
        assert reply.error is None, reply.error

    async def online(self, agent_id: str) -> None:
        await self.publish(
            OperatorSignalledV1(
                agent_id=agent_id,
                display_name=agent_id,
                signal=OperatorSignal.CHOSE_AVAILABILITY,
                availability=OperatorAvailability.ONLINE,
                at=datetime.now(UTC),
            )
        )
        await self.wait_for(
            "operator.presence_changed.v1",
            agent_id=agent_id,
            availability=OperatorAvailability.ONLINE,
        )

    async def signed_out(self, agent_id: str) -> None:
        await self.publish(
            OperatorSignalledV1(
                agent_id=agent_id,
                display_name=agent_id,
                signal=OperatorSignal.SIGNED_OUT,
                at=datetime.now(UTC),
            )
        )

    async def request(self, conversation_id: str, channel_id: str, lang: str = "en") -> None:
        self._seq += 1
        await self.publish(
            ConversationRequestedV1(
                conversation_id=conversation_id,
                channel_id=channel_id,
                sequence=1,
                visitor=VisitorInfo(visitor_id=f"v_{conversation_id}", name="Vera", language=lang),
            )
        )

    async def joined(
        self, conversation_id: str, channel_id: str, agent_id: str, reason: JoinReason
    ) -> None:
        await self.publish(
            ParticipantJoinedV1(
                conversation_id=conversation_id,
                channel_id=channel_id,
                sequence=2,
                participant=Participant(
                    id=agent_id, role=ParticipantRole.AGENT, display_name=agent_id
                ),
                reason=reason,
            )
        )

    async def answered(self, conversation_id: str, channel_id: str, agent_id: str) -> None:
        await self.publish(
            MessagePostedV1(
                conversation_id=conversation_id,
                channel_id=channel_id,
                sequence=3,
                message_id=uuid.uuid4().hex,
                author=Participant(id=agent_id, role=ParticipantRole.AGENT, display_name=agent_id),
                text="Hello, how can I help?",
            )
        )
