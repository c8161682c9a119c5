"""Wiring of the routing service: settings, adapters, use cases, entry points.

Nothing connects here: ``create_app`` builds objects; the runtime's lifespan connects them.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import json
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

from bson.codec_options import CodecOptions
from litestar import Litestar
from litestar.datastructures import State
from pymongo.asynchronous.database import AsyncDatabase

from parley_platform.runtime import ServiceRuntime

from .adapters.membership import Membership
from .adapters.mongo_claims import MongoClaims
from .adapters.mongo_journal import MirrorJournal
from .adapters.mongo_slots import MongoSlots
from .adapters.mongo_state import MongoDecisionLog, MongoStateMirror, operator_document
from .adapters.publisher import ContractPublisher
from .adapters.replica_feed import FeedTimers, ReplicaFeed
from .adapters.system_clock import SystemClock
from .application.deps import RoutingDeps
from .application.queue_positions import announce_positions
from .application.resume import resume
from .application.route_waiting import route_all_waiting
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
    # Times read back in datetime.UTC, not BSON's own UTC class: comparing and subtracting
    # datetimes whose tzinfo is written in Python is what a decision does most.
    db: AsyncDatabase[dict[str, Any]] = runtime.db.with_options(
        codec_options=CodecOptions(tz_aware=True, tzinfo=UTC)
    )
    journal = MirrorJournal(db, replica_id, settings.mirror_interval_s)
    slots = MongoSlots(db, replica_id)
    claims = MongoClaims(db, replica_id)
    decisions = MongoDecisionLog(journal, db)
    state = RoutingState()
    publisher = ContractPublisher(runtime.publisher, runtime.source)
    members = Membership(replica_id)
    feed = ReplicaFeed(
        settings.rabbitmq_url,
        replica_id,
        settings.replica_queue_expiry_s * 1000,
        sent_here=publisher.sent_here,
    )
    deps = RoutingDeps(
        state=state,
        claims=claims,
        slots=slots,
        publisher=publisher,
        mirror=MongoStateMirror(journal, slots),
        decisions=decisions,
        timers=FeedTimers(feed),
        worker=feed,
        shards=members,
        clock=SystemClock(),
        broadcast=FeedBroadcast(feed, state),
        presence_settings=PresenceSettings(
            idle_after=timedelta(seconds=settings.idle_after_s),
            disconnect_after=timedelta(seconds=settings.disconnect_after_s),
            reconnect_grace=timedelta(seconds=settings.reconnect_grace_s),
        ),
    )
    members.when_changed(lambda: feed.later(lambda: route_all_waiting(deps)))
    responders.register(runtime.broker, deps, feed.run)
    loaded = asyncio.Event()

    async def load_state() -> None:
        # A startup hook: the service is ready once its state is back, not before.
        if not loaded.is_set():
            await deps.mirror.load(state)
            journal.start()
            gc.freeze()  # what was loaded lives as long as the process: no need to walk it
            loaded.set()

    runtime.on_startup(decisions.ensure_indexes)
    runtime.on_startup(load_state)
    background: list[asyncio.Task[None]] = []

    async def start() -> None:
        async def resume_when_loaded() -> None:
            await loaded.wait()
            await feed.run(lambda: resume(deps))

        feed.start(handlers(deps), sync_handler(deps), resume_when_loaded, members.attach)
        background.append(asyncio.create_task(_announcer(deps, feed, settings), name="positions"))
        background.append(
            asyncio.create_task(_housekeeping(deps, claims, settings), name="housekeeping")
        )

    async def stop() -> None:
        for task in background:
            task.cancel()
        await members.stop()
        await feed.stop()
        await publisher.drain()
        await slots.drain()
        await journal.stop()

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
            moment = datetime.fromtimestamp(bucket * interval, UTC)
            with contextlib.suppress(Exception):
                await feed.run(partial(announce_positions, deps, bucket, moment))


async def _housekeeping(deps: RoutingDeps, claims: MongoClaims, settings: RoutingSettings) -> None:
    while True:
        await asyncio.sleep(300)
        deps.state.forget_gone(datetime.now(UTC) - GONE_MEMORY)
        with contextlib.suppress(Exception):
            await claims.prune(timedelta(seconds=settings.claim_retention_s))
