"""Storing a conversation entry: the one write path every conversation use case goes through.

append to the log (with its contract events, through the outbox) -> push the entry to the live
fan-out -> bring the snapshot up to date -> tell list screens. The log is the truth: when the
snapshot update loses a race, the snapshot is rebuilt from its stored state plus the log tail,
compare-and-set on ``last_seq``, so concurrent writers on several replicas never lose a change.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

import structlog

from parley_contracts.base import Message
from parley_contracts.envelope import CloudEvent

from ..domain.conversation import Conversation, ConversationKind
from ..domain.conversation_fold import changes_between, evolve, fold
from ..domain.conversation_log import EntryKind, LogEntry
from ..domain.conversation_rules import Principal, agent_may_see, visitor_may_see
from ..domain.conversation_views import snapshot_for_agent, snapshot_for_visitor
from ..domain.errors import Conflict, GatewayError, NotFound
from ..domain.identity import Visitor
from .conversation_ports import ConversationDeps, SequenceTaken

log = structlog.get_logger(__name__)

T = TypeVar("T")
EventsFor = Callable[[int], Sequence[Message]]
"""Builds an entry's contract messages for the sequence number it will get."""

DECISION_ATTEMPTS = 5
SNAPSHOT_CATCH_UP_ATTEMPTS = 5
_CONSOLE_ROLES = frozenset({"agent", "observer"})
_LIST_KINDS = frozenset(
    {
        EntryKind.STARTED,
        EntryKind.JOINED,
        EntryKind.LEFT,
        EntryKind.STATUS_CHANGED,
        EntryKind.RENAMED,
        EntryKind.TAGGED,
        EntryKind.ENDED,
        EntryKind.RATED,
    }
)


@dataclass(frozen=True)
class Recorded:
    """A stored entry and the snapshot just after it (as this writer computed it)."""

    entry: LogEntry
    conversation: Conversation
    duplicate: bool = False


def no_events(_: int) -> Sequence[Message]:
    return ()


