"""Visitors are who their tokens say: the visitor token, or the website's customer token."""

from __future__ import annotations

import time

import jwt
import pytest

from parley_gateway.adapters.customer_token import verify_customer_token
from parley_gateway.application.identify_visitor import (
    IdentifyVisitor,
    InvalidCustomerToken,
    customer_visitor_id,
)
from parley_gateway.domain.channel import Channel

pytestmark = pytest.mark.unit

SECRET = "a-channel-secret-long-enough-for-hs256-and-even-for-hs512-tokens!"
CHANNEL = Channel("chn_a", "A", frozenset(), SECRET, ("https://a.example",))
OTHER = Channel("chn_b", "B", frozenset(), SECRET, ("https://b.example",))
identify = IdentifyVisitor(b"key", verify_customer_token, max_age_s=3_600)


def test_a_new_visitor_gets_an_id_and_a_token_that_brings_them_back() -> None:
    first = identify(CHANNEL, now=1_000)
    again = identify(CHANNEL, now=1_100, visitor_token=first.visitor_token)
    assert again.visitor.id == first.visitor.id


def test_a_visitor_token_of_another_channel_gets_a_new_visitor() -> None:
    first = identify(CHANNEL, now=1_000)
    elsewhere = identify(OTHER, now=1_000, visitor_token=first.visitor_token)
    assert elsewhere.visitor.id != first.visitor.id


def test_an_expired_visitor_token_gets_a_new_visitor() -> None:
    first = identify(CHANNEL, now=1_000)
    assert identify(CHANNEL, now=10_000, visitor_token=first.visitor_token).visitor.id != (
        first.visitor.id
    )


def test_a_customer_token_names_the_same_visitor_everywhere() -> None:
    token = jwt.encode({"customer_id": "42", "name": "Carla", "exp": time.time() + 60}, SECRET)
    identified = identify(CHANNEL, now=int(time.time()), customer_token=token)
    assert identified.visitor.id == "cus_chn_a_42"
    assert identified.visitor.customer_id == "42" and identified.visitor.name == "Carla"


@pytest.mark.parametrize(
    "token",
    [
        jwt.encode(
            {"customer_id": "42", "exp": time.time() + 60}, "another-secret-of-32-bytes-or-more"
        ),
        jwt.encode({"customer_id": "42", "exp": time.time() - 3_600}, SECRET),
        jwt.encode({"customer_id": "42"}, SECRET),
        jwt.encode({"customer_id": "42", "exp": time.time() + 60}, SECRET, algorithm="HS512"),
        "not-a-token",
    ],
    ids=["wrong secret", "expired", "no exp", "other algorithm", "garbage"],
)
def test_an_invalid_customer_token_is_refused(token: str) -> None:
    with pytest.raises(InvalidCustomerToken):
        identify(CHANNEL, now=int(time.time()), customer_token=token)


def test_a_customer_id_that_is_not_a_valid_id_is_digested() -> None:
    visitor_id = customer_visitor_id("chn_a", "jane doe/42")
    assert visitor_id.startswith("cus_chn_a_") and " " not in visitor_id
