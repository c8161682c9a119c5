"""Preference tiers: among operators who pass the hard limits, who is preferred (R1, R2).

The order is issue 4's, after Odoo's operator choice:

1. ``previous_operator``: the returning visitor's previous operator;
2. ``language_all_expertise``, ``language_some_expertise``, ``language``: speaks the visitor's
   language (main or extra) with all, some, or regardless of the requested expertise;
3. ``country_all_expertise``, ``country_some_expertise``, ``country``: the same steps for an
   operator from the visitor's country;
4. ``all_expertise``, ``some_expertise``;
5. ``any_operator``.

Collapsing: when the request asks for no expertise, "all expertise" would hold for everyone and
"some expertise" for no one, so the expertise steps disappear and the order is previous operator,
language, country, anyone. A request without a language (or country) skips those steps: nobody
matches an unknown language.

Without fallback (a chatbot hand-off with ``fallback_to_any`` false), the rule
``OperatorMustHaveRequestedExpertise`` applies: an operator needs at least some of the requested
expertise, in every tier, the previous operator's included; the tiers that do not involve
expertise (``language``, ``country``, ``any_operator``) are not tried. "Some" is enough because
the tiers still prefer "all"; a request that asks for no expertise has nothing to fall back
from, so the flag changes nothing there.
"""

from __future__ import annotations

from enum import Enum

from .operator import ExpertiseMatch, Operator
from .request import RoutingRequest

OPERATOR_MUST_HAVE_REQUESTED_EXPERTISE = "OperatorMustHaveRequestedExpertise"


class Tier(Enum):
    """A preference step; its value is the rule name a decision reports (RoutingDecision.rule)."""

    PREVIOUS_OPERATOR = "previous_operator"
    LANGUAGE_ALL_EXPERTISE = "language_all_expertise"
    LANGUAGE_SOME_EXPERTISE = "language_some_expertise"
    LANGUAGE = "language"
    COUNTRY_ALL_EXPERTISE = "country_all_expertise"
    COUNTRY_SOME_EXPERTISE = "country_some_expertise"
    COUNTRY = "country"
    ALL_EXPERTISE = "all_expertise"
    SOME_EXPERTISE = "some_expertise"
    ANY_OPERATOR = "any_operator"

    # Members are singletons compared by identity: the identity hash is correct and, unlike
    # Enum's (a Python-level hash of the name), cheap in the decision's inner loop.
    __hash__ = object.__hash__

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    Tier.PREVIOUS_OPERATOR: "previous operator of this visitor",
    Tier.LANGUAGE_ALL_EXPERTISE: "language + all expertise",
    Tier.LANGUAGE_SOME_EXPERTISE: "language + some expertise",
    Tier.LANGUAGE: "language only",
    Tier.COUNTRY_ALL_EXPERTISE: "country + all expertise",
    Tier.COUNTRY_SOME_EXPERTISE: "country + some expertise",
    Tier.COUNTRY: "country only",
    Tier.ALL_EXPERTISE: "all expertise",
    Tier.SOME_EXPERTISE: "some expertise",
    Tier.ANY_OPERATOR: "any operator",
}

_WITHOUT_EXPERTISE = (Tier.PREVIOUS_OPERATOR, Tier.LANGUAGE, Tier.COUNTRY, Tier.ANY_OPERATOR)
_EXPERTISE_FREE = frozenset({Tier.LANGUAGE, Tier.COUNTRY, Tier.ANY_OPERATOR})


def tiers_for(request: RoutingRequest) -> tuple[Tier, ...]:
    """The tiers tried for ``request``, best first, after collapsing (see the module doc)."""
    if not request.wants_expertise:
        return _WITHOUT_EXPERTISE
    if request.needs_expertise:
        return tuple(tier for tier in Tier if tier not in _EXPERTISE_FREE)
    return tuple(Tier)


def tier_of(operator: Operator, request: RoutingRequest, tiers: tuple[Tier, ...]) -> Tier | None:
    """The best of ``tiers`` that ``operator`` matches; None when none does (no fallback)."""
    profile = operator.profile
    expertise = profile.match_expertise_keys(request.expertise_keys)
    if request.needs_expertise and expertise is ExpertiseMatch.NONE:
        return None
    speaks = request.language_key in profile.language_keys
    local = request.country_key is not None and request.country_key == profile.country_key
    has_all = expertise is ExpertiseMatch.ALL
    has_some = expertise is ExpertiseMatch.SOME
    # In the order of ``Tier``: computed once, looked up by position for each tier tried.
    matches = (
        operator.agent_id == request.previous_agent_id,
        speaks and has_all,
        speaks and has_some,
        speaks,
        local and has_all,
        local and has_some,
        local,
        has_all,
        has_some,
        True,
    )
    for tier, position in _positions(tiers):
        if matches[position]:
            return tier
    return None


_POSITIONS: dict[tuple[Tier, ...], tuple[tuple[Tier, int], ...]] = {}


def _positions(tiers: tuple[Tier, ...]) -> tuple[tuple[Tier, int], ...]:
    known = _POSITIONS.get(tiers)
    if known is None:
        order = list(Tier)
        known = _POSITIONS[tiers] = tuple((tier, order.index(tier)) for tier in tiers)
    return known


def missing_expertise_reason(request: RoutingRequest) -> str:
    wanted = ", ".join(sorted(request.expertise))
    return f"has none of the requested expertise ({wanted}) and the request does not fall back"
