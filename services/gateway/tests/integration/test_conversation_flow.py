"""The conversation core through a real ``ServiceRuntime``: outbox events on the broker with their
sequence, routing's events handled end to end, and two replicas racing to accept."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from parley_contracts.envelope import CloudEvent
from parley_contracts.routing import (
    AssignmentMode,
    ConversationAssignedV1,
    NoOperatorFoundV1,
    NoOperatorReason,
    QueuePositionChangedV1,
    RoutingDecision,
)
from parley_gateway.adapters.mongo_conversation_log import COLLECTION, MongoConversationLog
from parley_gateway.adapters.mongo_conversation_snapshots import MongoConversationSnapshots
from parley_gateway.application.conversation_ports import ConversationDeps
from parley_gateway.application.conversation_use_cases import ConversationUseCases, TimeOrderedIds
from parley_gateway.domain.conversation import Lifecycle
from parley_gateway.domain.errors import AlreadyTaken
from parley_gateway.entrypoints.subscribers import subscribe
from parley_platform.messaging.codec import parse_cloudevent
from parley_platform.runtime import ServiceRuntime
from parley_platform.settings import ServiceSettings
from parley_platform.storage.mongo import create_mongo_client

from ..unit.fakes import (
    ADA,
    BOB,
    OTTO,
    SALES,
    SUPPORT,
    VERA,
    InMemoryAccounts,
    InMemoryChannels,
    RecordingFanout,
)

pytestmark = pytest.mark.integration


class UtcClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class Replica:
    """One gateway process: its runtime, its stores, its use cases, the events it saw."""

    def __init__(self, settings: ServiceSettings) -> None:
        self.runtime = ServiceRuntime(settings)
        relay = self.runtime.outbox(COLLECTION, append_only=True)
        self.log = MongoConversationLog(self.runtime.db, relay)
        self.snapshots = MongoConversationSnapshots(self.runtime.db)
        self.runtime.on_startup(self.log.ensure_indexes)
        self.runtime.on_startup(self.snapshots.ensure_indexes)
        self.fanout = RecordingFanout()
        deps = ConversationDeps(
            log=self.log,
            snapshots=self.snapshots,
            fanout=self.fanout,
            channels=InMemoryChannels(SUPPORT, SALES),
            accounts=InMemoryAccounts(ADA, BOB),
            clock=UtcClock(),
            ids=TimeOrderedIds(),
            source=self.runtime.source,
        )
        self.cases = ConversationUseCases.build(deps)
        self.seen: list[Any] = []


@pytest.fixture
async def replicas(rabbitmq_url: str, mongodb_url: str) -> AsyncIterator[list[Replica]]:
    """Two replicas on one database and broker; the first also listens to every event."""
    settings = ServiceSettings(
        service_name=f"gw{uuid.uuid4().hex[:8]}",
        rabbitmq_url=rabbitmq_url,
        mongodb_url=mongodb_url,
        log_format="console",
        outbox_sweep_interval_s=0.2,
    )
    pair = [Replica(settings), Replica(settings)]

    async def keep(event: Any) -> None:
        pair[0].seen.append(event)

    # Publishes are mandatory: this queue makes every event routable, like the reports journal.
    pair[0].runtime.consume(
        pair[0].runtime.queue("probe", ["conversation.#", "notifications.#"]),
        keep,
        parse_cloudevent,
    )
    for replica in pair:
        subscribe(replica.runtime, replica.cases)
        await replica.runtime.start()
        await replica.runtime.wait_until_connected()
    await pair[0].log.ensure_indexes()  # the startup hook may still be on its way
    await pair[0].snapshots.ensure_indexes()
    yield pair
    for replica in pair:
        await replica.runtime.stop()
    client = create_mongo_client(mongodb_url, "gw-cleanup")
    await client.drop_database(settings.database)
    await client.close()


async def eventually(predicate: Callable[[], bool], timeout_s: float = 15.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout_s
    while not predicate():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.05)


def of_type(replica: Replica, type_: str, conversation_id: str) -> list[Any]:
    return [
        e.data
        for e in replica.seen
        if e.type == type_ and e.data.conversation_id == conversation_id
    ]


async def test_outbox_events_reach_the_broker_with_their_sequence(replicas: list[Replica]) -> None:
    a, b = replicas
    started = await a.cases.start_conversation(VERA, text="Hello", client_message_id="c1")
    conversation_id = started.conversation.id
    await b.cases.post_message(VERA, conversation_id, text="anyone?", client_message_id="c2")
    await b.cases.post_message(VERA, conversation_id, text="anyone?", client_message_id="c2")
    await eventually(
        lambda: len(of_type(a, "conversation.message_posted.v1", conversation_id)) == 2
    )
    sequences = {
        t: [e.sequence for e in of_type(a, t, conversation_id)]
        for t in ("conversation.started.v1", "conversation.requested.v1")
    }
    assert sequences == {"conversation.started.v1": [1], "conversation.requested.v1": [1]}
    posted = of_type(a, "conversation.message_posted.v1", conversation_id)
    assert sorted((m.sequence, m.text) for m in posted) == [(3, "Hello"), (4, "anyone?")]
    assert await a.runtime.db[COLLECTION].count_documents({"conversation_id": conversation_id}) == 4


async def test_routing_events_are_handled_end_to_end(replicas: list[Replica]) -> None:
    a, b = replicas
    started = await a.cases.start_conversation(VERA)
    conversation_id = started.conversation.id

    async def routing_says(data: Any) -> None:
        await a.runtime.publisher.publish(CloudEvent.wrap(data, source="/parley/routing"))

    await routing_says(
        QueuePositionChangedV1(
            conversation_id=conversation_id,
            channel_id="ch_support",
            position=1,
            estimated_wait_seconds=30,
        )
    )
    await eventually(
        lambda: any(
            f for r in replicas for f in r.fanout.frames_for(f"conversation.{conversation_id}")
        )
    )
    await routing_says(
        ConversationAssignedV1(
            conversation_id=conversation_id,
            channel_id="ch_support",
            agent_id="agt_bob",
            agent_display_name="Bob",
            mode=AssignmentMode.PUSH,
            waited_seconds=2,
            decision=RoutingDecision(rule="least_loaded", explanation="Bob was free"),
        )
    )
    await eventually(
        lambda: bool(of_type(a, "conversation.participant_joined.v1", conversation_id)[1:])
    )
    snapshot = await b.snapshots.get(conversation_id)
    assert snapshot is not None and snapshot.lifecycle is Lifecycle.ACTIVE
    joined = of_type(a, "conversation.participant_joined.v1", conversation_id)[-1]
    assert (joined.sequence, joined.participant.id, joined.reason) == (3, "agt_bob", "assigned")

    other = (await a.cases.start_conversation(OTTO)).conversation
    await routing_says(
        NoOperatorFoundV1(
            conversation_id=other.id,
            channel_id="ch_support",
            reason=NoOperatorReason.NONE_AVAILABLE,
            waited_seconds=0,
        )
    )
    await eventually(lambda: bool(of_type(a, "conversation.ended.v1", other.id)))
    [ended] = of_type(a, "conversation.ended.v1", other.id)
    assert (ended.outcome, ended.ended_by, ended.sequence) == ("no_one_available", "system", 3)


async def test_two_replicas_racing_to_accept_let_exactly_one_agent_in(
    replicas: list[Replica],
) -> None:
    a, b = replicas
    started = await a.cases.start_conversation(VERA)
    conversation_id = started.conversation.id
    results = await asyncio.gather(
        a.cases.accept_offered_conversation(ADA, conversation_id),
        b.cases.accept_offered_conversation(BOB, conversation_id),
        return_exceptions=True,
    )
    winners = [r for r in results if not isinstance(r, BaseException)]
    assert len(winners) == 1 and isinstance(
        next(r for r in results if isinstance(r, BaseException)), AlreadyTaken
    )
    entries = await a.log.read(conversation_id, 0)
    assert [e.kind for e in entries] == ["started", "joined", "joined"]
