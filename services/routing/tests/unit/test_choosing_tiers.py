"""Preference tiers (R1, R2): previous operator, language, country, expertise, anyone."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from parley_routing.domain.choosing import choose
from parley_routing.domain.operator import Operator
from parley_routing.domain.request import RoutingRequest

from .builders import NOW, OFFLINE, op, req

pytestmark = pytest.mark.unit

BILLING = ("billing",)
BOTH = ("billing", "refunds")


@dataclass(frozen=True)
class Case:
    id: str
    request: RoutingRequest
    operators: tuple[Operator, ...]
    winner: str
    rule: str


CASES = [
    Case(
        "main language beats no language",
        req(lang="en"),
        (op("agt_de", lang="de"), op("agt_en", lang="en")),
        "agt_en",
        "language",
    ),
    Case(
        "extra language counts like the main one",
        req(lang="en"),
        (op("agt_de", lang="de"), op("agt_fr", lang="fr", extra=("en",))),
        "agt_fr",
        "language",
    ),
    Case(
        "languages match on the primary subtag",
        req(lang="en-GB"),
        (op("agt_de", lang="de"), op("agt_us", lang="en-US")),
        "agt_us",
        "language",
    ),
    Case(
        "country when nobody speaks the language",
        req(lang="en", country="DE"),
        (op("agt_fr", lang="fr", country="FR"), op("agt_de", lang="de", country="DE")),
        "agt_de",
        "country",
    ),
    Case(
        "language beats country",
        req(lang="en", country="DE"),
        (op("agt_de", lang="de", country="DE"), op("agt_en", lang="en", country="US")),
        "agt_en",
        "language",
    ),
    Case(
        "language with all expertise beats language with some",
        req(expertise=BOTH),
        (op("agt_some", expertise=BILLING), op("agt_all", expertise=BOTH)),
        "agt_all",
        "language_all_expertise",
    ),
    Case(
        "language with some expertise beats language alone",
        req(expertise=BOTH),
        (op("agt_plain"), op("agt_some", expertise=BILLING)),
        "agt_some",
        "language_some_expertise",
    ),
    Case(
        "language alone beats country with all expertise",
        req(country="DE", expertise=BILLING),
        (op("agt_de", lang="de", country="DE", expertise=BILLING), op("agt_en")),
        "agt_en",
        "language",
    ),
    Case(
        "country with all expertise beats country with some",
        req(country="DE", expertise=BOTH),
        (
            op("agt_some", lang="de", country="DE", expertise=BILLING),
            op("agt_all", lang="de", country="DE", expertise=BOTH),
        ),
        "agt_all",
        "country_all_expertise",
    ),
    Case(
        "country with some expertise beats country alone",
        req(country="DE", expertise=BOTH),
        (
            op("agt_plain", lang="de", country="DE"),
            op("agt_some", lang="de", country="DE", expertise=("refunds",)),
        ),
        "agt_some",
        "country_some_expertise",
    ),
    Case(
        "country alone beats all expertise",
        req(country="DE", expertise=BILLING),
        (op("agt_expert", lang="fr", expertise=BILLING), op("agt_de", lang="fr", country="DE")),
        "agt_de",
        "country",
    ),
    Case(
        "all expertise beats some expertise",
        req(expertise=BOTH),
        (op("agt_some", lang="fr", expertise=BILLING), op("agt_all", lang="fr", expertise=BOTH)),
        "agt_all",
        "all_expertise",
    ),
    Case(
        "some expertise beats none",
        req(expertise=BOTH),
        (op("agt_none", lang="fr"), op("agt_some", lang="fr", expertise=("refunds",))),
        "agt_some",
        "some_expertise",
    ),
    Case(
        "anyone when nothing matches",
        req(lang="en", country="DE", expertise=BILLING),
        (op("agt_fr", lang="fr", country="FR"),),
        "agt_fr",
        "any_operator",
    ),
    Case(
        "expertise names ignore case",
        req(expertise=("Billing",)),
        (op("agt_plain"), op("agt_expert", expertise=("billing",))),
        "agt_expert",
        "language_all_expertise",
    ),
    Case(
        "without requested expertise the expertise steps collapse into language",
        req(lang="en"),
        (op("agt_en", expertise=BILLING),),
        "agt_en",
        "language",
    ),
    Case(
        "without language or country anyone qualifies",
        req(lang=None),
        (op("agt_en"),),
        "agt_en",
        "any_operator",
    ),
    Case(
        "previous operator beats a better match with less load",
        req(expertise=BILLING, previous="agt_prev"),
        (op("agt_best", expertise=BILLING), op("agt_prev", lang="fr", load=2)),
        "agt_prev",
        "previous_operator",
    ),
    Case(
        "an ineligible previous operator falls through to the tiers",
        req(previous="agt_prev"),
        (op("agt_prev", availability=OFFLINE), op("agt_en")),
        "agt_en",
        "language",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_the_best_tier_wins(case: Case) -> None:
    decision = choose(case.request, case.operators, NOW)
    assert decision.chosen is not None
    assert (decision.chosen.agent_id, decision.rule) == (case.winner, case.rule)


@pytest.mark.parametrize(
    ("fallback", "winner", "rule"),
    [(True, "agt_en", "language"), (False, "agt_expert", "all_expertise")],
    ids=["with fallback language wins", "without fallback only experts qualify"],
)
def test_a_handoff_without_fallback_insists_on_expertise(
    fallback: bool, winner: str, rule: str
) -> None:
    request = req(expertise=BILLING, handoff=True, fallback=fallback)
    operators = (op("agt_en"), op("agt_expert", lang="fr", expertise=BILLING))
    decision = choose(request, operators, NOW)
    assert decision.chosen is not None
    assert (decision.chosen.agent_id, decision.rule) == (winner, rule)


def test_without_fallback_operators_lacking_expertise_are_not_eligible() -> None:
    request = req(expertise=BILLING, handoff=True, fallback=False)
    decision = choose(request, (op("agt_en"), op("agt_expert", expertise=BILLING)), NOW)
    verdict = decision.verdict_for("agt_en")
    assert not verdict.eligible
    assert verdict.broken_rules == ("OperatorMustHaveRequestedExpertise",)
    assert "billing" in verdict.reasons[0]


def test_without_fallback_and_no_expert_nobody_is_eligible() -> None:
    request = req(expertise=BILLING, handoff=True, fallback=False)
    decision = choose(request, (op("agt_en"), op("agt_fr", lang="fr")), NOW)
    assert decision.chosen is None
    assert decision.rule == "nobody_eligible"
    assert "billing" in decision.explanation
    assert "does not fall back" in decision.explanation


def test_without_fallback_the_previous_operator_needs_expertise_too() -> None:
    request = req(expertise=BILLING, fallback=False, previous="agt_prev")
    operators = (op("agt_prev"), op("agt_expert", lang="fr", expertise=BILLING))
    decision = choose(request, operators, NOW)
    assert decision.chosen is not None
    assert decision.chosen.agent_id == "agt_expert"


def test_without_fallback_a_request_without_expertise_takes_anyone() -> None:
    decision = choose(req(lang="en", fallback=False), (op("agt_fr", lang="fr"),), NOW)
    assert decision.rule == "any_operator"
