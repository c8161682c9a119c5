"""The resolved servers are real: messages round-trip, documents persist, outages heal."""

from __future__ import annotations

import uuid

import aio_pika
import pytest
from pymongo import AsyncMongoClient

from parley_devservers import Server

pytestmark = pytest.mark.integration


async def _round_trip(url: str) -> bytes:
    connection = await aio_pika.connect(url, timeout=10)
    async with connection:
        channel = await connection.channel()
        queue = await channel.declare_queue(exclusive=True)
        body = uuid.uuid4().hex.encode()
        await channel.default_exchange.publish(aio_pika.Message(body), routing_key=queue.name)
        message = await queue.get(timeout=10)
        await message.ack()
        assert message.body == body
        return message.body


async def test_broker_delivers_a_published_message(rabbitmq_url: str) -> None:
    await _round_trip(rabbitmq_url)


async def test_database_finds_an_inserted_document(mongodb_url: str) -> None:
    client: AsyncMongoClient[dict[str, object]] = AsyncMongoClient(mongodb_url)
    try:
        collection = client["devservers_test"]["round_trip"]
        key = uuid.uuid4().hex
        await collection.insert_one({"key": key, "n": 1})

        found = await collection.find_one({"key": key}, {"_id": 0})

        assert found == {"key": key, "n": 1}
    finally:
        await client.close()


async def test_broker_comes_back_after_an_outage(rabbitmq: Server) -> None:
    if not rabbitmq.can_control:
        pytest.skip(f"{rabbitmq.describe()} cannot be stopped by the tests")

    with rabbitmq.outage():
        with pytest.raises(aio_pika.exceptions.AMQPConnectionError):
            await aio_pika.connect(rabbitmq.url, timeout=5)

    await _round_trip(rabbitmq.url)


async def test_database_keeps_its_data_across_an_outage(mongodb: Server) -> None:
    if not mongodb.can_control:
        pytest.skip(f"{mongodb.describe()} cannot be stopped by the tests")
    key = uuid.uuid4().hex
    before: AsyncMongoClient[dict[str, object]] = AsyncMongoClient(mongodb.url)
    await before["devservers_test"]["outage"].insert_one({"key": key})
    await before.close()

    with mongodb.outage():
        pass

    after: AsyncMongoClient[dict[str, object]] = AsyncMongoClient(mongodb.url)
    try:
        assert await after["devservers_test"]["outage"].count_documents({"key": key}) == 1
    finally:
        await after.close()
