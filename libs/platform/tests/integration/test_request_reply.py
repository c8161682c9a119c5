"""Queries between services: request/reply over RabbitMQ with a timeout."""

from __future__ import annotations

import json

import aio_pika
import pytest

from parley_platform.messaging.request import QueryClient, QueryTimeout, register_responder
from parley_platform.runtime import ServiceRuntime
from parley_platform.settings import ServiceSettings

from .conftest import Started

pytestmark = pytest.mark.integration


async def test_query_is_answered_by_the_responding_service(
    settings: ServiceSettings, started: Started
) -> None:
    responder = ServiceRuntime(settings)
    query_type = f"{settings.service_name}.count_words.v1"

    async def count_words(body: bytes) -> bytes:
        return json.dumps({"words": len(json.loads(body)["text"].split())}).encode()

    register_responder(responder.broker, query_type, count_words)
    await started(responder)
    answer = await QueryClient(responder.broker).ask(
        query_type, json.dumps({"text": "where is my parcel"}).encode(), timeout_s=5
    )
    assert json.loads(answer) == {"words": 4}


async def test_query_nobody_answers_times_out(
    settings: ServiceSettings, started: Started, rabbitmq_url: str
) -> None:
    asker = await started(ServiceRuntime(settings))
    query_type = f"{settings.service_name}.unanswered.v1"
    connection = await aio_pika.connect(rabbitmq_url)
    async with connection:  # the answering service declared its queue, then went away
        channel = await connection.channel()
        await channel.declare_queue(query_type, durable=True, arguments={"x-queue-type": "quorum"})
        with pytest.raises(QueryTimeout):
            await QueryClient(asker.broker).ask(query_type, b"{}", timeout_s=0.5)
        await channel.queue_delete(query_type)
