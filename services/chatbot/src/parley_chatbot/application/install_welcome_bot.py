"""First start (B4): the sample Welcome Bot, unless a script with its id exists (even deleted:
an admin who deleted it does not want it back)."""

from __future__ import annotations

import structlog

from ..domain.welcome_bot import WELCOME_BOT
from .ports import Clock, ScriptRepository

log = structlog.get_logger(__name__)


async def install_welcome_bot(scripts: ScriptRepository, clock: Clock) -> None:
    if await scripts.add_if_absent(WELCOME_BOT, clock.now()):
        log.info("chatbot.welcome_bot_installed", script_id=WELCOME_BOT.id)
