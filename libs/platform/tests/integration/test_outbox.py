"""The outbox: events written with their state change reach the broker, even across an outage."""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from parley_platform.messaging.consumer import IncomingEvent
from parley_platform.messaging.outbox import document_with_events, pending_in, with_events
from parley_platform.messaging.sent_marks import SentMarks
from parley_platform.runtime import ServiceRuntime
from parley_platform.settings import ServiceSettings

from .conftest import Started, eventually, parse_probe, probe

pytestmark = pytest.mark.integration


def outbox_runtime(
    settings: ServiceSettings, *, append_only: bool = False
) -> tuple[ServiceRuntime, list[int]]:
    runtime = ServiceRuntime(settings)
    runtime.outbox("things", append_only=append_only)
    handled: list[int] = []

    async def handle(event: Any) -> None:
        handled.append(event.data.n)

    runtime.consume(runtime.queue("things", ["test.probe_emitted.v1"]), handle, parse_probe)
    return runtime, handled


async def test_events_written_with_a_change_are_published_and_removed(
    settings: ServiceSettings, started: Started
) -> None:
    runtime, handled = outbox_runtime(settings)
    await started(runtime)
    first = document_with_events({"_id": "thing-1", "state": "new"}, [probe(1)])
    await runtime.db.things.insert_one(first)
    assert runtime.relay is not None
    runtime.relay.notify(pending_in("things", first))
    # The next change waits until the relay has removed event 1: FerretDB v1 applies an update
    # as read-modify-write, so two updates of one document at the same moment can lose one
    # (docs/architecture.md, known limits); on MongoDB they would not.
    await eventually(lambda: handled == [1])
    for _ in range(200):
        if (await runtime.db.things.find_one({"_id": "thing-1"}))["_outbox"] == {}:
            break
        await asyncio.sleep(0.02)
    update = with_events({"$set": {"state": "changed"}}, [probe(2), probe(3)])
    await runtime.db.things.update_one({"_id": "thing-1"}, update)
    stored = await runtime.db.things.find_one({"_id": "thing-1"})
    runtime.relay.notify(pending_in("things", stored))
    await eventually(lambda: handled == [1, 2, 3])
    for _ in range(200):  # removal runs beside the publishing, a moment later
        stored = await runtime.db.things.find_one({"_id": "thing-1"})
        if stored["_outbox"] == {}:
            break
        await asyncio.sleep(0.02)
    assert stored["state"] == "changed" and stored["_outbox"] == {}
    await runtime.relay.sweep()
    assert (await runtime.db.things.find_one({"_id": "thing-1"}))["_outbox_pending"] == 0


async def test_events_left_behind_by_a_dead_process_are_swept_up(
    settings: ServiceSettings, started: Started
) -> None:
    runtime, handled = outbox_runtime(settings)
    await started(runtime)
    # Written but never handed to the relay, as when a process dies right after its write.
    await runtime.db.things.insert_one(document_with_events({"_id": "t"}, [probe(5), probe(6)]))
    await eventually(lambda: handled == [5, 6], timeout_s=15)


async def test_broker_outage_delays_outbox_events_but_loses_none(
    settings: ServiceSettings, started: Started, rabbitmq: Any
) -> None:
    runtime, handled = outbox_runtime(settings)
    await started(runtime)
    assert runtime.relay is not None
    rabbitmq.stop_app()
    try:
        for n in range(10):
            document = document_with_events({"_id": f"d{n}"}, [probe(n)])
            await runtime.db.things.insert_one(document)
            runtime.relay.notify(pending_in("things", document))
        await eventually(lambda: not runtime.relay.healthy)
        assert (await runtime.readiness())["broker"] != "ok"
    finally:
        rabbitmq.start_app()
    await eventually(lambda: sorted(handled) == list(range(10)), timeout_s=60)
    await eventually(lambda: runtime.relay.healthy)
    await runtime.relay.sweep()
    assert await runtime.db.things.count_documents({"_outbox_pending": {"$gt": 0}}) == 0


@dataclass(frozen=True)
class NobodyListens:
    """An outgoing event of a type no queue is bound to."""

    id: str
    type: str
    source: str

    def to_json_bytes(self) -> bytes:
        return b'{"specversion": "1.0"}'


