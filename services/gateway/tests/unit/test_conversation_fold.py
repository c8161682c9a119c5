"""The snapshot is a pure fold of the log; replays change nothing."""

from __future__ import annotations

import pytest

from parley_contracts.gateway import ConversationStatus
from parley_gateway.domain.conversation import MAX_PAGES_KEPT, Lifecycle
from parley_gateway.domain.conversation_fold import evolve, snapshot_changes
from parley_gateway.domain.conversation_log import EntryKind, LogEntry

from .conversation_builder import ADA, BOB, VISITOR, Timeline
from .fakes import START

pytestmark = pytest.mark.unit


def test_a_started_visitor_conversation_is_requested() -> None:
    conversation = Timeline().joins(VISITOR, "started").conversation
    assert conversation.lifecycle is Lifecycle.REQUESTED
    assert conversation.last_seq == 2
    assert conversation.is_present("vis_vera")


def test_an_agent_joining_makes_it_active_and_assigned() -> None:
    conversation = Timeline().joins(VISITOR, "started").joins(ADA).conversation
    assert conversation.lifecycle is Lifecycle.ACTIVE
    assert conversation.assigned_to == "agt_ada"
    assert conversation.agents_involved == ("agt_ada",)


def test_the_first_agent_message_is_the_answer() -> None:
    timeline = Timeline().joins(VISITOR, "started").says(VISITOR).joins(ADA).says(ADA).says(ADA)
    conversation = timeline.conversation
    assert conversation.answered_at == START.replace(second=5)
    assert conversation.answering_agents == ("agt_ada",)
    assert conversation.message_count == 3


def test_replaying_an_entry_changes_nothing() -> None:
    timeline = Timeline().joins(VISITOR, "started")
    entry = LogEntry("conv_1", 2, EntryKind.JOINED, START, VISITOR, payload={})
    assert evolve(timeline.conversation, entry) is timeline.conversation
    assert snapshot_changes(timeline.conversation, entry) == {}


def test_changes_name_only_the_fields_an_entry_changed() -> None:
    timeline = Timeline().joins(VISITOR, "started")
    entry = LogEntry(
        "conv_1",
        3,
        EntryKind.RENAMED,
        START,
        ADA,
        payload={"title": "Refund", "previous_title": None},
    )
    assert snapshot_changes(timeline.conversation, entry) == {"title": "Refund", "last_seq": 3}


def test_when_the_last_agent_leaves_the_visitor_waits_again() -> None:
    conversation = Timeline().joins(VISITOR, "started").joins(ADA).leaves(ADA).conversation
    assert conversation.lifecycle is Lifecycle.QUEUED
    assert conversation.assigned_to is None
    assert not conversation.is_present("agt_ada")


def test_an_agent_who_did_not_answer_in_time_is_remembered() -> None:
    conversation = (
        Timeline().joins(VISITOR, "started").joins(ADA).leaves(ADA, "unanswered").joins(BOB)
    ).conversation
    assert conversation.unanswered_agents == ("agt_ada",)
    assert conversation.participating_agents == ("agt_bob",)
    assert conversation.assigned_to == "agt_bob"


def test_only_the_last_fifteen_pages_are_kept() -> None:
    timeline = Timeline().joins(VISITOR, "started")
    for n in range(MAX_PAGES_KEPT + 3):
        timeline.add(
            EntryKind.PAGE_VISITED, VISITOR, True, url=f"https://shop.test/{n}", title=None
        )
    visitor = timeline.conversation.visitor
    assert visitor is not None
    assert len(visitor.pages) == MAX_PAGES_KEPT
    assert visitor.pages[0].url == "https://shop.test/3"
    assert visitor.page_url == f"https://shop.test/{MAX_PAGES_KEPT + 2}"


def test_an_agent_joining_a_call_for_help_takes_it() -> None:
    timeline = Timeline().joins(VISITOR, "started").joins(ADA)
    timeline.add(EntryKind.STATUS_CHANGED, ADA, True, status="looking_for_help", expertise=["vat"])
    assert timeline.conversation.status is ConversationStatus.LOOKING_FOR_HELP
    timeline.joins(BOB, "accepted")
    assert timeline.conversation.status is ConversationStatus.IN_PROGRESS
    assert timeline.conversation.expertise == ("vat",)


def test_an_observer_does_not_make_it_active() -> None:
    conversation = Timeline().joins(VISITOR, "started").joins(ADA, role="observer").conversation
    assert conversation.lifecycle is Lifecycle.REQUESTED
    assert conversation.agents_involved == ()


def test_minimizing_is_recorded_on_the_visitor() -> None:
    timeline = Timeline().joins(VISITOR, "started")
    timeline.add(EntryKind.WIDGET_MINIMIZED, VISITOR, True, minimized=True)
    assert timeline.conversation.visitor is not None
    assert timeline.conversation.visitor.minimized
