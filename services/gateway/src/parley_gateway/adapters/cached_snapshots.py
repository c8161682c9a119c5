"""A per-replica memory of conversation snapshots in front of the stored ones.

Every message starts with the conversation's state (may this visitor talk, is it ended?). On
FerretDB a ``find_one`` by ``_id`` scans the collection (tens of milliseconds at 10,000
conversations), so each replica keeps the snapshots it read or wrote, bounded, least recently
used first out. Being stale is safe: decisions are strict appends to the log, and an append that
another replica's entry overtook fails and is retried on fresh state from the database and the
log (``ConversationRecorder.decide``), and a decision refused on remembered state is checked
again on fresh state. The two fields that change outside the log (routing's ``queued`` mark and
pull-mode ``offered_to``) drop the entry here, and a refused visibility check reads the database
once more (``ConversationRecorder.visible``). A read never replaces a newer remembered snapshot.
"""

from __future__ import annotations

import dataclasses
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

from ..application.conversation_ports import ConversationSnapshots
from ..domain.conversation import Conversation


class CachedSnapshots:
    def __init__(self, stored: ConversationSnapshots, max_entries: int = 20_000) -> None:
        self._stored = stored
        self._max = max_entries
        self._known: OrderedDict[str, Conversation] = OrderedDict()

    def __len__(self) -> int:
        return len(self._known)

    async def get(self, conversation_id: str, *, cached: bool = True) -> Conversation | None:
        if cached and (known := self._known.get(conversation_id)) is not None:
            self._known.move_to_end(conversation_id)
            return known
        loaded = await self._stored.get(conversation_id, cached=False)
        known = self._known.get(conversation_id)
        if loaded is not None and (known is None or known.last_seq < loaded.last_seq):
            # Not over a newer one: a write may have landed while this read was on its way.
            self._remember(loaded)
        return loaded

    async def create(self, conversation: Conversation) -> bool:
        created = await self._stored.create(conversation)
        if created:
            self._remember(conversation)
        else:
            self._known.pop(conversation.id, None)
        return created

    async def apply(
        self, conversation_id: str, changes: dict[str, Any], expected_last_seq: int
    ) -> bool:
        applied = await self._stored.apply(conversation_id, changes, expected_last_seq)
        known = self._known.pop(conversation_id, None)
        if applied and known is not None and known.last_seq == expected_last_seq:
            self._remember(dataclasses.replace(known, **changes))
        return applied

    async def mark_queued(self, conversation_id: str) -> bool:
        self._known.pop(conversation_id, None)
        return await self._stored.mark_queued(conversation_id)

    async def record_offer(self, conversation_id: str, agent_ids: Sequence[str]) -> bool:
        self._known.pop(conversation_id, None)
        return await self._stored.record_offer(conversation_id, agent_ids)

    async def offered_to_agent(self, agent_id: str, limit: int = 200) -> list[Conversation]:
        return await self._stored.offered_to_agent(agent_id, limit)

    async def of_visitor(self, visitor_id: str, limit: int = 20) -> list[Conversation]:
        return await self._stored.of_visitor(visitor_id, limit)

    async def active_of_agent(self, agent_id: str) -> list[Conversation]:
        return await self._stored.active_of_agent(agent_id)

    async def waiting_in_channels(
        self, channel_ids: Sequence[str], limit: int = 200
    ) -> list[Conversation]:
        return await self._stored.waiting_in_channels(channel_ids, limit)

    def _remember(self, conversation: Conversation) -> None:
        self._known[conversation.id] = conversation
        self._known.move_to_end(conversation.id)
        while len(self._known) > self._max:
            self._known.popitem(last=False)
