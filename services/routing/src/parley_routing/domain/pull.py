"""Pull mode (R1): offer a request to every eligible operator; the first to accept gets it.

An offer goes to everyone who passes the hard limits (and, without fallback, has some of the
requested expertise), best tier first, so a console can list the best-suited agents on top.
It narrows who is *told*, not who may take the conversation (``ConversationOfferedV1``).

:func:`first_accept_wins` decides one accept against the current state. Two accepts are decided
one after the other against the state the first one left: the second finds the conversation
taken. An accept needs an operator who is not offline and has free capacity: away operators may
accept, because accepting is their own act (routing only avoids *pushing* work onto them), and
the channel's group permissions are the gateway's to check.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from parley_contracts.routing import CandidateVerdict, RoutingDecision

from .operator import Availability, Operator
from .ranking import (
    RankedOperator,
    Verdict,
    clip,
    excluded_verdict,
    idle_text,
    load_text,
    rank,
    to_candidate_verdicts,
)
from .request import RoutingRequest

PULL_OFFER_RULE = "pull_offer"
FIRST_ACCEPT_RULE = "first_accept"


@dataclass(frozen=True)
class Offer:
    """Who is offered a request, best first, and every candidate's verdict."""

    request: RoutingRequest
    offered_at: datetime
    agent_ids: tuple[str, ...]
    explanation: str
    verdicts: tuple[Verdict, ...]

    @property
    def is_empty(self) -> bool:
        return not self.agent_ids

    def to_contract(self) -> RoutingDecision:
        return RoutingDecision(
            rule=PULL_OFFER_RULE,
            explanation=clip(self.explanation, 1000),
            candidates=to_candidate_verdicts(self.verdicts),
        )


def offer(request: RoutingRequest, operators: Iterable[Operator], now: datetime) -> Offer:
    """The eligible operators for a pull-mode offer of ``request``, best tier first."""
    ranking = rank(request, operators)
    eligible = tuple(
        _offered_verdict(r, position, now) for position, r in enumerate(ranking.eligible, 1)
    )
    excluded = tuple(excluded_verdict(e) for e in ranking.excluded)
    agent_ids = tuple(r.agent_id for r in ranking.eligible)
    if agent_ids:
        listed = ", ".join(f"{r.agent_id} ({r.tier.label})" for r in ranking.eligible[:10])
        more = f" and {len(agent_ids) - 10} more" if len(agent_ids) > 10 else ""
        explanation = (
            f"Offered to {len(agent_ids)} eligible operators, best first: {listed}{more};"
            f" {len(excluded)} excluded."
        )
    else:
        explanation = f"Nobody to offer to: all {len(excluded)} operators are excluded."
    return Offer(request, now, agent_ids, explanation, eligible + excluded)


def _offered_verdict(ranked: RankedOperator, position: int, now: datetime) -> Verdict:
    operator = ranked.operator
    reasons = (
        f"offered: {ranked.tier.label}",
        f"{load_text(operator)}, {idle_text(operator, now)}",
    )
    return Verdict(operator.agent_id, True, reasons, tier=ranked.tier, rank=position)


@dataclass(frozen=True)
class Accepted:
    """The accept won: the operator now holds the conversation."""

    operator: Operator
    """The operator with the conversation added (unchanged when they already held it)."""
    already_theirs: bool
    """A repeated accept by the winner: nothing changes, nothing is published again."""
    decision: RoutingDecision


@dataclass(frozen=True)
class Refused:
    """The accept lost or was not allowed; ``rule`` names the rule it broke."""

    rule: str
    reason: str


def first_accept_wins(
    request: RoutingRequest,
    taken_by: str | None,
    still_waiting: bool,
    operator: Operator,
    now: datetime,
) -> Accepted | Refused:
    """Decide ``operator``'s accept of ``request``, given who (if anyone) already has it.

    ``taken_by`` is the agent the conversation went to, if any; ``still_waiting`` is false once
    the request ended (the visitor left, it timed out).
    """
    if taken_by == operator.agent_id:
        return Accepted(operator, True, _accept_decision(operator, now))
    if taken_by is not None:
        return Refused("FirstAcceptWins", f"already taken by {taken_by}")
    if not still_waiting:
        return Refused("ConversationMustBeWaiting", "the request is no longer waiting")
    if operator.state.availability is Availability.OFFLINE:
        return Refused("OperatorMustNotBeOffline", "offline")
    if operator.free_capacity == 0:
        return Refused(
            "OperatorMustHaveFreeCapacity",
            f"at capacity {operator.load}/{operator.profile.max_chats}",
        )
    return Accepted(
        operator.with_conversation(request.conversation_id, now),
        False,
        _accept_decision(operator, now),
    )


def _accept_decision(operator: Operator, now: datetime) -> RoutingDecision:
    return RoutingDecision(
        rule=FIRST_ACCEPT_RULE,
        explanation=(
            f"{operator.profile.chat_name} ({operator.agent_id}) was the first to accept"
            " the waiting request."
        ),
        candidates=(
            CandidateVerdict(
                agent_id=operator.agent_id,
                eligible=True,
                reasons=("accepted first", f"{load_text(operator)}, {idle_text(operator, now)}"),
                score=1.0,
            ),
        ),
    )
