"""Every routing process hears every event that changes routing's state, in one sequence.

Each process consumes its own queue ``routing.replica.<replica id>``, bound to the contract
events routing reacts to (on ``parley.events``) and to the internal exchange
``parley.routing.sync`` (profile changes made by a query in another process). The queue is
durable with an expiry (``x-expires``): a process restarted under the same replica id (a
StatefulSet pod) finds what was published meanwhile; a replica that never returns leaves no
queue behind.

One worker runs the events, timer jobs and state-changing queries one after the other, so the
in-memory state never sees two changes interleaved; only claims decide between processes.

aio-pika directly: FastStream has no word for a per-process queue bound to many keys.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, TypeVar

import aio_pika
import structlog
from aio_pika.abc import AbstractChannel, AbstractIncomingMessage, AbstractRobustConnection

from parley_contracts.envelope import parse_event
from parley_contracts.names import EVENTS_EXCHANGE

log = structlog.get_logger(__name__)

SYNC_EXCHANGE = "parley.routing.sync"
ACK_EVERY = 64
"""Under load, handled messages are acknowledged together, this many at a time (at once when
nothing else waits)."""
SLICE_S = 0.002
"""How long the sequence runs jobs back to back before the other tasks get a turn."""
T = TypeVar("T")
EventHandler = Callable[[Any], Awaitable[None]]
SyncHandler = Callable[[bytes], Awaitable[None]]


class ReplicaFeed:
    def __init__(
        self,
        rabbitmq_url: str,
        replica_id: str,
        expires_ms: int,
        sent_here: Callable[[str], bool] = lambda _: False,
    ) -> None:
        self._url = rabbitmq_url
        self.queue_name = f"routing.replica.{replica_id}"
        self._handlers: Mapping[str, EventHandler] = {}
        self._on_sync: SyncHandler | None = None
        self._on_connected: Callable[[AbstractChannel], Awaitable[None]] | None = None
        self._expires_ms = expires_ms
        self._sent_here = sent_here
        self._unacked = 0
        self._beside: set[asyncio.Task[None]] = set()
        self._jobs: asyncio.Queue[
            tuple[Callable[[], Awaitable[Any]], asyncio.Future[Any] | None]
        ] = asyncio.Queue()
        self._connection: AbstractRobustConnection | None = None
        self._sync: aio_pika.abc.AbstractExchange | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self.ready = asyncio.Event()

    def start(
        self,
        handlers: Mapping[str, EventHandler],
        on_sync: SyncHandler,
        before_consuming: Callable[[], Awaitable[None]],
        on_connected: Callable[[AbstractChannel], Awaitable[None]] | None = None,
    ) -> None:
        """Connect in the background; ``before_consuming`` runs once the queue exists;
        ``on_connected`` gets a channel of its own on the connection."""
        self._handlers, self._on_sync = handlers, on_sync
        self._on_connected = on_connected
        self._tasks = [
            asyncio.create_task(self._work(), name="routing-worker"),
            asyncio.create_task(self._connect(before_consuming), name="routing-feed"),
        ]

    async def run(self, job: Callable[[], Awaitable[T]]) -> T:
        """Run ``job`` in the sequence and return its result."""
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._jobs.put_nowait((job, future))
        return await future

    def later(self, job: Callable[[], Awaitable[Any]]) -> None:
        """Queue ``job`` without waiting for it (timers)."""
        self._jobs.put_nowait((job, None))

    async def send_sync(self, body: bytes) -> None:
        assert self._sync is not None
        await self._sync.publish(aio_pika.Message(body), routing_key="operator")

    async def _connect(self, before_consuming: Callable[[], Awaitable[None]]) -> None:
        delay = 0.5
        while True:
            try:
                self._connection = await aio_pika.connect_robust(
                    self._url, client_properties={"connection_name": self.queue_name}
                )
                break
            except Exception as exc:
                log.warning("feed.broker_unreachable", error=repr(exc), retry_in_s=delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 5.0)
        if self._on_connected is not None:
            await self._on_connected(await self._connection.channel())
        channel = await self._connection.channel()
        await channel.set_qos(prefetch_count=256)
        events = await channel.declare_exchange(
            EVENTS_EXCHANGE, aio_pika.ExchangeType.TOPIC, durable=True
        )
        self._sync = await channel.declare_exchange(
            SYNC_EXCHANGE, aio_pika.ExchangeType.FANOUT, durable=True
        )
        queue = await channel.declare_queue(
            self.queue_name, durable=True, arguments={"x-expires": self._expires_ms}
        )
        for key in self._handlers:
            await queue.bind(events, routing_key=key)
        await queue.bind(self._sync)

        async def prepare() -> None:
            await before_consuming()

        preparing = asyncio.create_task(prepare())
        while not preparing.done():
            await asyncio.wait([preparing], timeout=self._expires_ms / 3000)
            if not preparing.done():  # a queue nobody consumes expires: declaring renews it
                await channel.declare_queue(
                    self.queue_name, durable=True, arguments={"x-expires": self._expires_ms}
                )
        await preparing
        await queue.consume(self._on_message)
        self.ready.set()
        log.info("feed.connected", queue=self.queue_name, keys=sorted(self._handlers))

    def spawn(self, job: Callable[[], Awaitable[None]]) -> None:
        """Run ``job`` beside the sequence (its failures are logged)."""

        async def run() -> None:
            try:
                await job()
            except Exception:
                log.exception("feed.background_job_failed")

        task = asyncio.create_task(run())
        self._beside.add(task)
        task.add_done_callback(self._beside.discard)

    async def _on_message(self, message: AbstractIncomingMessage) -> None:
        # Our own decisions come back too: applied before they were published, so unread.
        own = message.message_id is not None and self._sent_here(message.message_id)
        self._jobs.put_nowait((lambda: self._handle(message, own=own), None))

    async def _handle(self, message: AbstractIncomingMessage, *, own: bool) -> None:
        if not own:
            try:
                if message.exchange == SYNC_EXCHANGE:
                    assert self._on_sync is not None
                    await self._on_sync(message.body)
                else:
                    event = parse_event(message.body)
                    await self._handlers[event.type](event)
            except Exception:
                log.exception("feed.handler_failed", routing_key=message.routing_key)
        # Messages are handled in delivery order: one acknowledgement covers those before it.
        self._unacked += 1
        if self._unacked >= ACK_EVERY or self._jobs.empty():
            self._unacked = 0
            await message.ack(multiple=True)

    async def _work(self) -> None:
        while True:
            # A job rarely waits for anything, and a queue with jobs in it does not suspend
            # either: without this the sequence would run through its whole backlog before the
            # tasks beside it (storing assignments, publishing them) took their next step.
            await asyncio.sleep(0)
            job, future = await self._jobs.get()
            # Jobs run in slices of the loop's time, not one per turn: under load a turn takes
            # milliseconds, and one job a turn left the sequence behind its arrivals. (Not the
            # loop's clock: uvloop reads it once a turn.)
            until = time.monotonic() + SLICE_S
            while True:
                await self._run(job, future)
                if self._jobs.empty() or time.monotonic() >= until:
                    break
                job, future = self._jobs.get_nowait()

    @staticmethod
    async def _run(job: Callable[[], Awaitable[Any]], future: asyncio.Future[Any] | None) -> None:
        try:
            result = await job()
        except Exception as exc:
            if future is None:
                log.exception("feed.job_failed")
            elif not future.done():  # (a caller that gave up waiting cancelled it)
                future.set_exception(exc)
            return
        if future is not None and not future.done():
            future.set_result(result)

    async def stop(self) -> None:
        if self._beside:  # assignments being stored are finished (and published) first
            await asyncio.wait(set(self._beside), timeout=10)
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self.run(_nothing), timeout=10)
        for task in self._tasks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if self._connection is not None:
            with contextlib.suppress(Exception):
                await self._connection.close()


async def _nothing() -> None:
    return None


class FeedTimers:
    """``Timers`` on the event loop; a due job joins the feed's sequence."""

    def __init__(self, feed: ReplicaFeed) -> None:
        self._feed = feed
        self._handles: dict[str, asyncio.TimerHandle] = {}

    def at(self, key: str, when: datetime, job: Callable[[], Awaitable[None]]) -> None:
        self.cancel(key)
        delay = max(0.0, (when - datetime.now(UTC)).total_seconds())
        loop = asyncio.get_running_loop()

        def fire() -> None:
            self._handles.pop(key, None)
            self._feed.later(job)

        self._handles[key] = loop.call_later(delay, fire)

    def cancel(self, key: str) -> None:
        handle = self._handles.pop(key, None)
        if handle is not None:
            handle.cancel()

    def pending(self) -> Sequence[str]:
        return tuple(self._handles)
