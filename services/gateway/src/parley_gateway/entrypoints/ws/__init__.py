"""The visitor and agent WebSockets (protocol version 1, docs/protocol.md)."""

from __future__ import annotations

from litestar.handlers import WebsocketRouteHandler

from .agent import agent_socket
from .context import VisitorLimits, WsContext
from .registry import ConnectionRegistry
from .visitor import visitor_socket


def ws_routes(ctx: WsContext) -> list[WebsocketRouteHandler]:
    return [visitor_socket(ctx), agent_socket(ctx)]


__all__ = ["ConnectionRegistry", "VisitorLimits", "WsContext", "ws_routes"]
