"""Visitor tokens: signed by the gateway, verified with the same key, nothing else accepted."""

from __future__ import annotations

import pytest

from parley_gateway.domain.visitor_token import (
    VisitorClaims,
    sign_visitor_token,
    verify_visitor_token,
)

pytestmark = pytest.mark.unit

KEY = b"gateway secret"
CLAIMS = VisitorClaims("vis_01abc", "chn_default", 1_700_000_000)


def test_a_signed_token_verifies_to_its_claims() -> None:
    token = sign_visitor_token(KEY, CLAIMS)
    assert token.startswith("v1.")
    assert verify_visitor_token(KEY, token) == CLAIMS


def test_ids_with_dots_survive_the_round_trip() -> None:
    claims = VisitorClaims("cus_chn_1_john.doe@example.com", "chn.1", 5)
    assert verify_visitor_token(KEY, sign_visitor_token(KEY, claims)) == claims


def test_another_key_does_not_verify() -> None:
    assert verify_visitor_token(b"other key", sign_visitor_token(KEY, CLAIMS)) is None


def test_a_tampered_visitor_id_does_not_verify() -> None:
    other = sign_visitor_token(KEY, VisitorClaims("vis_victim", "chn_default", 1_700_000_000))
    mine = sign_visitor_token(KEY, CLAIMS).split(".")
    mine[1] = other.split(".")[1]
    assert verify_visitor_token(KEY, ".".join(mine)) is None


@pytest.mark.parametrize("token", ["", "v1", "v2.a.b.1.sig", "v1.a.b.c.d.e", "v1.ä.b.1.x"])
def test_malformed_tokens_do_not_verify(token: str) -> None:
    assert verify_visitor_token(KEY, token) is None


def test_an_old_token_expires_when_a_max_age_is_given() -> None:
    token = sign_visitor_token(KEY, CLAIMS)
    assert verify_visitor_token(KEY, token, now=CLAIMS.issued_at + 10, max_age_s=60) == CLAIMS
    assert verify_visitor_token(KEY, token, now=CLAIMS.issued_at + 61, max_age_s=60) is None


def test_signing_needs_a_key() -> None:
    with pytest.raises(ValueError):
        sign_visitor_token(b"", CLAIMS)
