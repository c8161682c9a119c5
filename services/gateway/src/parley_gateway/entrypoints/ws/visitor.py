"""``GET /ws/visitor?channel=<id>``: the widget's socket (V3-V8).

Before accepting: the channel must exist (else close 4004) and the page's Origin must be one of
its allowed origins (else close 4003). Then ``hello`` (else 4008) identifies the visitor by a
customer token (invalid: 4001) or the gateway's visitor token, and ``welcome`` answers.
"""

from __future__ import annotations

import time
from typing import Any

from litestar import WebSocket, websocket
from litestar.handlers import WebsocketRouteHandler

from ...application.identify_visitor import InvalidCustomerToken
from . import client_frames as f
from .connection import Connection
from .context import WsContext
from .loop import (
    CLOSE_AUTH,
    CLOSE_ORIGIN,
    CLOSE_UNKNOWN_CHANNEL,
    receive_hello,
    refuse,
    serve_frames,
)
from .parsing import visitor_parser
from .visitor_commands import VisitorCommands
from .welcome import welcome_visitor


def visitor_socket(ctx: WsContext) -> WebsocketRouteHandler:
    parser = visitor_parser(ctx.max_frame_bytes)

    @websocket("/ws/visitor", opt={"exclude_from_auth": True})
    async def visitor_ws(socket: WebSocket[Any, Any, Any]) -> None:
        channel_id = socket.query_params.get("channel")
        channel = await ctx.channels.get(channel_id) if channel_id else None
        if channel is None:
            await refuse(socket, CLOSE_UNKNOWN_CHANNEL, "unknown channel")
            return
        if not channel.allows_origin(socket.headers.get("origin")):
            await refuse(socket, CLOSE_ORIGIN, "origin not allowed")
            return
        await socket.accept()
        hello = await receive_hello(socket, parser, f.VisitorHello)
        if hello is None:
            return
        assert isinstance(hello, f.VisitorHello)
        try:
            identified = ctx.identify_visitor(
                channel, int(time.time()), hello.visitor_token, hello.customer_token
            )
        except InvalidCustomerToken:
            await socket.close(code=CLOSE_AUTH, reason="invalid customer token")
            return
        connection = Connection(socket, identified.visitor)
        commands = VisitorCommands(ctx, connection, hello, _country_of(ctx, socket, connection))
        ctx.registry.add(connection)
        try:
            await connection.send(await welcome_visitor(ctx, connection, identified.visitor_token))
            await serve_frames(connection, parser, commands.dispatch)
        finally:
            ctx.registry.remove(connection)

    return visitor_ws


def _country_of(
    ctx: WsContext, socket: WebSocket[Any, Any, Any], connection: Connection
) -> str | None:
    """A trusted proxy's header first; else the GeoIP database on the peer address."""
    if ctx.country_header:
        country = _country(socket.headers.get(ctx.country_header))
        if country:
            return country
    if ctx.countries is not None and connection.address:
        return _country(ctx.countries.country_of(connection.address))
    return None


def _country(value: str | None) -> str | None:
    # Proxies say XX or T1 for unknown/Tor: only a two-letter code is kept.
    code = (value or "").strip().upper()
    return code if len(code) == 2 and code.isalpha() and code not in ("XX", "T1") else None
