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

The floor under it, measured after routing stops, at the same rate for the same time: a bare
relay process (``routing_relay.py``) that receives each request from a durable queue, stores a
slot and a claim as routing does, and publishes a confirmed event of routing's size, with no
decision at all: what routing cannot go below on this machine with its broker and database.
Then the same relay without the database: the broker's share of it.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

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
RELAY = Path(__file__).with_name("routing_relay.py")


@dataclass
class Received:
    """What the load generator saw come back: latencies (ns) from publish to reply, waits (ns)
    from request to decision as routing reported them, and the replies' sizes (bytes)."""

    latencies: list[float] = field(default_factory=list)
    waits: list[float] = field(default_factory=list)
    sizes: list[int] = field(default_factory=list)
    lost: int = 0


async def run(env: BenchEnv) -> str:
    seconds = 5 if env.quick else 30
    database = f"parley_routing_bench_{env.run_id}"
    client: AsyncMongoClient[dict[str, object]] = AsyncMongoClient(env.mongodb_url, tz_aware=True)
    await _seed(client, database)
    port = free_port()
    process = _start(env, database, port)
    try:
        await _wait_ready(port)
        routed = await _load(env, seconds, EVENTS_EXCHANGE, _read_assigned)
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
    size = sorted(routed.sizes)[len(routed.sizes) // 2] if routed.sizes else 2_000
    floor = await _floor(env, seconds, size, store=True)
    broker = await _floor(env, seconds, size, store=False)
    table = Table(
        f"Routing at {OPERATORS} online operators, {CHANNELS} channels, {RATE}/s for {seconds} s",
        ["measure", "count", "p50 ms", "p99 ms", "max ms"],
    )
    decisions_ns = sorted(float(d) * 1e6 for d in decisions)  # type: ignore[arg-type]
    for name, values in (
        ("decision (choose)", decisions_ns),
        ("request -> decided", sorted(routed.waits)),
        ("request -> assigned", sorted(routed.latencies)),
        ("floor: request -> relayed", sorted(floor.latencies)),
        ("floor without the database", sorted(broker.latencies)),
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
        f"not assigned within the run: {routed.lost};"
        f" not relayed (floors): {floor.lost + broker.lost};"
        " targets: decision p99 <= 5 ms, request->assigned p99 <= 20 ms"
    )
    table.notes.append(
        "floor: a bare relay receives each request, stores a slot and a claim and publishes a"
        f" confirmed {size}-byte event (routing's median size), without deciding"
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


Reader = Callable[[bytes], tuple[str, float | None]]
"""A reply's body -> its conversation id and, when routing reported it, the wait (ns)."""


def _read_assigned(body: bytes) -> tuple[str, float | None]:
    event = parse_event_as(body, ConversationAssignedV1)
    return event.data.conversation_id, event.data.waited_seconds * 1e9


def _read_relayed(body: bytes) -> tuple[str, float | None]:
    return parse_event_as(body, ConversationRequestedV1).data.conversation_id, None


async def _floor(env: BenchEnv, seconds: int, size: int, *, store: bool) -> Received:
    """The same load through the bare relay (see the module's documentation)."""
    exchange = f"bench.routing.floor.{env.run_id}"
    relay = await asyncio.create_subprocess_exec(
        sys.executable,
        str(RELAY),
        env.rabbitmq_url,
        env.mongodb_url,
        f"parley_routing_floor_{env.run_id}",
        exchange,
        f"bench.routing.relay.{env.run_id}",
        str(size),
        "yes" if store else "no",
        stdout=asyncio.subprocess.PIPE,
    )
    try:
        assert relay.stdout is not None
        if (await asyncio.wait_for(relay.stdout.readline(), 60)).strip() != b"ready":
            raise RuntimeError("the routing relay did not start")
        return await _load(env, seconds, exchange, _read_relayed)
    finally:
        relay.terminate()
        await asyncio.wait_for(relay.wait(), 30)


async def _load(env: BenchEnv, seconds: int, exchange_name: str, read: Reader) -> Received:
    """Publish requests at ``RATE`` to ``exchange_name`` and time the replies
    (``conversation.assigned.v1``) until each came back or the run's grace ran out."""
    sent: dict[str, int] = {}
    received = Received()
    connection = await aio_pika.connect_robust(env.rabbitmq_url)
    async with connection:
        channel = await connection.channel(publisher_confirms=False)
        exchange = await channel.declare_exchange(
            exchange_name,
            aio_pika.ExchangeType.TOPIC,
            durable=exchange_name == EVENTS_EXCHANGE,
            auto_delete=exchange_name != EVENTS_EXCHANGE,
        )
        queue = await channel.declare_queue(
            f"bench.routing.{env.run_id}", exclusive=True, auto_delete=True
        )
        await queue.bind(exchange, routing_key="conversation.assigned.v1")

        async def on_reply(message: aio_pika.abc.AbstractIncomingMessage) -> None:
            arrived = time.perf_counter_ns()
            conversation_id, wait = read(message.body)
            started = sent.pop(conversation_id, None)
            if started is not None:
                received.latencies.append(float(arrived - started))
                received.sizes.append(len(message.body))
                if wait is not None:
                    received.waits.append(wait)

        await queue.consume(on_reply, no_ack=True)
        env.progress(f"routing: {RATE}/s for {seconds} s to {exchange_name}")
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
                aio_pika.Message(
                    event.to_json_bytes(),
                    content_type=CLOUDEVENTS_CONTENT_TYPE,
                    message_id=event.id,
                ),
                routing_key=event.type,
            )
        for _ in range(50):
            if not sent:
                break
            await asyncio.sleep(0.1)
    received.lost = len(sent)
    return received
