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


class TierMatcher:
    """Finds the best tier each operator matches for one request.

    What the request asks is looked up once here, not once per candidate: a decision asks it
    of every operator in the channel."""

    def __init__(self, request: RoutingRequest) -> None:
        self.tiers = tiers_for(request)
        order = list(Tier)
        self._positions = tuple((tier, order.index(tier)) for tier in self.tiers)
        self._previous = request.previous_agent_id
        self._language = request.language_key
        self._country = request.country_key
        self._expertise = request.expertise_keys
        self._needs_expertise = request.needs_expertise

    def tier_of(self, operator: Operator) -> Tier | None:
        """The best of the request's tiers that ``operator`` matches; None when none does (no
        fallback)."""
        profile = operator.profile
        expertise = profile.match_expertise_keys(self._expertise)
        if expertise is ExpertiseMatch.NONE and self._needs_expertise:
            return None
        speaks = self._language in profile.language_keys
        local = self._country is not None and self._country == profile.country_key
        has_all = expertise is ExpertiseMatch.ALL
        has_some = expertise is ExpertiseMatch.SOME
        # In the order of ``Tier``: computed once, looked up by position for each tier tried.
        matches = (
            operator.agent_id == self._previous,
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
        for tier, position in self._positions:
            if matches[position]:
                return tier
        return None


def missing_expertise_reason(request: RoutingRequest) -> str:
    wanted = ", ".join(sorted(request.expertise))
    return f"has none of the requested expertise ({wanted}) and the request does not fall back"
