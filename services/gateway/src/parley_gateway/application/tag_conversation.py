"""Use case: an agent adds and removes tags (A9); they carry over to the chat's ticket."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from ..domain.conversation import Conversation
from ..domain.conversation_log import EntryKind, Visibility
from ..domain.errors import InvalidInput
from ..domain.identity import Account, Actor
from .conversation_contracts import draft
from .conversation_ports import ConversationDeps
from .conversation_recorder import ConversationRecorder

MAX_TAG = 64
MAX_TAGS = 30


def clean_tags(tags: Iterable[str]) -> list[str]:
    """Trimmed, inner spaces collapsed, each at most once whatever its case."""
    seen: dict[str, str] = {}
    for tag in tags:
        clean = " ".join(tag.split())[:MAX_TAG]
        if clean and clean.casefold() not in seen:
            seen[clean.casefold()] = clean
    return list(seen.values())


def retagged(current: Sequence[str], add: Sequence[str], remove: Sequence[str]) -> list[str]:
    removed = {tag.casefold() for tag in clean_tags(remove)}
    kept = [tag for tag in current if tag.casefold() not in removed]
    return clean_tags([*kept, *add])


class TagConversation:
    def __init__(self, deps: ConversationDeps) -> None:
        self._recorder = ConversationRecorder(deps)

    async def __call__(
        self,
        agent: Account,
        conversation_id: str,
        add: Sequence[str] = (),
        remove: Sequence[str] = (),
    ) -> Conversation:
        """Internal ``tagged`` entry with the whole set afterwards; no change, no entry."""
        actor = Actor.of_account(agent)

        async def attempt(conversation: Conversation) -> Conversation:
            tags = retagged(conversation.tags, add, remove)
            if len(tags) > MAX_TAGS:
                raise InvalidInput(f"a conversation has at most {MAX_TAGS} tags")
            if tuple(tags) == conversation.tags:
                return conversation
            before = {tag.casefold() for tag in conversation.tags}
            after = {tag.casefold() for tag in tags}
            payload = {
                "added": [tag for tag in tags if tag.casefold() not in before],
                "removed": [tag for tag in conversation.tags if tag.casefold() not in after],
                "tags": tags,
            }
            entry = draft(
                conversation.id,
                EntryKind.TAGGED,
                actor,
                self._recorder.deps.clock.now(),
                payload,
                visibility=Visibility.INTERNAL,
            )
            return (await self._recorder.record(conversation, entry, strict=True)).conversation

        return await self._recorder.decide(conversation_id, agent, attempt)
