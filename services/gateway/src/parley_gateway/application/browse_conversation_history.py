"""Use cases: agents list conversations of their channels with filters, and search past chats
(A10, P1). Admins see every channel."""

from __future__ import annotations

from dataclasses import replace

from ..domain.errors import InvalidInput, NotFound
from ..domain.identity import Account
from .ports import ChannelRepository, ConversationArchive
from .read_models import ConversationRecord, HistoryFilter, SearchHit

MAX_PAGE = 200


class BrowseConversationHistory:
    def __init__(self, archive: ConversationArchive, channels: ChannelRepository) -> None:
        self._archive = archive
        self._channels = channels

    async def _allowed_channels(self, account: Account, wanted: str | None) -> frozenset[str]:
        open_ids = frozenset(c.id for c in await self._channels.open_to(account))
        if wanted is None:
            return open_ids
        if wanted not in open_ids:
            raise NotFound(f"channel {wanted} not found")
        return frozenset({wanted})

    async def history(
        self, account: Account, query: HistoryFilter, channel_id: str | None = None
    ) -> list[ConversationRecord]:
        if not 1 <= query.limit <= MAX_PAGE:
            raise InvalidInput(f"limit: between 1 and {MAX_PAGE}")
        if query.offset < 0:
            raise InvalidInput("offset: must not be negative")
        if query.created_from and query.created_until and query.created_from > query.created_until:
            raise InvalidInput("from: must not be after until")
        channel_ids = await self._allowed_channels(account, channel_id)
        return await self._archive.history(replace(query, channel_ids=channel_ids))

    async def search(
        self, account: Account, text: str, channel_id: str | None = None, limit: int = 20
    ) -> list[SearchHit]:
        text = text.strip()
        if len(text) < 2 or len(text) > 200:
            raise InvalidInput("q: 2-200 characters")
        if not 1 <= limit <= MAX_PAGE:
            raise InvalidInput(f"limit: between 1 and {MAX_PAGE}")
        channel_ids = await self._allowed_channels(account, channel_id)
        return await self._archive.search(text, channel_ids, limit)
