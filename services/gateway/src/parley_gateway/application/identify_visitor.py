"""Use case: who is on the visitor socket, from the tokens their ``hello`` carried (V3).

A customer token (signed by the website with the channel's secret) names a customer: all their
tabs and devices share the visitor id ``cus_<channel>_<customer id>``. Otherwise the gateway's
own visitor token brings an anonymous visitor back; without a valid one they get a new id.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass

from ..domain.channel import Channel
from ..domain.errors import GatewayError
from ..domain.identity import Visitor
from ..domain.visitor_token import VisitorClaims, sign_visitor_token, verify_visitor_token
from .ids import new_id

_IDENTIFIER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}$")


class InvalidCustomerToken(GatewayError):
    """The website's customer token is forged, expired or for another channel."""

    code = "auth"


@dataclass(frozen=True)
class CustomerClaims:
    customer_id: str
    name: str | None
    email: str | None


CustomerTokenVerifier = Callable[[str, str], CustomerClaims | None]
"""(channel secret, token) -> the claims when the token is valid."""


@dataclass(frozen=True)
class Identified:
    visitor: Visitor
    visitor_token: str


class IdentifyVisitor:
    def __init__(self, key: bytes, verify_customer: CustomerTokenVerifier, max_age_s: int) -> None:
        self._key = key
        self._verify_customer = verify_customer
        self._max_age_s = max_age_s

    def __call__(
        self,
        channel: Channel,
        now: int,
        visitor_token: str | None = None,
        customer_token: str | None = None,
    ) -> Identified:
        if customer_token is not None:
            claims = self._verify_customer(channel.secret, customer_token)
            if claims is None:
                raise InvalidCustomerToken("the customer token is not valid for this channel")
            visitor = Visitor(
                id=customer_visitor_id(channel.id, claims.customer_id),
                channel_id=channel.id,
                customer_id=claims.customer_id,
                name=claims.name,
                email=claims.email,
            )
            return Identified(visitor, self._sign(visitor.id, channel.id, now))
        if visitor_token is not None:
            known = verify_visitor_token(
                self._key, visitor_token, now=now, max_age_s=self._max_age_s
            )
            if known is not None and known.channel_id == channel.id:
                return Identified(
                    Visitor(id=known.visitor_id, channel_id=channel.id), visitor_token
                )
        visitor_id = new_id("vis")
        return Identified(
            Visitor(id=visitor_id, channel_id=channel.id), self._sign(visitor_id, channel.id, now)
        )

    def _sign(self, visitor_id: str, channel_id: str, now: int) -> str:
        return sign_visitor_token(self._key, VisitorClaims(visitor_id, channel_id, now))


def customer_visitor_id(channel_id: str, customer_id: str) -> str:
    """``cus_<channel>_<customer id>``, or a digest of the customer id where it would not make a
    valid Parley id (characters, length)."""
    plain = f"cus_{channel_id}_{customer_id}"
    if _IDENTIFIER.match(plain):
        return plain
    digest = hashlib.sha256(customer_id.encode()).hexdigest()[:32]
    return f"cus_{channel_id}_{digest}"