async def test_an_event_nobody_consumes_does_not_hold_up_the_others(
    settings: ServiceSettings, started: Started
) -> None:
    runtime, handled = outbox_runtime(settings)
    await started(runtime)
    assert runtime.relay is not None
    orphan = probe(0).model_copy(update={"type": "test.nobody_listens.v1"})
    stuck = document_with_events({"_id": "orphan"}, [orphan])
    await runtime.db.things.insert_one(stuck)
    runtime.relay.notify(pending_in("things", stuck))
    fine = document_with_events({"_id": "fine"}, [probe(1)])
    await runtime.db.things.insert_one(fine)
    runtime.relay.notify(pending_in("things", fine))
    await eventually(lambda: handled == [1])
    assert runtime.relay.healthy
    assert (await runtime.db.things.find_one({"_id": "orphan"}))["_outbox_pending"] == 1


async def test_an_event_nobody_consumes_does_not_hold_up_the_ones_stored_after_it(
    settings: ServiceSettings, started: Started
) -> None:
    runtime, handled = outbox_runtime(settings)
    await started(runtime)
    unbound = NobodyListens(id=str(uuid.uuid4()), type="test.nobody_listens.v1", source="/t")
    document = document_with_events({"_id": "thing-2"}, [unbound, probe(7)])
    await runtime.db.things.insert_one(document)
    assert runtime.relay is not None
    runtime.relay.notify(pending_in("things", document))
    await eventually(lambda: handled == [7])
    for _ in range(200):
        stored = await runtime.db.things.find_one({"_id": "thing-2"})
        if len(stored["_outbox"]) == 1:
            break
        await asyncio.sleep(0.02)
    [kept] = stored["_outbox"].values()
    assert kept["type"] == "test.nobody_listens.v1"  # kept, to be tried again by the sweep


async def test_an_append_only_collection_is_never_updated_and_publishes_each_event_once(
    settings: ServiceSettings, started: Started
) -> None:
    runtime, handled = outbox_runtime(settings, append_only=True)
    await started(runtime)
    assert runtime.relay is not None
    fast = document_with_events({"_id": "entry-1"}, [probe(1), probe(2)])
    await runtime.db.things.insert_one(fast)
    runtime.relay.notify(pending_in("things", fast))
    # Inserted but never handed to the relay: a process that died right after its write.
    await runtime.db.things.insert_one(document_with_events({"_id": "entry-2"}, [probe(3)]))
    await eventually(lambda: handled[:2] == [1, 2])
    sent_marks = [n for n in await runtime.db.list_collection_names() if "_sent_" in n]
    for _ in range(200):  # the marks are written beside the publishing, a moment later
        if sent_marks and await runtime.db[sent_marks[0]].count_documents({}) == 2:
            break
        await asyncio.sleep(0.02)
        sent_marks = [n for n in await runtime.db.list_collection_names() if "_sent_" in n]
    assert await runtime.db[sent_marks[0]].count_documents({}) == 2

    assert await runtime.relay.sweep() == 1  # only the event nobody published
    await eventually(lambda: sorted(handled) == [1, 2, 3])
    assert await runtime.relay.sweep() == 0  # nothing twice
    for document_id in ("entry-1", "entry-2"):  # the documents still carry their events
        stored = await runtime.db.things.find_one({"_id": document_id})
        assert stored["_outbox_pending"] > 0 and stored["_outbox"]
    assert sorted(handled) == [1, 2, 3]


async def test_an_append_only_sweep_drops_the_marks_it_has_left_behind(
    settings: ServiceSettings, started: Started
) -> None:
    runtime, _ = outbox_runtime(settings, append_only=True)
    await started(runtime)
    assert runtime.relay is not None
    long_ago = datetime.now(UTC) - timedelta(minutes=10)
    old = document_with_events({"_id": "old"}, [probe(1)], long_ago)
    await runtime.db.things.insert_one(old)
    marks = SentMarks(runtime.db, "things")
    await marks.mark(pending_in("things", old))
    [bucket] = [n for n in await runtime.db.list_collection_names() if "_sent_" in n]
    assert await runtime.relay.sweep() == 0  # marked: not published again
    assert bucket not in await runtime.db.list_collection_names()  # behind the watermark


def parse_any(body: bytes) -> IncomingEvent:
    envelope = json.loads(body)
    return IncomingEvent(event=envelope, source=envelope["source"], id=envelope["id"])


