"""The one-pass ranking gives what the rules say: the hard-limit check agrees with the listed
broken rules, and the order is tier, then load, then idle time, then agent id."""

from __future__ import annotations

import itertools

import pytest

from parley_routing.domain.hard_limits import broken_limits, passes_hard_limits
from parley_routing.domain.operator import Operator
from parley_routing.domain.ranking import rank
from parley_routing.domain.tiers import Tier

from .builders import AWAY, OFFLINE, ONLINE, op, req

pytestmark = pytest.mark.unit


def _operators() -> list[Operator]:
    """Every combination of availability, channel, load against the maximum, and language."""
    combos = itertools.product(
        (ONLINE, AWAY, OFFLINE), (("ch_support",), ("ch_other",)), (0, 1, 2), ("en", "fr")
    )
    return [
        op(
            f"agt_{n:02d}",
            availability=availability,
            channels=channels,
            load=load,
            max_chats=2,
            lang=lang,
            idle_min=n % 3,
        )
        for n, (availability, channels, load, lang) in enumerate(combos)
    ]


def test_the_quick_hard_limit_check_agrees_with_the_broken_rules() -> None:
    request = req(lang="en").after_timeout("agt_00")
    for operator in _operators():
        assert passes_hard_limits(operator, request) == (not broken_limits(operator, request))


@pytest.mark.parametrize(
    ("loads", "idle_minutes", "expected"),
    [
        ((1, 0, 2), (5, 5, 5), ["agt_b", "agt_a", "agt_c"]),  # least loaded first
        ((1, 1, 1), (5, 9, 1), ["agt_b", "agt_a", "agt_c"]),  # then idle longest
        ((1, 1, 1), (5, 5, 5), ["agt_a", "agt_b", "agt_c"]),  # then agent id
    ],
)
def test_eligible_operators_are_ordered_by_load_then_idle_time_then_id(
    loads: tuple[int, ...], idle_minutes: tuple[int, ...], expected: list[str]
) -> None:
    operators = [
        op(f"agt_{n}", load=load, idle_min=idle)
        for n, load, idle in zip("abc", loads, idle_minutes, strict=True)
    ]
    ranking = rank(req(), reversed(operators))
    assert [r.agent_id for r in ranking.eligible] == expected


def test_a_better_tier_beats_less_load_and_the_excluded_are_listed_by_id() -> None:
    operators = [
        op("agt_z", lang="fr", load=0),
        op("agt_y", lang="en", load=2),
        op("agt_x", availability=OFFLINE),
        op("agt_w", lang="en", load=1, channels=("ch_other",)),
    ]
    ranking = rank(req(lang="en"), operators)
    assert [(r.agent_id, r.tier) for r in ranking.eligible] == [
        ("agt_y", Tier.LANGUAGE),
        ("agt_z", Tier.ANY_OPERATOR),
    ]
    assert [e.agent_id for e in ranking.excluded] == ["agt_w", "agt_x"]
