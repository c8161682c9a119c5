"""Session timers on the event loop (typing pauses, multi-line quiet windows).

The time is also stored in the session, so a restarted process schedules them again
(``BotConversations.resume_timers``); a timer that fires twice changes nothing the second time.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

import structlog

log = structlog.get_logger(__name__)

RETRY_S = 1.0
EARLY_GUARD_S = 0.005


class AsyncioWakeups:
    def __init__(self) -> None:
        self._wake: Callable[[str], Awaitable[None]] | None = None
        self._timers: dict[str, asyncio.TimerHandle] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._stopped = False

    def bind(self, wake: Callable[[str], Awaitable[None]]) -> None:
        self._wake = wake

    def schedule(self, conversation_id: str, at: datetime) -> None:
        if self._stopped:
            return
        earlier = self._timers.pop(conversation_id, None)
        if earlier is not None:
            earlier.cancel()
        # A little late rather than early: the event loop may run a timer up to its clock
        # resolution before the time, and the session compares with the wall clock.
        delay = max(0.0, (at - datetime.now(UTC)).total_seconds()) + EARLY_GUARD_S
        loop = asyncio.get_running_loop()
        self._timers[conversation_id] = loop.call_later(delay, self._fire, conversation_id)

    def _fire(self, conversation_id: str) -> None:
        self._timers.pop(conversation_id, None)
        task = asyncio.create_task(self._run(conversation_id), name=f"wake-{conversation_id}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _run(self, conversation_id: str) -> None:
        assert self._wake is not None
        try:
            await self._wake(conversation_id)
        except Exception as exc:
            log.warning("chatbot.wake_failed", conversation_id=conversation_id, error=repr(exc))
            if self._stopped:
                return
            loop = asyncio.get_running_loop()
            self._timers[conversation_id] = loop.call_later(RETRY_S, self._fire, conversation_id)

    async def stop(self) -> None:
        self._stopped = True
        for timer in self._timers.values():
            timer.cancel()
        self._timers.clear()
        for task in list(self._tasks):
            task.cancel()
