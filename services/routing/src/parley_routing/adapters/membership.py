"""Which routing processes are alive, and which one of them routes each channel.

Every process hears every event and keeps the whole state, but only one of them routes a
channel's requests: the owner by rendezvous hashing of (channel, process) over the processes
alive, so a process that goes away hands over only its own channels. Processes say they are
alive once a second on the fanout exchange ``parley.routing.members``; one silent for
``SILENT_AFTER_S`` is counted gone.

Ownership is an optimisation, not a guarantee: two processes can briefly disagree (one just
started, one just stopped answering), and then both route a channel. The claims and slots
decide between them exactly as before, so nothing is assigned twice or beyond a maximum; a
channel whose owner died waits at most ``SILENT_AFTER_S`` for another process to take it over.
"""

from __future__ import annotations

import asyncio
import contextlib
import zlib
from collections.abc import Callable

import aio_pika
import structlog
from aio_pika.abc import AbstractChannel, AbstractExchange, AbstractIncomingMessage

log = structlog.get_logger(__name__)

MEMBERS_EXCHANGE = "parley.routing.members"
HEARTBEAT_S = 1.0
SILENT_AFTER_S = 3.5


class Membership:
    def __init__(self, replica_id: str) -> None:
        self._me = replica_id
        self._on_change: Callable[[], None] = lambda: None
        self._seen: dict[str, float] = {}
        self._live: tuple[str, ...] = (replica_id,)
        self._owners: dict[str, str] = {}
        self._task: asyncio.Task[None] | None = None

    def when_changed(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` whenever the processes alive change."""
        self._on_change = callback

    def owns(self, channel_id: str) -> bool:
        if len(self._live) == 1:
            return True
        owner = self._owners.get(channel_id)
        if owner is None:
            owner = self._owners[channel_id] = max(
                self._live, key=lambda replica: zlib.crc32(f"{channel_id}/{replica}".encode())
            )
        return owner == self._me

    async def attach(self, channel: AbstractChannel) -> None:
        """Start hearing and telling the other processes (on a connected channel)."""
        exchange = await channel.declare_exchange(
            MEMBERS_EXCHANGE, aio_pika.ExchangeType.FANOUT, durable=True
        )
        queue = await channel.declare_queue(exclusive=True, auto_delete=True)
        await queue.bind(exchange)
        await queue.consume(self._on_heartbeat, no_ack=True)
        self._task = asyncio.create_task(self._beat(exchange), name="routing-members")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _on_heartbeat(self, message: AbstractIncomingMessage) -> None:
        replica = message.body.decode()
        self._seen[replica] = asyncio.get_running_loop().time()
        if replica not in self._live:
            self._update()

    async def _beat(self, exchange: AbstractExchange) -> None:
        body = self._me.encode()
        while True:
            with contextlib.suppress(Exception):  # the broker is away: the robust link returns
                await exchange.publish(aio_pika.Message(body), routing_key="")
            await asyncio.sleep(HEARTBEAT_S)
            self._update()

    def _update(self) -> None:
        now = asyncio.get_running_loop().time()
        alive = {r for r, at in self._seen.items() if now - at < SILENT_AFTER_S} | {self._me}
        live = tuple(sorted(alive))
        if live != self._live:
            log.info("routing.members_changed", members=live)
            self._live, self._owners = live, {}
            self._on_change()
