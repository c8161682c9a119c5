"""One client socket as this replica sees it: who it is and how far it has read each conversation.

Kept small on purpose (``__slots__``, no task of its own): a replica holds thousands of them.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

import structlog
from litestar import WebSocket

from ...domain.identity import Account, Actor, Visitor
from .server_frames import Error, ServerFrame

log = structlog.get_logger(__name__)

SEND_TIMEOUT_S = 5.0
"""A socket that cannot take a frame for this long is closed; its client resumes elsewhere."""


class Connection:
    __slots__ = ("address", "closed", "filling", "last_seq", "principal", "socket")

    def __init__(self, socket: WebSocket[Any, Any, Any], principal: Account | Visitor) -> None:
        self.socket = socket
        self.principal = principal
        self.address: str | None = socket.client.host if socket.client else None
        self.last_seq: dict[str, int] = {}
        """The last sequence pushed (or skipped as internal) per followed conversation."""
        self.filling: set[str] | None = None
        """Conversations being caught up from the log; live entries for them wait."""
        self.closed = False

    @property
    def sees_internal(self) -> bool:
        return isinstance(self.principal, Account)

    @property
    def actor(self) -> Actor:
        if isinstance(self.principal, Account):
            return Actor.of_account(self.principal)
        return Actor.of_visitor(self.principal)

    async def push(self, text: str) -> None:
        if self.closed:
            return
        try:
            async with asyncio.timeout(SEND_TIMEOUT_S):
                await self.socket.send_text(text)
        except TimeoutError:
            log.warning("ws.slow_client_closed", address=self.address)
            self.closed = True
            with contextlib.suppress(Exception):
                await self.socket.close(code=1013, reason="too slow")
        except Exception:
            self.closed = True  # gone: the handler's receive loop sees the disconnect

    async def send(self, frame: ServerFrame) -> None:
        await self.push(frame.text())

    async def error(self, code: str, message: str, ref: str | None = None, **extra: Any) -> None:
        await self.send(Error(code=code, message=message, ref=ref, **extra))

    def start_filling(self, conversation_id: str) -> bool:
        """Claim the catch-up of a conversation; False when another is already running."""
        if self.filling is None:
            self.filling = set()
        if conversation_id in self.filling:
            return False
        self.filling.add(conversation_id)
        return True

    def stop_filling(self, conversation_id: str) -> None:
        if self.filling is not None:
            self.filling.discard(conversation_id)
            if not self.filling:
                self.filling = None
