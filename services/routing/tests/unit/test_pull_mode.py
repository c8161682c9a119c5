"""Pull mode (R1): offer to every eligible operator, best first; the first accept wins."""

from __future__ import annotations

import pytest

from parley_routing.domain.operator import Operator
from parley_routing.domain.pull import Accepted, Refused, first_accept_wins, offer

from .builders import AWAY, NOW, OFFLINE, op, req

pytestmark = pytest.mark.unit

OPERATORS = (
    op("agt_any", lang="fr"),
    op("agt_lang_busy", load=2),
    op("agt_expert", expertise=("billing",), load=2),
    op("agt_lang", load=1),
    op("agt_off", availability=OFFLINE),
    op("agt_full", load=3, max_chats=3),
)


def test_an_offer_goes_to_everyone_eligible_best_tier_first() -> None:
    offered = offer(req(expertise=("billing",)), OPERATORS, NOW)
    assert offered.agent_ids == ("agt_expert", "agt_lang", "agt_lang_busy", "agt_any")


def test_an_offer_explains_who_was_left_out() -> None:
    offered = offer(req(), OPERATORS, NOW)
    left_out = {v.agent_id: v.reasons for v in offered.verdicts if not v.eligible}
    assert left_out == {"agt_full": ("at capacity 3/3",), "agt_off": ("offline",)}
    contract = offered.to_contract()
    assert contract.rule == "pull_offer"
    assert "Offered to 4 eligible operators" in contract.explanation


def test_a_handoff_without_fallback_is_offered_to_experts_only() -> None:
    offered = offer(req(expertise=("billing",), handoff=True, fallback=False), OPERATORS, NOW)
    assert offered.agent_ids == ("agt_expert",)


def test_with_nobody_eligible_the_offer_is_empty() -> None:
    offered = offer(req(), (op("agt_off", availability=OFFLINE),), NOW)
    assert offered.is_empty
    assert offered.explanation == "Nobody to offer to: all 1 operators are excluded."


def test_the_first_accept_wins_and_the_second_is_refused() -> None:
    request = req()
    ada, bob = op("agt_ada"), op("agt_bob")
    first = first_accept_wins(request, None, True, ada, NOW)
    assert isinstance(first, Accepted) and not first.already_theirs
    assert first.operator.holds(request.conversation_id)
    assert first.operator.state.last_assigned_at == NOW
    assert first.decision.rule == "first_accept"
    second = first_accept_wins(request, first.operator.agent_id, True, bob, NOW)
    assert second == Refused("FirstAcceptWins", "already taken by agt_ada")


def test_a_repeated_accept_by_the_winner_changes_nothing() -> None:
    ada = op("agt_ada").with_conversation("conv_1", NOW)
    again = first_accept_wins(req(), "agt_ada", True, ada, NOW)
    assert isinstance(again, Accepted) and again.already_theirs
    assert again.operator == ada


@pytest.mark.parametrize(
    ("operator", "still_waiting", "rule"),
    [
        (op("agt_x", load=3, max_chats=3), True, "OperatorMustHaveFreeCapacity"),
        (op("agt_x", availability=OFFLINE), True, "OperatorMustNotBeOffline"),
        (op("agt_x"), False, "ConversationMustBeWaiting"),
    ],
    ids=["at capacity", "offline", "no longer waiting"],
)
def test_an_accept_that_breaks_a_rule_is_refused(
    operator: Operator, still_waiting: bool, rule: str
) -> None:
    outcome = first_accept_wins(req(), None, still_waiting, operator, NOW)
    assert isinstance(outcome, Refused) and outcome.rule == rule


@pytest.mark.parametrize(
    "operator",
    [op("agt_x", availability=AWAY), op("agt_x", channels=())],
    ids=["away operators may accept", "offers narrow who is told, not who may take it"],
)
def test_an_accept_outside_the_offer_is_allowed(operator: Operator) -> None:
    assert isinstance(first_accept_wins(req(), None, True, operator, NOW), Accepted)
