"""Hard limits (availability, channel, capacity) and fairness inside a tier (load, idle, id)."""

from __future__ import annotations

from itertools import permutations

import pytest

from parley_routing.domain.choosing import choose
from parley_routing.domain.operator import Operator

from .builders import AWAY, NOW, OFFLINE, op, req

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("candidate", "rule", "reason"),
    [
        (op("agt_x", availability=OFFLINE), "OperatorMustBeOnline", "offline"),
        (op("agt_x", availability=AWAY), "OperatorMustBeOnline", "away: away operators get no"),
        (op("agt_x", load=3, max_chats=3), "OperatorMustHaveFreeCapacity", "at capacity 3/3"),
        (op("agt_x", channels=("ch_sales",)), "OperatorMustHaveJoinedTheChannel", "not in chan"),
    ],
    ids=["offline", "away", "at capacity", "not in channel"],
)
def test_an_operator_breaking_a_hard_limit_is_skipped(
    candidate: Operator, rule: str, reason: str
) -> None:
    decision = choose(req(), (candidate, op("agt_fallback", lang="fr", load=2)), NOW)
    assert decision.chosen is not None and decision.chosen.agent_id == "agt_fallback"
    verdict = decision.verdict_for("agt_x")
    assert not verdict.eligible
    assert verdict.broken_rules == (rule,)
    assert verdict.reasons[0].startswith(reason)


def test_every_broken_limit_is_listed() -> None:
    candidate = op("agt_x", availability=OFFLINE, load=2, max_chats=2, channels=())
    verdict = choose(req(), (candidate,), NOW).verdict_for("agt_x")
    assert verdict.broken_rules == (
        "OperatorMustBeOnline",
        "OperatorMustHaveJoinedTheChannel",
        "OperatorMustHaveFreeCapacity",
    )
    assert verdict.reasons == ("offline", "not in channel ch_support", "at capacity 2/2")


def test_an_operator_one_below_capacity_may_be_chosen() -> None:
    decision = choose(req(), (op("agt_x", load=2, max_chats=3),), NOW)
    assert decision.chosen is not None


@pytest.mark.parametrize(
    "operators",
    [
        (),
        (op("agt_a", availability=OFFLINE), op("agt_b", load=3, max_chats=3)),
    ],
    ids=["no operators", "all excluded"],
)
def test_nobody_passing_the_hard_limits_is_none_available(operators: tuple[Operator, ...]) -> None:
    decision = choose(req(), operators, NOW)
    assert (decision.chosen, decision.rule) == (None, "none_available")


def test_none_available_counts_the_broken_rules() -> None:
    operators = (op("agt_a", availability=OFFLINE), op("agt_b", availability=AWAY))
    explanation = choose(req(), operators, NOW).explanation
    assert "none of 2 operators passes the hard limits" in explanation
    assert "OperatorMustBeOnline (2)" in explanation


@pytest.mark.parametrize(
    ("operators", "winner", "loser_reason"),
    [
        ((op("agt_a", load=2), op("agt_b", load=1)), "agt_b", "more load (2 vs 1)"),
        (
            (op("agt_a", load=3, max_chats=10), op("agt_b", load=1, max_chats=2)),
            "agt_b",
            "more load (3 vs 1)",
        ),
        (
            (op("agt_a", idle_min=5), op("agt_b", idle_min=20)),
            "agt_b",
            "idle less long (idle 300 s vs idle 1200 s)",
        ),
        (
            (op("agt_a", idle_min=20), op("agt_b", idle_min=None)),
            "agt_b",
            "idle less long (idle 1200 s vs no assignment on record)",
        ),
        (
            (op("agt_b"), op("agt_a")),
            "agt_a",
            "same tier, load and idle time: agt_a comes first in id order",
        ),
    ],
    ids=[
        "least loaded wins",
        "load counts chats not the share of the maximum",
        "equal load goes to the one idle longest",
        "no assignment on record counts as idle longest",
        "full tie goes to the smaller id",
    ],
)
def test_inside_a_tier_work_spreads_fairly(
    operators: tuple[Operator, ...], winner: str, loser_reason: str
) -> None:
    decision = choose(req(), operators, NOW)
    assert decision.chosen is not None and decision.chosen.agent_id == winner
    [loser] = [v for v in decision.verdicts if v.agent_id != winner]
    assert loser.eligible
    assert loser.reasons[0] == loser_reason


def test_a_better_tier_wins_despite_more_load() -> None:
    decision = choose(req(), (op("agt_fr", lang="fr"), op("agt_en", load=2)), NOW)
    assert decision.chosen is not None and decision.chosen.agent_id == "agt_en"
    assert decision.verdict_for("agt_fr").reasons[0] == (
        "lower tier: any operator (chosen: language only)"
    )


def test_going_online_later_counts_as_idle_from_then() -> None:
    early = op("agt_a", idle_min=60)
    late = op("agt_b", idle_min=60).with_availability(OFFLINE, NOW)
    late = late.with_availability(early.state.availability, NOW)
    decision = choose(req(), (late, early), NOW)
    assert decision.chosen is not None and decision.chosen.agent_id == "agt_a"


def test_the_same_input_in_any_order_gives_the_same_answer() -> None:
    operators = [
        op("agt_c", load=1, idle_min=30),
        op("agt_a", load=1, idle_min=30),
        op("agt_b", load=1, idle_min=30),
        op("agt_d", load=0, lang="fr"),
    ]
    answers = {
        tuple(v.agent_id for v in choose(req(), order, NOW).verdicts)
        for order in permutations(operators)
    }
    assert answers == {("agt_a", "agt_b", "agt_c", "agt_d")}


def test_the_operator_who_let_it_expire_is_not_chosen_again() -> None:
    request = req().after_timeout("agt_a")
    decision = choose(request, (op("agt_a"), op("agt_b", load=2)), NOW)
    assert decision.chosen is not None and decision.chosen.agent_id == "agt_b"
    assert decision.verdict_for("agt_a").broken_rules == ("OperatorMustNotHaveLetItExpire",)
