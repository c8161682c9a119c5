"""Database writes that outlast a database briefly gone: retried with back-off, then given up.

Only lost connections are retried (the server may come back); a refused write (a duplicate
key) is an answer, not a failure. A retried write may have reached the server before the
connection broke, so callers that insert learn whether a duplicate is their own (see
:class:`.mongo_claims.MongoClaims` and :class:`.mongo_slots.MongoSlots`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

import structlog
from pymongo.errors import ConnectionFailure

log = structlog.get_logger(__name__)

T = TypeVar("T")

RETRY_FOR_S = 600.0
"""How long a write keeps being retried while the database does not answer."""


async def retried(
    write: Callable[[], Awaitable[T]], what: str, *, on_retry: Callable[[], None] = lambda: None
) -> T:
    """``write()`` until it gets through; ``on_retry`` runs before each new attempt."""
    loop = asyncio.get_running_loop()
    give_up_at = loop.time() + RETRY_FOR_S
    delay = 0.2
    while True:
        try:
            return await write()
        except ConnectionFailure as exc:
            if loop.time() >= give_up_at:
                log.error("db.write_given_up", what=what, error=repr(exc))
                raise
            log.warning("db.write_retrying", what=what, error=repr(exc), retry_in_s=delay)
            await asyncio.sleep(delay)
            delay = min(delay * 2, 5.0)
            on_retry()
