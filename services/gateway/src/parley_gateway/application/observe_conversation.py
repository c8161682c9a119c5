"""Use case: an agent joins as an invisible observer (A6); visitors never learn of it."""

from __future__ import annotations

from parley_contracts.gateway import JoinReason

from ..domain.conversation import Conversation
from ..domain.conversation_rules import ensure_open
from ..domain.identity import Account, Actor
from .conversation_ports import ConversationDeps
from .conversation_recorder import ConversationRecorder
from .invite_to_conversation import join_as_observer


class ObserveConversation:
    def __init__(self, deps: ConversationDeps) -> None:
        self._recorder = ConversationRecorder(deps)

    async def __call__(self, agent: Account, conversation_id: str) -> Conversation:
        """Join as observer: reads everything, writes notes only; the entry is internal.
        Leave with ``LeaveConversation``. Already present (in any role): nothing happens."""
        actor = Actor.of_account(agent)

        async def attempt(conversation: Conversation) -> Conversation:
            ensure_open(conversation)
            if conversation.is_present(agent.id):
                return conversation
            return await join_as_observer(self._recorder, conversation, actor, JoinReason.ACCEPTED)

        return await self._recorder.decide(conversation_id, agent, attempt)
