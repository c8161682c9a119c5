"""Who may use and edit canned responses (A11)."""

from __future__ import annotations

import pytest

from parley_gateway.domain.canned_response import CannedResponse, check_canned_response
from parley_gateway.domain.errors import InvalidInput
from parley_gateway.domain.identity import Account, Role

pytestmark = pytest.mark.unit

ANN = Account("agt_ann", "ann@x", "Ann", Role.AGENT, frozenset({"grp_sales"}))
BOB = Account("agt_bob", "bob@x", "Bob", Role.AGENT, frozenset({"grp_sales"}))
CID = Account("agt_cid", "cid@x", "Cid", Role.AGENT, frozenset({"grp_support"}))
BOSS = Account("agt_boss", "boss@x", "Boss", Role.ADMIN)

PRIVATE = CannedResponse("can_1", "hi", "Hi!", created_by=ANN.id, owner_id=ANN.id)
SHARED = CannedResponse(
    "can_2", "hours", "9-5", created_by=ANN.id, group_ids=frozenset({"grp_sales"})
)


def test_a_private_response_is_only_its_owners() -> None:
    assert PRIVATE.usable_by(ANN)
    assert not PRIVATE.usable_by(BOB)


def test_a_shared_response_reaches_members_of_its_groups_only() -> None:
    assert SHARED.usable_by(BOB)
    assert not SHARED.usable_by(CID)


def test_admins_see_every_response() -> None:
    assert PRIVATE.usable_by(BOSS) and SHARED.usable_by(BOSS)


def test_only_the_author_or_an_admin_edits() -> None:
    assert SHARED.editable_by(ANN) and SHARED.editable_by(BOSS)
    assert not SHARED.editable_by(BOB)


def test_an_agent_shares_only_with_their_own_groups() -> None:
    with pytest.raises(InvalidInput, match="group_ids"):
        check_canned_response(CID, "hours", "x", private=False, group_ids=frozenset({"grp_sales"}))
    check_canned_response(BOSS, "hours", "x", private=False, group_ids=frozenset({"grp_sales"}))


@pytest.mark.parametrize("shortcut", ["", "Hello", "two words", "x" * 33, "-lead"])
def test_shortcuts_are_short_lower_case_words(shortcut: str) -> None:
    with pytest.raises(InvalidInput, match="shortcut"):
        check_canned_response(ANN, shortcut, "text", private=True, group_ids=frozenset())
