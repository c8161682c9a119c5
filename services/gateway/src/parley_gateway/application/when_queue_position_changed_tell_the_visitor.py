"""Routing queued a conversation or moved it: the visitor sees position and wait (V4)."""

from __future__ import annotations

from parley_contracts.envelope import CloudEvent
from parley_contracts.routing import QueuePositionChangedV1

from .conversation_ports import ConversationDeps


class WhenQueuePositionChangedTellTheVisitor:
    def __init__(self, deps: ConversationDeps) -> None:
        self._deps = deps

    async def __call__(self, event: CloudEvent[QueuePositionChangedV1]) -> None:
        """requested -> queued on the snapshot, and an ephemeral ``queue`` frame (no seq)."""
        change = event.data
        conversation = await self._deps.snapshots.get(change.conversation_id)
        if conversation is None or not conversation.is_waiting:
            return  # answered or ended meanwhile: an old position is no news
        await self._deps.snapshots.mark_queued(change.conversation_id)
        frame = {
            "type": "queue",
            "conversation_id": change.conversation_id,
            "position": change.position,
            "estimated_wait_seconds": change.estimated_wait_seconds,
        }
        await self._deps.fanout.signal(f"conversation.{change.conversation_id}", frame)
