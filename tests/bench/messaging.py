"""Messaging: what the Parley layer costs on top of plain aio-pika, on the same broker.

Three paths, each timed from "the application starts sending" to "the handler has the event":

- raw:    aio-pika alone. Persistent message, publisher confirms, mandatory, to a durable topic
          exchange bound to a durable quorum queue; an aio-pika consumer in this process reads
          the timestamp out of the JSON body and acks.
- layer:  ``ServiceRuntime.publisher.publish(CloudEvent)`` -> FastStream subscriber -> CloudEvent
          parse and validation -> idempotency inbox -> the ``runtime.consume`` handler (then the
          inbox record and the ack).
- outbox: ``document_with_events`` + ``insert_one`` + ``relay.notify(pending_in(...))`` -> the
          outbox relay publishes -> the same consumer chain as the layer path.

Latency: events at a fixed rate (open loop), the send time carried in the event
(``time.perf_counter_ns``: same process). The paths take turns, several short rounds each, so
that a busy machine disturbs them alike. Throughput: events as fast as the path allows, at most
``concurrency`` sends in flight, timed until the handler has seen the last one. CPU per event is
the whole process's CPU time during a path's measurements, divided by its events: unlike
latency it hardly depends on what else the machine is doing.
"""

from __future__ import annotations

import abc
import asyncio
import contextlib
import json
import logging
import math
import statistics
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, ClassVar

import aio_pika
from aio_pika.abc import AbstractExchange, AbstractIncomingMessage, AbstractRobustConnection
from aio_pika.exceptions import AMQPError, ChannelNotFoundEntity

from parley_contracts.base import Event
from parley_contracts.envelope import CloudEvent, parse_event_as
from parley_contracts.names import CLOUDEVENTS_CONTENT_TYPE
from parley_platform.messaging.consumer import IncomingEvent
from parley_platform.messaging.outbox import document_with_events, pending_in
from parley_platform.messaging.topology import ConsumerQueue
from parley_platform.runtime import ServiceRuntime
from parley_platform.settings import ServiceSettings
from parley_platform.storage.mongo import create_mongo_client

from .common import BenchEnv, Table, ms, percentile

DESCRIPTION = "publish-to-handler latency and throughput: raw aio-pika vs the Parley layer"

TARGET_RATIO = 1.5
"""The layer adds no more than half again to raw aio-pika's p50."""

TEXT = (
    "Hello, I cannot log in to my account since this morning: the reset link in your e-mail says "
    "it has expired. Could someone help me, please?"
)
"""A typical chat message, so that bodies have a realistic size."""

OUTBOX_COLLECTION = "bench_things"


@dataclass(frozen=True)
class Plan:
    rate_per_s: int
    """Latency: events per second, sent on a fixed schedule."""
    rounds: int
    """Latency: turns each path gets; the paths alternate."""
    measure_s: float
    """Latency: measured seconds per path per round."""
    warmup_s: float
    """Latency: unmeasured seconds before a path's first round."""
    preroll: int
    """Latency: unmeasured events before each later round."""
    settle_timeout_s: float
    """How long to wait for warm-up events."""
    drain_timeout_s: float
    """How long to wait for the measured events of a round after the last was sent."""
    throughput_events: int
    """Throughput: events to send (fewer when sending takes longer than half the timeout)."""
    throughput_timeout_s: float
    """Throughput: the longest a path's throughput run may take."""
    concurrency: int
    """Throughput: sends in flight at once."""
    max_backlog: int
    """Throughput: sent but not yet handled events at most; senders wait above it."""

    @property
    def per_round(self) -> int:
        return round(self.rate_per_s * self.measure_s)

    @property
    def warmup_events(self) -> int:
        return round(self.rate_per_s * self.warmup_s)


FULL = Plan(
    rate_per_s=200,
    rounds=4,
    measure_s=1.5,
    warmup_s=0.5,
    preroll=10,
    settle_timeout_s=2.0,
    drain_timeout_s=5.0,
    throughput_events=3_000,
    throughput_timeout_s=20.0,
    concurrency=64,
    max_backlog=500,
)
QUICK = Plan(
    rate_per_s=200,
    rounds=2,
    measure_s=0.75,
    warmup_s=0.25,
    preroll=10,
    settle_timeout_s=0.5,
    drain_timeout_s=2.0,
    throughput_events=500,
    throughput_timeout_s=4.0,
    concurrency=64,
    max_backlog=500,
)
STOP_TIMEOUT_S = 10.0
"""How long the runtime gets to stop (it flushes the outbox relay) before we give up on it."""


