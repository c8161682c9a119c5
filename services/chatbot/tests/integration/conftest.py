"""The chatbot wired in this process to the real broker and database, and a gateway player."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator

import aio_pika
import pytest

from parley_chatbot.bootstrap import Chatbot, build
from parley_chatbot.settings import ChatbotSettings
from parley_platform.storage.mongo import create_mongo_client

from .gateway_player import GatewayPlayer


@pytest.fixture
def settings(rabbitmq_url: str, mongodb_url: str) -> ChatbotSettings:
    return ChatbotSettings(
        service_name=f"chatbot-{uuid.uuid4().hex[:8]}",
        rabbitmq_url=rabbitmq_url,
        mongodb_url=mongodb_url,
        log_format="console",
        typing_pause_s=0.05,
        multi_line_quiet_s=1.0,
        script_cache_s=0,
    )


@pytest.fixture
async def chatbot(settings: ChatbotSettings) -> AsyncIterator[Chatbot]:
    bot = build(settings).chatbot
    await bot.runtime.start()
    await bot.runtime.wait_until_connected()
    for _ in range(200):
        if "startup" not in await bot.runtime.readiness():
            break
        await asyncio.sleep(0.05)
    yield bot
    await bot.stop()
    client = create_mongo_client(settings.mongodb_url, "chatbot-test-cleanup")
    await client.drop_database(settings.database)
    await client.close()
    await delete_queues(settings.rabbitmq_url, f"{settings.service_name}.bot-conversations")


async def delete_queues(rabbitmq_url: str, queue: str) -> None:
    """The consumer queue, its dead letters and its retry wait queues."""
    connection = await aio_pika.connect(rabbitmq_url)
    async with connection:
        for name in [queue, f"{queue}.dlq", *(f"{queue}.wait.{d}" for d in (200, 1000, 5000))]:
            channel = await connection.channel()
            with contextlib.suppress(Exception):
                await channel.queue_delete(name)


@pytest.fixture
async def gateway(rabbitmq_url: str) -> AsyncIterator[GatewayPlayer]:
    player = GatewayPlayer(rabbitmq_url)
    await player.start()
    yield player
    await player.stop()
