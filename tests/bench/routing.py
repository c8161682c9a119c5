"""Routing: decision time and request-to-assigned latency under load.

A real ``python -m parley_routing`` process (its own CPU, as deployed) with 1,000 online
operators in 20 channels (seeded in its database before it starts, with ``max_chats`` 10 so
that 30 s of requests fit without ending chats), fed ``conversation.requested.v1`` at 200 per
second for 30 s (5 s with ``--quick``). Latency runs from this process's publish to its receipt of
``conversation.assigned.v1`` (the same clock). Decision time is what routing measured around
``choose`` and stored in each decision record (``decision_ms``). Request-to-decided is the
event's ``waited_seconds`` (the request's time to the decision, by routing's clock): how long a
request queued before it was routed; the rest of request-to-assigned is storing the decision
(slot and claim) and publishing it.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime

import aio_pika
import httpx
from pymongo import AsyncMongoClient

from parley_contracts.common import VisitorInfo
from parley_contracts.envelope import CloudEvent, parse_event_as
from parley_contracts.gateway import ConversationRequestedV1
from parley_contracts.names import CLOUDEVENTS_CONTENT_TYPE, EVENTS_EXCHANGE
from parley_contracts.routing import ConversationAssignedV1
from parley_devservers.ports import free_port
from parley_routing.adapters.mongo_state import operator_document
from parley_routing.domain.operator import Availability, Operator, OperatorProfile, OperatorState
from parley_routing.domain.presence import Presence

from .common import BenchEnv, Table, ms, percentile

DESCRIPTION = "routing: decision time and request-to-assigned latency, 1,000 operators"

OPERATORS, CHANNELS, RATE = 1_000, 20, 200
LANGUAGES = ("en", "fr", "de", "es", "nl")


async def run(env: BenchEnv) -> str:
    seconds = 5 if env.quick else 30
    database = f"parley_routing_bench_{env.run_id}"
    client: AsyncMongoClient[dict[str, object]] = AsyncMongoClient(env.mongodb_url, tz_aware=True)
    await _seed(client, database)
    port = free_port()
    process = _start(env, database, port)
    try:
        await _wait_ready(port)
        latencies, waits, lost = await _load(env, seconds)
        await asyncio.sleep(1.5)  # the decision records are written behind
        decisions = [
            d["decision_ms"]
            async for d in client[database].decisions.find({}, {"decision_ms": 1})
            if d.get("decision_ms") is not None
        ]
    finally:
        process.terminate()
        process.wait(30)
        await client.drop_database(database)
        await client.close()
    table = Table(
        f"Routing at {OPERATORS} online operators, {CHANNELS} channels, {RATE}/s for {seconds} s",
        ["measure", "count", "p50 ms", "p99 ms", "max ms"],
    )
    decisions_ns = sorted(float(d) * 1e6 for d in decisions)  # type: ignore[arg-type]
    for name, values in (
        ("decision (choose)", decisions_ns),
        ("request -> decided", sorted(waits)),
        ("request -> assigned", sorted(latencies)),
    ):
        table.rows.append(
            [
                name,
                str(len(values)),
                ms(percentile(values, 50)),
                ms(percentile(values, 99)),
                ms(max(values, default=0)),
            ]
        )
    table.notes.append(
        f"not assigned within the run: {lost};"
        " targets: decision p99 <= 5 ms, request->assigned p99 <= 20 ms"
    )
    return table.render()


async def _seed(client: AsyncMongoClient[dict[str, object]], database: str) -> None:
    now = datetime.now(UTC)
    documents = []
    for n in range(OPERATORS):
        profile = OperatorProfile(
            agent_id=f"agt_{n:04d}",
            chat_name=f"Agent {n}",
            main_language=LANGUAGES[n % len(LANGUAGES)],
            expertise=frozenset({("billing", "tech", "sales")[n % 3]}),
            max_chats=10,
            channel_ids=frozenset({f"ch_{n % CHANNELS:02d}"}),
        )
        state = OperatorState(availability=Availability.ONLINE, online_since=now)
        presence = Presence(
            Availability.ONLINE, Availability.ONLINE, last_activity_at=now, sockets=1
        )
        documents.append(operator_document(Operator(profile, state), presence))
    await client[database].operators.insert_many(documents)


def _start(env: BenchEnv, database: str, port: int) -> subprocess.Popen[bytes]:
    variables = {
        **os.environ,
        "RABBITMQ_URL": env.rabbitmq_url,
        "MONGODB_URL": env.mongodb_url,
        "PARLEY_ROUTING_HTTP_PORT": str(port),
        "PARLEY_ROUTING_DATABASE": database,
        "PARLEY_ROUTING_LOG_LEVEL": "WARNING",
        "PARLEY_ROUTING_REPLICA_QUEUE_EXPIRY_S": "10",
        # Busy operators stay active in the bench: no idle timer turns them away mid-run.
        "PARLEY_ROUTING_IDLE_AFTER_S": "3600",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "parley_routing"],
        env=variables,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


async def _wait_ready(port: int) -> None:
    async with httpx.AsyncClient() as http:
        for _ in range(300):
            try:
                if (await http.get(f"http://127.0.0.1:{port}/readyz")).status_code == 200:
                    await asyncio.sleep(2.0)  # the replica queue binds after readiness
                    return
            except httpx.HTTPError:
                pass
            await asyncio.sleep(0.1)
    raise RuntimeError("routing did not become ready")


async def _load(env: BenchEnv, seconds: int) -> tuple[list[float], list[float], int]:
    """Latencies (ns) from publish to assigned, waits (ns) from request to decision, and how
    many requests were not assigned within the run."""
    sent: dict[str, int] = {}
    latencies: list[float] = []
    waits: list[float] = []
    connection = await aio_pika.connect_robust(env.rabbitmq_url)
    async with connection:
        channel = await connection.channel(publisher_confirms=False)
        exchange = await channel.declare_exchange(
            EVENTS_EXCHANGE, aio_pika.ExchangeType.TOPIC, durable=True
        )
        queue = await channel.declare_queue(
            f"bench.routing.{env.run_id}", exclusive=True, auto_delete=True
        )
        await queue.bind(exchange, routing_key="conversation.assigned.v1")

        async def on_assigned(message: aio_pika.abc.AbstractIncomingMessage) -> None:
            received = time.perf_counter_ns()
            event = parse_event_as(message.body, ConversationAssignedV1)
            started = sent.pop(event.data.conversation_id, None)
            if started is not None:
                latencies.append(float(received - started))
                waits.append(event.data.waited_seconds * 1e9)

        await queue.consume(on_assigned, no_ack=True)
        env.progress(f"routing: {RATE}/s for {seconds} s")
        start = time.perf_counter()
        for n in range(RATE * seconds):
            await asyncio.sleep(max(0.0, start + n / RATE - time.perf_counter()))
            conversation = f"conv_{env.run_id}_{n}_{uuid.uuid4().hex[:4]}"
            request = ConversationRequestedV1(
                conversation_id=conversation,
                channel_id=f"ch_{n % CHANNELS:02d}",
                sequence=1,
                visitor=VisitorInfo(visitor_id=f"v{n}", name="Vera", language=LANGUAGES[n % 4]),
                required_expertise=(("billing", "tech", "sales")[n % 3],),
            )
            event = CloudEvent.wrap(request, source="/parley/bench")
            sent[conversation] = time.perf_counter_ns()
            await exchange.publish(
                aio_pika.Message(event.to_json_bytes(), content_type=CLOUDEVENTS_CONTENT_TYPE),
                routing_key=event.type,
            )
        for _ in range(50):
            if not sent:
                break
            await asyncio.sleep(0.1)
    return latencies, waits, len(sent)