# --- what arrives ---------------------------------------------------------------------------


@dataclass
class Activity:
    """Which path is being measured, and late events of other paths that arrived meanwhile."""

    current: str | None = None
    disturbed: Counter[str] = field(default_factory=Counter)


class Collector:
    """Latencies of the events a path's handler received, for the current phase only."""

    def __init__(self, label: str, activity: Activity) -> None:
        self.label = label
        self.activity = activity
        self.phase = -1
        self.latencies_ns: dict[int, int] = {}
        self.last_ns = 0
        self.late = 0
        self.duplicates = 0
        self._expected = 0
        self._done = asyncio.Event()
        self._progress = asyncio.Event()

    def begin(self, phase: int, expected: int) -> None:
        self.phase = phase
        self.latencies_ns = {}
        self.last_ns = 0
        self._done = asyncio.Event()
        self.expect(expected)

    def expect(self, expected: int) -> None:
        self._expected = expected
        if len(self.latencies_ns) >= expected:
            self._done.set()

    def received(self, phase: int, seq: int, sent_ns: int) -> None:
        now = time.perf_counter_ns()
        if phase != self.phase:
            self.late += 1  # from a phase that gave up waiting for it
            current = self.activity.current
            if current is not None and current != self.label:
                self.activity.disturbed[current] += 1
            return
        if seq in self.latencies_ns:
            self.duplicates += 1
            return
        self.latencies_ns[seq] = now - sent_ns
        self.last_ns = now
        self._progress.set()
        if len(self.latencies_ns) >= self._expected:
            self._done.set()

    async def backlog_below(self, sent: int, limit: int, timeout_s: float) -> bool:
        """Wait until fewer than ``limit`` of ``sent`` events are still on their way."""
        deadline = time.monotonic() + timeout_s
        while sent - len(self.latencies_ns) >= limit:
            self._progress.clear()
            try:
                await asyncio.wait_for(self._progress.wait(), deadline - time.monotonic())
            except TimeoutError:
                return False
        return True

    async def wait(self, timeout_s: float) -> bool:
        try:
            await asyncio.wait_for(self._done.wait(), max(timeout_s, 0.0))
        except TimeoutError:
            return False
        return True


class BenchPath(abc.ABC):
    """One way of getting an event from the application to a handler."""

    label: ClassVar[str]
    note: ClassVar[str]

    def __init__(self, activity: Activity) -> None:
        self.collector = Collector(self.label, activity)

    @abc.abstractmethod
    async def send(self, phase: int, seq: int) -> None:
        """Send one event of ``phase`` numbered ``seq`` along this path."""


# --- raw aio-pika ---------------------------------------------------------------------------


class RawPath(BenchPath):
    label = "raw aio-pika"
    note = "confirms, persistent, mandatory; durable topic exchange -> quorum queue; ack"

    def __init__(self, env: BenchEnv, activity: Activity, prefetch: int, limit: int) -> None:
        super().__init__(activity)
        self.exchange_name = f"parley.bench.{env.run_id}"  # its own: no "#" binding sees it
        self.queue_name = f"bench{env.run_id}.raw"
        self.routing_key = f"bench.r{env.run_id}.raw.v1"
        self._url = env.rabbitmq_url
        self._prefetch = prefetch
        self._delivery_limit = limit
        self._connection: AbstractRobustConnection | None = None
        self._exchange: AbstractExchange | None = None

    async def start(self) -> None:
        self._connection = await aio_pika.connect_robust(self._url, timeout=5)
        publishing = await self._connection.channel(publisher_confirms=True, on_return_raises=True)
        self._exchange = await publishing.declare_exchange(
            self.exchange_name, aio_pika.ExchangeType.TOPIC, durable=True
        )
        consuming = await self._connection.channel()
        await consuming.set_qos(prefetch_count=self._prefetch)
        queue = await consuming.declare_queue(
            self.queue_name,
            durable=True,
            arguments={"x-queue-type": "quorum", "x-delivery-limit": self._delivery_limit},
        )
        await queue.bind(self.exchange_name, routing_key=self.routing_key)
        await queue.consume(self._on_message)

    def server(self) -> str:
        """The broker's product and version, as it announced them."""
        connection: Any = self._connection
        try:
            properties = connection.transport.connection.server_properties
            return f"{properties['product']} {properties['version']}"
        except Exception:
            return "unknown"

    async def stop(self) -> None:
        if self._connection is not None:
            await self._connection.close()

    async def send(self, phase: int, seq: int) -> None:
        assert self._exchange is not None
        sent_ns = time.perf_counter_ns()
        event_id = str(uuid.uuid4())
        body = json.dumps(
            {
                "specversion": "1.0",
                "id": event_id,
                "source": "/parley/bench",
                "type": self.routing_key,
                "time": datetime.now(UTC).isoformat(),
                "datacontenttype": "application/json",
                "data": {"phase": phase, "seq": seq, "sent_ns": sent_ns, "text": TEXT},
            },
            separators=(",", ":"),
        ).encode()
        message = aio_pika.Message(
            body,
            delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
            content_type=CLOUDEVENTS_CONTENT_TYPE,
            message_id=event_id,
        )
        await self._exchange.publish(message, self.routing_key, mandatory=True, timeout=5)

    async def _on_message(self, message: AbstractIncomingMessage) -> None:
        data = json.loads(message.body)["data"]
        self.collector.received(data["phase"], data["seq"], data["sent_ns"])
        await message.ack()


