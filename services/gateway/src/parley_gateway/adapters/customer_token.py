"""Customer tokens (V3): the website signs who its logged-in customer is with the channel's secret.

A compact JWS, HS256 only (the algorithm is pinned: a token cannot choose ``none`` or another
key type), claims ``{customer_id, name, email?, exp}``; ``exp`` is required.
"""

from __future__ import annotations

import jwt

from ..application.identify_visitor import CustomerClaims


def verify_customer_token(secret: str, token: str, leeway_s: float = 30.0) -> CustomerClaims | None:
    """The claims when the channel's ``secret`` signed ``token`` and it has not expired."""
    if not secret:
        return None
    try:
        claims = jwt.decode(
            token,
            secret,
            algorithms=["HS256"],
            options={"require": ["exp"]},
            leeway=leeway_s,
        )
    except jwt.PyJWTError:
        return None
    customer_id = claims.get("customer_id")
    if not isinstance(customer_id, str) or not 0 < len(customer_id) <= 256:
        return None
    name = claims.get("name")
    email = claims.get("email")
    return CustomerClaims(
        customer_id=customer_id,
        name=name[:200] if isinstance(name, str) and name.strip() else None,
        email=email if isinstance(email, str) and "@" in email and len(email) <= 254 else None,
    )
