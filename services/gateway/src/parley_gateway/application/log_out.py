"""Use case: end the session a token belongs to; routing hears the agent signed out (A1)."""

from __future__ import annotations

from ..domain.identity import Account
from .ports import SessionStore
from .signal_operator import SignalOperator


class LogOut:
    def __init__(self, sessions: SessionStore, signals: SignalOperator | None = None) -> None:
        self._sessions = sessions
        self._signals = signals

    async def __call__(self, token: str, account: Account | None = None) -> None:
        await self._sessions.close(token)
        if account is not None and self._signals is not None:
            await self._signals.signed_out(account)
