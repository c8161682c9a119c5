"""Timeouts (R3): requests nobody takes, and assigned operators who do not answer.

- A request that is still waiting ``max_wait`` after it was made gives up with reason
  ``timed_out``; the gateway ends it with outcome "no one available" and offers the visitor to
  leave a message. While an operator holds it (assigned, not yet answered) it is not given up:
  that operator may still answer; their own deadline, ``answer_within``, decides.
- An assigned operator who has not answered by ``assigned_at + answer_within`` loses the
  conversation to the next eligible operator; they are never given it again
  (``OperatorMustNotHaveLetItExpire``). When the channel's ``max_wait`` has passed by then, the
  request gives up instead of starting over with someone else.
- An operator who goes offline has their unanswered conversations routed again the same way,
  without being marked as having let them expire (offline already excludes them).
- Nobody found: a chatbot hand-off gives up at once with ``none_available`` so the script
  continues (R2); any other request waits in the queue until its ``max_wait``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from parley_contracts.routing import NoOperatorReason

from .choosing import Decision, choose
from .operator import Availability, Operator
from .request import RoutingRequest


@dataclass(frozen=True)
class ChannelLimits:
    max_wait: timedelta = timedelta(minutes=5)
    """A request nobody takes within this ends with "no one available"."""
    answer_within: timedelta = timedelta(seconds=60)
    """An assigned operator who has not answered within this loses the conversation."""


@dataclass(frozen=True)
class Assignment:
    """A conversation given to an operator who has not answered yet."""

    request: RoutingRequest
    agent_id: str
    assigned_at: datetime
    attempt: int = 1
    """1 for the first assignment; one more after each operator who did not answer."""

    def answer_by(self, limits: ChannelLimits) -> datetime:
        return self.assigned_at + limits.answer_within


@dataclass(frozen=True)
class GiveUp:
    """Stop looking: publish ``NoOperatorFoundV1`` with this reason."""

    reason: NoOperatorReason
    waited_seconds: float


@dataclass(frozen=True)
class KeepWaiting:
    """Leave the request in the queue; it gives up at ``until`` unless someone takes it."""

    request: RoutingRequest
    until: datetime


@dataclass(frozen=True)
class Reassign:
    """Give the conversation to the next operator: ``assignment`` is the new one."""

    assignment: Assignment
    decision: Decision


def waiting_deadline(request: RoutingRequest, limits: ChannelLimits) -> datetime:
    return request.requested_at + limits.max_wait


def waited_seconds(request: RoutingRequest, now: datetime) -> float:
    return max(0.0, (now - request.requested_at).total_seconds())


def check_waiting(
    request: RoutingRequest, now: datetime, limits: ChannelLimits
) -> GiveUp | KeepWaiting:
    """A waiting (unassigned) request at ``now``: still waiting, or timed out."""
    deadline = waiting_deadline(request, limits)
    if now >= deadline:
        return GiveUp(NoOperatorReason.TIMED_OUT, waited_seconds(request, now))
    return KeepWaiting(request, deadline)


def when_nobody_found(
    request: RoutingRequest, now: datetime, limits: ChannelLimits
) -> GiveUp | KeepWaiting:
    """Nobody could take ``request`` now: hand-offs report back at once, others queue."""
    if request.from_handoff:
        return GiveUp(NoOperatorReason.NONE_AVAILABLE, waited_seconds(request, now))
    return check_waiting(request, now, limits)


def assignment_expired(
    assignment: Assignment, answered: bool, now: datetime, limits: ChannelLimits
) -> bool:
    return not answered and now >= assignment.answer_by(limits)


def after_assignment_expired(
    assignment: Assignment,
    operators: Iterable[Operator],
    now: datetime,
    limits: ChannelLimits,
) -> Reassign | KeepWaiting | GiveUp:
    """The operator did not answer in time: the next eligible operator, the queue, or give up."""
    request = assignment.request.after_timeout(assignment.agent_id)
    return _route_again(assignment, request, operators, now, limits)


def after_operator_went_offline(
    assignment: Assignment,
    operators: Iterable[Operator],
    now: datetime,
    limits: ChannelLimits,
) -> Reassign | KeepWaiting | GiveUp:
    """The operator disconnected before answering: route the conversation again."""
    gone = assignment.agent_id
    operators = tuple(
        o.with_availability(Availability.OFFLINE, now) if o.agent_id == gone else o
        for o in operators
    )
    return _route_again(assignment, assignment.request, operators, now, limits)


def _route_again(
    assignment: Assignment,
    request: RoutingRequest,
    operators: Iterable[Operator],
    now: datetime,
    limits: ChannelLimits,
) -> Reassign | KeepWaiting | GiveUp:
    if now >= waiting_deadline(request, limits):
        return GiveUp(NoOperatorReason.TIMED_OUT, waited_seconds(request, now))
    decision = choose(request, operators, now)
    if decision.chosen is None:
        return when_nobody_found(request, now, limits)
    new = Assignment(request, decision.chosen.agent_id, now, assignment.attempt + 1)
    return Reassign(new, decision)
