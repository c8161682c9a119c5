"""Pull-mode offers (R1 pull): routing's ``conversation.offered.v1`` on the real broker reaches
the offered agents' consoles, and the first accept wins."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import aio_pika
import pytest

from parley_contracts.envelope import CloudEvent
from parley_contracts.names import CLOUDEVENTS_CONTENT_TYPE, EVENTS_EXCHANGE
from parley_contracts.routing import ConversationOfferedV1

from .ws_harness import CHANNEL_ID, World, agent, is_ack, start_chat, visitor
from .ws_harness import world as world  # the fixture

pytestmark = pytest.mark.integration

Offer = Callable[[str, tuple[str, ...]], Any]


@pytest.fixture
async def offer(rabbitmq_url: str) -> AsyncIterator[Offer]:
    """Play routing: publish ``ConversationOfferedV1`` as a CloudEvent on the events exchange."""
    connection = await aio_pika.connect(rabbitmq_url)
    channel = await connection.channel()
    exchange = await channel.get_exchange(EVENTS_EXCHANGE)

    async def publish(conversation_id: str, agent_ids: tuple[str, ...]) -> None:
        now = datetime.now(UTC)
        event = CloudEvent.wrap(
            ConversationOfferedV1(
                conversation_id=conversation_id,
                channel_id=CHANNEL_ID,
                agent_ids=agent_ids,
                offered_at=now,
                expires_at=now + timedelta(seconds=60),
            ),
            source="/parley/routing",
        )
        await exchange.publish(
            aio_pika.Message(
                event.to_json_bytes(),
                content_type=CLOUDEVENTS_CONTENT_TYPE,
                message_id=event.id,
                delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
            ),
            routing_key=event.type,
        )

    yield publish
    await connection.close()


def is_offer(conversation_id: str) -> Callable[[dict[str, Any]], bool]:
    return lambda frame: (
        frame.get("type") == "conversation"
        and frame["conversation"]["id"] == conversation_id
        and bool(frame["conversation"]["offered_to"])
    )


async def test_offered_agents_on_two_replicas_see_the_offer_and_the_first_accept_wins(
    world: World, offer: Offer
) -> None:
    first, second = await world.replica(), await world.replica()
    async with visitor(first) as (vis, _):
        conversation_id = (await start_chat(vis))["conversation_id"]
        async with (
            agent(first, world.agent_token) as (ann, _),
            agent(second, world.outsider_token) as (out, out_welcome),
        ):
            assert out_welcome["waiting"] == []  # not a channel of Out's groups
            await offer(conversation_id, ("agt_ann", "agt_out"))
            for console in (ann, out):
                shown, _ = await console.recv_until(is_offer(conversation_id), timeout_s=10)
                assert shown["conversation"]["offered_to"] == ["agt_ann", "agt_out"]
                assert shown["conversation"]["lifecycle"] in ("requested", "queued")

            await out.send(type="accept", ref="first", conversation_id=conversation_id)
            won, _ = await out.recv_until(is_ack("first"))
            assert won["type"] == "ack", won
            await ann.send(type="accept", ref="second", conversation_id=conversation_id)
            lost, _ = await ann.recv_until(is_ack("second"))
            assert (lost["type"], lost["code"]) == ("error", "conflict")

            await out.send(
                type="message",
                ref="m",
                conversation_id=conversation_id,
                client_message_id="o-1",
                text="Out here, how can I help?",
            )
            await out.recv_until(is_ack("m"))
            answer, _ = await vis.recv_until(
                lambda f: f.get("kind") == "message" and f["actor"]["id"] == "agt_out"
            )
            assert answer["payload"]["text"] == "Out here, how can I help?"


async def test_an_offered_agent_finds_the_offer_in_welcome_after_reconnecting(
    world: World, offer: Offer
) -> None:
    replica = await world.replica()
    async with visitor(replica) as (vis, _):
        conversation_id = (await start_chat(vis))["conversation_id"]
        async with agent(replica, world.outsider_token) as (out, _):
            await offer(conversation_id, ("agt_out",))
            await out.recv_until(is_offer(conversation_id), timeout_s=10)
        async with agent(replica, world.outsider_token) as (_, welcome):
            assert [c["id"] for c in welcome["waiting"]] == [conversation_id]
            assert welcome["waiting"][0]["offered_to"] == ["agt_out"]
