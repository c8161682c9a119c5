"""Accepting, ending, rating, transcripts, status, titles, tags, notes, leaving."""

from __future__ import annotations

import pytest

from parley_gateway.application.conversation_use_cases import ConversationUseCases
from parley_gateway.domain.conversation import Lifecycle
from parley_gateway.domain.errors import (
    AlreadyRated,
    AlreadyTaken,
    ConversationEnded,
    InvalidInput,
    NotFound,
    OnlyParticipantsMayTalk,
    RatingMustWaitForTheEnd,
)

from .fakes import ADA, BOB, CARL, DORA, VERA, World, world

pytestmark = pytest.mark.unit


@pytest.fixture
def w() -> World:
    return world()


@pytest.fixture
def cases(w: World) -> ConversationUseCases:
    return ConversationUseCases.build(w.deps)


async def waiting(cases: ConversationUseCases) -> str:
    started = await cases.start_conversation(VERA, text="Help!", client_message_id="c0")
    return started.conversation.id


async def test_first_accept_wins_and_the_second_gets_a_conflict(
    w: World, cases: ConversationUseCases
) -> None:
    conversation_id = await waiting(cases)
    accepted = await cases.accept_offered_conversation(ADA, conversation_id)
    assert accepted.lifecycle is Lifecycle.ACTIVE and accepted.assigned_to == "agt_ada"
    with pytest.raises(AlreadyTaken):
        await cases.accept_offered_conversation(BOB, conversation_id)
    [joined] = [
        j for j in w.log.of_type("conversation.participant_joined.v1") if j.reason == "accepted"
    ]
    assert joined.participant.id == "agt_ada"
    assert (await cases.accept_offered_conversation(ADA, conversation_id)).last_seq == 4  # no-op


async def test_an_agent_outside_the_channel_cannot_accept(cases: ConversationUseCases) -> None:
    with pytest.raises(NotFound):
        await cases.accept_offered_conversation(CARL, await waiting(cases))


async def test_a_strict_decision_overtaken_by_another_writer_is_taken_again(
    w: World, cases: ConversationUseCases
) -> None:
    conversation_id = await waiting(cases)
    w.log.taken_once.add(4)  # someone else stores seq 4 first: the accept must re-decide
    accepted = await cases.accept_offered_conversation(ADA, conversation_id)
    assert accepted.is_present("agt_ada")


async def test_ending_publishes_outcome_time_to_answer_and_duration(
    w: World, cases: ConversationUseCases
) -> None:
    conversation_id = await waiting(cases)
    await cases.accept_offered_conversation(ADA, conversation_id)
    await cases.post_message(ADA, conversation_id, text="How can I help?", client_message_id="a1")
    await cases.tag_conversation(ADA, conversation_id, add=["billing"])
    await cases.rename_conversation(ADA, conversation_id, "Refund")
    ended = await cases.end_conversation(VERA, conversation_id)
    assert ended.lifecycle is Lifecycle.ENDED and ended.outcome == "success"
    [event] = w.log.of_type("conversation.ended.v1")
    assert event.outcome == "success" and event.ended_by == "visitor"
    assert event.agent_ids == ("agt_ada",) and event.message_count == 2
    assert event.tags == ("billing",) and event.title == "Refund"
    assert event.started_at < event.ended_at
    assert event.duration_seconds == (event.ended_at - event.started_at).total_seconds()
    assert event.time_to_answer_seconds is not None and event.time_to_answer_seconds > 0
    assert event.sequence == ended.last_seq
    with pytest.raises(ConversationEnded):
        await cases.end_conversation(ADA, conversation_id)
    with pytest.raises(ConversationEnded):
        await cases.post_message(VERA, conversation_id, text="hello?", client_message_id="late")


async def test_an_agent_not_in_the_chat_cannot_end_an_answered_one(
    cases: ConversationUseCases,
) -> None:
    conversation_id = await waiting(cases)
    await cases.accept_offered_conversation(ADA, conversation_id)
    with pytest.raises(OnlyParticipantsMayTalk):
        await cases.end_conversation(BOB, conversation_id)


async def test_rating_comes_once_after_the_end(w: World, cases: ConversationUseCases) -> None:
    conversation_id = await waiting(cases)
    await cases.accept_offered_conversation(ADA, conversation_id)
    with pytest.raises(RatingMustWaitForTheEnd):
        await cases.rate_conversation(VERA, conversation_id, "okay", "meh")
    await cases.end_conversation(ADA, conversation_id)
    rated = await cases.rate_conversation(VERA, conversation_id, "dissatisfied", " too slow ")
    assert rated.rating is not None and rated.rating.comment == "too slow"
    [event] = w.log.of_type("conversation.rated.v1")
    assert (event.rating, event.comment, event.agent_ids) == (
        "dissatisfied",
        "too slow",
        ("agt_ada",),
    )
    with pytest.raises(AlreadyRated):
        await cases.rate_conversation(VERA, conversation_id, "satisfied")
    with pytest.raises(InvalidInput):
        await cases.rate_conversation(VERA, conversation_id, "superb")


