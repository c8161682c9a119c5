"""One write at a time per key, in the order the writes were asked for."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Hashable


class Turns:
    def __init__(self) -> None:
        self._last: dict[Hashable, asyncio.Future[None]] = {}

    def take(self, key: Hashable) -> contextlib.AbstractAsyncContextManager[None]:
        """``async with turns.take(key):`` waits for the writes asked before for ``key``. The
        place in line is taken when this is called, not when the block starts."""
        mine: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        before = self._last.get(key)
        self._last[key] = mine
        return self._turn(key, before, mine)

    @contextlib.asynccontextmanager
    async def _turn(
        self, key: Hashable, before: asyncio.Future[None] | None, mine: asyncio.Future[None]
    ) -> AsyncIterator[None]:
        try:
            if before is not None:
                await asyncio.wait([before])
            yield
        finally:
            mine.set_result(None)
            if self._last.get(key) is mine:
                del self._last[key]
