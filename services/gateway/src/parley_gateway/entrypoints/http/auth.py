"""``/api/auth/login``, ``/api/auth/logout`` and ``/api/me``."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import Cookie
from litestar.params import JSONBody

from ...domain.identity import Account
from .dependencies import CurrentAccount, InjectedUseCases
from .schemas_people import AccountOut, LoginIn, LoginOut
from .security import SESSION_COOKIE, account_required


def _client_ip(request: Request[Any, Any, Any]) -> str:
    return request.client.host if request.client else "unknown"


class AuthController(Controller):
    path = "/"
    tags = ("auth",)

    @post("/auth/login", status_code=200)
    async def log_in(
        self, data: JSONBody[LoginIn], request: Request[Any, Any, Any], uc: InjectedUseCases
    ) -> Response[LoginOut]:
        """Log in with e-mail and password; 401 on a mismatch, 429 after too many failures."""
        logged_in = await uc.log_in(data.email, data.password, _client_ip(request))
        body = LoginOut(token=logged_in.token, account=AccountOut.of(logged_in.account))
        cookie = Cookie(
            key=SESSION_COOKIE,
            value=logged_in.token,
            httponly=True,
            samesite="lax",
            secure=uc.session_cookie_secure,
            path="/",
        )
        return Response(body, cookies=[cookie])

    @post("/auth/logout", status_code=204, guards=[account_required])
    async def log_out(
        self, request: Request[Account, str, Any], uc: InjectedUseCases
    ) -> Response[None]:
        """End this session; the agent goes offline at once (no reconnect grace)."""
        await uc.log_out(request.auth, request.user)
        response: Response[None] = Response(None, status_code=204)
        response.delete_cookie(SESSION_COOKIE, path="/")
        return response

    @get("/me", guards=[account_required])
    async def me(self, account: CurrentAccount) -> AccountOut:
        """The logged-in account."""
        return AccountOut.of(account)
