"""Memory a server process spends per idle WebSocket connection, read from /proc.

Many client sockets from this process: opened with a concurrency limit (so the server's accept
queue and this process's file descriptors are not swamped), each put through an ``opening``
coroutine (for example: send hello, wait for welcome), then held idle, then closed.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from websockets.asyncio.client import ClientConnection, connect

Opening = Callable[[ClientConnection], Awaitable[None]]


def rss_bytes(pid: int) -> int:
    """Resident set size of process ``pid`` (``VmRSS`` in /proc/<pid>/status)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


@dataclass
class IdleSockets:
    """Client sockets held open; ``close`` ends them all."""

    sockets: list[ClientConnection]
    failures: int
    first_error: str | None

    async def close(self, concurrency: int = 500) -> None:
        limit = asyncio.Semaphore(concurrency)

        async def close_one(socket: ClientConnection) -> None:
            async with limit:
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(socket.close(), 5)

        await asyncio.gather(*(close_one(socket) for socket in self.sockets))
        self.sockets.clear()


async def open_idle(
    urls: Sequence[str],
    opening: Opening,
    *,
    origin: str | None = None,
    concurrency: int = 100,
    timeout_s: float = 10.0,
) -> IdleSockets:
    """Open one socket per URL (client settings as a browser's: permessage-deflate offered)."""
    limit = asyncio.Semaphore(concurrency)
    sockets: list[ClientConnection] = []
    errors: list[str] = []

    async def open_one(url: str) -> None:
        async with limit:
            try:
                socket = await asyncio.wait_for(_open(url, origin, opening), timeout_s)
            except Exception as exc:
                errors.append(f"{type(exc).__name__}: {exc}")
            else:
                sockets.append(socket)

    await asyncio.gather(*(open_one(url) for url in urls))
    return IdleSockets(sockets, len(errors), errors[0] if errors else None)


async def _open(url: str, origin: str | None, opening: Opening) -> ClientConnection:
    socket = await connect(
        url,
        origin=origin,  # type: ignore[arg-type]
        ping_interval=None,  # idle means idle: no keep-alive traffic during the measurement
        open_timeout=None,
        max_queue=4,
    )
    try:
        await opening(socket)
    except BaseException:
        await socket.close()
        raise
    return socket


@dataclass(frozen=True)
class MemoryResult:
    connections: int
    failures: int
    rss_before: int
    rss_after: int
    first_error: str | None
    extension: str
    """The permessage-deflate answer of the server (or "none")."""

    @property
    def per_connection(self) -> float:
        return (self.rss_after - self.rss_before) / self.connections if self.connections else 0.0


async def per_idle_connection(
    pid: int,
    urls: Sequence[str],
    opening: Opening,
    *,
    origin: str | None = None,
    warmup: int = 100,
    settle_s: float = 2.0,
    progress: Callable[[str], None] = lambda _: None,
) -> MemoryResult:
    """RSS growth of ``pid`` while ``len(urls)`` more idle sockets are open, after a warm-up.

    The warm-up sockets (the first ``warmup`` URLs, not counted) stay open through the
    measurement, so one-time costs (lazy imports, first buffers) are not charged per connection.
    """
    warm = await open_idle(urls[:warmup], opening, origin=origin)
    await asyncio.sleep(settle_s)
    before = rss_bytes(pid)
    progress(f"opening {len(urls) - warmup} idle sockets (RSS before {before / 2**20:.0f} MiB)")
    idle = await open_idle(urls[warmup:], opening, origin=origin)
    gc.collect()
    await asyncio.sleep(settle_s)
    after = rss_bytes(pid)
    extension = "none"
    response = idle.sockets[0].response if idle.sockets else None
    if response is not None:
        extension = response.headers.get("Sec-WebSocket-Extensions", "none")
    opened = len(idle.sockets)
    progress(f"{opened} open, RSS after {after / 2**20:.0f} MiB; closing")
    await idle.close()
    await warm.close()
    return MemoryResult(
        connections=opened,
        failures=idle.failures + warm.failures,
        rss_before=before,
        rss_after=after,
        first_error=idle.first_error or warm.first_error,
        extension=extension,
    )
