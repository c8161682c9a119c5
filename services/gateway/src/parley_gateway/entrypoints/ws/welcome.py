"""What a socket gets on ``hello``: the conversations it may see, as their viewers see them.

A read of the snapshot model through the core's ports and views; it also decides which
conversations the socket follows from the start (their ``last_seq`` is the resume point).
"""

from __future__ import annotations

from typing import Any

from ...domain.conversation_views import snapshot_for_agent, snapshot_for_visitor
from ...domain.identity import Account, Visitor
from .connection import Connection
from .context import WsContext
from .server_frames import Welcome


async def welcome_visitor(ctx: WsContext, connection: Connection, token: str) -> Welcome:
    visitor = connection.principal
    assert isinstance(visitor, Visitor)
    conversations = await ctx.snapshots.of_visitor(visitor.id)
    views = [snapshot_for_visitor(c) for c in conversations if c.channel_id == visitor.channel_id]
    _follow(ctx, connection, views)
    return Welcome(visitor_id=visitor.id, visitor_token=token, conversations=views)


async def welcome_agent(ctx: WsContext, connection: Connection, channels: list[Any]) -> Welcome:
    agent = connection.principal
    assert isinstance(agent, Account)
    mine = [snapshot_for_agent(c) for c in await ctx.snapshots.active_of_agent(agent.id)]
    waiting = await ctx.snapshots.waiting_in_channels([channel.id for channel in channels])
    known = {c.id for c in waiting}
    # Pull-mode offers: routing may offer beyond the channels of the agent's groups.
    waiting += [c for c in await ctx.snapshots.offered_to_agent(agent.id) if c.id not in known]
    _follow(ctx, connection, mine)
    return Welcome(
        agent={
            "id": agent.id,
            "email": agent.email,
            "display_name": agent.display_name,
            "role": str(agent.role),
        },
        channels=[
            {"id": c.id, "name": c.name, "routing_mode": str(c.routing_mode)} for c in channels
        ],
        conversations=mine,
        waiting=[snapshot_for_agent(c) for c in waiting],
    )


def _follow(ctx: WsContext, connection: Connection, views: list[dict[str, Any]]) -> None:
    for view in views:
        ctx.registry.follow(connection, view["id"], view["last_seq"])
