"""The outbox relay: publishes stored events and removes them once the broker confirmed."""

from __future__ import annotations

import asyncio
import contextlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import structlog
from opentelemetry import context as otel_context
from opentelemetry import propagate
from pymongo.asynchronous.database import AsyncDatabase

from .outbox import OUTBOX_FIELD, PENDING_FIELD, PendingEvent, pending_in
from .publisher import EventPublisher, PublishFailed

log = structlog.get_logger(__name__)


class OutboxRelay:
    """Fast path: ``notify`` right after a write. Safety net: a sweep every ``interval_s``.

    While the fast path is failing (the broker is away) every event waits for the sweep, which
    publishes each document's events in the order they were written.
    """

    def __init__(
        self,
        db: AsyncDatabase[dict[str, Any]],
        publisher: EventPublisher,
        collections: Iterable[str],
        interval_s: float = 1.0,
        stale_after_s: float = 5.0,
    ) -> None:
        self._db = db
        self._publisher = publisher
        self._collections = tuple(collections)
        self._interval = interval_s
        self._stale_after = timedelta(seconds=stale_after_s)
        self._queue: list[PendingEvent] = []
        self._wake = asyncio.Event()
        self._degraded = False
        self._task: asyncio.Task[None] | None = None
        self._stopping = False

    @property
    def healthy(self) -> bool:
        return not self._degraded

    def notify(self, events: Sequence[PendingEvent]) -> None:
        """Hand over events that were just written, to be published without waiting."""
        self._queue.extend(events)
        self._wake.set()

    async def ensure_indexes(self) -> None:
        for name in self._collections:
            await self._db[name].create_index(PENDING_FIELD, sparse=True)

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="outbox-relay")

    async def stop(self) -> None:
        """Publish what was handed over, then stop; the sweep of the next start gets the rest."""
        self._stopping = True
        self._wake.set()
        if self._task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _run(self) -> None:
        next_sweep = 0.0
        loop = asyncio.get_running_loop()
        while True:
            timeout = max(0.0, next_sweep - loop.time())
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout)
            self._wake.clear()
            try:
                if self._queue and not self._degraded:
                    batch, self._queue = self._queue, []
                    await self._publish(batch, republished=False)
                if self._stopping:
                    return
                if loop.time() >= next_sweep or self._degraded:
                    self._queue.clear()  # the sweep reads the same events from the database
                    await self.sweep(everything=self._degraded)
                    next_sweep = loop.time() + self._interval
            except PublishFailed as exc:
                if not self._degraded:
                    log.warning("outbox.publish_failed", error=str(exc))
                self._degraded = True
                if self._stopping:
                    return
                await asyncio.sleep(self._interval)
            except Exception:
                log.exception("outbox.relay_error")
                if self._stopping:
                    return
                await asyncio.sleep(self._interval)

    async def sweep(self, *, everything: bool = True) -> int:
        """Publish stored events (only those older than the fast path's window unless
        ``everything``); returns how many were published."""
        cutoff = datetime.now(UTC) - self._stale_after
        published = 0
        for name in self._collections:
            collection = self._db[name]
            async for document in collection.find({PENDING_FIELD: True}).limit(1_000):
                events = pending_in(name, document)
                if not events:
                    await collection.update_one(
                        {"_id": document["_id"], OUTBOX_FIELD: {}},
                        {"$unset": {OUTBOX_FIELD: "", PENDING_FIELD: ""}},
                    )
                    continue
                if not everything and events[0].order[0] > cutoff:
                    continue
                await self._publish(events, republished=True)
                published += len(events)
        if self._degraded:
            log.info("outbox.recovered", published=published)
        self._degraded = False
        return published

    async def _publish(self, events: Sequence[PendingEvent], *, republished: bool) -> None:
        by_document: dict[tuple[str, Any], list[PendingEvent]] = defaultdict(list)
        for event in events:
            by_document[(event.collection, event.document_id)].append(event)
        await asyncio.gather(
            *(self._publish_document(group, republished) for group in by_document.values())
        )

    async def _publish_document(self, events: list[PendingEvent], republished: bool) -> None:
        done: list[PendingEvent] = []
        try:
            for event in events:
                # Publish inside the trace of the write that stored the event.
                token = otel_context.attach(propagate.extract(dict(event.headers)))
                try:
                    await self._publisher.publish_raw(
                        event.body, event.routing_key, event.event_id, republished=republished
                    )
                finally:
                    otel_context.detach(token)
                done.append(event)
        finally:
            if done:
                first = done[0]
                await self._db[first.collection].update_one(
                    {"_id": first.document_id},
                    {"$unset": {f"{OUTBOX_FIELD}.{event.event_id}": "" for event in done}},
                )
