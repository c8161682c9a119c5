"""The live fan-out: every gateway replica learns at once what it must push to its sockets.

Topic exchange ``parley.gateway.live`` (durable). Routing keys:

- ``conversation.<conversation_id>``: stored log entries, and ephemeral frames (typing, queue
  position) of that conversation;
- ``agent.<agent_id>``: frames for one agent's sockets (offers, assignments, snapshot changes);
- ``channel.<channel_id>``: frames for the agents who work a channel (waiting-list changes);
- ``visitor.<visitor_id>``: frames for one visitor's sockets (an agent's chat request, V7);
- ``agents.presence``: presence frames for every agent socket (and each replica's directory of
  online operators).

Every replica consumes one exclusive, auto-delete, non-durable queue bound to ``conversation.#``,
``agent.#``, ``channel.#``, ``visitor.#`` and ``agents.#`` (``#``, not ``*``: ids may contain
dots).
Messages are transient and not confirmed: the conversation log is the truth, and a socket that
misses a frame fills the gap from the log. The writing replica hands its own frames to its
sockets directly and skips them when they come back from the broker.

Batches: every replica receives every key, so what one replica produces within one turn of its
event loop goes out as one AMQP message, routing key ``batch``, body ``{"items": [...]}`` in the
order produced (each item ``{"entry": ...}`` or ``{"topic": ..., "frame": ...}``). Under load
the writes that one grouped insert completes wake up together, and an AMQP message costs about
half a millisecond of CPU to send and as much to receive; alone, an item goes out at once in a
batch of one. A single item under its own key (``{"entry": ...}`` / ``{"frame": ...}``) is still
understood, from replicas of the previous version during an upgrade.

aio-pika directly, not FastStream: FastStream has no word for a per-replica exclusive queue.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, Protocol

import aio_pika
import structlog
from aio_pika.abc import AbstractExchange, AbstractIncomingMessage, AbstractRobustConnection
from pydantic_core import from_json, to_json

from ..domain.conversation_log import LogEntry, Visibility
from ..domain.identity import Actor, Role

log = structlog.get_logger(__name__)

LIVE_EXCHANGE = "parley.gateway.live"
BATCH_KEY = "batch"
BINDINGS = ("conversation.#", "agent.#", "channel.#", "visitor.#", "agents.#", BATCH_KEY)
MAX_BATCH = 200
"""Items per AMQP message at most (a burst goes out as several)."""


class LiveSink(Protocol):
    """What a replica does with live traffic: its connection registry."""

    async def on_entry(self, entry: LogEntry) -> None: ...

    async def on_signal(self, topic: str, frame: Mapping[str, Any]) -> None: ...


class RabbitLiveFanout:
    """Implements the ``LiveFanout`` port for one replica."""

    def __init__(
        self,
        rabbitmq_url: str,
        replica_id: str,
        sink: LiveSink,
        remote_entries: Callable[[LogEntry], None] | None = None,
    ) -> None:
        """``remote_entries``: told of every entry another replica stored (before the sink)."""
        self._url = rabbitmq_url
        self.replica_id = replica_id
        self._sink = sink
        self._remote_entries = remote_entries
        self._connection: AbstractRobustConnection | None = None
        self._exchange: AbstractExchange | None = None
        self._received: asyncio.Queue[AbstractIncomingMessage] = asyncio.Queue()
        self._worker: asyncio.Task[None] | None = None
        self._ready = asyncio.Event()
        self._starter: asyncio.Task[None] | None = None
        self._batch: list[Mapping[str, Any]] = []
        self._sending: set[asyncio.Task[None]] = set()

    @property
    def queue_name(self) -> str:
        return f"gateway.live.{self.replica_id}"

    async def entry(self, entry: LogEntry) -> None:
        self._queue_item({"entry": _entry_dict(entry)})
        await self._sink.on_entry(entry)

    async def signal(self, topic: str, frame: Mapping[str, Any]) -> None:
        self._queue_item({"topic": topic, "frame": frame})
        await self._sink.on_signal(topic, frame)

    def _queue_item(self, item: Mapping[str, Any]) -> None:
        if self._exchange is None:
            return  # not connected yet: the sockets of other replicas catch up from the log
        self._batch.append(item)
        if len(self._batch) == 1:
            # Sent once this turn of the event loop is over: whatever else this turn produces
            # goes in the same message.
            asyncio.get_running_loop().call_soon(self._send_batch)

    def _send_batch(self) -> None:
        items, self._batch = self._batch, []
        for start in range(0, len(items), MAX_BATCH):
            task = asyncio.create_task(self._publish(items[start : start + MAX_BATCH]))
            self._sending.add(task)
            task.add_done_callback(self._sending.discard)

    async def _publish(self, items: list[Mapping[str, Any]]) -> None:
        exchange = self._exchange
        if exchange is None:
            return
        message = aio_pika.Message(
            to_json({"items": items}),
            app_id=self.replica_id,
            delivery_mode=aio_pika.DeliveryMode.NOT_PERSISTENT,
        )
        try:
            await exchange.publish(message, routing_key=BATCH_KEY)
        except Exception as exc:  # the log has it; remote sockets fill the gap on their next frame
            log.warning("live.publish_failed", items=len(items), error=repr(exc))

    def start(self) -> None:
        """Connect in the background (the service starts before its broker is up)."""
        self._worker = asyncio.create_task(self._deliver_forever(), name="live-fanout")
        self._starter = asyncio.create_task(self._connect(), name="live-fanout-connect")

    async def wait_until_ready(self, timeout_s: float = 30.0) -> None:
        await asyncio.wait_for(self._ready.wait(), timeout_s)

    async def _connect(self) -> None:
        delay = 0.5
        while True:
            try:
                self._connection = await aio_pika.connect_robust(
                    self._url, client_properties={"connection_name": self.queue_name}
                )
                break
            except Exception as exc:
                log.warning("live.broker_unreachable", error=repr(exc), retry_in_s=delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 5.0)
        channel = await self._connection.channel(publisher_confirms=False)
        await channel.set_qos(prefetch_count=1_000)
        exchange = await channel.declare_exchange(
            LIVE_EXCHANGE, aio_pika.ExchangeType.TOPIC, durable=True
        )
        queue = await channel.declare_queue(
            self.queue_name, durable=False, exclusive=True, auto_delete=True
        )
        for key in BINDINGS:
            await queue.bind(exchange, routing_key=key)
        await queue.consume(self._on_message, no_ack=True)
        self._exchange = exchange
        self._ready.set()
        log.info("live.connected", queue=self.queue_name)

    async def _on_message(self, message: AbstractIncomingMessage) -> None:
        # aiormq runs each delivery in its own task; a queue and one worker keep their order.
        if message.app_id != self.replica_id:
            self._received.put_nowait(message)

    async def _deliver_forever(self) -> None:
        while True:
            message = await self._received.get()
            try:
                body = from_json(message.body)
            except ValueError:
                log.exception("live.unreadable", routing_key=message.routing_key)
                continue
            items = body["items"] if "items" in body else [{"topic": message.routing_key, **body}]
            for item in items:
                try:
                    await self._deliver(item)
                except Exception:
                    log.exception("live.delivery_failed", routing_key=message.routing_key)

    async def _deliver(self, item: Mapping[str, Any]) -> None:
        if "entry" in item:
            entry = _entry_of(item["entry"])
            if self._remote_entries is not None:
                self._remote_entries(entry)
            await self._sink.on_entry(entry)
        else:
            await self._sink.on_signal(item["topic"], item["frame"])

    async def stop(self) -> None:
        if self._batch:
            self._send_batch()
        if self._sending:
            await asyncio.wait(set(self._sending), timeout=2.0)
        for task in (self._starter, self._worker):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        self._exchange = None
        if self._connection is not None:
            with contextlib.suppress(Exception):
                await self._connection.close()


def _entry_dict(entry: LogEntry) -> dict[str, Any]:
    actor = entry.actor
    return {
        "conversation_id": entry.conversation_id,
        "seq": entry.seq,
        "kind": entry.kind,
        "at": entry.at.isoformat(),
        "actor": [actor.id, str(actor.role), actor.display_name],
        "visibility": str(entry.visibility),
        "client_message_id": entry.client_message_id,
        "payload": entry.payload,
    }


def _entry_of(data: Mapping[str, Any]) -> LogEntry:
    actor_id, role, display_name = data["actor"]
    return LogEntry(
        conversation_id=data["conversation_id"],
        seq=data["seq"],
        kind=data["kind"],
        at=datetime.fromisoformat(data["at"]),
        actor=Actor(actor_id, Role(role), display_name),
        visibility=Visibility(data["visibility"]),
        client_message_id=data.get("client_message_id"),
        payload=dict(data.get("payload") or {}),
    )
