"""Timeouts (R3): unanswered requests give up, operators who do not answer lose the chat."""

from __future__ import annotations

from datetime import timedelta

import pytest

from parley_contracts.routing import NoOperatorReason
from parley_routing.domain.request import RoutingRequest
from parley_routing.domain.timeouts import (
    Assignment,
    ChannelLimits,
    GiveUp,
    KeepWaiting,
    Reassign,
    after_assignment_expired,
    after_operator_went_offline,
    assignment_expired,
    check_waiting,
    when_nobody_found,
)

from .builders import NOW, op, req

pytestmark = pytest.mark.unit

LIMITS = ChannelLimits(max_wait=timedelta(minutes=5), answer_within=timedelta(seconds=60))
SEC = timedelta(seconds=1)


@pytest.mark.parametrize(
    ("waited", "outcome"),
    [
        (299 * SEC, KeepWaiting(req(), NOW + timedelta(minutes=5))),
        (300 * SEC, GiveUp(NoOperatorReason.TIMED_OUT, 300.0)),
    ],
    ids=["within the channel's limit", "at the channel's limit: no one available"],
)
def test_a_request_nobody_takes_times_out(waited: timedelta, outcome: object) -> None:
    assert check_waiting(req(), NOW + waited, LIMITS) == outcome


@pytest.mark.parametrize(
    ("request_", "outcome_type", "reason"),
    [
        (req(handoff=True), GiveUp, NoOperatorReason.NONE_AVAILABLE),
        (req(), KeepWaiting, None),
    ],
    ids=["a hand-off reports back so the script continues", "a visitor waits in the queue"],
)
def test_when_nobody_is_found(
    request_: RoutingRequest, outcome_type: type, reason: NoOperatorReason | None
) -> None:
    outcome = when_nobody_found(request_, NOW + 10 * SEC, LIMITS)
    assert isinstance(outcome, outcome_type)
    if isinstance(outcome, GiveUp):
        assert (outcome.reason, outcome.waited_seconds) == (reason, 10.0)


@pytest.mark.parametrize(
    ("answered", "after", "expired"),
    [(False, 59 * SEC, False), (False, 60 * SEC, True), (True, 600 * SEC, False)],
    ids=["before the answer deadline", "at the answer deadline", "answered in time"],
)
def test_an_assignment_expires_when_unanswered_in_time(
    answered: bool, after: timedelta, expired: bool
) -> None:
    assignment = Assignment(req(), "agt_a", NOW)
    assert assignment_expired(assignment, answered, NOW + after, LIMITS) is expired


def test_an_expired_assignment_goes_to_the_next_eligible_operator() -> None:
    assignment = Assignment(req(), "agt_a", NOW)
    operators = (op("agt_a"), op("agt_b", load=1), op("agt_c", load=2))
    outcome = after_assignment_expired(assignment, operators, NOW + 60 * SEC, LIMITS)
    assert isinstance(outcome, Reassign)
    assert (outcome.assignment.agent_id, outcome.assignment.attempt) == ("agt_b", 2)
    assert outcome.assignment.request.requested_at == NOW
    verdict = outcome.decision.verdict_for("agt_a")
    assert verdict.reasons == ("did not answer this conversation in time earlier",)


def test_every_operator_who_let_it_expire_stays_excluded() -> None:
    first = Assignment(req(), "agt_a", NOW)
    operators = (op("agt_a"), op("agt_b"), op("agt_c", load=2))
    second = after_assignment_expired(first, operators, NOW + 60 * SEC, LIMITS)
    assert isinstance(second, Reassign) and second.assignment.agent_id == "agt_b"
    third = after_assignment_expired(second.assignment, operators, NOW + 120 * SEC, LIMITS)
    assert isinstance(third, Reassign)
    assert (third.assignment.agent_id, third.assignment.attempt) == ("agt_c", 3)
    assert third.assignment.request.timed_out_agent_ids == {"agt_a", "agt_b"}


@pytest.mark.parametrize(
    ("request_", "outcome_type"),
    [(req(), KeepWaiting), (req(handoff=True), GiveUp)],
    ids=["back to the queue", "a hand-off reports back"],
)
def test_an_expired_assignment_with_nobody_else(
    request_: RoutingRequest, outcome_type: type
) -> None:
    outcome = after_assignment_expired(
        Assignment(request_, "agt_a", NOW), (op("agt_a"),), NOW + 60 * SEC, LIMITS
    )
    assert isinstance(outcome, outcome_type)
    if isinstance(outcome, KeepWaiting):
        assert outcome.request.timed_out_agent_ids == {"agt_a"}


def test_an_expiry_after_the_channel_limit_gives_up() -> None:
    assignment = Assignment(req(), "agt_a", NOW + timedelta(minutes=4, seconds=30))
    outcome = after_assignment_expired(
        assignment, (op("agt_a"), op("agt_b")), NOW + timedelta(minutes=5, seconds=30), LIMITS
    )
    assert outcome == GiveUp(NoOperatorReason.TIMED_OUT, 330.0)


def test_an_operator_who_goes_offline_loses_unanswered_conversations() -> None:
    assignment = Assignment(req(), "agt_a", NOW)
    outcome = after_operator_went_offline(
        assignment, (op("agt_a"), op("agt_b", load=2)), NOW + 10 * SEC, LIMITS
    )
    assert isinstance(outcome, Reassign)
    assert outcome.assignment.agent_id == "agt_b"
    assert outcome.assignment.request.timed_out_agent_ids == frozenset()
    assert outcome.decision.verdict_for("agt_a").reasons == ("offline",)
