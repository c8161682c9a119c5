"""Choosing one operator for a request in push mode (R1, R2), with the reasons (R4).

:func:`choose` applies the hard limits (:mod:`.hard_limits`), the preference tiers
(:mod:`.tiers`) and fairness inside a tier (:mod:`.ranking`), and returns a :class:`Decision`
that names the rule that won, explains it in a sentence, and gives every candidate a verdict:
the chosen one, why each other eligible candidate lost (lower tier, more load, idle less long,
id order) and which rules excluded the rest.

When nobody is chosen the decision says why:

- ``none_available``: no operator passes the hard limits (online, in the channel, free capacity).
  Waiting may help: someone may come online or finish a chat.
- ``nobody_eligible``: some operators are available, but the request does not fall back and none
  of them has the requested expertise. A chatbot hand-off reports this back and continues.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from parley_contracts.routing import RoutingDecision

from .operator import Operator
from .ranking import (
    RankedOperator,
    Ranking,
    Verdict,
    clip,
    excluded_verdict,
    idle_text,
    load_text,
    rank,
    to_candidate_verdicts,
)
from .request import RoutingRequest
from .tiers import Tier


class NobodyReason(StrEnum):
    NONE_AVAILABLE = "none_available"
    NOBODY_ELIGIBLE = "nobody_eligible"


@dataclass(frozen=True)
class Decision:
    """The outcome of choosing: who, by which rule, why, and every candidate's verdict."""

    request: RoutingRequest
    decided_at: datetime
    chosen: Operator | None
    tier: Tier | None
    nobody_reason: NobodyReason | None
    explanation: str
    verdicts: tuple[Verdict, ...]
    """The chosen first, then the other eligible by rank, then the excluded by agent id."""

    @property
    def rule(self) -> str:
        """``previous_operator``, ``language_all_expertise``, ..., or the reason nobody won."""
        if self.tier is not None:
            return self.tier.value
        assert self.nobody_reason is not None
        return self.nobody_reason.value

    def verdict_for(self, agent_id: str) -> Verdict:
        return next(v for v in self.verdicts if v.agent_id == agent_id)

    def to_contract(self) -> RoutingDecision:
        return RoutingDecision(
            rule=self.rule,
            explanation=clip(self.explanation, 1000),
            candidates=to_candidate_verdicts(self.verdicts),
        )


def choose(request: RoutingRequest, operators: Iterable[Operator], now: datetime) -> Decision:
    """Pick the operator for ``request`` among ``operators`` as they are at ``now``.

    Pass the operators of the request's channel (any others are judged "not in channel", which
    is correct but makes a long decision).
    """
    ranking = rank(request, operators)
    excluded = tuple(excluded_verdict(e) for e in ranking.excluded)
    if not ranking.eligible:
        reason = (
            NobodyReason.NOBODY_ELIGIBLE if ranking.available_count else NobodyReason.NONE_AVAILABLE
        )
        return Decision(
            request, now, None, None, reason, _explain_nobody(ranking, reason), excluded
        )
    winner, *others = ranking.eligible
    verdicts = (_winner_verdict(winner, now), *_loser_verdicts(others, winner, now), *excluded)
    explanation = _explain_choice(ranking, winner)
    return Decision(request, now, winner.operator, winner.tier, None, explanation, verdicts)


def _winner_verdict(winner: RankedOperator, now: datetime) -> Verdict:
    reasons = (
        f"chosen: {winner.tier.label}",
        f"{load_text(winner.operator)}, {idle_text(winner.operator, now)}",
    )
    return Verdict(winner.agent_id, True, reasons, tier=winner.tier, rank=1)


