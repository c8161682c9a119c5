"""Explainable decisions (R4): the rule that won, a sentence, a verdict for every candidate."""

from __future__ import annotations

import pytest

from parley_contracts.routing import RoutingDecision
from parley_routing.domain.choosing import choose
from parley_routing.domain.operator import Operator
from parley_routing.domain.request import RoutingRequest

from .builders import NOW, OFFLINE, op, req

pytestmark = pytest.mark.unit

OPERATORS = (
    op("agt_ada", expertise=("billing",), load=1, name="Ada"),
    op("agt_bob", expertise=("billing",), load=2),
    op("agt_cy", load=0),
    op("agt_dee", availability=OFFLINE),
    op("agt_eve", channels=("ch_sales",)),
)


def test_the_explanation_names_the_operator_rule_and_why() -> None:
    decision = choose(req(expertise=("billing",)), OPERATORS, NOW)
    assert decision.explanation.startswith(
        "Ada (agt_ada) chosen by rule language_all_expertise"
        " (speaks en, has all of billing): least loaded in that tier (1 chat)."
    )
    assert "2 other eligible, 2 excluded." in decision.explanation


@pytest.mark.parametrize(
    ("operators", "fairness"),
    [
        ((op("agt_a"),), "the only candidate in that tier"),
        ((op("agt_a", idle_min=30), op("agt_b")), "tied on load (0 chats), idle longest"),
        ((op("agt_a"), op("agt_b")), "tied on load and idle time, first in id order"),
    ],
    ids=["alone in the tier", "won on idle time", "won on id order"],
)
def test_the_explanation_says_how_the_tier_was_settled(
    operators: tuple[Operator, ...], fairness: str
) -> None:
    assert fairness in choose(req(), operators, NOW).explanation


def test_the_explanation_says_why_the_previous_operator_did_not_get_it() -> None:
    decision = choose(req(previous="agt_dee"), OPERATORS, NOW)
    assert "Previous operator agt_dee not eligible: offline." in decision.explanation


def test_verdicts_list_the_chosen_then_the_eligible_by_rank_then_the_excluded() -> None:
    decision = choose(req(expertise=("billing",)), OPERATORS, NOW)
    summary = [(v.agent_id, v.eligible, v.rank, v.reasons[0]) for v in decision.verdicts]
    assert summary == [
        ("agt_ada", True, 1, "chosen: language + all expertise"),
        ("agt_bob", True, 2, "more load (2 vs 1)"),
        ("agt_cy", True, 3, "lower tier: language only (chosen: language + all expertise)"),
        ("agt_dee", False, None, "offline"),
        ("agt_eve", False, None, "not in channel ch_support"),
    ]


def test_the_decision_converts_to_the_contract() -> None:
    contract = choose(req(expertise=("billing",)), OPERATORS, NOW).to_contract()
    assert isinstance(contract, RoutingDecision)
    assert contract.rule == "language_all_expertise"
    scores = [(c.agent_id, c.eligible, c.score) for c in contract.candidates]
    assert scores == [
        ("agt_ada", True, 3.0),
        ("agt_bob", True, 2.0),
        ("agt_cy", True, 1.0),
        ("agt_dee", False, None),
        ("agt_eve", False, None),
    ]
    assert contract.candidates[0].reasons == (
        "chosen: language + all expertise",
        "load 1/3, idle 600 s",
    )


@pytest.mark.parametrize(
    ("request_", "operators", "rule"),
    [
        (req(), (op("agt_a", availability=OFFLINE),), "none_available"),
        (req(expertise=("billing",), fallback=False), (op("agt_a"),), "nobody_eligible"),
    ],
    ids=["none available", "nobody eligible"],
)
def test_a_decision_without_an_operator_converts_to_the_contract(
    request_: RoutingRequest, operators: tuple[Operator, ...], rule: str
) -> None:
    decision = choose(request_, operators, NOW)
    contract = decision.to_contract()
    assert (contract.rule, len(contract.candidates)) == (rule, 1)
    assert not contract.candidates[0].eligible


def test_a_long_explanation_is_clipped_to_the_contract_limit() -> None:
    many = tuple(op(f"agt_{i:04d}", availability=OFFLINE) for i in range(300))
    decision = choose(req(previous="agt_" + "x" * 900), (*many, op("agt_ok")), NOW)
    assert len(decision.to_contract().explanation) <= 1000
