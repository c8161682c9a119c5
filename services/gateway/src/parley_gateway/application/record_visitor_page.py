"""Use cases: the page the visitor is on, the pages visited (last 15) and whether the widget is
minimised, for the agent's information panel (V8). Internal entries: the visitor knows already."""

from __future__ import annotations

import re

from ..domain.conversation import Conversation
from ..domain.conversation_log import EntryKind, Visibility
from ..domain.errors import InvalidInput
from ..domain.identity import Visitor
from .conversation_contracts import draft
from .conversation_ports import ConversationDeps
from .conversation_recorder import ConversationRecorder
from .post_message import actor_of

_WEB_URL = re.compile(r"^https?://\S+$")
MAX_URL = 2048
MAX_TITLE = 300


class RecordVisitorPage:
    def __init__(self, deps: ConversationDeps) -> None:
        self._recorder = ConversationRecorder(deps)

    async def __call__(
        self, visitor: Visitor, conversation_id: str, url: str, title: str | None = None
    ) -> Conversation:
        """Add a visited page (the newest becomes ``page_url``); ignored once the chat ended."""
        if len(url) > MAX_URL or not _WEB_URL.match(url):
            raise InvalidInput("url must be an http(s) address")
        clean_title = " ".join((title or "").split())[:MAX_TITLE] or None
        conversation = await self._recorder.visible(conversation_id, visitor)
        if conversation.is_ended:
            return conversation
        entry = draft(
            conversation.id,
            EntryKind.PAGE_VISITED,
            actor_of(conversation, visitor),
            self._recorder.deps.clock.now(),
            {"url": url, "title": clean_title},
            visibility=Visibility.INTERNAL,
        )
        return (await self._recorder.record(conversation, entry)).conversation


class RecordWidgetMinimized:
    def __init__(self, deps: ConversationDeps) -> None:
        self._recorder = ConversationRecorder(deps)

    async def __call__(
        self, visitor: Visitor, conversation_id: str, minimized: bool
    ) -> Conversation:
        """Record that the widget was minimised or opened again; no change, no entry."""
        conversation = await self._recorder.visible(conversation_id, visitor)
        profile = conversation.visitor
        if conversation.is_ended or (profile is not None and profile.minimized == minimized):
            return conversation
        entry = draft(
            conversation.id,
            EntryKind.WIDGET_MINIMIZED,
            actor_of(conversation, visitor),
            self._recorder.deps.clock.now(),
            {"minimized": minimized},
            visibility=Visibility.INTERNAL,
        )
        return (await self._recorder.record(conversation, entry)).conversation
