"""Use case: the visitor rates the chat once it ended (V5)."""

from __future__ import annotations

from parley_contracts.gateway import ConversationRatedV1, Rating

from ..domain.conversation import Conversation
from ..domain.conversation_log import EntryKind
from ..domain.conversation_rules import ensure_may_rate
from ..domain.errors import InvalidInput
from ..domain.identity import Visitor
from .conversation_contracts import draft
from .conversation_ports import ConversationDeps
from .conversation_recorder import ConversationRecorder
from .post_message import actor_of

MAX_COMMENT = 2_000


class RateConversation:
    def __init__(self, deps: ConversationDeps) -> None:
        self._recorder = ConversationRecorder(deps)

    async def __call__(
        self,
        visitor: Visitor,
        conversation_id: str,
        rating: Rating | str,
        comment: str | None = None,
    ) -> Conversation:
        """Satisfied, okay or dissatisfied; a comment only with the last two; once, after the
        end (``RatingMustWaitForTheEnd``, ``AlreadyRated``: code ``conflict``)."""
        try:
            value = Rating(rating)
        except ValueError as exc:
            raise InvalidInput(f"unknown rating {rating!r}") from exc
        text = (comment or "").strip() or None
        if text is not None and len(text) > MAX_COMMENT:
            raise InvalidInput(f"a comment has at most {MAX_COMMENT} characters")

        async def attempt(conversation: Conversation) -> Conversation:
            ensure_may_rate(conversation, value, text)
            c = conversation
            recorded = await self._recorder.record(
                c,
                draft(
                    c.id,
                    EntryKind.RATED,
                    actor_of(c, visitor),
                    self._recorder.deps.clock.now(),
                    {"rating": value.value, "comment": text},
                ),
                lambda seq: [
                    ConversationRatedV1(
                        conversation_id=c.id,
                        channel_id=c.channel_id,
                        sequence=seq,
                        rating=value,
                        comment=text,
                        agent_ids=c.participating_agents,
                    )
                ],
                strict=True,
            )
            return recorded.conversation

        return await self._recorder.decide(conversation_id, visitor, attempt)
