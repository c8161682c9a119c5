"""``GET /ws/agent``: the console's socket.

Authentication before anything else: the session token from ``?token=`` or the
``parley_session`` cookie (browsers cannot set headers on a WebSocket). The cookie is honoured
only when the page's Origin is this server's own (or absent, outside browsers), so another site
cannot ride an agent's cookie (cross-site WebSocket hijacking). Missing or invalid: close 4001.
"""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import urlsplit

from litestar import WebSocket, websocket
from litestar.handlers import WebsocketRouteHandler

from . import client_frames as f
from .agent_commands import AgentCommands
from .connection import Connection
from .context import WsContext
from .loop import CLOSE_AUTH, receive_hello, refuse, serve_frames
from .parsing import agent_parser
from .welcome import welcome_agent


def agent_socket(ctx: WsContext) -> WebsocketRouteHandler:
    parser = agent_parser(ctx.max_frame_bytes)

    @websocket("/ws/agent", opt={"exclude_from_auth": True})
    async def agent_ws(socket: WebSocket[Any, Any, Any]) -> None:
        token = socket.query_params.get("token") or _cookie_token(socket, ctx.session_cookie)
        account = await ctx.sessions.account_for_token(token) if token else None
        if account is None or not account.active:
            await refuse(socket, CLOSE_AUTH, "authentication required")
            return
        await socket.accept()
        if await receive_hello(socket, parser, f.AgentHello) is None:
            return
        connection = Connection(socket, account)
        channels = await ctx.channels.open_to(account)
        ctx.registry.add(connection, channel_ids=[channel.id for channel in channels])
        signals = ctx.use_cases.signal_operator
        connection_id = uuid.uuid4().hex
        await signals.connected(account, connection_id)
        commands = AgentCommands(ctx, connection)

        async def dispatch(frame: f.ClientFrame) -> None:
            if not isinstance(frame, f.Ping | f.SetAvailability):
                await signals.active(account)  # presence (A1): what the agent does
            await commands.dispatch(frame)

        try:
            await connection.send(await welcome_agent(ctx, connection, channels))
            await serve_frames(connection, parser, dispatch)
        finally:
            ctx.registry.remove(connection)
            await signals.disconnected(account, connection_id)

    return agent_ws


def _cookie_token(socket: WebSocket[Any, Any, Any], cookie: str) -> str | None:
    origin = socket.headers.get("origin")
    if origin is not None and urlsplit(origin).netloc != socket.headers.get("host"):
        return None
    return socket.cookies.get(cookie)
