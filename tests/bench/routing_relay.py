"""The floor under routing's request-to-assigned latency: its broker and database work, no decision.

    python tests/bench/routing_relay.py RABBITMQ_URL MONGODB_URL DATABASE EXCHANGE QUEUE SIZE STORE

For every ``conversation.requested.v1`` on EXCHANGE (a topic exchange of the bench's own), the
relay does what routing must do before it may publish an assignment, and nothing else:

- it receives the request from a durable queue of its own (routing's replica queue);
- it takes a capacity slot of an operator and, at the same time, the assignment claim, through
  routing's own adapters (``MongoSlots.take``, ``MongoClaims.claim``) with routing's keys,
  unless STORE is ``no`` (the broker alone);
- it publishes a persistent, mandatory ``conversation.assigned.v1`` of SIZE bytes (the size of
  routing's own event) and waits for the broker's confirm; then it acknowledges the request.

Its reply is the request's body, padded with spaces to SIZE bytes (still the request's JSON), so
the bench reads the conversation id back as it does from routing's event. No choosing, no
state, no decision record. It prints ``ready`` once it consumes, and runs until SIGTERM.
"""

from __future__ import annotations

import asyncio
import json
import signal
import sys
from datetime import UTC, datetime
from typing import Any

import aio_pika
from aio_pika.abc import AbstractExchange, AbstractIncomingMessage
from pymongo import AsyncMongoClient

from parley_routing.adapters.mongo_claims import MongoClaims
from parley_routing.adapters.mongo_slots import MongoSlots

AGENTS, MAX_CHATS = 1_000, 10
"""As many operators, and as many chats each, as the bench seeds for routing."""


class Relay:
    def __init__(
        self, storage: tuple[MongoSlots, MongoClaims] | None, exchange: AbstractExchange, size: int
    ) -> None:
        self._storage = storage
        self._exchange = exchange
        self._size = size
        self._count = 0
        self._tasks: set[asyncio.Task[None]] = set()

    async def on_request(self, message: AbstractIncomingMessage) -> None:
        task = asyncio.create_task(self._relay(message))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _relay(self, message: AbstractIncomingMessage) -> None:
        if self._storage is not None:
            await self._store_assignment(*self._storage, message)
        body = message.body.ljust(self._size)
        await self._exchange.publish(
            aio_pika.Message(body, delivery_mode=aio_pika.DeliveryMode.PERSISTENT),
            routing_key="conversation.assigned.v1",
            mandatory=True,
        )
        await message.ack()

    async def _store_assignment(
        self, slots: MongoSlots, claims: MongoClaims, message: AbstractIncomingMessage
    ) -> None:
        """Routing's own storage adapters, with its keys: the slot and the claim together."""
        conversation_id = json.loads(message.body)["data"]["conversation_id"]
        self._count += 1
        agent_id = f"agt_{self._count % AGENTS:04d}"
        slot, won = await asyncio.gather(
            slots.take(agent_id, conversation_id, MAX_CHATS),
            claims.claim(
                f"assign:{message.message_id}:1",
                datetime.now(UTC),
                {"conversation_id": conversation_id, "agent_id": agent_id},
            ),
        )
        if not isinstance(slot, int) or not won:  # a fault of the bench: nobody else races
            raise RuntimeError(f"{conversation_id}: slot {slot}, claim won {won}")


async def main(arguments: list[str]) -> None:
    rabbitmq_url, mongodb_url, database, exchange, queue, size, store = arguments
    stop = asyncio.get_running_loop().create_future()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set_result, None)
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(mongodb_url, tz_aware=True)
    db = client[database]
    slots = MongoSlots(db, "relay")
    await slots.prepare()  # the slot collections, created ahead as routing does
    connection = await aio_pika.connect_robust(rabbitmq_url)
    async with connection:
        publishing = await connection.channel(publisher_confirms=True, on_return_raises=True)
        replies = await publishing.declare_exchange(
            exchange, aio_pika.ExchangeType.TOPIC, auto_delete=True
        )
        consuming = await connection.channel()
        await consuming.set_qos(prefetch_count=256)
        requests = await consuming.declare_queue(
            queue, durable=True, arguments={"x-expires": 10_000}
        )
        await requests.bind(exchange, routing_key="conversation.requested.v1")
        storage = (slots, MongoClaims(db, "relay")) if store != "no" else None
        relay = Relay(storage, replies, int(size))
        await requests.consume(relay.on_request)
        print("ready", flush=True)
        await stop
    await client.drop_database(database)
    await client.close()


if __name__ == "__main__":
    try:
        import uvloop
    except ImportError:  # pragma: no cover - uvloop ships with uvicorn[standard]
        asyncio.run(main(sys.argv[1:]))
    else:
        uvloop.run(main(sys.argv[1:]))
