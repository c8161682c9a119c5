"""Visitor tokens: the gateway's signature on an anonymous visitor's id, kept by the widget.

Format ``v1.<visitor_id>.<channel_id>.<issued_at>.<sig>``: ids are base64url-encoded (no padding)
because a customer's visitor id embeds the website's own customer id, which may contain dots;
``issued_at`` is Unix seconds; ``sig`` is HMAC-SHA256 over everything before it, base64url.
Pure functions: the key is passed in (derived from the ``secret_key`` setting), the clock too.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from dataclasses import dataclass

_VERSION = "v1"
# Domain separation: the same secret_key may sign other things; a visitor token is only that.
_PURPOSE = b"parley.visitor-token"


@dataclass(frozen=True)
class VisitorClaims:
    """What a valid visitor token says: this visitor, on this channel, since then."""

    visitor_id: str
    channel_id: str
    issued_at: int


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _signature(key: bytes, signed_part: str) -> str:
    digest = hmac.new(key, _PURPOSE + b"|" + signed_part.encode("ascii"), hashlib.sha256)
    return _b64(digest.digest())


def sign_visitor_token(key: bytes, claims: VisitorClaims) -> str:
    """The token the widget keeps (localStorage) to come back as the same visitor."""
    if not key:
        raise ValueError("a visitor token needs a non-empty key")
    signed_part = ".".join(
        (
            _VERSION,
            _b64(claims.visitor_id.encode()),
            _b64(claims.channel_id.encode()),
            str(claims.issued_at),
        )
    )
    return f"{signed_part}.{_signature(key, signed_part)}"


def verify_visitor_token(
    key: bytes, token: str, *, now: int | None = None, max_age_s: int | None = None
) -> VisitorClaims | None:
    """The claims of ``token`` when ``key`` signed it (and it is young enough); else None."""
    parts = token.split(".")
    if not token.isascii() or len(parts) != 5 or parts[0] != _VERSION or not key:
        return None
    signed_part, signature = token.rpartition(".")[0], parts[4]
    if not hmac.compare_digest(_signature(key, signed_part), signature):
        return None
    try:
        visitor_id = _unb64(parts[1]).decode()
        channel_id = _unb64(parts[2]).decode()
        issued_at = int(parts[3])
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    if max_age_s is not None and now is not None and now - issued_at > max_age_s:
        return None
    return VisitorClaims(visitor_id, channel_id, issued_at)