# --- the Parley layer -----------------------------------------------------------------------


def _event_model(routing_key: str) -> type[Event]:
    """An event type of this run only, so that no other consumer queue is bound to it."""

    class BenchPingedV1(Event):
        TYPE: ClassVar[str] = routing_key
        phase: int
        seq: int
        sent_ns: int
        text: str

    return BenchPingedV1


class LayerPath(BenchPath):
    """Events of one type of this run, consumed through ``runtime.consume``."""

    def __init__(self, runtime: ServiceRuntime, activity: Activity, kind: str, run: str) -> None:
        super().__init__(activity)
        self.runtime = runtime
        self.model: Any = _event_model(f"bench.r{run}.{kind}.v1")
        self.queue: ConsumerQueue = runtime.queue(kind, [self.model.TYPE])
        runtime.consume(self.queue, self._handle, self._parse)

    def _parse(self, body: bytes) -> IncomingEvent:
        event = parse_event_as(body, self.model)
        return IncomingEvent(event=event, source=event.source, id=event.id)

    async def _handle(self, event: Any) -> None:
        data = event.data
        self.collector.received(data.phase, data.seq, data.sent_ns)

    def _event(self, phase: int, seq: int) -> CloudEvent[Any]:
        data = self.model(phase=phase, seq=seq, sent_ns=time.perf_counter_ns(), text=TEXT)
        return CloudEvent.wrap(data, source=self.runtime.source)


class DirectPath(LayerPath):
    label = "layer: publish -> consume"
    note = "publisher.publish(CloudEvent) -> runtime.consume handler (parse, inbox, ack)"

    def __init__(self, runtime: ServiceRuntime, activity: Activity, run_id: str) -> None:
        super().__init__(runtime, activity, "direct", run_id)

    async def send(self, phase: int, seq: int) -> None:
        await self.runtime.publisher.publish(self._event(phase, seq))


class OutboxPath(LayerPath):
    label = "layer: outbox"
    note = "insert_one(document_with_events) + relay.notify -> relay -> same consumer chain"

    def __init__(self, runtime: ServiceRuntime, activity: Activity, run_id: str) -> None:
        super().__init__(runtime, activity, "outbox", run_id)
        self.collection = runtime.db[OUTBOX_COLLECTION]

    async def send(self, phase: int, seq: int) -> None:
        event = self._event(phase, seq)
        document = document_with_events({"_id": f"{phase}-{seq}", "state": "new"}, [event])
        await self.collection.insert_one(document)
        assert self.runtime.relay is not None
        self.runtime.relay.notify(pending_in(OUTBOX_COLLECTION, document))


# --- measuring ------------------------------------------------------------------------------


@dataclass
class Results:
    """Everything measured for one path."""

    latencies_ns: list[int] = field(default_factory=list)
    send_calls_ns: list[int] = field(default_factory=list)
    loop_lag_ns: list[int] = field(default_factory=list)
    round_p50s_ns: list[float] = field(default_factory=list)
    sent: int = 0
    lost: int = 0
    latency_cpu_s: float = 0.0
    throughput_sent: int = 0
    throughput_seen: int = 0
    throughput_cpu_s: float = 0.0
    sending_s: float = 0.0
    consumed_s: float = 0.0
    error: str | None = None

    @property
    def events_per_s(self) -> float:
        return self.throughput_seen / self.consumed_s if self.consumed_s > 0 else 0.0


