"""Use case: an agent in a visitor chat invites a colleague, as a participant or as an invisible
observer (A6). The invitee joins at once (reason ``invited``) and their consoles follow the
conversation; an observer's join is internal, so the visitor never learns of it."""

from __future__ import annotations

from parley_contracts.common import ParticipantRole
from parley_contracts.gateway import JoinReason, ParticipantJoinedV1

from ..domain.conversation import Conversation
from ..domain.conversation_log import EntryKind, Visibility
from ..domain.conversation_payloads import participant_payload
from ..domain.conversation_rules import ensure_may_talk
from ..domain.errors import NotFound
from ..domain.identity import Account, Actor
from .accept_offered_conversation import join_visibly
from .conversation_contracts import draft, participant
from .conversation_ports import ConversationDeps
from .conversation_recorder import ConversationRecorder


class InviteToConversation:
    def __init__(self, deps: ConversationDeps) -> None:
        self._deps = deps
        self._recorder = ConversationRecorder(deps)

    async def __call__(
        self, inviter: Account, conversation_id: str, invitee_id: str, *, as_observer: bool
    ) -> Conversation:
        """Only an agent in the chat invites; an invitee already present stays as they are."""
        invitee = await self._deps.accounts.get(invitee_id)
        if invitee is None or not invitee.active:
            raise NotFound("no such agent")
        actor = Actor.of_account(invitee)

        async def attempt(conversation: Conversation) -> Conversation:
            ensure_may_talk(conversation, inviter)
            if conversation.is_present(invitee.id):
                return conversation
            if not as_observer:
                return await join_visibly(self._recorder, conversation, actor, JoinReason.INVITED)
            return await join_as_observer(self._recorder, conversation, actor, JoinReason.INVITED)

        return await self._recorder.decide(conversation_id, inviter, attempt)


async def join_as_observer(
    recorder: ConversationRecorder, conversation: Conversation, actor: Actor, reason: JoinReason
) -> Conversation:
    """Append an observer's ``joined`` entry (internal) right after ``conversation`` (strict)."""
    role = ParticipantRole.OBSERVER
    c = conversation
    recorded = await recorder.record(
        c,
        draft(
            c.id,
            EntryKind.JOINED,
            actor,
            recorder.deps.clock.now(),
            {"participant": participant_payload(actor, role), "reason": reason.value},
            visibility=Visibility.INTERNAL,
        ),
        lambda seq: [
            ParticipantJoinedV1(
                conversation_id=c.id,
                channel_id=c.channel_id,
                sequence=seq,
                participant=participant(actor, role),
                reason=reason,
            )
        ],
        strict=True,
    )
    return recorded.conversation
