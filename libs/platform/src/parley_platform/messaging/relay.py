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

from .outbox import OUTBOX_FIELD, PENDING_FIELD, WRITTEN_AT_FIELD, PendingEvent, pending_in
from .publisher import EventPublisher, PublishFailed, UnroutableEvent
from .sent_marks import SentMarks

log = structlog.get_logger(__name__)

SWEEP_BATCH = 5_000
"""Documents a sweep looks at per collection; the next sweep takes the rest."""


class OutboxRelay:
    """Fast path: ``notify`` right after a write. Safety net: a sweep in a task of its own.

    While publishing fails (the broker is away) the fast path stands aside and the sweep, every
    ``interval_s``, publishes each document's events in the order they were written. While all
    is well the sweep only looks for events older than ``stale_after_s`` (a process that died
    between its write and its publish), so the two paths do not race for fresh events.

    ``append_only``: collections whose documents are only ever inserted. Their documents keep
    their events; what was published is recorded beside them (``sent_marks``), so the relay
    never updates them.

    An event no queue is bound to is tried again by each sweep (a consumer may bind later, say
    a service that starts after this one) until ``unroutable_limit_s`` after its write. Then it
    is given up with a warning and forgotten like a published one, so it neither stays pending
    for good nor holds an append-only collection's watermark.
    """

    def __init__(
        self,
        db: AsyncDatabase[dict[str, Any]],
        publisher: EventPublisher,
        collections: Iterable[str],
        interval_s: float = 1.0,
        stale_after_s: float = 5.0,
        concurrency: int = 16,
        remove_every_s: float = 0.5,
        append_only: Iterable[str] = (),
        append_only_sweep_s: float = 30.0,
        unroutable_limit_s: float = 600.0,
    ) -> None:
        self._db = db
        self._publisher = publisher
        self._collections = tuple(collections)
        self._marks = {name: SentMarks(db, name) for name in append_only}
        # While all is well, append-only collections are swept less often: their sweep reads
        # every document written since the last one (a scan of the collection on FerretDB),
        # and only a process that died between its write and its publish leaves work for it.
        self._append_only_every = timedelta(seconds=append_only_sweep_s)
        self._append_only_due = datetime.min.replace(tzinfo=UTC)
        self._interval = interval_s
        self._stale_after = timedelta(seconds=stale_after_s)
        self._unroutable_limit = timedelta(seconds=unroutable_limit_s)
        self._queue: list[PendingEvent] = []
        self._wake = asyncio.Event()
        self._degraded = False
        self._tasks: list[asyncio.Task[None]] = []
        self._stopping = False
        self._sent: list[PendingEvent] = []
        """Published by the fast path, still to be removed from their documents."""
        self._sent_wake = asyncio.Event()
        self._remove_every = remove_every_s
        self._stop_requested = asyncio.Event()
        # SQLite-backed servers serialise writes: a bounded number of documents at a time.
        self._slots = asyncio.Semaphore(concurrency)

    @property
    def healthy(self) -> bool:
        return not self._degraded

    def notify(self, events: Sequence[PendingEvent]) -> None:
        """Hand over events that were just written, to be published without waiting."""
        self._queue.extend(events)
        self._wake.set()

    async def ensure_indexes(self) -> None:
        for name in self._collections:
            field = WRITTEN_AT_FIELD if name in self._marks else PENDING_FIELD
            await self._db[name].create_index(field, sparse=True)

    def start(self) -> None:
        self._tasks = [
            asyncio.create_task(self._fast_path(), name="outbox-fast-path"),
            asyncio.create_task(self._sweeper(), name="outbox-sweeper"),
            asyncio.create_task(self._remover(), name="outbox-remover"),
        ]

    async def stop(self) -> None:
        """Publish what was handed over, then stop; the sweep of the next start gets the rest."""
        self._stopping = True
        self._stop_requested.set()
        self._wake.set()
        if self._tasks:
            fast_path, sweeper, remover = self._tasks
            sweeper.cancel()
            await asyncio.gather(fast_path, sweeper, return_exceptions=True)
            self._sent_wake.set()  # the fast path is done: remove what it sent, then stop
            with contextlib.suppress(asyncio.CancelledError):
                await remover

    async def _fast_path(self) -> None:
        while not (self._stopping and not self._queue):
            await self._wake.wait()
            self._wake.clear()
            batch, self._queue = self._queue, []
            if not batch or self._degraded:
                continue  # while degraded the sweep publishes everything, in order
            try:
                await self._publish(batch, republished=False, remove_later=True)
            except UnroutableEvent as exc:
                log.error("outbox.unroutable", error=str(exc))  # the sweep tries again later
            except PublishFailed as exc:
                log.warning("outbox.publish_failed", error=str(exc))
                self._degraded = True
            except Exception:
                log.exception("outbox.relay_error")
            if self._stopping:
                return

    async def _sweeper(self) -> None:
        while True:
            await asyncio.sleep(self._interval if self._degraded else self._stale_after.seconds)
            try:
                await self.sweep(everything=self._degraded)
            except PublishFailed as exc:
                log.info("outbox.still_failing", error=str(exc))
            except Exception:
                log.exception("outbox.sweep_error")

    async def sweep(self, *, everything: bool = True) -> int:
        """Publish stored events (only those older than the fast path's window unless
        ``everything``); returns how many were published (or given up as unroutable)."""
        now = datetime.now(UTC)
        cutoff = now - self._stale_after
        published = 0
        for name in self._collections:
            if (marks := self._marks.get(name)) is not None:
                if everything or now >= self._append_only_due:
                    until = now if everything else cutoff
                    published += await self._sweep_append_only(marks, until)
                    self._append_only_due = now + self._append_only_every
                continue
            cursor = self._db[name].find({PENDING_FIELD: {"$gt": 0}}).limit(SWEEP_BATCH)
            emptied: list[Any] = []
            async for document in cursor:
                events = pending_in(name, document)
                if not events:
                    emptied.append(document["_id"])
                    continue
                if not everything and events[0].order[0] > cutoff:
                    continue
                try:
                    await self._publish(events, republished=True)
                except UnroutableEvent as exc:
                    # The broker is fine; nobody consumes this type yet. It stays stored
                    # (and is tried again until its limit) without holding up the others.
                    log.error("outbox.unroutable", collection=name, error=str(exc))
                    continue
                published += len(events)
            if emptied:
                # Only where the outbox is still empty: a write that just added an event also
                # raised the counter, and its document does not match.
                await self._db[name].update_many(
                    {"_id": {"$in": emptied}, OUTBOX_FIELD: {}}, {"$set": {PENDING_FIELD: 0}}
                )
        if self._degraded:
            log.info("outbox.recovered", published=published)
            self._degraded = False
        return published

    async def _sweep_append_only(self, marks: SentMarks, until: datetime) -> int:
        published = 0
        swept_until = until
        for events in await marks.unpublished(until):
            try:
                await self._publish(events, republished=True)
            except UnroutableEvent as exc:
                log.error("outbox.unroutable", collection=marks.collection, error=str(exc))
                # Tried again by the next sweep (until its limit): the watermark stays before it.
                swept_until = min(swept_until, events[0].order[0])
                continue
            published += len(events)
        await marks.advance(swept_until)
        return published

    async def _remover(self) -> None:
        """Removes what the fast path sent, one write per collection and round, beside it: the
        next publish does not wait for the last removal (a scan on FerretDB). Rounds are at
        least ``remove_every_s`` apart, so under load one write removes many events, and a
        server that scans for every filter scans a few times a second, not once per message.
        A removal that fails leaves the events stored; the sweep sends them again, marked as
        republished."""
        while True:
            await self._sent_wake.wait()
            self._sent_wake.clear()
            sent, self._sent = self._sent, []
            if sent:
                try:
                    await self._forget(sent)
                except Exception as exc:
                    log.warning("outbox.removal_failed", events=len(sent), error=repr(exc))
            if self._stopping and not self._sent:
                return
            with contextlib.suppress(TimeoutError):  # cut short by stop()
                await asyncio.wait_for(self._stop_requested.wait(), self._remove_every)

    async def _publish(
        self, events: Sequence[PendingEvent], *, republished: bool, remove_later: bool = False
    ) -> None:
        by_document: dict[tuple[str, Any], list[PendingEvent]] = defaultdict(list)
        for event in events:
            by_document[(event.collection, event.document_id)].append(event)
        done: list[PendingEvent] = []
        results = await asyncio.gather(
            *(self._publish_document(group, republished, done) for group in by_document.values()),
            return_exceptions=True,
        )
        if done and remove_later:
            self._sent.extend(done)
            self._sent_wake.set()
        elif done:
            await self._forget(done)
        failures = [result for result in results if isinstance(result, BaseException)]
        # A lost broker outranks an unroutable type: it is what puts the relay in degraded mode.
        failures.sort(key=lambda failure: isinstance(failure, UnroutableEvent))
        if failures:
            raise failures[0]

    async def _publish_document(
        self, events: list[PendingEvent], republished: bool, done: list[PendingEvent]
    ) -> None:
        unrouted: UnroutableEvent | None = None
        async with self._slots:
            for event in events:
                # Publish inside the trace of the write that stored the event.
                token = otel_context.attach(propagate.extract(dict(event.headers)))
                try:
                    await self._publisher.publish_raw(
                        event.body, event.routing_key, event.event_id, republished=republished
                    )
                except UnroutableEvent as exc:
                    # Nobody consumes this type, so no consumer's order depends on it: it stays
                    # stored (tried again by the sweep until its limit) and the document's later
                    # events go on.
                    if not self._gives_up(event):
                        unrouted = unrouted or exc
                        continue
                finally:
                    otel_context.detach(token)
                done.append(event)
        if unrouted is not None:
            raise unrouted

    def _gives_up(self, event: PendingEvent) -> bool:
        """Whether unroutable ``event`` is past its limit: then it counts as sent (said once,
        since a sent event is not tried again)."""
        written_at = event.order[0]
        if datetime.now(UTC) - written_at < self._unroutable_limit:
            return False
        log.warning(
            "outbox.unroutable_given_up",
            collection=event.collection,
            event_id=event.event_id,
            type=event.routing_key,
            written_at=written_at.isoformat(),
        )
        return True

    async def _forget(self, done: list[PendingEvent]) -> None:
        # One write per collection for the whole batch: on servers that scan for every filter
        # (FerretDB), a write per event would cost a scan per event. Unsetting a path a document
        # does not have changes nothing, so every document gets the batch's full list.
        by_collection: dict[str, list[PendingEvent]] = defaultdict(list)
        for event in done:
            by_collection[event.collection].append(event)
        for collection, events in by_collection.items():
            if (marks := self._marks.get(collection)) is not None:
                await marks.mark(events)
                continue
            await self._db[collection].update_many(
                {"_id": {"$in": list({event.document_id for event in events})}},
                {"$unset": {f"{OUTBOX_FIELD}.{event.event_id}": "" for event in events}},
            )
