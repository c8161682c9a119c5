"""Running scripts in conversations: the gateway's and routing's events drive each session.

Every change is made on a copy of the session and saved with the commands it causes in one
write (the outbox); a conflict (another replica changed the session) re-reads and redoes it.
"""

from __future__ import annotations

import asyncio
import copy
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import structlog

from parley_contracts.common import ParticipantRole
from parley_contracts.envelope import CloudEvent
from parley_contracts.gateway import ConversationEndedV1, ConversationStartedV1, MessagePostedV1
from parley_contracts.routing import ConversationAssignedV1, NoOperatorFoundV1

from ..domain.effects import Effect
from ..domain.session import BotSession, InputChecks, ScriptRun, Timing
from .bot_commands import to_commands
from .ports import Clock, ScriptRepository, SessionConflict, SessionRepository, Wakeups

log = structlog.get_logger(__name__)

CONFLICT_RETRIES = 3
Act = Callable[[ScriptRun], list[Effect]]


@dataclass
class RunnerDeps:
    scripts: ScriptRepository
    sessions: SessionRepository
    clock: Clock
    wakeups: Wakeups
    timing: Timing
    checks: InputChecks
    source: str


class BotConversations:
    """The use cases of running bots; each handler takes one CloudEvent."""

    def __init__(self, deps: RunnerDeps) -> None:
        self._d = deps
        self._locks: dict[str, tuple[asyncio.Lock, int]] = {}

    async def when_conversation_started(self, event: CloudEvent[ConversationStartedV1]) -> None:
        started = event.data
        d = self._d
        if started.chatbot_script_id is None or started.visitor is None:
            d.sessions.mark_without_bot(started.conversation_id)
            return
        stored = await d.scripts.get(started.chatbot_script_id)
        if stored is None:
            log.warning(
                "chatbot.unknown_script",
                conversation_id=started.conversation_id,
                script_id=started.chatbot_script_id,
            )
            return
        session = BotSession(
            conversation_id=started.conversation_id,
            channel_id=started.channel_id,
            script_id=stored.script.id,
            visitor=started.visitor,
            last_seq=started.sequence,
            version=1,
        )
        async with self._lock(session.conversation_id):
            effects = self._run(session, stored.script).start()
            commands = to_commands(session, stored.script, effects, d.source)
            if await d.sessions.add(session, commands):
                self._schedule(session)

    async def when_message_posted(self, event: CloudEvent[MessagePostedV1]) -> None:
        posted = event.data
        if posted.author.role is not ParticipantRole.VISITOR:
            return
        if self._d.sessions.known_without_bot(posted.conversation_id):
            return
        await self._change(
            posted.conversation_id,
            posted.sequence,
            lambda run: run.visitor_says(posted.text, posted.selected_choice_id),
        )

    async def when_conversation_assigned(self, event: CloudEvent[ConversationAssignedV1]) -> None:
        await self._change(event.data.conversation_id, None, lambda run: run.operator_found())

    async def when_no_operator_found(self, event: CloudEvent[NoOperatorFoundV1]) -> None:
        await self._change(event.data.conversation_id, None, lambda run: run.no_operator_found())

    async def when_conversation_ended(self, event: CloudEvent[ConversationEndedV1]) -> None:
        ended = event.data
        await self._change(ended.conversation_id, ended.sequence, lambda r: r.conversation_ended())

    async def wake(self, conversation_id: str) -> None:
        """A session's timer is due: the next step after a typing pause, or the end of a
        multi-line answer."""
        await self._change(conversation_id, None, lambda run: run.wake())

    async def handle(self, event: CloudEvent[Any]) -> None:
        """Dispatch any of the consumed events to its use case."""
        data = event.data
        if isinstance(data, MessagePostedV1):
            await self.when_message_posted(event)
        elif isinstance(data, ConversationStartedV1):
            await self.when_conversation_started(event)
        elif isinstance(data, ConversationAssignedV1):
            await self.when_conversation_assigned(event)
        elif isinstance(data, NoOperatorFoundV1):
            await self.when_no_operator_found(event)
        elif isinstance(data, ConversationEndedV1):
            await self.when_conversation_ended(event)

    async def resume_timers(self) -> None:
        """After a restart: schedule the timers sessions were waiting for."""
        for conversation_id, at in await self._d.sessions.waking():
            self._d.wakeups.schedule(conversation_id, at)

    async def _change(self, conversation_id: str, sequence: int | None, act: Act) -> None:
        d = self._d
        for _ in range(CONFLICT_RETRIES):
            async with self._lock(conversation_id):
                current = await d.sessions.get(conversation_id)
                if current is None or (sequence is not None and sequence <= current.last_seq):
                    return
                stored = await d.scripts.get(current.script_id, include_deleted=True)
                if stored is None:
                    return
                session = copy.deepcopy(current)
                effects = act(self._run(session, stored.script))
                if not effects and session == current:
                    # Nothing changed, say a timer that fired a moment early (the loop's clock
                    # is not the wall clock): keep the session's timer armed.
                    self._schedule(current)
                    return
                session.version = current.version + 1
                if sequence is not None:
                    session.last_seq = sequence
                commands = to_commands(session, stored.script, effects, d.source)
                try:
                    await d.sessions.save(session, commands)
                except SessionConflict:
                    d.sessions.forget(conversation_id)
                    continue
                self._schedule(session)
                return
        log.error("chatbot.session_conflicts", conversation_id=conversation_id)
        raise SessionConflict(conversation_id)

    def _run(self, session: BotSession, script: Any) -> ScriptRun:
        d = self._d
        return ScriptRun(session, script, d.timing, d.checks, d.clock.now())

    def _schedule(self, session: BotSession) -> None:
        if session.wake_at is not None and session.active:
            self._d.wakeups.schedule(session.conversation_id, session.wake_at)

    @asynccontextmanager
    async def _lock(self, conversation_id: str) -> AsyncIterator[None]:
        lock, users = self._locks.get(conversation_id, (asyncio.Lock(), 0))
        self._locks[conversation_id] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._locks[conversation_id]
            if users <= 1:
                del self._locks[conversation_id]
            else:
                self._locks[conversation_id] = (lock, users - 1)
