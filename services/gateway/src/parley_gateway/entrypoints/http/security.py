"""Who is calling: the session middleware, guards, and the identities handlers receive.

The middleware resolves a session token (``Authorization: Bearer <token>`` or the
``parley_session`` cookie) to an account and puts it in ``request.user`` (None when there is no
valid session); the guards turn None into 401 and a non-admin into 403. Attachment and event
routes also accept a visitor token (``X-Parley-Visitor-Token`` header or ``visitor_token`` query
parameter, since an ``<img src>`` cannot send headers).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler
from litestar.middleware.authentication import (
    AbstractAuthenticationMiddleware,
    AuthenticationResult,
)

from ...application.conversation_access import Requester
from ...application.ports import SessionStore
from ...domain.identity import Account
from ...domain.visitor_token import VisitorClaims

SESSION_COOKIE = "parley_session"
VISITOR_TOKEN_HEADER = "x-parley-visitor-token"


def session_token(connection: ASGIConnection[Any, Any, Any, Any]) -> str | None:
    header = connection.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return connection.cookies.get(SESSION_COOKIE) or None


def session_middleware(sessions: SessionStore) -> type[AbstractAuthenticationMiddleware]:
    """The middleware class for ``sessions`` (a class, because Litestar deep-copies routers
    and their middleware arguments, and a database client cannot be copied)."""

    class SessionMiddleware(AbstractAuthenticationMiddleware):
        async def authenticate_request(
            self, connection: ASGIConnection[Any, Any, Any, Any]
        ) -> AuthenticationResult:
            token = session_token(connection)
            account = await sessions.account_for_token(token) if token else None
            return AuthenticationResult(user=account, auth=token if account else None)

    return SessionMiddleware


def account_required(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    if not isinstance(connection.user, Account):
        raise NotAuthorizedException("log in first")


def admin_required(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    account_required(connection, _)
    if not connection.user.is_admin:
        raise PermissionDeniedException("admins only")


def current_account(connection: ASGIConnection[Any, Any, Any, Any]) -> Account:
    """Dependency ``account``: the logged-in account (guards have already made sure of it)."""
    if not isinstance(connection.user, Account):
        raise NotAuthorizedException("log in first")
    return connection.user


def visitor_requester(
    connection: ASGIConnection[Any, Any, Any, Any],
    verify: Callable[[str], VisitorClaims | None],
) -> Requester:
    """Dependency ``requester``: the logged-in account, else the visitor of a valid token."""
    if isinstance(connection.user, Account):
        return connection.user
    token = connection.headers.get(VISITOR_TOKEN_HEADER) or connection.query_params.get(
        "visitor_token"
    )
    claims = verify(token) if token else None
    if claims is None:
        raise NotAuthorizedException("log in, or send a valid visitor token")
    return claims
