"""Logging in, through the use case's ports with in-memory fakes."""

from __future__ import annotations

import pytest

from parley_gateway.application.log_in import InvalidCredentials, LogIn
from parley_gateway.domain.errors import RateLimited
from parley_gateway.domain.identity import Account, Role
from parley_gateway.domain.login_throttle import FailureWindow, LoginThrottle

pytestmark = pytest.mark.unit

ANN = Account("agt_ann", "ann@example.com", "Ann", Role.AGENT)


class FakeHasher:
    async def hash(self, password: str) -> str:
        return f"hashed:{password}"

    async def verify(self, password_hash: str, password: str) -> bool:
        return password_hash == f"hashed:{password}"

    def needs_rehash(self, password_hash: str) -> bool:
        return False


class FakeAccounts:
    def __init__(self, *accounts: Account) -> None:
        self.rows = {a.email: (a, f"hashed:pw-{a.id}") for a in accounts}

    async def by_email(self, email: str) -> tuple[Account, str] | None:
        return self.rows.get(email)

    async def set_password_hash(self, account_id: str, password_hash: str) -> None: ...


class FakeSessions:
    def __init__(self) -> None:
        self.opened: list[str] = []

    async def open(self, account_id: str) -> str:
        self.opened.append(account_id)
        return f"token-{len(self.opened)}"


class Clock:
    def __init__(self) -> None:
        self.t = 0.0

    def __call__(self) -> float:
        return self.t


def _log_in(*accounts: Account, clock: Clock | None = None) -> tuple[LogIn, FakeSessions]:
    sessions = FakeSessions()
    throttle = LoginThrottle(FailureWindow(3, 60), FailureWindow(10, 60))
    use_case = LogIn(
        FakeAccounts(*accounts),
        sessions,
        FakeHasher(),
        throttle,
        clock or Clock(),  # type: ignore[arg-type]
    )
    return use_case, sessions


async def test_the_right_password_opens_a_session() -> None:
    log_in, sessions = _log_in(ANN)
    result = await log_in(" Ann@Example.com ", "pw-agt_ann", "10.0.0.1")
    assert result.account == ANN and result.token == "token-1"
    assert sessions.opened == ["agt_ann"]


async def test_a_deactivated_account_cannot_log_in() -> None:
    log_in, sessions = _log_in(Account("agt_x", "x@example.com", "X", Role.AGENT, active=False))
    with pytest.raises(InvalidCredentials):
        await log_in("x@example.com", "pw-agt_x", "10.0.0.1")
    assert sessions.opened == []


async def test_three_failures_lock_the_email_until_the_window_passes() -> None:
    clock = Clock()
    log_in, _ = _log_in(ANN, clock=clock)
    for _ in range(3):
        with pytest.raises(InvalidCredentials):
            await log_in("ann@example.com", "guess", "10.0.0.1")
    with pytest.raises(RateLimited) as locked:
        await log_in("ann@example.com", "pw-agt_ann", "10.0.0.2")
    assert 0 < locked.value.retry_after_s <= 60
    clock.t = 61
    assert (await log_in("ann@example.com", "pw-agt_ann", "10.0.0.2")).account == ANN


async def test_one_address_trying_many_emails_is_locked() -> None:
    log_in, _ = _log_in(ANN)
    for n in range(10):
        with pytest.raises(InvalidCredentials):
            await log_in(f"user{n}@example.com", "guess", "10.6.6.6")
    with pytest.raises(RateLimited):
        await log_in("ann@example.com", "pw-agt_ann", "10.6.6.6")
    assert (await log_in("ann@example.com", "pw-agt_ann", "10.0.0.9")).account == ANN


@pytest.mark.parametrize(
    ("email", "valid"),
    [
        ("ann@example.com", True),
        ("a.b+tag@sub.example.org", True),
        ("ann @example.com", False),
        ("ann@example", False),
        ("ann@@example.com", False),
        ("annexample.com", False),
    ],
)
def test_an_account_email_is_an_address_a_login_form_accepts(email: str, valid: bool) -> None:
    from parley_gateway.domain.identity import is_email_address

    assert is_email_address(email) is valid
