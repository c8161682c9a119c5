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

Write-behind for messages: a message changes only progress fields (``last_seq``, the count, the
time and preview of the last message), which no decision and no list filter depends on. Those
changes are remembered here and stored at most ``write_behind_s`` later, one write per
conversation for all its messages meanwhile (on FerretDB each write scans the collection, and a
busy conversation would otherwise cost one per message). Anything else stored for the
conversation first folds them in, and this replica's reads see them at once. A replica that
dies loses only the delay: the log is the truth, and the next write to the conversation folds
the log's tail onto the stored snapshot.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import structlog

from ..application.conversation_ports import ConversationSnapshots
from ..domain.conversation import Conversation
from ..domain.conversation_fold import changes_between, evolve
from ..domain.conversation_log import LogEntry

log = structlog.get_logger(__name__)

PROGRESS_FIELDS = frozenset(
    {"last_seq", "message_count", "last_message_at", "last_message_preview"}
)
"""What a message changes that no decision and no list filter reads: stored behind."""
WRITE_BEHIND_S = 5.0
"""The default of the gateway's ``snapshot_write_behind_s`` setting."""


@dataclass
class _Behind:
    """A conversation whose stored snapshot is at ``stored`` while this replica is at ``latest``
    (they differ in progress fields only)."""

    stored: Conversation
    latest: Conversation

    def catch_up(self, loaded: Conversation) -> Conversation:
        """``loaded`` (read from the database) with the changes not stored yet."""
        if loaded.last_seq != self.stored.last_seq:
            return loaded
        return dataclasses.replace(loaded, **changes_between(self.stored, self.latest))


class CachedSnapshots:
    def __init__(
        self,
        stored: ConversationSnapshots,
        max_entries: int = 20_000,
        write_behind_s: float = WRITE_BEHIND_S,
    ) -> None:
        self._stored = stored
        self._max = max_entries
        self._known: OrderedDict[str, Conversation] = OrderedDict()
        self._write_behind = write_behind_s
        self._behind: dict[str, _Behind] = {}
        self._flush_later: asyncio.Task[None] | None = None

    def __len__(self) -> int:
        return len(self._known)

    async def get(self, conversation_id: str, *, cached: bool = True) -> Conversation | None:
        if cached and (known := self._known.get(conversation_id)) is not None:
            self._known.move_to_end(conversation_id)
            return known
        loaded = self._caught_up(await self._stored.get(conversation_id, cached=False))
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
        stored_changes, stored_seq = changes, expected_last_seq
        behind = self._behind.pop(conversation_id, None)
        if behind is not None and behind.latest.last_seq == expected_last_seq:
            # The changes not stored yet go first, in the same write.
            stored_changes = {**changes_between(behind.stored, behind.latest), **changes}
            stored_seq = behind.stored.last_seq
        applied = await self._stored.apply(conversation_id, stored_changes, stored_seq)
        known = self._known.pop(conversation_id, None)
        if applied and known is not None and known.last_seq == expected_last_seq:
            self._remember(dataclasses.replace(known, **changes))
        return applied

    def defer(self, before: Conversation, after: Conversation) -> bool:
        """Remember ``after`` and store it within ``write_behind_s`` when it differs from
        ``before`` in progress fields only; False: nothing done, store it now (``apply``)."""
        if not changes_between(before, after).keys() <= PROGRESS_FIELDS:
            return False
        behind = self._behind.get(after.id)
        if behind is None:
            if self._known.get(after.id) is not before:
                return False  # ``before`` may not be what is stored (a fold of the log's tail)
            self._behind[after.id] = _Behind(before, after)
        elif behind.latest is before:
            behind.latest = after
        else:
            return False
        self._remember(after)
        if self._flush_later is None or self._flush_later.done():
            self._flush_later = asyncio.create_task(self._flush_soon(), name="snapshots-behind")
        return True

    def observe(self, entry: LogEntry) -> None:
        """Another replica stored ``entry`` (its live fan-out): a remembered snapshot just
        before it moves on, so this replica's next write to the conversation is not refused as
        stale (which costs a read of the log); one further behind is forgotten."""
        known = self._known.get(entry.conversation_id)
        if known is None or entry.seq <= known.last_seq:
            return
        if entry.seq == known.last_seq + 1:
            self._remember(evolve(known, entry))
        else:
            del self._known[entry.conversation_id]

    async def flush(self) -> None:
        """Store every deferred change now (at shutdown; otherwise it happens by itself)."""
        behind, self._behind = self._behind, {}
        for conversation_id, pending in behind.items():
            changes = changes_between(pending.stored, pending.latest)
            try:
                # Refused when another writer moved the snapshot: it stored a newer state, or
                # the next write folds the log's tail in.
                await self._stored.apply(conversation_id, changes, pending.stored.last_seq)
            except Exception as exc:
                log.warning(
                    "snapshot.write_behind_failed", conversation_id=conversation_id, error=repr(exc)
                )

    async def _flush_soon(self) -> None:
        while self._behind:  # what was deferred while a flush was on its way goes next
            await asyncio.sleep(self._write_behind)
            await self.flush()

    def _caught_up(self, loaded: Conversation | None) -> Conversation | None:
        if loaded is None or (behind := self._behind.get(loaded.id)) is None:
            return loaded
        return behind.catch_up(loaded)

    def _all_caught_up(self, loaded: list[Conversation]) -> list[Conversation]:
        if not self._behind:
            return loaded
        return [c for c in map(self._caught_up, loaded) if c is not None]

    async def mark_queued(self, conversation_id: str) -> bool:
        self._known.pop(conversation_id, None)
        return await self._stored.mark_queued(conversation_id)

    async def record_offer(self, conversation_id: str, agent_ids: Sequence[str]) -> bool:
        self._known.pop(conversation_id, None)
        return await self._stored.record_offer(conversation_id, agent_ids)

    async def offered_to_agent(self, agent_id: str, limit: int = 200) -> list[Conversation]:
        return self._all_caught_up(await self._stored.offered_to_agent(agent_id, limit))

    async def of_visitor(self, visitor_id: str, limit: int = 20) -> list[Conversation]:
        return self._all_caught_up(await self._stored.of_visitor(visitor_id, limit))

    async def active_of_agent(self, agent_id: str) -> list[Conversation]:
        return self._all_caught_up(await self._stored.active_of_agent(agent_id))

    async def waiting_in_channels(
        self, channel_ids: Sequence[str], limit: int = 200
    ) -> list[Conversation]:
        return self._all_caught_up(await self._stored.waiting_in_channels(channel_ids, limit))

    def _remember(self, conversation: Conversation) -> None:
        self._known[conversation.id] = conversation
        self._known.move_to_end(conversation.id)
        while len(self._known) > self._max:
            self._known.popitem(last=False)
