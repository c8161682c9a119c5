"""Presence over the real broker (A1): agent sockets signal routing, routing's presence changes
reach every agent console on every replica, and chatbot rules learn who is online."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator

import aio_pika
import pytest

from parley_contracts.common import OperatorAvailability
from parley_contracts.envelope import CloudEvent
from parley_contracts.gateway import OperatorSignal, OperatorSignalledV1
from parley_contracts.names import CLOUDEVENTS_CONTENT_TYPE, EVENTS_EXCHANGE
from parley_contracts.routing import OperatorPresenceChangedV1, PresenceReason

from .ws_harness import CHANNEL_ID, World, agent, is_ack
from .ws_harness import world as world  # the fixture

pytestmark = pytest.mark.integration


@pytest.fixture
async def broker(rabbitmq_url: str) -> AsyncIterator[aio_pika.abc.AbstractChannel]:
    connection = await aio_pika.connect(rabbitmq_url)
    yield await connection.channel()
    await connection.close()


async def signals_queue(channel: aio_pika.abc.AbstractChannel) -> aio_pika.abc.AbstractQueue:
    """Play routing's side: a queue that receives the gateway's operator signals."""
    exchange = await channel.get_exchange(EVENTS_EXCHANGE)
    queue = await channel.declare_queue(f"test.signals.{uuid.uuid4().hex}", exclusive=True)
    await queue.bind(exchange, routing_key=OperatorSignalledV1.TYPE)
    return queue


async def next_signal(queue: aio_pika.abc.AbstractQueue) -> OperatorSignalledV1:
    for _ in range(100):
        message = await queue.get(no_ack=True, fail=False)
        if message is not None:
            return OperatorSignalledV1.model_validate(json.loads(message.body)["data"])
        await asyncio.sleep(0.05)
    raise AssertionError("no operator signal arrived")


async def test_an_agent_socket_signals_connect_choice_activity_and_disconnect(
    world: World, broker: aio_pika.abc.AbstractChannel
) -> None:
    queue = await signals_queue(broker)
    replica = await world.replica()
    async with agent(replica, world.agent_token) as (ann, _):
        assert (await next_signal(queue)).signal is OperatorSignal.CONNECTED
        await ann.send(type="availability", ref="av", availability="online")
        await ann.recv_until(is_ack("av"))
        chosen = await next_signal(queue)
        assert chosen.signal is OperatorSignal.CHOSE_AVAILABILITY
        assert chosen.availability is OperatorAvailability.ONLINE
        await ann.send(type="availability", ref="bad", availability="napping")
        error, _ = await ann.recv_until(lambda f: f.get("type") == "error")
        assert error["code"] == "bad_frame" and error["path"] == "availability"
    gone = await next_signal(queue)
    assert gone.signal is OperatorSignal.DISCONNECTED and gone.agent_id == "agt_ann"


async def test_routing_presence_reaches_consoles_on_every_replica_and_the_directory(
    world: World, broker: aio_pika.abc.AbstractChannel
) -> None:
    first, second = await world.replica(), await world.replica()
    exchange = await broker.get_exchange(EVENTS_EXCHANGE)
    change = CloudEvent.wrap(
        OperatorPresenceChangedV1(
            agent_id="agt_ann",
            display_name="Ann",
            availability=OperatorAvailability.ONLINE,
            previous_availability=OperatorAvailability.OFFLINE,
            reason=PresenceReason.MANUAL,
            channel_ids=(CHANNEL_ID,),
        ),
        source="/parley/routing",
    )
    async with (
        agent(first, world.agent_token) as (ann, _),
        agent(second, world.outsider_token) as (out, _),
    ):
        await exchange.publish(
            aio_pika.Message(
                change.to_json_bytes(),
                content_type=CLOUDEVENTS_CONTENT_TYPE,
                message_id=change.id,
            ),
            routing_key=change.type,
        )
        for console in (ann, out):
            frame, _ = await console.recv_until(lambda f: f.get("type") == "presence", 10)
            assert frame["agent_id"] == "agt_ann" and frame["availability"] == "online"
            assert frame["channel_ids"] == [CHANNEL_ID]
    for replica in (first, second):
        assert replica.gateway.operators.available_in(CHANNEL_ID)
