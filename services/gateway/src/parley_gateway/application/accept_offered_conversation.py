"""Use case: an agent takes a waiting conversation, or one "looking for help"; first accept wins."""

from __future__ import annotations

from parley_contracts.common import ParticipantRole
from parley_contracts.gateway import JoinReason, ParticipantJoinedV1

from ..domain.conversation import Conversation
from ..domain.conversation_log import EntryKind
from ..domain.conversation_payloads import participant_payload
from ..domain.conversation_rules import ensure_may_accept
from ..domain.identity import Account, Actor
from .conversation_contracts import draft, participant
from .conversation_ports import ConversationDeps
from .conversation_recorder import ConversationRecorder


class AcceptOfferedConversation:
    def __init__(self, deps: ConversationDeps) -> None:
        self._recorder = ConversationRecorder(deps)

    async def __call__(self, agent: Account, conversation_id: str) -> Conversation:
        """Join as the answering agent. Racing accepts (and routing's assignment) are decided by
        the log: the join must take the sequence right after the state it was decided on, an
        insert only one writer can win; the others re-decide and get ``AlreadyTaken``."""

        async def attempt(conversation: Conversation) -> Conversation:
            ensure_may_accept(conversation, agent)
            if conversation.is_present(agent.id, ParticipantRole.AGENT):
                return conversation  # a repeated accept: already in
            actor = Actor.of_account(agent)
            return await join_visibly(self._recorder, conversation, actor, JoinReason.ACCEPTED)

        return await self._recorder.decide(conversation_id, agent, attempt)


async def join_visibly(
    recorder: ConversationRecorder, conversation: Conversation, actor: Actor, reason: JoinReason
) -> Conversation:
    """Append a visible ``joined`` entry (an agent, or a bot) right after ``conversation``
    (strict); observers join invisibly (``invite_to_conversation.join_as_observer``)."""
    recorded = await recorder.record(
        conversation,
        draft(
            conversation.id,
            EntryKind.JOINED,
            actor,
            recorder.deps.clock.now(),
            {"participant": participant_payload(actor), "reason": reason.value},
        ),
        lambda seq: [
            ParticipantJoinedV1(
                conversation_id=conversation.id,
                channel_id=conversation.channel_id,
                sequence=seq,
                participant=participant(actor),
                reason=reason,
            )
        ],
        strict=True,
    )
    return recorded.conversation