@dataclass
class Round:
    latencies_ns: list[int]
    send_calls_ns: list[int]
    loop_lag_ns: list[int]
    lost: int
    cpu_s: float


LAG_TICK_S = 0.005


async def _watch_loop_lag(samples: list[int]) -> None:
    """How late a 5 ms sleep wakes up: how busy this process's event loop is."""
    tick_ns = int(LAG_TICK_S * 1e9)
    while True:
        started = time.perf_counter_ns()
        await asyncio.sleep(LAG_TICK_S)
        samples.append(max(0, time.perf_counter_ns() - started - tick_ns))


async def _at_fixed_rate(
    path: BenchPath, phase: int, count: int, rate: int, drain_timeout_s: float
) -> Round:
    """Send ``count`` events at ``rate``/s (open loop) and wait for them."""
    path.collector.begin(phase, count)
    loop = asyncio.get_running_loop()
    calls: list[int] = []

    async def one(seq: int) -> None:
        started = time.perf_counter_ns()
        await path.send(phase, seq)
        calls.append(time.perf_counter_ns() - started)

    lag: list[int] = []
    watcher = asyncio.create_task(_watch_loop_lag(lag))
    cpu = time.process_time()
    tasks: list[asyncio.Task[None]] = []
    start = loop.time()
    try:
        for seq in range(count):
            delay = start + seq / rate - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(one(seq)))
        await asyncio.gather(*tasks)
        await path.collector.wait(drain_timeout_s)
    finally:
        cpu = time.process_time() - cpu
        watcher.cancel()
    latencies = list(path.collector.latencies_ns.values())
    return Round(latencies, calls, lag, count - len(latencies), cpu)


async def _as_fast_as_possible(path: BenchPath, phase: int, plan: Plan, result: Results) -> None:
    """Send up to ``plan.throughput_events`` events, ``plan.concurrency`` at a time.

    Senders wait while ``plan.max_backlog`` events are on their way, so that a path whose
    first stage is faster than the rest (the outbox's ``insert_one``) is timed end to end; and
    sending stops at half the timeout. Either way a slow path leaves no long backlog behind.
    """
    path.collector.begin(phase, plan.throughput_events)
    numbers = iter(range(plan.throughput_events))
    sent = 0
    started = time.perf_counter_ns()
    stop_sending = started + int(plan.throughput_timeout_s / 2 * 1e9)

    async def sender() -> None:
        nonlocal sent
        for seq in numbers:  # one iterator shared by all senders
            wait_s = (stop_sending - time.perf_counter_ns()) / 1e9
            if not await path.collector.backlog_below(seq, plan.max_backlog, wait_s):
                return
            await path.send(phase, seq)
            sent += 1
            if time.perf_counter_ns() > stop_sending:
                return

    cpu = time.process_time()
    await asyncio.gather(*(sender() for _ in range(plan.concurrency)))
    sending_s = (time.perf_counter_ns() - started) / 1e9
    path.collector.expect(sent)
    complete = await path.collector.wait(plan.throughput_timeout_s - sending_s)
    result.throughput_cpu_s = time.process_time() - cpu
    result.throughput_sent = sent
    result.throughput_seen = len(path.collector.latencies_ns)
    result.sending_s = sending_s
    # Complete: until the last event arrived. Not: until we stopped waiting for the rest.
    end = path.collector.last_ns if complete else time.perf_counter_ns()
    result.consumed_s = (end - started) / 1e9


