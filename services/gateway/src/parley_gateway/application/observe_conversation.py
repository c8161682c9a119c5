"""Use case: an agent joins as an invisible observer (A6); visitors never learn of it."""

from __future__ import annotations

from parley_contracts.common import ParticipantRole
from parley_contracts.gateway import JoinReason, ParticipantJoinedV1

from ..domain.conversation import Conversation
from ..domain.conversation_log import EntryKind, Visibility
from ..domain.conversation_payloads import participant_payload
from ..domain.conversation_rules import ensure_open
from ..domain.identity import Account, Actor
from .conversation_contracts import draft, participant
from .conversation_ports import ConversationDeps
from .conversation_recorder import ConversationRecorder


class ObserveConversation:
    def __init__(self, deps: ConversationDeps) -> None:
        self._recorder = ConversationRecorder(deps)

    async def __call__(self, agent: Account, conversation_id: str) -> Conversation:
        """Join as observer: reads everything, writes notes only; the entry is internal.
        Leave with ``LeaveConversation``. Already present (in any role): nothing happens."""
        actor = Actor.of_account(agent)
        role = ParticipantRole.OBSERVER

        async def attempt(conversation: Conversation) -> Conversation:
            ensure_open(conversation)
            if conversation.is_present(agent.id):
                return conversation
            c = conversation
            recorded = await self._recorder.record(
                c,
                draft(
                    c.id,
                    EntryKind.JOINED,
                    actor,
                    self._recorder.deps.clock.now(),
                    {
                        "participant": participant_payload(actor, role),
                        "reason": JoinReason.ACCEPTED.value,
                    },
                    visibility=Visibility.INTERNAL,
                ),
                lambda seq: [
                    ParticipantJoinedV1(
                        conversation_id=c.id,
                        channel_id=c.channel_id,
                        sequence=seq,
                        participant=participant(actor, role),
                        reason=JoinReason.ACCEPTED,
                    )
                ],
                strict=True,
            )
            return recorded.conversation

        return await self._recorder.decide(conversation_id, agent, attempt)
