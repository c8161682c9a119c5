"""Use case: end the session a token belongs to."""

from __future__ import annotations

from .ports import SessionStore


class LogOut:
    def __init__(self, sessions: SessionStore) -> None:
        self._sessions = sessions

    async def __call__(self, token: str) -> None:
        await self._sessions.close(token)
