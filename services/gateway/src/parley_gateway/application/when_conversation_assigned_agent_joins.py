"""Routing assigned a conversation (push mode, R1): the agent joins and the chat is active.

A chatbot that handed the visitor over leaves first (B5); for a transfer (A6) the agent who
handed it over leaves after the new one joined, so the visitor is never alone.
"""

from __future__ import annotations

import structlog

from parley_contracts.common import ParticipantRole
from parley_contracts.envelope import CloudEvent
from parley_contracts.gateway import JoinReason, LeaveReason
from parley_contracts.routing import AssignmentMode, ConversationAssignedV1

from ..domain.conversation import Conversation, Lifecycle
from ..domain.identity import Actor, Role
from .accept_offered_conversation import join_visibly
from .conversation_ports import ConversationDeps
from .conversation_recorder import ConversationRecorder
from .leave_conversation import leave

log = structlog.get_logger(__name__)


class WhenConversationAssignedAgentJoins:
    def __init__(self, deps: ConversationDeps) -> None:
        self._recorder = ConversationRecorder(deps)

    async def __call__(self, event: CloudEvent[ConversationAssignedV1]) -> None:
        """Join the assigned agent unless someone else took it first (a pull accept), it ended,
        or this is a redelivery (the agent is in already)."""
        assigned = event.data
        actor = Actor(assigned.agent_id, Role.AGENT, assigned.agent_display_name)

        if assigned.mode is AssignmentMode.TRANSFER:
            await self._transfer(assigned, actor)
            return

        async def attempt(conversation: Conversation) -> None:
            if conversation.is_ended or conversation.is_present(actor.id, ParticipantRole.AGENT):
                return
            bot_has_it = conversation.lifecycle is Lifecycle.BOT and conversation.bot_present
            if not (conversation.is_waiting or bot_has_it):  # a pull accept (or another) won
                log.info("assignment.ignored", conversation_id=conversation.id, agent_id=actor.id)
                return
            conversation = await self._bot_leaves(conversation)
            await join_visibly(self._recorder, conversation, actor, JoinReason.ASSIGNED)

        await self._recorder.decide(assigned.conversation_id, None, attempt)

    async def _bot_leaves(self, conversation: Conversation) -> Conversation:
        for member in conversation.present:
            if member.role is ParticipantRole.BOT:
                bot = Actor(member.id, Role.BOT, member.display_name)
                conversation = await leave(
                    self._recorder, conversation, bot, LeaveReason.TRANSFERRED
                )
        return conversation

    async def _transfer(self, assigned: ConversationAssignedV1, actor: Actor) -> None:
        """The new agent joins (reason transferred), then the previous one leaves. A transfer
        that arrives after the chat ended, or once the new agent is in, changes nothing."""

        async def attempt(conversation: Conversation) -> None:
            if conversation.is_ended:
                return
            if not conversation.is_present(actor.id, ParticipantRole.AGENT):
                conversation = await join_visibly(
                    self._recorder, conversation, actor, JoinReason.TRANSFERRED
                )
            previous = assigned.previous_agent_id
            member = conversation.member(previous) if previous else None
            if member is not None and member.present and previous != actor.id:
                who = Actor(member.id, Role.AGENT, member.display_name)
                await leave(self._recorder, conversation, who, LeaveReason.TRANSFERRED)

        await self._recorder.decide(assigned.conversation_id, None, attempt)