async def test_a_transcript_request_sends_the_command(
    w: World, cases: ConversationUseCases
) -> None:
    conversation_id = await waiting(cases)
    with pytest.raises(InvalidInput):
        await cases.request_transcript(VERA, conversation_id, "not-an-email")
    await cases.request_transcript(VERA, conversation_id, "vera@example.com", "de")
    [command] = w.log.of_type("notifications.send_transcript.v1")
    assert command.email == "vera@example.com" and command.language == "de"
    assert command.requested_by is not None and command.requested_by.id == "vis_vera"


async def test_status_changes_are_internal_and_published(
    w: World, cases: ConversationUseCases
) -> None:
    conversation_id = await waiting(cases)
    await cases.accept_offered_conversation(ADA, conversation_id)
    await cases.change_status(ADA, conversation_id, "looking_for_help", ["vat"])
    await cases.change_status(ADA, conversation_id, "looking_for_help", ["vat"])  # no-op
    [event] = w.log.of_type("conversation.status_changed.v1")
    assert (event.status, event.previous_status, event.expertise) == (
        "looking_for_help",
        None,
        ("vat",),
    )
    assert w.log.entries[conversation_id][-1].is_internal
    helped = await cases.accept_offered_conversation(BOB, conversation_id)  # A14: first to join
    assert helped.status == "in_progress" and helped.present_agents == ("agt_ada", "agt_bob")
    with pytest.raises(AlreadyTaken):
        await cases.accept_offered_conversation(DORA, conversation_id)
    with pytest.raises(InvalidInput):
        await cases.change_status(ADA, conversation_id, "sleeping")


async def test_tags_are_cleaned_and_changed_as_a_set(cases: ConversationUseCases) -> None:
    conversation_id = await waiting(cases)
    tagged = await cases.tag_conversation(ADA, conversation_id, add=[" Billing ", "billing", "vip"])
    assert tagged.tags == ("Billing", "vip")
    tagged = await cases.tag_conversation(ADA, conversation_id, add=["refund"], remove=["BILLING"])
    assert tagged.tags == ("vip", "refund")


async def test_notes_are_internal_and_published_as_internal_messages(
    w: World, cases: ConversationUseCases
) -> None:
    conversation_id = await waiting(cases)
    note = await cases.add_note(ADA, conversation_id, "check the order", "n1")
    again = await cases.add_note(ADA, conversation_id, "check the order", "n1")
    assert note.entry.is_internal and again.duplicate
    [event] = [
        m for m in w.log.of_type("conversation.message_posted.v1") if m.visibility == "internal"
    ]
    assert event.text == "check the order"
    assert w.snapshots.stored[conversation_id].message_count == 1  # only the visitor's


async def test_the_last_agent_leaving_puts_the_visitor_back_in_the_queue(
    w: World, cases: ConversationUseCases
) -> None:
    conversation_id = await waiting(cases)
    await cases.accept_offered_conversation(ADA, conversation_id)
    left = await cases.leave_conversation(ADA, conversation_id)
    assert left.lifecycle is Lifecycle.QUEUED and left.assigned_to is None
    assert len(w.log.of_type("conversation.requested.v1")) == 2
    [event] = w.log.of_type("conversation.participant_left.v1")
    assert (event.participant.id, event.reason) == ("agt_ada", "left")
    assert (await cases.accept_offered_conversation(BOB, conversation_id)).assigned_to == "agt_bob"


async def test_observers_are_invisible_to_the_visitor(
    w: World, cases: ConversationUseCases
) -> None:
    conversation_id = await waiting(cases)
    await cases.observe_conversation(DORA, conversation_id)
    joined = w.log.entries[conversation_id][-1]
    assert joined.is_internal and joined.payload["participant"]["role"] == "observer"
    with pytest.raises(OnlyParticipantsMayTalk):
        await cases.post_message(DORA, conversation_id, text="psst", client_message_id="o1")
    await cases.leave_conversation(DORA, conversation_id)
    assert w.log.entries[conversation_id][-1].is_internal


async def test_list_screens_hear_about_new_waiting_conversations(
    w: World, cases: ConversationUseCases
) -> None:
    conversation_id = await waiting(cases)
    await cases.accept_offered_conversation(ADA, conversation_id)
    frames = w.fanout.frames_for("channel.ch_support")
    assert [f["conversation"]["lifecycle"] for f in frames][-1] == "active"
    [assigned] = w.fanout.frames_for("agent.agt_ada")
    assert assigned["conversation"]["assigned_to"] == "agt_ada"
