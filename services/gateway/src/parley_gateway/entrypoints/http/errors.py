"""Rule violations to HTTP answers: one JSON shape ``{status_code, code, detail}`` for all."""

from __future__ import annotations

from typing import Any

from litestar import MediaType, Request, Response
from litestar.types import ExceptionHandlersMap

from ...application.log_in import InvalidCredentials
from ...domain.attachment_policy import TooLarge, UnsupportedType
from ...domain.errors import (
    Conflict,
    ConversationEnded,
    Forbidden,
    FutureSequence,
    GatewayError,
    InvalidInput,
    NotFound,
    RateLimited,
    Unavailable,
)

STATUS: tuple[tuple[type[GatewayError], int, str], ...] = (
    (InvalidCredentials, 401, "unauthorized"),
    (NotFound, 404, "not_found"),
    (Forbidden, 403, "forbidden"),
    (Conflict, 409, "conflict"),
    (ConversationEnded, 409, "ended"),
    (InvalidInput, 400, "bad_request"),
    (FutureSequence, 400, "future_seq"),
    (RateLimited, 429, "rate_limited"),
    (Unavailable, 503, "unavailable"),
    (TooLarge, 413, "too_large"),
    (UnsupportedType, 415, "unsupported_type"),
)


def gateway_error_response(_: Request[Any, Any, Any], exc: GatewayError) -> Response[Any]:
    status, code = 400, exc.code
    for kind, kind_status, kind_code in STATUS:
        if isinstance(exc, kind):
            status, code = kind_status, kind_code
            break
    headers = {}
    if isinstance(exc, RateLimited):
        headers["Retry-After"] = str(max(1, round(exc.retry_after_s)))
    return Response(
        {"status_code": status, "code": code, "detail": str(exc)},
        status_code=status,
        media_type=MediaType.JSON,
        headers=headers,
    )


EXCEPTION_HANDLERS: ExceptionHandlersMap = {GatewayError: gateway_error_response}