def _loser_verdicts(
    losers: list[RankedOperator], winner: RankedOperator, now: datetime
) -> Iterator[Verdict]:
    """Why each other eligible candidate lost to ``winner``, in rank order (from 2): the
    first of tier, load, idle time and id order that tells them apart."""
    best = winner.operator
    best_tier, best_load, best_idle = winner.tier_index, best.load, best.state.idle_since
    for position, loser in enumerate(losers, start=2):
        operator, label = loser.operator, loser.tier.label
        load = operator.load
        if loser.tier_index != best_tier:
            why = f"lower tier: {label} (chosen: {winner.tier.label})"
        elif load != best_load:
            why = f"more load ({load} vs {best_load})"
        elif operator.state.idle_since != best_idle:
            why = f"idle less long ({idle_text(operator, now)} vs {idle_text(best, now)})"
        else:
            why = f"same tier, load and idle time: {winner.agent_id} comes first in id order"
        reasons = (why, f"{label}, {load_text(operator)}")
        yield Verdict(operator.agent_id, True, reasons, tier=loser.tier, rank=position)


def _explain_choice(ranking: Ranking, winner: RankedOperator) -> str:
    operator = winner.operator
    same_tier = [r for r in ranking.eligible if r.tier is winner.tier]
    if len(same_tier) == 1:
        fairness = "the only candidate in that tier"
    else:
        runner_up = same_tier[1].operator
        if runner_up.load != operator.load:
            fairness = f"least loaded in that tier ({_chats(operator.load)})"
        elif runner_up.state.idle_since != operator.state.idle_since:
            fairness = f"tied on load ({_chats(operator.load)}), idle longest"
        else:
            fairness = "tied on load and idle time, first in id order"
    others = len(ranking.eligible) - 1
    text = (
        f"{operator.profile.chat_name} ({operator.agent_id}) chosen by rule {winner.tier.value}"
        f" ({_tier_detail(winner.tier, ranking.request)}): {fairness}."
        f" {others} other eligible, {len(ranking.excluded)} excluded."
    )
    return text + _previous_operator_note(ranking, winner)


def _chats(count: int) -> str:
    return f"{count} chat" if count == 1 else f"{count} chats"


def _tier_detail(tier: Tier, request: RoutingRequest) -> str:
    expertise = ", ".join(sorted(request.expertise))
    parts = {
        Tier.PREVIOUS_OPERATOR: "served this visitor before",
        Tier.LANGUAGE_ALL_EXPERTISE: f"speaks {request.language}, has all of {expertise}",
        Tier.LANGUAGE_SOME_EXPERTISE: f"speaks {request.language}, has some of {expertise}",
        Tier.LANGUAGE: f"speaks {request.language}",
        Tier.COUNTRY_ALL_EXPERTISE: f"from {request.country}, has all of {expertise}",
        Tier.COUNTRY_SOME_EXPERTISE: f"from {request.country}, has some of {expertise}",
        Tier.COUNTRY: f"from {request.country}",
        Tier.ALL_EXPERTISE: f"has all of {expertise}",
        Tier.SOME_EXPERTISE: f"has some of {expertise}",
        Tier.ANY_OPERATOR: "no better match was available",
    }
    return parts[tier]


def _previous_operator_note(ranking: Ranking, winner: RankedOperator) -> str:
    previous = ranking.request.previous_agent_id
    if previous is None or previous == winner.agent_id:
        return ""
    for excluded in ranking.excluded:
        if excluded.agent_id == previous:
            why = "; ".join(b.reason for b in excluded.broken)
            return f" Previous operator {previous} not eligible: {why}."
    return f" Previous operator {previous} is not a candidate here."


def _explain_nobody(ranking: Ranking, reason: NobodyReason) -> str:
    total = len(ranking.excluded)
    if reason is NobodyReason.NOBODY_ELIGIBLE:
        wanted = ", ".join(sorted(ranking.request.expertise))
        return (
            f"No operator (nobody_eligible): {ranking.available_count} of {total} operators are"
            f" available but none has any of the requested expertise ({wanted}), and the"
            " request does not fall back to any operator."
        )
    if total == 0:
        return "No operator (none_available): the channel has no operators."
    counts = Counter(b.rule for e in ranking.excluded for b in e.broken)
    broken = ", ".join(f"{rule} ({n})" for rule, n in sorted(counts.items()))
    return (
        f"No operator (none_available): none of {total} operators passes the hard limits;"
        f" broken: {broken}."
    )
