"""Use case: an agent renames a conversation (A9); the title is for agents, not the visitor."""

from __future__ import annotations

from ..domain.conversation import Conversation
from ..domain.conversation_log import EntryKind, Visibility
from ..domain.identity import Account, Actor
from .conversation_contracts import draft
from .conversation_ports import ConversationDeps
from .conversation_recorder import ConversationRecorder

MAX_TITLE = 200


class RenameConversation:
    def __init__(self, deps: ConversationDeps) -> None:
        self._recorder = ConversationRecorder(deps)

    async def __call__(
        self, agent: Account, conversation_id: str, title: str | None
    ) -> Conversation:
        """Set the title (blank clears it). Internal entry, no event of its own: the title
        travels in ``ConversationEndedV1``. Allowed after the end too, for the archive."""
        new_title = " ".join((title or "").split())[:MAX_TITLE] or None
        actor = Actor.of_account(agent)

        async def attempt(conversation: Conversation) -> Conversation:
            if conversation.title == new_title:
                return conversation
            payload = {"title": new_title, "previous_title": conversation.title}
            entry = draft(
                conversation.id,
                EntryKind.RENAMED,
                actor,
                self._recorder.deps.clock.now(),
                payload,
                visibility=Visibility.INTERNAL,
            )
            return (await self._recorder.record(conversation, entry, strict=True)).conversation

        return await self._recorder.decide(conversation_id, agent, attempt)
