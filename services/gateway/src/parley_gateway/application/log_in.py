"""Use case: an agent or admin logs in with e-mail and password, and gets a session token."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from ..domain.errors import GatewayError, RateLimited
from ..domain.identity import Account, normalize_email
from ..domain.login_throttle import LoginThrottle
from .ports import AccountRepository, PasswordHasher, SessionStore


class InvalidCredentials(GatewayError):
    """Unknown e-mail, wrong password or deactivated account: one answer for all three."""

    code = "unauthorized"


@dataclass(frozen=True)
class LoggedIn:
    token: str
    account: Account


class LogIn:
    def __init__(
        self,
        accounts: AccountRepository,
        sessions: SessionStore,
        hasher: PasswordHasher,
        throttle: LoginThrottle,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._accounts = accounts
        self._sessions = sessions
        self._hasher = hasher
        self._throttle = throttle
        self._monotonic = monotonic
        self._dummy_hash: str | None = None

    async def __call__(self, email: str, password: str, client_ip: str) -> LoggedIn:
        email = normalize_email(email)
        now = self._monotonic()
        wait = self._throttle.retry_after(email, client_ip, now)
        if wait > 0:
            raise RateLimited("too many failed logins; try again later", retry_after_s=wait)
        found = await self._accounts.by_email(email)
        if found is None:
            # Spend the same time as a real check, so response times do not reveal accounts.
            await self._hasher.verify(await self._dummy(), password)
        else:
            account, password_hash = found
            if await self._hasher.verify(password_hash, password) and account.active:
                self._throttle.succeeded(email)
                if self._hasher.needs_rehash(password_hash):
                    new_hash = await self._hasher.hash(password)
                    await self._accounts.set_password_hash(account.id, new_hash)
                return LoggedIn(await self._sessions.open(account.id), account)
        self._throttle.failed(email, client_ip, now)
        raise InvalidCredentials("wrong e-mail or password")

    async def _dummy(self) -> str:
        if self._dummy_hash is None:
            self._dummy_hash = await self._hasher.hash("not a real password, only for timing")
        return self._dummy_hash