class Measurement:
    """Group by group: latency rounds (the paths of a group alternate), then throughput runs.

    A path that leaves work behind (the outbox relay's sweeps and database writes) goes in a
    later group, so that it cannot disturb the paths measured before it.
    """

    def __init__(
        self, env: BenchEnv, plan: Plan, groups: list[list[BenchPath]], activity: Activity
    ) -> None:
        self.env = env
        self.plan = plan
        self.groups = groups
        self.paths = [path for group in groups for path in group]
        self.activity = activity
        self.results = {path.label: Results() for path in self.paths}
        self._phase = 0

    def _next_phase(self) -> int:
        self._phase += 1
        return self._phase

    async def run(self) -> dict[str, Results]:
        plan = self.plan
        for group in self.groups:
            for number in range(1, plan.rounds + 1):
                for path in group:
                    self.env.progress(
                        f"latency round {number}/{plan.rounds}: {path.label} at {plan.rate_per_s}/s"
                    )
                    await self._guarded(path, self._latency_round(path, first=number == 1))
            for path in group:
                self.env.progress(f"throughput: {path.label}, {plan.concurrency} sends in flight")
                await self._guarded(path, self._throughput(path))
        self.activity.current = None
        return self.results

    async def _guarded(self, path: BenchPath, step: Any) -> None:
        result = self.results[path.label]
        if result.error is not None:
            step.close()  # an earlier failure: do not try this path again
            return
        self.activity.current = path.label
        try:
            await step
        except Exception as exc:
            result.error = f"{type(exc).__name__}: {exc}"
            self.env.progress(f"{path.label}: {result.error}")

    async def _latency_round(self, path: BenchPath, *, first: bool) -> None:
        plan = self.plan
        unmeasured = plan.warmup_events if first else plan.preroll
        await _at_fixed_rate(
            path, self._next_phase(), unmeasured, plan.rate_per_s, plan.settle_timeout_s
        )
        measured = await _at_fixed_rate(
            path, self._next_phase(), plan.per_round, plan.rate_per_s, plan.drain_timeout_s
        )
        result = self.results[path.label]
        result.latencies_ns.extend(measured.latencies_ns)
        result.send_calls_ns.extend(measured.send_calls_ns)
        result.loop_lag_ns.extend(measured.loop_lag_ns)
        if measured.latencies_ns:
            result.round_p50s_ns.append(percentile(sorted(measured.latencies_ns), 50))
        result.sent += plan.per_round
        result.lost += measured.lost
        result.latency_cpu_s += measured.cpu_s

    async def _throughput(self, path: BenchPath) -> None:
        await _as_fast_as_possible(path, self._next_phase(), self.plan, self.results[path.label])


# --- the section ----------------------------------------------------------------------------


async def run(env: BenchEnv) -> str:
    plan = QUICK if env.quick else FULL
    settings = ServiceSettings(
        service_name=f"bench{env.run_id}",
        rabbitmq_url=env.rabbitmq_url,
        mongodb_url=env.mongodb_url,
        database=f"parley_bench{env.run_id}",
        log_level="WARNING",  # the per-message lines are DEBUG either way
    )
    activity = Activity()
    runtime = ServiceRuntime(settings)
    direct = DirectPath(runtime, activity, env.run_id)
    outbox = OutboxPath(runtime, activity, env.run_id)
    runtime.outbox(OUTBOX_COLLECTION)
    raw = RawPath(env, activity, prefetch=settings.prefetch, limit=settings.delivery_limit)
    groups: list[list[BenchPath]] = [[raw, direct], [outbox]]
    paths = [raw, direct, outbox]
    started = False
    try:
        env.progress("starting the service runtime and the raw aio-pika consumer")
        await runtime.start()
        started = True
        await runtime.wait_until_connected(30)
        await _until_ready(runtime, 30)
        await raw.start()
        context = [
            f"  broker: {raw.server()}; database: {await _database_server(runtime)}",
            await _database_round_trip(runtime),
            *await _journal_note(env.rabbitmq_url),
        ]
        results = await Measurement(env, plan, groups, activity).run()
    finally:
        env.progress("cleaning up")
        if started:
            await _stop(env, runtime)
        await raw.stop()
        await _drop_broker_objects(env.rabbitmq_url, raw, [direct.queue, outbox.queue])
        await _drop_database(env.mongodb_url, settings.database)
    return _report(plan, paths, results, activity, context)


async def _stop(env: BenchEnv, runtime: ServiceRuntime) -> None:
    """Stop the runtime; a relay stuck behind a slow database is cut off after a while."""
    try:
        await asyncio.wait_for(runtime.stop(), STOP_TIMEOUT_S)
    except TimeoutError:
        env.progress(f"the service runtime did not stop within {STOP_TIMEOUT_S:.0f} s: cut off")
        # Its handlers still waiting for the database are cancelled when the event loop
        # closes; each would log its CancelledError.
        for name in ("parley.broker", "parley_platform"):
            logging.getLogger(name).setLevel(logging.CRITICAL)


