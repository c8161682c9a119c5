"""Starting a conversation, posting, resuming: sequences, events, masking, idempotency."""

from __future__ import annotations

import pytest

from parley_gateway.application.conversation_use_cases import ConversationUseCases
from parley_gateway.application.start_conversation import VisitorDetails
from parley_gateway.domain.conversation import Lifecycle
from parley_gateway.domain.errors import FutureSequence, InvalidInput, NotFound
from parley_gateway.domain.identity import Visitor

from .fakes import ADA, CARL, DORA, OTTO, VERA, World, world

pytestmark = pytest.mark.unit


@pytest.fixture
def w() -> World:
    return world()


@pytest.fixture
def cases(w: World) -> ConversationUseCases:
    return ConversationUseCases.build(w.deps)


async def test_starting_publishes_started_and_requested_at_sequence_one(
    w: World, cases: ConversationUseCases
) -> None:
    details = VisitorDetails(
        name="Vera", language="de", country="de", page_url="https://shop.test/"
    )
    started = await cases.start_conversation(VERA, details, text="Hello", client_message_id="c1")
    conversation = started.conversation
    assert [e.seq for e in started.entries] == [1, 2, 3]
    assert [e.kind for e in started.entries] == ["started", "joined", "message"]
    assert conversation.lifecycle is Lifecycle.REQUESTED
    [begun] = w.log.of_type("conversation.started.v1")
    [requested] = w.log.of_type("conversation.requested.v1")
    assert begun.sequence == requested.sequence == 1
    assert requested.visitor.name == "Vera" and requested.language == "de"
    assert requested.visitor.country == "DE" and requested.visitor.page_url == "https://shop.test/"
    [joined] = w.log.of_type("conversation.participant_joined.v1")
    assert (joined.sequence, joined.reason, joined.participant.role) == (2, "started", "visitor")
    [message] = w.log.of_type("conversation.message_posted.v1")
    assert (message.sequence, message.text, message.client_message_id) == (3, "Hello", "c1")
    assert [e.seq for e in w.fanout.entries] == [1, 2, 3]
    assert w.snapshots.stored[conversation.id].last_seq == 3


async def test_a_second_start_returns_the_open_conversation(cases: ConversationUseCases) -> None:
    first = await cases.start_conversation(VERA)
    again = await cases.start_conversation(VERA, text="me again")
    assert again.already_open and again.conversation.id == first.conversation.id
    assert again.message is not None and again.message.entry.seq == 3


async def test_starting_on_an_unknown_channel_is_refused(cases: ConversationUseCases) -> None:
    with pytest.raises(NotFound):
        await cases.start_conversation(Visitor(id="vis_x", channel_id="ch_nope"))


async def test_invalid_visitor_details_store_nothing(w: World, cases: ConversationUseCases) -> None:
    with pytest.raises(InvalidInput):
        await cases.start_conversation(VERA, VisitorDetails(page_url="javascript:alert(1)"))
    assert w.log.entries == {}


async def test_card_numbers_in_visitor_messages_are_masked_before_storage(
    w: World, cases: ConversationUseCases
) -> None:
    started = await cases.start_conversation(VERA)
    posted = await cases.post_message(
        VERA,
        started.conversation.id,
        text="card 4111 1111 1111 1111 exp 12/29",
        client_message_id="m",
    )
    assert posted.entry.payload["text"] == "card **** **** **** 1111 exp 12/29"
    [event] = w.log.of_type("conversation.message_posted.v1")
    assert "4111 1111" not in event.text and w.fanout.entries[-1].payload == posted.entry.payload


async def test_a_retried_client_message_id_is_stored_once(
    w: World, cases: ConversationUseCases
) -> None:
    started = await cases.start_conversation(VERA)
    first = await cases.post_message(
        VERA, started.conversation.id, text="hi", client_message_id="m1"
    )
    retry = await cases.post_message(
        VERA, started.conversation.id, text="hi", client_message_id="m1"
    )
    assert retry.duplicate and retry.entry.seq == first.entry.seq == 3
    assert len(w.log.entries[started.conversation.id]) == 3
    assert len(w.log.of_type("conversation.message_posted.v1")) == 1


