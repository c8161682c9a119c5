"""Agent-initiated chats, and routing's events handled as use cases."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from parley_contracts.envelope import CloudEvent
from parley_contracts.routing import (
    AssignmentExpiredV1,
    AssignmentMode,
    ConversationAssignedV1,
    NoOperatorFoundV1,
    NoOperatorReason,
    QueuePositionChangedV1,
    RoutingDecision,
)
from parley_gateway.application.conversation_use_cases import ConversationUseCases
from parley_gateway.domain.conversation import AGENT_CHATS_CHANNEL, Lifecycle
from parley_gateway.domain.errors import NotFound, NotWaitingForAReply

from .fakes import ADA, BOB, CARL, OTTO, VERA, World, world

pytestmark = pytest.mark.unit


@pytest.fixture
def w() -> World:
    return world()


@pytest.fixture
def cases(w: World) -> ConversationUseCases:
    return ConversationUseCases.build(w.deps)


def routed(data: object) -> CloudEvent:  # type: ignore[type-arg]
    return CloudEvent.wrap(data, source="/parley/routing")  # type: ignore[type-var]


def assigned(conversation_id: str, agent_id: str = "agt_bob", name: str = "Bob") -> CloudEvent:  # type: ignore[type-arg]
    return routed(
        ConversationAssignedV1(
            conversation_id=conversation_id,
            channel_id="ch_support",
            agent_id=agent_id,
            agent_display_name=name,
            mode=AssignmentMode.PUSH,
            waited_seconds=3,
            answer_by=datetime(2026, 3, 1, 9, 5, tzinfo=UTC),
            decision=RoutingDecision(rule="least_loaded", explanation="Bob had the fewest chats"),
        )
    )


async def test_an_agent_to_agent_chat_waits_for_the_addressee(
    w: World, cases: ConversationUseCases
) -> None:
    requested = await cases.start_agent_chat(ADA, "agt_bob", "Got a minute?", "r1")
    chat = requested.conversation
    assert chat.channel_id == AGENT_CHATS_CHANNEL and chat.lifecycle is Lifecycle.REQUESTED
    [started] = w.log.of_type("conversation.started.v1")
    assert started.initiated_by == "agent" and started.initiating_agent_id == "agt_ada"
    assert started.visitor is None
    assert w.fanout.frames_for("agent.agt_bob")[0]["conversation"]["addressee_id"] == "agt_bob"
    with pytest.raises(NotFound):
        await cases.resume_conversation(CARL, chat.id, 0)
    accepted = await cases.reply_to_chat_request(BOB, chat.id, accept=True)
    assert accepted.lifecycle is Lifecycle.ACTIVE and accepted.is_present("agt_bob")
    with pytest.raises(NotWaitingForAReply):
        await cases.reply_to_chat_request(BOB, chat.id, accept=True)


async def test_a_customer_declining_a_chat_request_ends_it_unanswered(
    w: World, cases: ConversationUseCases
) -> None:
    await cases.start_conversation(VERA)  # Vera is known on the channel by name
    requested = await cases.request_customer_chat(ADA, "vis_vera", "ch_support", "Need help?")
    request_id = requested.conversation.id
    [frame] = w.fanout.frames_for("visitor.vis_vera")
    assert frame["conversation"]["pending_request"] is True
    with pytest.raises(NotFound):
        await cases.reply_to_chat_request(OTTO, request_id, accept=True)
    declined = await cases.reply_to_chat_request(VERA, request_id, accept=False)
    assert declined.lifecycle is Lifecycle.ENDED and declined.outcome == "no_answer"
    ended = [e for e in w.log.of_type("conversation.ended.v1") if e.conversation_id == request_id]
    assert ended[0].ended_by == "visitor" and ended[0].visitor is not None
    assert ended[0].visitor.name == "Vera"


async def test_a_customer_accepting_joins_and_can_talk(cases: ConversationUseCases) -> None:
    requested = await cases.request_customer_chat(ADA, "vis_vera", "ch_support", "Need help?")
    accepted = await cases.reply_to_chat_request(VERA, requested.conversation.id, accept=True)
    assert accepted.lifecycle is Lifecycle.ACTIVE
    posted = await cases.post_message(VERA, accepted.id, text="yes please", client_message_id="y")
    assert posted.entry.seq == accepted.last_seq + 1


async def test_chat_requests_need_a_channel_open_to_the_agent(cases: ConversationUseCases) -> None:
    with pytest.raises(NotFound):
        await cases.request_customer_chat(CARL, "vis_vera", "ch_support", "hi")


async def test_an_assignment_makes_the_agent_join(w: World, cases: ConversationUseCases) -> None:
    started = await cases.start_conversation(VERA)
    conversation_id = started.conversation.id
    await cases.when_conversation_assigned(assigned(conversation_id))
    await cases.when_conversation_assigned(assigned(conversation_id))  # redelivered
    snapshot = w.snapshots.stored[conversation_id]
    assert snapshot.lifecycle is Lifecycle.ACTIVE and snapshot.present_agents == ("agt_bob",)
    [joined] = [
        j for j in w.log.of_type("conversation.participant_joined.v1") if j.reason == "assigned"
    ]
    assert joined.participant.display_name == "Bob"


async def test_an_assignment_after_a_pull_accept_is_ignored(
    w: World, cases: ConversationUseCases
) -> None:
    started = await cases.start_conversation(VERA)
    conversation_id = started.conversation.id
    await cases.accept_offered_conversation(ADA, conversation_id)
    await cases.when_conversation_assigned(assigned(conversation_id))
    assert w.snapshots.stored[conversation_id].present_agents == ("agt_ada",)


async def test_queue_positions_reach_the_visitor_and_mark_it_queued(
    w: World, cases: ConversationUseCases
) -> None:
    started = await cases.start_conversation(VERA)
    conversation_id = started.conversation.id
    change = QueuePositionChangedV1(
        conversation_id=conversation_id,
        channel_id="ch_support",
        position=2,
        estimated_wait_seconds=90,
    )
    await cases.when_queue_position_changed(routed(change))
    assert w.snapshots.stored[conversation_id].lifecycle is Lifecycle.QUEUED
    [frame] = w.fanout.frames_for(f"conversation.{conversation_id}")
    assert frame == {
        "type": "queue",
        "conversation_id": conversation_id,
        "position": 2,
        "estimated_wait_seconds": 90,
    }


async def test_no_operator_found_ends_it_with_no_one_available(
    w: World, cases: ConversationUseCases
) -> None:
    started = await cases.start_conversation(VERA)
    conversation_id = started.conversation.id
    gave_up = NoOperatorFoundV1(
        conversation_id=conversation_id,
        channel_id="ch_support",
        reason=NoOperatorReason.TIMED_OUT,
        waited_seconds=300,
    )
    await cases.when_no_operator_found(routed(gave_up))
    await cases.when_no_operator_found(routed(gave_up))  # redelivered: ended once
    [event] = w.log.of_type("conversation.ended.v1")
    assert (event.outcome, event.ended_by, event.time_to_answer_seconds) == (
        "no_one_available",
        "system",
        None,
    )


async def test_an_expired_assignment_makes_the_agent_leave_unanswered(
    w: World, cases: ConversationUseCases
) -> None:
    started = await cases.start_conversation(VERA)
    conversation_id = started.conversation.id
    await cases.when_conversation_assigned(assigned(conversation_id))
    expired = AssignmentExpiredV1(
        conversation_id=conversation_id, channel_id="ch_support", agent_id="agt_bob", attempt=1
    )
    await cases.when_assignment_expired(routed(expired))
    snapshot = w.snapshots.stored[conversation_id]
    assert snapshot.lifecycle is Lifecycle.QUEUED and snapshot.unanswered_agents == ("agt_bob",)
    [left] = w.log.of_type("conversation.participant_left.v1")
    assert left.reason == "unanswered"
    assert len(w.log.of_type("conversation.requested.v1")) == 1  # routing moves on by itself
    await cases.when_conversation_assigned(assigned(conversation_id, "agt_ada", "Ada"))
    assert w.snapshots.stored[conversation_id].present_agents == ("agt_ada",)


async def test_an_agent_who_answered_keeps_the_conversation_when_routing_expires_it(
    w: World, cases: ConversationUseCases
) -> None:
    started = await cases.start_conversation(VERA)
    conversation_id = started.conversation.id
    await cases.when_conversation_assigned(assigned(conversation_id))
    await cases.post_message(BOB, conversation_id, text="Hi!", client_message_id="b1")
    expired = AssignmentExpiredV1(
        conversation_id=conversation_id, channel_id="ch_support", agent_id="agt_bob", attempt=1
    )
    await cases.when_assignment_expired(routed(expired))
    assert w.snapshots.stored[conversation_id].present_agents == ("agt_bob",)
