"""Capacity may have freed (a chat ended, an operator came online): serve the queue in order."""

from __future__ import annotations

from collections.abc import Iterable

from ..domain.queue import queue_order
from .assign_conversation import route
from .deps import RoutingDeps
from .queue_positions import mark_moved


async def route_waiting_in(deps: RoutingDeps, channel_ids: Iterable[str]) -> None:
    """First come first served per channel; stop a channel at the first request nobody takes
    (the ones behind it would overtake it otherwise)."""
    channels = {c for c in channel_ids if deps.shards.owns(c)}
    waiting = [w.request for w in deps.state.waiting.values() if w.request.channel_id in channels]
    for channel_id, requests in queue_order(waiting).items():
        mark_moved(deps, channel_id)
        for request in requests:
            current = deps.state.waiting.get(request.conversation_id)
            if current is None:
                continue
            if not await route(deps, current) and current.request.fallback_to_any:
                if deps.state.channel(channel_id).mode.value == "push":
                    break


async def route_all_waiting(deps: RoutingDeps) -> None:
    """The processes alive changed: serve the queues of the channels this one now owns."""
    await route_waiting_in(deps, {w.request.channel_id for w in deps.state.waiting.values()})
