"""Wiring of the chatbot service: settings, adapters, use cases, entry points."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from litestar import Litestar
from litestar.datastructures import State

from parley_platform.runtime import ServiceRuntime

from .adapters.contact_inputs import CONTACT_INPUTS
from .adapters.mongo_scripts import MongoScripts
from .adapters.mongo_sessions import COLLECTION as SESSIONS
from .adapters.mongo_sessions import MongoSessions
from .adapters.system_clock import SystemClock
from .adapters.wakeups import AsyncioWakeups
from .application.install_welcome_bot import install_welcome_bot
from .application.manage_scripts import ManageScripts
from .application.run_bot_conversations import BotConversations, RunnerDeps
from .application.run_script_test import RunScriptTest
from .domain.session import Timing
from .entrypoints.queries import register_queries
from .entrypoints.subscribers import subscribe
from .settings import ChatbotSettings

PRUNE_EVERY_S = 600.0


@dataclass(frozen=True)
class Chatbot:
    """The wired parts tests and the benchmark reach for (``app.state.chatbot``)."""

    runtime: ServiceRuntime
    bots: BotConversations
    scripts: MongoScripts
    sessions: MongoSessions
    wakeups: AsyncioWakeups

    async def stop(self) -> None:
        """Stop the session timers, then the runtime (what the app's shutdown does)."""
        await self.wakeups.stop()
        await self.runtime.stop()


def create_app(settings: ChatbotSettings | None = None) -> Litestar:
    return build(settings or ChatbotSettings()).runtime_app


@dataclass(frozen=True)
class _Built:
    chatbot: Chatbot
    runtime_app: Litestar


def build(settings: ChatbotSettings) -> _Built:
    runtime = ServiceRuntime(settings)
    clock = SystemClock()
    relay = runtime.outbox(SESSIONS)
    scripts = MongoScripts(runtime.db, ttl_s=settings.script_cache_s)
    sessions = MongoSessions(runtime.db, relay, cache_size=settings.session_cache_size)
    wakeups = AsyncioWakeups()
    timing = Timing(
        typing_pause=timedelta(seconds=settings.typing_pause_s),
        quiet_window=timedelta(seconds=settings.multi_line_quiet_s),
    )
    bots = BotConversations(
        RunnerDeps(scripts, sessions, clock, wakeups, timing, CONTACT_INPUTS, runtime.source)
    )
    wakeups.bind(bots.wake)
    subscribe(runtime, bots)
    register_queries(
        runtime.broker,
        ManageScripts(scripts, clock),
        RunScriptTest(scripts, timing, CONTACT_INPUTS),
    )
    runtime.on_startup(sessions.ensure_indexes)
    if settings.install_welcome_bot:

        async def welcome() -> None:
            await install_welcome_bot(scripts, clock)

        runtime.on_startup(welcome)
    runtime.on_startup(bots.resume_timers)
    retention = timedelta(seconds=settings.session_retention_s)
    pruning: list[asyncio.Task[None]] = []

    async def prune_forever() -> None:
        while True:
            await asyncio.sleep(PRUNE_EVERY_S)
            with contextlib.suppress(Exception):
                await sessions.prune(datetime.now(UTC) - retention)

    async def start_pruning() -> None:
        pruning.append(asyncio.create_task(prune_forever(), name="prune-sessions"))

    async def stop_background() -> None:
        for task in pruning:
            task.cancel()
        await wakeups.stop()

    chatbot = Chatbot(runtime, bots, scripts, sessions, wakeups)
    app = runtime.asgi_app(
        on_startup=[start_pruning],
        on_shutdown=[stop_background],
        state=State({"chatbot": chatbot}),
    )
    return _Built(chatbot, app)
