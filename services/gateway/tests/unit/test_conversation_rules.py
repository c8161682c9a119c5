"""Who may do what, how a conversation ends, and the rating rules."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest

from parley_contracts.gateway import ConversationOutcome, Rating
from parley_gateway.domain.conversation import ConversationKind
from parley_gateway.domain.conversation_log import EntryKind
from parley_gateway.domain.conversation_rules import (
    agent_may_see,
    duration_seconds,
    ensure_may_accept,
    ensure_may_rate,
    ensure_may_talk,
    outcome_of,
    time_to_answer_seconds,
    visitor_may_see,
)
from parley_gateway.domain.errors import (
    AlreadyRated,
    AlreadyTaken,
    CommentOnlyForOkayOrDissatisfied,
    ConversationEnded,
    GatewayError,
    OnlyParticipantsMayTalk,
    RatingMustWaitForTheEnd,
)
from parley_gateway.domain.identity import Visitor

from . import fakes
from .conversation_builder import ADA, BOB, VISITOR, Timeline
from .fakes import START

pytestmark = pytest.mark.unit


def waiting() -> Timeline:
    return Timeline().joins(VISITOR, "started").says(VISITOR)


def ended(timeline: Timeline) -> Timeline:
    return timeline.add(EntryKind.ENDED, VISITOR, outcome="success", ended_by="visitor")


@pytest.mark.parametrize(
    ("story", "outcome"),
    [
        (lambda: waiting(), ConversationOutcome.NO_ONE_AVAILABLE),
        (lambda: waiting().joins(ADA), ConversationOutcome.NO_ANSWER),
        (lambda: waiting().joins(ADA).says(ADA), ConversationOutcome.SUCCESS),
        (lambda: waiting().joins(ADA).says(ADA).joins(BOB), ConversationOutcome.ESCALATED),
        (lambda: waiting().joins(ADA).joins(BOB).says(BOB), ConversationOutcome.ESCALATED),
        (
            lambda: waiting().joins(ADA).leaves(ADA, "unanswered").joins(BOB).says(BOB),
            ConversationOutcome.SUCCESS,  # losing it unanswered (R3) is not escalation
        ),
        (lambda: waiting().joins(ADA).leaves(ADA, "unanswered"), ConversationOutcome.NO_ANSWER),
        (
            lambda: waiting().joins(ADA, role="observer").says(VISITOR),
            ConversationOutcome.NO_ONE_AVAILABLE,
        ),
    ],
)
def test_outcome_follows_who_joined_and_who_answered(
    story: Callable[[], Timeline], outcome: ConversationOutcome
) -> None:
    assert outcome_of(story().conversation) is outcome


@pytest.mark.parametrize(
    ("answered", "declined", "outcome"),
    [
        (True, False, ConversationOutcome.SUCCESS),
        (False, False, ConversationOutcome.NO_ANSWER),
        (False, True, ConversationOutcome.NO_ANSWER),
    ],
)
def test_outcome_of_a_chat_request_depends_on_the_addressee(
    answered: bool, declined: bool, outcome: ConversationOutcome
) -> None:
    addressee = {"id": "agt_bob", "role": "agent", "name": "Bob"}
    timeline = Timeline(ConversationKind.AGENT_TO_AGENT, addressee=addressee, initiator=ADA)
    timeline.joins(ADA, "started").says(ADA)
    if answered:
        timeline.joins(BOB, "invited")
    assert outcome_of(timeline.conversation, declined=declined) is outcome


def test_time_to_answer_runs_from_the_start_to_the_first_agent_message() -> None:
    conversation = waiting().joins(ADA).says(ADA).says(VISITOR).conversation
    assert time_to_answer_seconds(conversation) == 4.0  # started at +1 s, answered at +5 s
    assert duration_seconds(conversation, START + timedelta(seconds=61)) == 60.0
    assert time_to_answer_seconds(waiting().joins(ADA).conversation) is None


@pytest.mark.parametrize(
    ("who", "sees"),
    [
        (fakes.VERA, True),  # their own
        (fakes.OTTO, False),  # another visitor of the same channel
        (Visitor(id="vis_vera", channel_id="ch_sales"), True),  # the same person, other tab
    ],
)
def test_a_visitor_sees_only_their_own_conversations(who: Visitor, sees: bool) -> None:
    assert visitor_may_see(waiting().conversation, who) is sees


@pytest.mark.parametrize(
    ("account", "channel", "sees"),
    [
        (fakes.ADA, fakes.SUPPORT, True),  # the channel is open to Ada's group
        (fakes.CARL, fakes.SUPPORT, False),  # Carl works sales only
        (fakes.CARL, None, False),
    ],
)
def test_an_agent_sees_conversations_of_channels_open_to_them(account, channel, sees) -> None:  # type: ignore[no-untyped-def]
    assert agent_may_see(waiting().conversation, account, channel) is sees


def test_an_agent_who_took_part_still_sees_it_without_the_channel() -> None:
    carl = fakes.CARL
    conversation = waiting().joins(ADA).conversation
    assert not agent_may_see(conversation, carl, None)
    joined = Timeline().joins(VISITOR, "started")
    joined.add(
        EntryKind.JOINED,
        ADA,
        participant={"id": carl.id, "role": "agent", "name": "Carl"},
        reason="invited",
    )
    assert agent_may_see(joined.conversation, carl, None)


def test_agent_to_agent_chats_are_for_their_participants_only() -> None:
    addressee = {"id": "agt_bob", "role": "agent", "name": "Bob"}
    chat = Timeline(ConversationKind.AGENT_TO_AGENT, addressee=addressee, initiator=ADA)
    chat.joins(ADA, "started")
    assert agent_may_see(chat.conversation, fakes.BOB, fakes.SUPPORT)
    admin_like = fakes.CARL
    assert not agent_may_see(chat.conversation, admin_like, fakes.SUPPORT)


@pytest.mark.parametrize(
    ("story", "who", "error"),
    [
        (lambda: waiting(), fakes.VERA, None),
        (lambda: waiting(), fakes.ADA, OnlyParticipantsMayTalk),  # join first
        (lambda: waiting().joins(ADA), fakes.ADA, None),
        (lambda: waiting().joins(ADA, role="observer"), fakes.ADA, OnlyParticipantsMayTalk),
        (lambda: ended(waiting()), fakes.VERA, ConversationEnded),
    ],
)
def test_who_may_talk(story, who, error: type[GatewayError] | None) -> None:  # type: ignore[no-untyped-def]
    if error is None:
        ensure_may_talk(story().conversation, who)
    else:
        with pytest.raises(error):
            ensure_may_talk(story().conversation, who)


def test_first_accept_wins_against_an_assignment() -> None:
    conversation = waiting().joins(BOB).conversation
    with pytest.raises(AlreadyTaken):
        ensure_may_accept(conversation, fakes.ADA)


@pytest.mark.parametrize(
    ("is_ended", "already", "rating", "comment", "error"),
    [
        (True, False, Rating.SATISFIED, None, None),
        (True, False, Rating.OKAY, "slow", None),
        (True, False, Rating.DISSATISFIED, "rude", None),
        (True, False, Rating.SATISFIED, "great", CommentOnlyForOkayOrDissatisfied),
        (False, False, Rating.SATISFIED, None, RatingMustWaitForTheEnd),
        (True, True, Rating.OKAY, None, AlreadyRated),
    ],
)
def test_rating_rules(is_ended, already, rating, comment, error) -> None:  # type: ignore[no-untyped-def]
    timeline = waiting().joins(ADA).says(ADA)
    if is_ended:
        ended(timeline)
    if already:
        timeline.add(EntryKind.RATED, VISITOR, rating="satisfied", comment=None)
    if error is None:
        ensure_may_rate(timeline.conversation, rating, comment)
    else:
        with pytest.raises(error):
            ensure_may_rate(timeline.conversation, rating, comment)
