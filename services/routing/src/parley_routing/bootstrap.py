"""Wiring of the routing service: settings, adapters, use cases, entry points.

Nothing connects here: ``create_app`` builds objects; the runtime's lifespan connects them.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial

from litestar import Litestar
from litestar.datastructures import State

from parley_platform.runtime import ServiceRuntime

from .adapters.mongo_claims import MongoClaims, MongoSlots
from .adapters.mongo_state import MongoDecisionLog, MongoStateMirror, WriteBehind, operator_document
from .adapters.publisher import ContractPublisher
from .adapters.replica_feed import FeedTimers, ReplicaFeed
from .adapters.system_clock import SystemClock
from .application.deps import RoutingDeps
from .application.queue_positions import announce_positions
from .application.resume import resume
from .application.state import GONE_MEMORY, RoutingState
from .domain.operator import Operator
from .domain.presence import Presence, PresenceSettings
from .entrypoints import responders
from .entrypoints.subscribers import handlers, sync_handler
from .settings import RoutingSettings


@dataclass(frozen=True)
class Routing:
    """The wired parts tests reach for (``app.state.routing``)."""

    runtime: ServiceRuntime
    deps: RoutingDeps
    feed: ReplicaFeed


class FeedBroadcast:
    def __init__(self, feed: ReplicaFeed, deps_state: RoutingState) -> None:
        self._feed = feed
        self._state = deps_state

    async def operator_changed(self, operator: Operator) -> None:
        presence = self._state.presence.get(operator.agent_id, Presence())
        body = json.dumps(operator_document(operator, presence), default=_iso).encode()
        await self._feed.send_sync(body)


def _iso(value: object) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(type(value).__name__)


def create_app(settings: RoutingSettings | None = None) -> Litestar:
    settings = settings or RoutingSettings()
    runtime = ServiceRuntime(settings)
    replica_id = settings.replica_id or uuid.uuid4().hex[:12]
    writes = WriteBehind(runtime.db, settings.mirror_interval_s)
    slots = MongoSlots(runtime.db)
    claims = MongoClaims(runtime.db, replica_id)
    decisions = MongoDecisionLog(writes, runtime.db)
    state = RoutingState()
    feed = ReplicaFeed(settings.rabbitmq_url, replica_id, settings.replica_queue_expiry_s * 1000)
    publisher = ContractPublisher(runtime.publisher, runtime.source)
    deps = RoutingDeps(
        state=state,
        claims=claims,
        slots=slots,
        publisher=publisher,
        mirror=MongoStateMirror(writes, runtime.db, slots),
        decisions=decisions,
        timers=FeedTimers(feed),
        clock=SystemClock(),
        broadcast=FeedBroadcast(feed, state),
        presence_settings=PresenceSettings(
            idle_after=timedelta(seconds=settings.idle_after_s),
            disconnect_after=timedelta(seconds=settings.disconnect_after_s),
            reconnect_grace=timedelta(seconds=settings.reconnect_grace_s),
        ),
    )
    responders.register(runtime.broker, deps, feed.run)
    for hook in (slots.ensure_indexes, decisions.ensure_indexes):
        runtime.on_startup(hook)
    background: list[asyncio.Task[None]] = []

    async def start() -> None:
        async def load_then_resume() -> None:
            await deps.mirror.load(state)
            await feed.run(lambda: resume(deps))

        writes.start()
        feed.start(handlers(deps), sync_handler(deps), load_then_resume)
        background.append(asyncio.create_task(_announcer(deps, feed, settings), name="positions"))
        background.append(
            asyncio.create_task(_housekeeping(deps, claims, settings), name="housekeeping")
        )

    async def stop() -> None:
        for task in background:
            task.cancel()
        await feed.stop()
        await publisher.drain()
        await writes.stop()

    app: Litestar = runtime.asgi_app(
        on_startup=[start],
        on_shutdown=[stop],
        state=State({"routing": Routing(runtime, deps, feed)}),
    )
    return app


async def _announcer(deps: RoutingDeps, feed: ReplicaFeed, settings: RoutingSettings) -> None:
    interval = settings.queue_announce_interval_s
    while True:
        await asyncio.sleep(interval)
        if deps.state.moved_channels:
            bucket = int(time.time() / interval)
            with contextlib.suppress(Exception):
                await feed.run(partial(announce_positions, deps, bucket))


async def _housekeeping(deps: RoutingDeps, claims: MongoClaims, settings: RoutingSettings) -> None:
    while True:
        await asyncio.sleep(300)
        deps.state.forget_gone(datetime.now(UTC) - GONE_MEMORY)
        with contextlib.suppress(Exception):
            await claims.prune(timedelta(seconds=settings.claim_retention_s))
