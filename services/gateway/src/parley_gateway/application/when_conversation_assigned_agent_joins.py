"""Routing assigned a conversation (push mode, R1): the agent joins and the chat is active."""

from __future__ import annotations

import structlog

from parley_contracts.common import ParticipantRole
from parley_contracts.envelope import CloudEvent
from parley_contracts.gateway import JoinReason
from parley_contracts.routing import ConversationAssignedV1

from ..domain.conversation import Conversation
from ..domain.identity import Actor, Role
from .accept_offered_conversation import join_as_agent
from .conversation_ports import ConversationDeps
from .conversation_recorder import ConversationRecorder

log = structlog.get_logger(__name__)


class WhenConversationAssignedAgentJoins:
    def __init__(self, deps: ConversationDeps) -> None:
        self._recorder = ConversationRecorder(deps)

    async def __call__(self, event: CloudEvent[ConversationAssignedV1]) -> None:
        """Join the assigned agent unless someone else took it first (a pull accept), it ended,
        or this is a redelivery (the agent is in already)."""
        assigned = event.data
        actor = Actor(assigned.agent_id, Role.AGENT, assigned.agent_display_name)

        async def attempt(conversation: Conversation) -> None:
            if conversation.is_ended or conversation.is_present(actor.id, ParticipantRole.AGENT):
                return
            if not conversation.is_waiting:  # a pull accept (or an earlier assignment) won
                log.info("assignment.ignored", conversation_id=conversation.id, agent_id=actor.id)
                return
            await join_as_agent(self._recorder, conversation, actor, JoinReason.ASSIGNED)

        await self._recorder.decide(assigned.conversation_id, None, attempt)
