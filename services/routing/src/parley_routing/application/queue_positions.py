"""Waiting visitors learn their position and an estimated wait as the queue moves (V4).

Positions are announced at most once per ``interval`` per channel, not after every change: a
busy queue moves many times a second and every move shifts everyone behind. Across routing
processes one claim per channel and interval (``positions:<channel>:<bucket>``) picks the
process that publishes; the others take the same positions as announced.
"""

from __future__ import annotations

from datetime import datetime

from parley_contracts.routing import QueuePositionChangedV1

from ..domain.queue import changed_positions, queue_positions
from .deps import RoutingDeps


def mark_moved(deps: RoutingDeps, channel_id: str) -> None:
    deps.state.moved_channels.add(channel_id)


async def announce_positions(deps: RoutingDeps, bucket: int, moment: datetime) -> int:
    """Publish the positions that changed in the channels that moved; returns how many.
    ``bucket`` numbers the interval, which starts at ``moment``."""
    state = deps.state
    published = 0
    channels, state.moved_channels = state.moved_channels, set()
    for channel_id in sorted(channels):
        waiting = [w.request for w in state.waiting_in(channel_id)]
        after = queue_positions(waiting, state.operators_in(channel_id), state.handling)
        before = {c: p for c, p in state.announced.items() if p.channel_id == channel_id}
        for conversation_id in before.keys() - after.keys():
            del state.announced[conversation_id]
        changed = changed_positions(before, after)
        state.announced.update({p.conversation_id: p for p in changed})
        claim = f"positions:{channel_id}:{bucket}"
        if not changed or not await deps.claims.claim(claim, moment, {}):
            continue
        for position in changed:
            await deps.publisher.publish(
                QueuePositionChangedV1(
                    conversation_id=position.conversation_id,
                    channel_id=channel_id,
                    position=position.position,
                    estimated_wait_seconds=position.estimated_wait_seconds,
                )
            )
            published += 1
    return published
