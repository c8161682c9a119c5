"""What both sockets share: receiving frames, turning failures into error frames, closing.

A frame's failure never ends the connection: bad input and broken rules get an error frame with
a code (docs/protocol.md); an unexpected exception is logged and answered with ``internal``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import structlog
from litestar import WebSocket

from ...domain.errors import GatewayError, RateLimited
from .client_frames import ClientFrame
from .connection import Connection
from .parsing import FrameParser
from .server_frames import Error

log = structlog.get_logger(__name__)

HELLO_TIMEOUT_S = 10.0

CLOSE_AUTH = 4001
"""Authentication required or invalid (agent session, customer token)."""
CLOSE_ORIGIN = 4003
"""The page's Origin is not among the channel's allowed origins."""
CLOSE_UNKNOWN_CHANNEL = 4004
CLOSE_HELLO_EXPECTED = 4008
"""The first frame was not a valid ``hello`` (or none came within 10 seconds)."""
CLOSE_UNSUPPORTED_VERSION = 4009
"""``hello.v`` names a protocol version this server does not speak."""


async def refuse(socket: WebSocket[Any, Any, Any], code: int, reason: str) -> None:
    """Accept, then close at once with ``code``: browsers only show a close code to the page
    when the upgrade succeeded. No frame is ever sent on a refused socket."""
    await socket.accept()
    await socket.close(code=code, reason=reason)


async def receive_text(socket: WebSocket[Any, Any, Any]) -> str | None:
    """The next text frame (binary frames are read as UTF-8); None when the client is gone."""
    message = await socket.receive()
    if message["type"] != "websocket.receive":
        return None
    text = message.get("text")
    if text is not None:
        return str(text)
    try:
        return bytes(message.get("bytes") or b"").decode()
    except UnicodeDecodeError:
        return "\x00"  # not JSON: answered with bad_json


async def receive_hello(
    socket: WebSocket[Any, Any, Any], parser: FrameParser[Any], hello_type: type[ClientFrame]
) -> ClientFrame | None:
    """The ``hello`` frame, or None after closing with 4008 (or the client left)."""
    try:
        async with asyncio.timeout(HELLO_TIMEOUT_S):
            text = await receive_text(socket)
    except TimeoutError:
        text = ""
    if text is None:
        return None
    frame = parser.parse(text)
    if not isinstance(frame, hello_type):
        await socket.close(code=CLOSE_HELLO_EXPECTED, reason="hello expected")
        return None
    if getattr(frame, "v", 1) != 1:
        await socket.close(code=CLOSE_UNSUPPORTED_VERSION, reason="protocol version 1 only")
        return None
    return frame


Dispatch = Callable[[Any], Awaitable[None]]


async def serve_frames(
    connection: Connection, parser: FrameParser[Any], dispatch: Dispatch
) -> None:
    """Receive, validate and handle frames one at a time until the client leaves."""
    socket = connection.socket
    while not connection.closed:
        text = await receive_text(socket)
        if text is None:
            return
        frame = parser.parse(text)
        if isinstance(frame, Error):
            await connection.send(frame)
            continue
        try:
            await dispatch(frame)
        except RateLimited as exc:
            await connection.send(
                Error(
                    code=exc.code,
                    message=str(exc),
                    ref=frame.ref,
                    retry_after=round(exc.retry_after_s, 3),
                )
            )
        except GatewayError as exc:
            await connection.send(Error(code=exc.code, message=str(exc), ref=frame.ref))
        except Exception:
            log.exception("ws.frame_failed", frame=type(frame).__name__)
            await connection.send(Error(code="internal", message="server error", ref=frame.ref))