@contextmanager
def relay_warnings(name: str) -> Iterator[list[dict[str, Any]]]:
    """The relay's warnings called ``name``, as structlog hands them to the standard library."""
    seen: list[dict[str, Any]] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if isinstance(record.msg, dict) and record.msg.get("event") == name:
                seen.append(record.msg)

    logger = logging.getLogger("parley_platform.messaging.relay")
    handler = Collect(logging.WARNING)
    logger.addHandler(handler)
    try:
        yield seen
    finally:
        logger.removeHandler(handler)


async def test_an_unroutable_event_is_tried_again_so_a_consumer_bound_later_gets_it(
    settings: ServiceSettings, started: Started
) -> None:
    settings = settings.model_copy(update={"outbox_unroutable_limit_s": 60.0})
    runtime, _ = outbox_runtime(settings, append_only=True)
    await started(runtime)
    assert runtime.relay is not None
    late_type = f"test.bound_late_{uuid.uuid4().hex[:8]}.v1"
    event = probe(4).model_copy(update={"type": late_type})
    document = document_with_events({"_id": "early"}, [event])
    await runtime.db.things.insert_one(document)
    assert await runtime.relay.sweep() == 0  # nobody bound yet
    watermark = await SentMarks(runtime.db, "things").watermark()
    assert watermark is not None and watermark <= document["_outbox_at"]

    # A service that starts after the writer, within the limit, binds the type.
    late = ServiceRuntime(settings)
    received: list[int] = []

    async def handle(envelope: dict[str, Any]) -> None:
        received.append(envelope["data"]["n"])

    late.consume(late.queue("late", [late_type]), handle, parse_any)
    await started(late)
    assert await runtime.relay.sweep() == 1
    await eventually(lambda: received == [4])


async def test_an_unroutable_event_past_its_limit_is_given_up_and_frees_the_watermark(
    settings: ServiceSettings, started: Started
) -> None:
    limit_s = 1.0
    settings = settings.model_copy(update={"outbox_unroutable_limit_s": limit_s})
    runtime, handled = outbox_runtime(settings, append_only=True)
    await started(runtime)
    assert runtime.relay is not None
    orphan = probe(0).model_copy(update={"type": "test.nobody_listens.v1"})
    stuck = document_with_events({"_id": "orphan"}, [orphan])
    await runtime.db.things.insert_one(stuck)
    marks = SentMarks(runtime.db, "things")
    with relay_warnings("outbox.unroutable_given_up") as given_up:
        await runtime.relay.sweep()
        watermark = await marks.watermark()
        assert watermark is not None and watermark <= stuck["_outbox_at"]  # held: tried again
        assert given_up == []

        await asyncio.sleep(limit_s + 0.2)
        await runtime.db.things.insert_one(document_with_events({"_id": "later"}, [probe(1)]))
        await runtime.relay.sweep()
        await eventually(lambda: handled == [1])
        watermark = await marks.watermark()
        assert watermark is not None and watermark > stuck["_outbox_at"]
        assert await marks.unpublished(datetime.now(UTC)) == []

        assert await runtime.relay.sweep() == 0
    assert [(w["event_id"], w["type"]) for w in given_up] == [(orphan.id, orphan.type)]


async def test_an_unroutable_event_past_its_limit_leaves_its_document(
    settings: ServiceSettings, started: Started
) -> None:
    limit_s = 1.0
    settings = settings.model_copy(update={"outbox_unroutable_limit_s": limit_s})
    runtime, _ = outbox_runtime(settings)
    await started(runtime)
    assert runtime.relay is not None
    orphan = probe(0).model_copy(update={"type": "test.nobody_listens.v1"})
    await runtime.db.things.insert_one(document_with_events({"_id": "orphan"}, [orphan]))

    async def stored() -> dict[str, Any]:
        document = await runtime.db.things.find_one({"_id": "orphan"})
        assert document is not None
        return document

    await runtime.relay.sweep()
    assert (await stored())["_outbox"] != {}  # kept, to be tried again

    await asyncio.sleep(limit_s + 0.2)
    await runtime.relay.sweep()
    assert (await stored())["_outbox"] == {}
    await runtime.relay.sweep()
    assert (await stored())["_outbox_pending"] == 0