class ConversationRecorder:
    def __init__(self, deps: ConversationDeps) -> None:
        self.deps = deps

    async def load(
        self, conversation_id: str, *, fresh: bool = True, cached: bool = True
    ) -> Conversation | None:
        """The conversation's state.

        ``fresh``: the snapshot brought up to the log's last entry. Otherwise the snapshot as
        stored, which may lag when a writer died between its append and its snapshot update:
        decisions on it are safe only as strict appends (see ``decide``), whose conflict sends
        the caller back for a fresh load. Reading the log tail is a range query on the largest
        collection, so the hot path reads it only after such a conflict.
        """
        snapshot = await self.deps.snapshots.get(conversation_id, cached=cached)
        if not fresh:
            return snapshot
        after = snapshot.last_seq if snapshot else 0
        return fold(snapshot, await self.deps.log.read(conversation_id, after))

    async def visible(
        self, conversation_id: str, who: Principal, *, fresh: bool = True
    ) -> Conversation:
        """The conversation if ``who`` may see it; ``NotFound`` alike for missing and forbidden."""
        conversation = await self.load(conversation_id, fresh=fresh)
        if conversation is None:
            raise NotFound("no such conversation")
        if await self.may_see(conversation, who):
            return conversation
        # A replica's memory may miss what changed outside the log (a pull-mode offer).
        stored = await self.load(conversation_id, fresh=fresh, cached=False)
        if stored is not None and await self.may_see(stored, who):
            return stored
        raise NotFound("no such conversation")

    async def may_see(self, conversation: Conversation, who: Principal) -> bool:
        if isinstance(who, Visitor):
            return visitor_may_see(conversation, who)
        if agent_may_see(conversation, who, None):
            return True
        if conversation.kind is ConversationKind.AGENT_TO_AGENT:
            return False
        return agent_may_see(
            conversation, who, await self.deps.channels.get(conversation.channel_id)
        )

    async def decide(
        self,
        conversation_id: str,
        who: Principal | None,
        attempt: Callable[[Conversation], Awaitable[T]],
    ) -> T:
        """Run ``attempt`` on fresh state until its strict append is not overtaken by another
        writer: decisions (end, accept, rate, ...) are made on the state they change.
        ``who`` None: the gateway itself acts (routing's events), no visibility check."""
        for attempt_number in range(DECISION_ATTEMPTS):
            # The stored snapshot first; after a conflict, the snapshot plus the log's tail.
            fresh = attempt_number > 0
            if who is None:
                loaded = await self.load(conversation_id, fresh=fresh)
                if loaded is None and not fresh:
                    loaded = await self.load(conversation_id, fresh=True)
                if loaded is None:
                    raise NotFound("no such conversation")
                conversation = loaded
            else:
                try:
                    conversation = await self.visible(conversation_id, who, fresh=fresh)
                except NotFound:
                    if fresh:
                        raise
                    # A conversation whose snapshot was never written yet: ask the log.
                    conversation = await self.visible(conversation_id, who, fresh=True)
            try:
                return await attempt(conversation)
            except SequenceTaken:
                continue
            except GatewayError:
                if fresh:
                    raise
                # Refused on the replica's remembered snapshot, which another replica's
                # writes may have overtaken: decide again on the snapshot plus the log's tail.
                continue
        raise Conflict("the conversation changed too often meanwhile; try again")

    async def record(
        self,
        conversation: Conversation | None,
        draft: LogEntry,
        events: EventsFor = no_events,
        *,
        dedupe_key: str | None = None,
        strict: bool = False,
    ) -> Recorded:
        """Store ``draft`` after ``conversation`` (None for the ``started`` entry).

        ``strict``: the entry must directly follow ``conversation.last_seq`` or ``SequenceTaken``
        is raised (use ``decide``). Otherwise it takes the next free number.
        """
        expected = (conversation.last_seq if conversation else 0) + 1
        envelopes = [self._wrap(message, draft.at) for message in events(expected)]
        appended = await self.deps.log.append(
            dataclasses.replace(draft, seq=expected),
            envelopes,
            dedupe_key=dedupe_key,
            expected_seq=expected if strict else None,
        )
        if appended.duplicate:
            known = conversation or await self.load(draft.conversation_id)
            assert known is not None
            return Recorded(appended.entry, known, duplicate=True)
        entry = appended.entry
        after = evolve(conversation, entry) if entry.seq == expected else None
        await self._push(entry)
        after = await self._update_snapshot(conversation, entry, after)
        await self._announce(after, entry)
        return Recorded(entry, after)

    def _wrap(self, message: Message, at: datetime) -> CloudEvent[Any]:
        return CloudEvent.wrap(message, source=self.deps.source, time=at)

    async def _push(self, entry: LogEntry) -> None:
        # Stored is what counts: a lost live frame is recovered by the client's resume.
        try:
            await self.deps.fanout.entry(entry)
        except Exception as exc:
            log.warning(
                "fanout.entry_failed", conversation_id=entry.conversation_id, error=repr(exc)
            )

    async def _update_snapshot(
        self, before: Conversation | None, entry: LogEntry, after: Conversation | None
    ) -> Conversation:
        snapshots = self.deps.snapshots
        if after is not None:
            if before is None:
                if await snapshots.create(after):
                    return after
            elif snapshots.defer(before, after):  # a message: stored a moment later
                return after
            elif await snapshots.apply(
                entry.conversation_id, changes_between(before, after), before.last_seq
            ):
                return after
        # Another writer moved the snapshot, or ours was stale: fold the log tail onto it.
        latest: Conversation | None = after
        for _ in range(SNAPSHOT_CATCH_UP_ATTEMPTS):
            stored = await snapshots.get(entry.conversation_id)
            if stored is not None and stored.last_seq >= entry.seq:
                return stored
            tail = await self.deps.log.read(entry.conversation_id, stored.last_seq if stored else 0)
            latest = fold(stored, tail)
            if latest is None:
                break
            if stored is None:
                done = await snapshots.create(latest)
            else:
                done = await snapshots.apply(
                    entry.conversation_id, changes_between(stored, latest), stored.last_seq
                )
            if done:
                return latest
        # Not fatal: the next write to this conversation folds the same tail in.
        log.warning(
            "snapshot.catch_up_gave_up", conversation_id=entry.conversation_id, seq=entry.seq
        )
        if latest is None:
            raise NotFound("no such conversation")
        return latest

    async def _announce(self, conversation: Conversation, entry: LogEntry) -> None:
        if entry.kind not in _LIST_KINDS:
            return
        agent_frame = {"type": "conversation", "conversation": snapshot_for_agent(conversation)}
        topics: list[tuple[str, dict[str, Any]]] = []
        if conversation.kind is not ConversationKind.AGENT_TO_AGENT:
            topics.append((f"channel.{conversation.channel_id}", agent_frame))
        if entry.kind in (EntryKind.JOINED, EntryKind.LEFT):
            participant = entry.payload["participant"]
            if participant["role"] in _CONSOLE_ROLES:  # they (un)subscribe the conversation
                topics.append((f"agent.{participant['id']}", agent_frame))
        if entry.kind in (EntryKind.JOINED, EntryKind.ENDED):
            # Agents a pull-mode offer reached may be outside the channel: tell them it is gone.
            topics += [(f"agent.{agent_id}", agent_frame) for agent_id in conversation.offered_to]
        addressee = conversation.addressee_id
        if addressee and entry.kind in (EntryKind.STARTED, EntryKind.ENDED):
            if conversation.kind is ConversationKind.AGENT_TO_AGENT:
                topics.append((f"agent.{addressee}", agent_frame))
            else:
                visitor_frame = {
                    "type": "conversation",
                    "conversation": snapshot_for_visitor(conversation),
                }
                topics.append((f"visitor.{addressee}", visitor_frame))
        for topic, frame in dict(topics).items():
            try:
                await self.deps.fanout.signal(topic, frame)
            except Exception as exc:
                log.warning("fanout.signal_failed", topic=topic, error=repr(exc))
