"""Use case: an agent or observer leaves; when the last agent leaves a visitor, it waits again."""

from __future__ import annotations

from collections.abc import Sequence

from parley_contracts.base import Message
from parley_contracts.common import ParticipantRole
from parley_contracts.gateway import ConversationRequestedV1, LeaveReason, ParticipantLeftV1

from ..domain.conversation import Conversation, ConversationKind, Lifecycle
from ..domain.conversation_log import EntryKind, Visibility
from ..domain.conversation_payloads import participant_payload
from ..domain.identity import Account, Actor
from .conversation_contracts import draft, participant, required_visitor_info
from .conversation_ports import ConversationDeps
from .conversation_recorder import ConversationRecorder


class LeaveConversation:
    def __init__(self, deps: ConversationDeps) -> None:
        self._recorder = ConversationRecorder(deps)

    async def __call__(
        self, agent: Account, conversation_id: str, reason: LeaveReason = LeaveReason.LEFT
    ) -> Conversation:
        """Leave (``ParticipantLeftV1``). Not present: nothing happens. The last agent leaving an
        active visitor chat puts it back in the queue and asks routing again
        (``ConversationRequestedV1``), since the visitor is still waiting for help."""

        async def attempt(conversation: Conversation) -> Conversation:
            return await leave(self._recorder, conversation, Actor.of_account(agent), reason)

        return await self._recorder.decide(conversation_id, agent, attempt)


async def leave(
    recorder: ConversationRecorder, conversation: Conversation, actor: Actor, reason: LeaveReason
) -> Conversation:
    """Append the ``left`` entry for ``actor`` right after ``conversation`` (strict)."""
    member = conversation.member(actor.id)
    if member is None or not member.present or conversation.is_ended:
        return conversation
    observer = member.role is ParticipantRole.OBSERVER
    c = conversation
    asks_again = (
        member.role is ParticipantRole.AGENT
        and c.kind is ConversationKind.VISITOR
        and c.lifecycle is Lifecycle.ACTIVE
        and c.present_agents == (actor.id,)
        and reason is not LeaveReason.UNANSWERED  # routing moves on by itself then
    )

    def events(seq: int) -> Sequence[Message]:
        who = participant(actor, member.role)
        left = ParticipantLeftV1(
            conversation_id=c.id,
            channel_id=c.channel_id,
            sequence=seq,
            participant=who,
            reason=reason,
        )
        if not asks_again:
            return [left]
        visitor = required_visitor_info(c)
        again = ConversationRequestedV1(
            conversation_id=c.id,
            channel_id=c.channel_id,
            sequence=seq,
            visitor=visitor,
            language=visitor.language,
            required_expertise=c.expertise,
        )
        return [left, again]

    recorded = await recorder.record(
        c,
        draft(
            c.id,
            EntryKind.LEFT,
            actor,
            recorder.deps.clock.now(),
            {"participant": participant_payload(actor, member.role), "reason": reason.value},
            visibility=Visibility.INTERNAL if observer else Visibility.PUBLIC,
        ),
        events,
        strict=True,
    )
    return recorded.conversation
