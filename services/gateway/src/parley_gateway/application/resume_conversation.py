"""Use case: a client that reconnects gets exactly the entries it missed, in order."""

from __future__ import annotations

from dataclasses import dataclass

from ..domain.conversation_log import LogEntry
from ..domain.conversation_rules import Principal
from ..domain.conversation_views import visible_to_visitor
from ..domain.errors import FutureSequence, InvalidInput
from ..domain.identity import Visitor
from .conversation_ports import ConversationDeps
from .conversation_recorder import ConversationRecorder

MAX_PAGE = 500


@dataclass(frozen=True)
class Resumed:
    entries: tuple[LogEntry, ...]
    """What the reader may see after ``after_seq`` (visitors: no internal entries)."""
    up_to_seq: int
    """The cursor to keep: visitors see gaps where internal entries are, this skips them."""
    more: bool
    """The page was full: ask again after ``up_to_seq``."""


class ResumeConversation:
    def __init__(self, deps: ConversationDeps) -> None:
        self._deps = deps
        self._recorder = ConversationRecorder(deps)

    async def __call__(
        self, reader: Principal, conversation_id: str, after_seq: int, limit: int = MAX_PAGE
    ) -> Resumed:
        """Entries after ``after_seq``; ``FutureSequence`` when the reader claims to have seen
        more than the conversation holds, ``NotFound`` when it is not theirs to read."""
        if after_seq < 0:
            raise InvalidInput("after_seq must be 0 or more")
        conversation = await self._recorder.visible(conversation_id, reader)
        if after_seq > conversation.last_seq:
            raise FutureSequence(f"the conversation is at {conversation.last_seq}")
        limit = max(1, min(limit, MAX_PAGE))
        stored = await self._deps.log.read(conversation_id, after_seq, limit)
        more = len(stored) == limit
        up_to = stored[-1].seq if stored else after_seq
        if not more:
            up_to = max(up_to, conversation.last_seq)
        if isinstance(reader, Visitor):
            stored = [entry for entry in stored if visible_to_visitor(entry)]
        return Resumed(tuple(stored), up_to, more)
