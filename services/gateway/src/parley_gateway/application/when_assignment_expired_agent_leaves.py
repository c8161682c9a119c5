"""The assigned agent did not answer in time (R3): they leave, reason "unanswered"."""

from __future__ import annotations

from parley_contracts.common import ParticipantRole
from parley_contracts.envelope import CloudEvent
from parley_contracts.gateway import LeaveReason
from parley_contracts.routing import AssignmentExpiredV1

from ..domain.conversation import Conversation
from ..domain.identity import Actor, Role
from .conversation_ports import ConversationDeps
from .conversation_recorder import ConversationRecorder
from .leave_conversation import leave


class WhenAssignmentExpiredAgentLeaves:
    def __init__(self, deps: ConversationDeps) -> None:
        self._recorder = ConversationRecorder(deps)

    async def __call__(self, event: CloudEvent[AssignmentExpiredV1]) -> None:
        """The conversation waits again (routing assigns the next agent). An agent who answered
        in the meantime keeps it: routing's clock and our log may cross."""
        expired = event.data

        async def attempt(conversation: Conversation) -> None:
            member = conversation.member(expired.agent_id)
            if member is None or not member.present or member.role is not ParticipantRole.AGENT:
                return
            if expired.agent_id in conversation.answering_agents:
                return
            agent = Actor(member.id, Role.AGENT, member.display_name)
            await leave(self._recorder, conversation, agent, LeaveReason.UNANSWERED)

        await self._recorder.decide(expired.conversation_id, None, attempt)
