"""Ranking candidates for a request: hard limits, then tiers, then fairness inside a tier.

Inside a tier the *least loaded* operator comes first, counted in chats held, not as a share of
the operator's maximum. The maximum is a ceiling an agent sets for themselves (A4), not a
measure of speed: with a ratio, an agent who allows 10 chats and holds 3 would get the next
visitor before an agent who allows 2 and holds 1, and the visitor would share attention with
three others instead of one. Odoo counts ongoing chats the same way.

Ties go to the operator idle longest (earliest :attr:`OperatorState.idle_since`; no record at all
counts as longest), then to the smallest agent id, so the same input always gives the same
order and work spreads round-robin among equals.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from typing import NamedTuple, TypeVar

from parley_contracts.routing import CandidateVerdict

from .hard_limits import BrokenRule, broken_limits, passes_hard_limits
from .operator import Operator
from .request import RoutingRequest
from .tiers import (
    OPERATOR_MUST_HAVE_REQUESTED_EXPERTISE,
    Tier,
    TierMatcher,
    missing_expertise_reason,
)

_NEVER = datetime.min.replace(tzinfo=UTC)
T = TypeVar("T")
_MAX_REASON = 500


class RankedOperator(NamedTuple):
    """An operator who may be chosen, with the best tier they match.

    A named tuple, as :class:`Verdict`: a decision makes one per candidate."""

    operator: Operator
    tier: Tier
    tier_index: int

    @property
    def agent_id(self) -> str:
        return self.operator.agent_id


@dataclass(frozen=True)
class ExcludedOperator:
    """An operator who may not be chosen for this request, and every rule they break."""

    operator: Operator
    broken: tuple[BrokenRule, ...]

    @property
    def agent_id(self) -> str:
        return self.operator.agent_id

    @property
    def by_hard_limit(self) -> bool:
        return any(b.rule != OPERATOR_MUST_HAVE_REQUESTED_EXPERTISE for b in self.broken)


@dataclass(frozen=True)
class Ranking:
    """Every candidate of one request: the eligible best first, the excluded by agent id."""

    request: RoutingRequest
    eligible: tuple[RankedOperator, ...]
    excluded: tuple[ExcludedOperator, ...]

    @property
    def available_count(self) -> int:
        """Candidates who pass the hard limits, whether or not the request's tiers want them."""
        return len(self.eligible) + sum(1 for e in self.excluded if not e.by_hard_limit)


class Verdict(NamedTuple):
    """How one candidate was judged; ``rank`` 1 is the best eligible candidate.

    A named tuple rather than a frozen dataclass: a decision makes one per candidate, and a
    frozen dataclass costs several times more to build."""

    agent_id: str
    eligible: bool
    reasons: tuple[str, ...]
    broken_rules: tuple[str, ...] = ()
    tier: Tier | None = None
    rank: int | None = None


def fairness_key(operator: Operator) -> tuple[int, tuple[int, datetime], str]:
    """Least loaded first, then idle longest, then agent id."""
    idle_since = operator.state.idle_since
    idle = (0, _NEVER) if idle_since is None else (1, idle_since)
    return (operator.load, idle, operator.agent_id)


def rank(request: RoutingRequest, operators: Iterable[Operator]) -> Ranking:
    """Judge every operator for ``request``: who may be chosen, in which order, and who not."""
    matcher = TierMatcher(request)
    position = {tier: i for i, tier in enumerate(matcher.tiers)}
    keyed: list[tuple[tuple[int, int, tuple[int, datetime], str], RankedOperator]] = []
    excluded: list[ExcludedOperator] = []
    for operator in operators:
        if not passes_hard_limits(operator, request):
            excluded.append(ExcludedOperator(operator, broken_limits(operator, request)))
            continue
        tier = matcher.tier_of(operator)
        if tier is None:
            rule = BrokenRule(
                OPERATOR_MUST_HAVE_REQUESTED_EXPERTISE, missing_expertise_reason(request)
            )
            excluded.append(ExcludedOperator(operator, (rule,)))
            continue
        index = position[tier]
        # Sorted by a plain tuple made once per candidate (agent ids are unique, so the
        # operators themselves are never compared).
        keyed.append(((index, *fairness_key(operator)), RankedOperator(operator, tier, index)))
    keyed.sort(key=_first)
    excluded.sort(key=lambda e: e.agent_id)
    return Ranking(request, tuple(r for _, r in keyed), tuple(excluded))


def _first(pair: tuple[T, object]) -> T:
    return pair[0]


def idle_text(operator: Operator, now: datetime) -> str:
    idle_since = operator.state.idle_since
    if idle_since is None:
        return "no assignment on record"
    return f"idle {max(0, round((now - idle_since).total_seconds()))} s"


def load_text(operator: Operator) -> str:
    return _load_text(operator.load, operator.profile.max_chats)


@lru_cache(maxsize=4096)
def _load_text(load: int, max_chats: int) -> str:
    return f"load {load}/{max_chats}"


def excluded_verdict(excluded: ExcludedOperator) -> Verdict:
    return Verdict(
        agent_id=excluded.agent_id,
        eligible=False,
        reasons=tuple(b.reason for b in excluded.broken),
        broken_rules=tuple(b.rule for b in excluded.broken),
    )


def to_candidate_verdicts(verdicts: tuple[Verdict, ...]) -> tuple[CandidateVerdict, ...]:
    """Contract form: score is higher for better-ranked eligible candidates, None otherwise."""
    ranked = [v.rank for v in verdicts if v.rank is not None]
    top = max(ranked, default=0)
    return tuple(
        CandidateVerdict(
            agent_id=v.agent_id,
            eligible=v.eligible,
            reasons=_clipped(v.reasons),
            score=None if v.rank is None else float(top - v.rank + 1),
        )
        for v in verdicts
    )


def _clipped(reasons: tuple[str, ...]) -> tuple[str, ...]:
    if not reasons or max(map(len, reasons)) <= _MAX_REASON:
        return reasons
    return tuple(clip(r, _MAX_REASON) for r in reasons)


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
