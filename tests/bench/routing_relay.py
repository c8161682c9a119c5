"""The floor under routing's request-to-assigned latency: its broker and database work, no decision.

    python tests/bench/routing_relay.py RABBITMQ_URL MONGODB_URL DATABASE EXCHANGE QUEUE SIZE STORE

For every ``conversation.requested.v1`` on EXCHANGE (a topic exchange of the bench's own), the
relay does what routing must do before it may publish an assignment, and nothing else:

- it receives the request from a durable queue of its own (routing's replica queue);
- it stores a capacity slot and its holder (one ordered ``insert_many`` into one of
  ``PARTITIONS`` slot collections) and, at the same time, the assignment claim (through the
  platform's group commit, as routing's claims go), unless STORE is ``no`` (the broker alone);
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
import uuid
import zlib
from datetime import UTC, datetime
from typing import Any

import aio_pika
from aio_pika.abc import AbstractExchange, AbstractIncomingMessage
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase

from parley_platform.storage.batched_inserts import BatchedInserts

PARTITIONS = 128
AGENTS = 1_000


class Relay:
    def __init__(
        self, db: AsyncDatabase[dict[str, Any]], exchange: AbstractExchange, size: int, store: bool
    ) -> None:
        self._db = db
        self._exchange = exchange
        self._size = size
        self._store = store
        self._claims = BatchedInserts(db["claims"])
        self._count = 0
        self._tasks: set[asyncio.Task[None]] = set()

    async def on_request(self, message: AbstractIncomingMessage) -> None:
        task = asyncio.create_task(self._relay(message))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _relay(self, message: AbstractIncomingMessage) -> None:
        if self._store:
            await self._store_assignment(message)
        body = message.body.ljust(self._size)
        await self._exchange.publish(
            aio_pika.Message(body, delivery_mode=aio_pika.DeliveryMode.PERSISTENT),
            routing_key="conversation.assigned.v1",
            mandatory=True,
        )
        await message.ack()

    async def _store_assignment(self, message: AbstractIncomingMessage) -> None:
        conversation_id = json.loads(message.body)["data"]["conversation_id"]
        self._count += 1
        agent_id = f"agt_{self._count % AGENTS:04d}"
        now = datetime.now(UTC)
        slot = {
            "_id": f"{agent_id}:slot:{conversation_id}",
            "agent_id": agent_id,
            "conversation_id": conversation_id,
            "at": now,
            "by": "relay",
            "nonce": uuid.uuid4().hex,
        }
        holder = {"_id": f"{agent_id}:holds:{conversation_id}", "slot": 0, "at": now}
        claim = {
            "_id": f"assign:{message.message_id or conversation_id}:1",
            "by": "relay",
            "nonce": uuid.uuid4().hex,
            "at": now,
            "conversation_id": conversation_id,
            "agent_id": agent_id,
        }
        slots = self._db[_partition(agent_id)]
        await asyncio.gather(
            slots.insert_many([slot, holder], ordered=True), self._claims.insert(claim)
        )


def _partition(agent_id: str) -> str:
    return f"slots_{zlib.crc32(agent_id.encode()) % PARTITIONS:03d}"


async def main(arguments: list[str]) -> None:
    rabbitmq_url, mongodb_url, database, exchange, queue, size, store = arguments
    stop = asyncio.get_running_loop().create_future()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set_result, None)
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(mongodb_url, tz_aware=True)
    db = client[database]
    for partition in range(PARTITIONS):  # created ahead, as routing does
        await db.create_collection(f"slots_{partition:03d}")
    await db.create_collection("claims")
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
        relay = Relay(db, replies, int(size), store != "no")
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