async def _until_ready(runtime: ServiceRuntime, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while True:
        checks = await runtime.readiness()
        if all(value == "ok" for value in checks.values()):
            return
        if time.monotonic() > deadline:
            raise TimeoutError(f"the service runtime is not ready: {checks}")
        await asyncio.sleep(0.05)


async def _database_server(runtime: ServiceRuntime) -> str:
    info = await runtime.db.command("buildInfo")
    ferretdb = info.get("ferretdbVersion")
    return f"FerretDB {ferretdb}" if ferretdb else f"MongoDB {info.get('version', '?')}"


async def _database_round_trip(runtime: ServiceRuntime) -> str:
    """One ``insert_one`` at a time on the service's client: what a write costs on its own."""
    scratch = runtime.db["bench_round_trip"]
    times: list[int] = []
    for n in range(120):
        started = time.perf_counter_ns()
        await scratch.insert_one({"_id": n, "text": TEXT})
        if n >= 20:
            times.append(time.perf_counter_ns() - started)
    await scratch.drop()
    times.sort()
    return (
        f"  database round trip (insert_one, one at a time, before the runs): "
        f"p50 {ms(percentile(times, 50))} ms, p99 {ms(percentile(times, 99))} ms"
    )


async def _journal_note(url: str) -> list[str]:
    """Warn when events of this run also land in a queue that binds every routing key."""
    connection = await aio_pika.connect(url, timeout=5)
    async with connection:
        channel = await connection.channel()
        try:
            journal = await channel.declare_queue("reports.journal", passive=True)
        except ChannelNotFoundEntity:
            return []
    declared = journal.declaration_result
    return [
        "  note: queue reports.journal exists on this broker and binds '#' on parley.events, so "
        "the layer paths' events were copied there too",
        f"        (before this run it held {declared.message_count} messages, "
        f"{declared.consumer_count} consumers)",
    ]


async def _drop_broker_objects(url: str, raw: RawPath, queues: list[ConsumerQueue]) -> None:
    names = [raw.queue_name]
    for spec in queues:
        names += [spec.name, spec.dead_letter_queue]
        names += [spec.wait_queue(delay) for delay in sorted(set(spec.retry_delays_ms))]
    connection = await aio_pika.connect(url, timeout=5)
    async with connection:
        for name in names:
            channel = await connection.channel()  # a failed delete closes its channel
            with contextlib.suppress(AMQPError):
                await channel.queue_delete(name)
        channel = await connection.channel()
        with contextlib.suppress(AMQPError):
            await channel.exchange_delete(raw.exchange_name)


async def _drop_database(url: str, name: str) -> None:
    client = create_mongo_client(url, "parley-bench-cleanup")
    try:
        await client.drop_database(name)
    finally:
        await client.close()


# --- the report -----------------------------------------------------------------------------


def _report(
    plan: Plan,
    paths: list[BenchPath],
    results: dict[str, Results],
    activity: Activity,
    context: list[str],
) -> str:
    summary = Table(
        title=(
            f"Messaging: publish -> handler latency at {plan.rate_per_s} events/s; "
            f"throughput with {plan.concurrency} sends in flight"
        ),
        headers=["path", "p50 ms", "p99 ms", "max ms", "lost", "events/s", "CPU us/ev", "p50/raw"],
    )
    details = Table(
        title="Messaging: details",
        headers=[
            "path",
            "p90 ms",
            "send p50",
            "send p99",
            "p50 by round (ms)",
            "loop lag p50/p99",
            "tput seen/sent",
            "sending s",
            "all seen s",
            "tput CPU us/ev",
        ],
    )
    raw_p50 = _p50(results[paths[0].label])
    for path in paths:
        result = results[path.label]
        latencies = sorted(result.latencies_ns)
        calls = sorted(result.send_calls_ns)
        p50 = percentile(latencies, 50)
        ratio = p50 / raw_p50 if raw_p50 else math.nan
        summary.rows.append(
            [
                path.label,
                ms(p50),
                ms(percentile(latencies, 99)),
                ms(float(latencies[-1])) if latencies else "-",
                f"{result.lost}/{result.sent}",
                f"{result.events_per_s:,.0f}" if result.throughput_seen else "-",
                _per_event_us(result.latency_cpu_s, result.sent),
                "-" if math.isnan(ratio) else f"{ratio:.2f}",
            ]
        )
        details.rows.append(
            [
                path.label,
                ms(percentile(latencies, 90)),
                ms(percentile(calls, 50)),
                ms(percentile(calls, 99)),
                " ".join(ms(value) for value in result.round_p50s_ns) or "-",
                _lag(result.loop_lag_ns),
                f"{result.throughput_seen}/{result.throughput_sent}",
                f"{result.sending_s:.2f}",
                f"{result.consumed_s:.2f}",
                _per_event_us(result.throughput_cpu_s, result.throughput_seen),
            ]
        )
    summary.notes.extend(_verdict(paths, results, raw_p50))
    summary.notes.append("")
    summary.notes.extend(f"  {path.label}: {path.note}" for path in paths)
    summary.notes.append(
        f"  latency: {plan.rounds} rounds x {plan.per_round} events per path (raw and layer "
        "alternating, the outbox after their throughput runs), "
        f"after {plan.warmup_events} warm-up events; lost = not seen within "
        f"{plan.drain_timeout_s:.0f} s (left out of the percentiles)"
    )
    summary.notes.append(
        "  events/s: throughput run, until the handler saw the last event; CPU us/ev: whole "
        "process during the latency runs"
    )
    summary.notes.extend(_warnings(plan, paths, results, activity))
    details.notes = [
        "  send = the sending call alone: publish until confirmed (outbox: insert_one + notify)",
        f"  loop lag = how late a {LAG_TICK_S * 1e3:.0f} ms sleep woke up during the latency "
        "runs (ms): high means the process, not the path, is the bottleneck",
        "  tput: sending stops after half the throughput timeout "
        f"({plan.throughput_timeout_s:.0f} s); sending s / all seen s from the first send",
        *context,
    ]
    return "\n".join([summary.render(), "", details.render()])


def _lag(samples_ns: list[int]) -> str:
    ordered = sorted(samples_ns)
    return f"{ms(percentile(ordered, 50))}/{ms(percentile(ordered, 99))}" if ordered else "-"


def _per_event_us(cpu_s: float, events: int) -> str:
    return f"{cpu_s / events * 1e6:,.0f}" if events else "-"


def _p50(result: Results) -> float:
    return percentile(sorted(result.latencies_ns), 50) if result.latencies_ns else 0.0


def _verdict(paths: list[BenchPath], results: dict[str, Results], raw_p50: float) -> list[str]:
    layer_p50 = _p50(results[paths[1].label])
    if not raw_p50 or not layer_p50:
        return [f"layer p50 / raw p50: not measured (target <= {TARGET_RATIO})"]
    ratio = layer_p50 / raw_p50
    verdict = "meets" if ratio <= TARGET_RATIO else "does NOT meet"
    lines = [
        f"layer p50 / raw p50 = {ms(layer_p50)} / {ms(raw_p50)} ms = {ratio:.2f}: "
        f"{verdict} the target 'the layer adds no more than half again' (<= {TARGET_RATIO})",
    ]
    rounds = [
        layer / raw
        for raw, layer in zip(
            results[paths[0].label].round_p50s_ns,
            results[paths[1].label].round_p50s_ns,
            strict=False,  # a path that failed has fewer rounds
        )
    ]
    if len(rounds) > 1:
        lines.append(
            "  the same ratio round by round: "
            + " ".join(f"{value:.2f}" for value in rounds)
            + f" (median {statistics.median(rounds):.2f})"
        )
    outbox_p50 = _p50(results[paths[2].label])
    if outbox_p50:
        lines.append(f"outbox p50 / raw p50 = {outbox_p50 / raw_p50:.2f} (no target)")
    return lines


def _warnings(
    plan: Plan, paths: list[BenchPath], results: dict[str, Results], activity: Activity
) -> list[str]:
    lines: list[str] = []
    for path in paths:
        result = results[path.label]
        if result.error:
            lines.append(f"  ERROR in {path.label}: {result.error}")
        if result.throughput_seen < result.throughput_sent:
            lines.append(
                f"  {path.label}: only {result.throughput_seen} of {result.throughput_sent} "
                f"throughput events arrived within {plan.throughput_timeout_s:.0f} s"
            )
        if path.collector.duplicates:
            lines.append(f"  {path.label}: {path.collector.duplicates} duplicate deliveries")
        if activity.disturbed[path.label]:
            lines.append(
                f"  {path.label}: measured while {activity.disturbed[path.label]} late events "
                "of another path were still arriving (results disturbed)"
            )
    return lines
