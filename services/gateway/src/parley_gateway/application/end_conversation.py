"""Use case: the visitor or an agent ends a conversation; its outcome and figures are published."""

from __future__ import annotations

from parley_contracts.gateway import ConversationEndedV1, ConversationOutcome, EndedBy

from ..domain.conversation import Conversation
from ..domain.conversation_log import EntryKind
from ..domain.conversation_rules import (
    Principal,
    duration_seconds,
    ensure_may_end,
    outcome_of,
    time_to_answer_seconds,
)
from ..domain.identity import Actor, Visitor
from .conversation_contracts import draft, visitor_info
from .conversation_ports import ConversationDeps
from .conversation_recorder import ConversationRecorder, Recorded
from .post_message import actor_of


class EndConversation:
    def __init__(self, deps: ConversationDeps) -> None:
        self._deps = deps
        self._recorder = ConversationRecorder(deps)

    async def __call__(self, by: Principal, conversation_id: str) -> Conversation:
        """End it (``ended`` entry, ``ConversationEndedV1``); ``ConversationEnded`` if it was."""

        async def attempt(conversation: Conversation) -> Conversation:
            ensure_may_end(conversation, by)
            ended_by = EndedBy.VISITOR if isinstance(by, Visitor) else EndedBy.AGENT
            recorded = await self.end(conversation, actor_of(conversation, by), ended_by)
            return recorded.conversation

        return await self._recorder.decide(conversation_id, by, attempt)

    async def end(
        self,
        conversation: Conversation,
        actor: Actor,
        ended_by: EndedBy,
        *,
        outcome: ConversationOutcome | None = None,
        declined: bool = False,
    ) -> Recorded:
        """Append the ``ended`` entry right after ``conversation`` (strict: raises
        ``SequenceTaken`` when something happened meanwhile, so the figures are exact)."""
        now = self._deps.clock.now()
        outcome = outcome or outcome_of(conversation, declined=declined)
        duration = duration_seconds(conversation, now)
        answered_in = time_to_answer_seconds(conversation)
        payload = {
            "outcome": outcome.value,
            "ended_by": ended_by.value,
            "duration_seconds": duration,
            "time_to_answer_seconds": answered_in,
            "declined": declined,
        }
        c = conversation
        return await self._recorder.record(
            conversation,
            draft(c.id, EntryKind.ENDED, actor, now, payload),
            lambda seq: [
                ConversationEndedV1(
                    conversation_id=c.id,
                    channel_id=c.channel_id,
                    sequence=seq,
                    outcome=outcome,
                    ended_by=ended_by,
                    visitor=visitor_info(c.visitor),
                    agent_ids=c.participating_agents,
                    chatbot_script_id=c.chatbot_script_id,
                    title=c.title,
                    tags=c.tags,
                    started_at=c.created_at,
                    ended_at=now,
                    duration_seconds=duration,
                    time_to_answer_seconds=answered_in,
                    message_count=c.message_count,
                )
            ],
            strict=True,
        )