async def test_another_visitor_cannot_post_or_read(cases: ConversationUseCases) -> None:
    started = await cases.start_conversation(VERA)
    with pytest.raises(NotFound):
        await cases.post_message(OTTO, started.conversation.id, text="hi", client_message_id="x")
    with pytest.raises(NotFound):
        await cases.resume_conversation(OTTO, started.conversation.id, 0)


async def test_an_agent_of_another_channel_gets_not_found(cases: ConversationUseCases) -> None:
    started = await cases.start_conversation(VERA)
    with pytest.raises(NotFound):
        await cases.resume_conversation(CARL, started.conversation.id, 0)


async def test_empty_messages_are_refused(cases: ConversationUseCases) -> None:
    started = await cases.start_conversation(VERA)
    with pytest.raises(InvalidInput):
        await cases.post_message(VERA, started.conversation.id, text="  ", client_message_id="e")


async def test_resume_returns_exactly_what_was_missed(cases: ConversationUseCases) -> None:
    started = await cases.start_conversation(VERA, text="one", client_message_id="1")
    conversation_id = started.conversation.id
    await cases.post_message(VERA, conversation_id, text="two", client_message_id="2")
    resumed = await cases.resume_conversation(VERA, conversation_id, 3)
    assert [e.payload["text"] for e in resumed.entries] == ["two"]
    assert resumed.up_to_seq == 4 and not resumed.more


async def test_resume_from_the_future_is_refused(cases: ConversationUseCases) -> None:
    started = await cases.start_conversation(VERA)
    with pytest.raises(FutureSequence):
        await cases.resume_conversation(VERA, started.conversation.id, 99)


async def test_visitors_resume_without_internal_entries_but_past_them(
    cases: ConversationUseCases,
) -> None:
    started = await cases.start_conversation(VERA)
    conversation_id = started.conversation.id
    await cases.accept_offered_conversation(ADA, conversation_id)
    await cases.add_note(ADA, conversation_id, "VIP customer", "n1")
    await cases.observe_conversation(DORA, conversation_id)
    for_visitor = await cases.resume_conversation(VERA, conversation_id, 2)
    for_agent = await cases.resume_conversation(ADA, conversation_id, 2)
    assert [e.kind for e in for_visitor.entries] == ["joined"]
    assert [e.kind for e in for_agent.entries] == ["joined", "note", "joined"]
    assert for_visitor.up_to_seq == for_agent.up_to_seq == 5


async def test_typing_is_signalled_without_a_sequence(
    w: World, cases: ConversationUseCases
) -> None:
    started = await cases.start_conversation(VERA)
    await cases.signal_typing(VERA, started.conversation.id, True)
    [frame] = w.fanout.frames_for(f"conversation.{started.conversation.id}")
    assert frame["type"] == "typing" and frame["typing"] is True and "seq" not in frame


async def test_pages_visited_and_minimizing_reach_the_snapshot(
    w: World, cases: ConversationUseCases
) -> None:
    started = await cases.start_conversation(VERA)
    conversation_id = started.conversation.id
    await cases.record_visitor_page(VERA, conversation_id, "https://shop.test/cart", "Cart")
    await cases.record_widget_minimized(VERA, conversation_id, True)
    await cases.record_widget_minimized(VERA, conversation_id, True)  # no change, no entry
    visitor = w.snapshots.stored[conversation_id].visitor
    assert (
        visitor is not None and visitor.minimized and visitor.page_url == "https://shop.test/cart"
    )
    assert [e.kind for e in w.log.entries[conversation_id][2:]] == [
        "page_visited",
        "widget_minimized",
    ]
    with pytest.raises(InvalidInput):
        await cases.record_visitor_page(VERA, conversation_id, "file:///etc/passwd")
