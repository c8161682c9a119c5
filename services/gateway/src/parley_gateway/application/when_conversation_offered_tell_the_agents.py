"""Routing offered a waiting conversation to eligible agents (pull mode, R1): their consoles
show it, and the first ``accept`` wins (``accept_offered_conversation``)."""

from __future__ import annotations

import dataclasses

import structlog

from parley_contracts.envelope import CloudEvent
from parley_contracts.routing import ConversationOfferedV1

from ..domain.conversation import ConversationKind
from ..domain.conversation_views import snapshot_for_agent
from .conversation_ports import ConversationDeps
from .conversation_recorder import ConversationRecorder

log = structlog.get_logger(__name__)


class SnapshotNotStoredYet(Exception):
    """The offer overtook the conversation's first snapshot write: retried by the consumer."""


class WhenConversationOfferedTellTheAgents:
    def __init__(self, deps: ConversationDeps) -> None:
        self._deps = deps
        self._recorder = ConversationRecorder(deps)

    async def __call__(self, event: CloudEvent[ConversationOfferedV1]) -> None:
        """Record the offer on the snapshot (``offered_to``, which also lets an offered agent
        outside the channel's groups see and accept it) and send each offered agent a
        ``conversation`` frame. An offer for a conversation that was answered or ended
        meanwhile is old news: nothing happens. A redelivery sends the frames again."""
        offer = event.data
        conversation = await self._recorder.load(offer.conversation_id)
        if conversation is None or conversation.kind is not ConversationKind.VISITOR:
            log.info("offer.unknown_conversation", conversation_id=offer.conversation_id)
            return
        if not conversation.is_waiting:
            log.info(
                "offer.ignored", conversation_id=conversation.id, lifecycle=conversation.lifecycle
            )
            return
        if not await self._deps.snapshots.record_offer(conversation.id, offer.agent_ids):
            raise SnapshotNotStoredYet(conversation.id)
        offered_to = (
            *conversation.offered_to,
            *(a for a in dict.fromkeys(offer.agent_ids) if a not in conversation.offered_to),
        )
        offered = dataclasses.replace(conversation, offered_to=offered_to)
        frame = {"type": "conversation", "conversation": snapshot_for_agent(offered)}
        for agent_id in dict.fromkeys(offer.agent_ids):
            await self._deps.fanout.signal(f"agent.{agent_id}", frame)
