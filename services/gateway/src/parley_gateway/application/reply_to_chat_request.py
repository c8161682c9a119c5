"""Use case: the addressee of a chat request (a visitor, V7, or an agent, A5) replies."""

from __future__ import annotations

from parley_contracts.gateway import EndedBy, JoinReason, ParticipantJoinedV1

from ..domain.conversation import Conversation
from ..domain.conversation_log import EntryKind
from ..domain.conversation_payloads import participant_payload
from ..domain.conversation_rules import Principal, ensure_may_reply_to_request
from ..domain.identity import Visitor
from .conversation_contracts import draft, participant
from .conversation_ports import ConversationDeps
from .conversation_recorder import ConversationRecorder
from .end_conversation import EndConversation
from .post_message import actor_of


class ReplyToChatRequest:
    def __init__(self, deps: ConversationDeps) -> None:
        self._recorder = ConversationRecorder(deps)
        self._end = EndConversation(deps)

    async def __call__(self, who: Principal, conversation_id: str, accept: bool) -> Conversation:
        """Accept: join (reason ``invited``) and the chat is active. Decline: it ends with
        outcome ``no_answer``. Only the addressee, only while the request is pending."""

        async def attempt(conversation: Conversation) -> Conversation:
            ensure_may_reply_to_request(conversation, who)
            actor = actor_of(conversation, who)
            if not accept:
                ended_by = EndedBy.VISITOR if isinstance(who, Visitor) else EndedBy.AGENT
                declined = await self._end.end(conversation, actor, ended_by, declined=True)
                return declined.conversation
            c = conversation
            recorded = await self._recorder.record(
                c,
                draft(
                    c.id,
                    EntryKind.JOINED,
                    actor,
                    self._recorder.deps.clock.now(),
                    {"participant": participant_payload(actor), "reason": JoinReason.INVITED.value},
                ),
                lambda seq: [
                    ParticipantJoinedV1(
                        conversation_id=c.id,
                        channel_id=c.channel_id,
                        sequence=seq,
                        participant=participant(actor),
                        reason=JoinReason.INVITED,
                    )
                ],
                strict=True,
            )
            return recorded.conversation

        return await self._recorder.decide(conversation_id, who, attempt)
