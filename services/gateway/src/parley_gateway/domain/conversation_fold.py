"""The snapshot as a pure fold of the log: (snapshot, next entry) -> snapshot, and its changes.

Applying an entry the snapshot already contains (``seq <= last_seq``) changes nothing, so a
replayed or re-delivered entry is harmless.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from typing import Any

from parley_contracts.common import ParticipantRole
from parley_contracts.gateway import (
    ConversationOutcome,
    ConversationStatus,
    EndedBy,
    JoinReason,
    LeaveReason,
    Rating,
)

from .conversation import (
    MAX_PAGES_KEPT,
    PREVIEW_LENGTH,
    BotAnswer,
    Choice,
    Conversation,
    ConversationKind,
    Lifecycle,
    PageVisit,
    RatingGiven,
)
from .conversation_log import EntryKind, LogEntry
from .conversation_payloads import member_from, page_from, visitor_from
from .identity import Role


def evolve(snapshot: Conversation | None, entry: LogEntry) -> Conversation:
    """The snapshot after ``entry``; ``snapshot`` is None only for the ``started`` entry."""
    if snapshot is None:
        if entry.kind != EntryKind.STARTED:
            raise ValueError(f"conversation {entry.conversation_id} has no started entry")
        return _started(entry)
    if entry.seq <= snapshot.last_seq:
        return snapshot
    apply = _APPLY.get(entry.kind, _unchanged)
    return dataclasses.replace(apply(snapshot, entry), last_seq=entry.seq)


def fold(snapshot: Conversation | None, entries: Iterable[LogEntry]) -> Conversation | None:
    for entry in entries:
        snapshot = evolve(snapshot, entry)
    return snapshot


def changes_between(before: Conversation, after: Conversation) -> dict[str, Any]:
    """The snapshot fields whose values differ, by field name (what an adapter must ``$set``)."""
    return {
        f.name: getattr(after, f.name)
        for f in dataclasses.fields(Conversation)
        if getattr(before, f.name) != getattr(after, f.name)
    }


def snapshot_changes(snapshot: Conversation, entry: LogEntry) -> dict[str, Any]:
    """What storing ``entry`` changes in ``snapshot`` (always ``last_seq`` unless a replay)."""
    return changes_between(snapshot, evolve(snapshot, entry))


def _started(entry: LogEntry) -> Conversation:
    payload = entry.payload
    visitor = payload.get("visitor")
    return Conversation(
        id=entry.conversation_id,
        channel_id=payload["channel_id"],
        kind=ConversationKind(payload["kind"]),
        created_at=entry.at,
        visitor=visitor_from(visitor) if visitor else None,
        title=payload.get("title"),
        initiator_id=entry.actor.id,
        addressee_id=(payload.get("addressee") or {}).get("id"),
        chatbot_script_id=payload.get("chatbot_script_id"),
        lifecycle=Lifecycle.BOT if payload.get("chatbot_script_id") else Lifecycle.REQUESTED,
        requested_at=None if payload.get("chatbot_script_id") else entry.at,
        last_seq=entry.seq,
    )


def _unchanged(snapshot: Conversation, entry: LogEntry) -> Conversation:
    return snapshot


def _joined(snapshot: Conversation, entry: LogEntry) -> Conversation:
    member = member_from(entry.payload["participant"], entry.at)
    if snapshot.is_present(member.id, member.role):
        return snapshot
    changes: dict[str, Any] = {"participants": (*snapshot.participants, member)}
    if member.role is ParticipantRole.AGENT:
        if member.id not in snapshot.agents_involved:
            changes["agents_involved"] = (*snapshot.agents_involved, member.id)
        helping = entry.payload.get("reason") == JoinReason.ACCEPTED
        if helping and snapshot.status is ConversationStatus.LOOKING_FOR_HELP:
            # A14: the first agent to join a "looking for help" chat takes the call for help.
            changes["status"] = ConversationStatus.IN_PROGRESS
        if snapshot.assigned_to is None and snapshot.kind is ConversationKind.VISITOR:
            changes["assigned_to"] = member.id
    someone_answers = member.id == snapshot.addressee_id or (
        snapshot.kind is ConversationKind.VISITOR and member.role is ParticipantRole.AGENT
    )
    # A bot's chat too: routing's assignment may arrive before the bot's hand-off is stored.
    if (snapshot.is_waiting or snapshot.lifecycle is Lifecycle.BOT) and someone_answers:
        changes["lifecycle"] = Lifecycle.ACTIVE
    return dataclasses.replace(snapshot, **changes)


def _left(snapshot: Conversation, entry: LogEntry) -> Conversation:
    leaving = entry.payload["participant"]["id"]
    participants = tuple(
        dataclasses.replace(m, left_at=entry.at) if m.id == leaving and m.present else m
        for m in snapshot.participants
    )
    after = dataclasses.replace(snapshot, participants=participants)
    if (
        entry.payload.get("reason") == LeaveReason.UNANSWERED
        and leaving not in after.unanswered_agents
    ):
        after = dataclasses.replace(after, unanswered_agents=(*after.unanswered_agents, leaving))
    if after.assigned_to == leaving:
        remaining = after.present_agents
        after = dataclasses.replace(after, assigned_to=remaining[0] if remaining else None)
    no_agent_left = not after.present_agents and snapshot.lifecycle is Lifecycle.ACTIVE
    if no_agent_left and after.kind is ConversationKind.VISITOR:
        # The visitor is still there: the conversation waits for someone else.
        after = dataclasses.replace(after, lifecycle=Lifecycle.QUEUED)
    return after


def _message(snapshot: Conversation, entry: LogEntry) -> Conversation:
    text: str = entry.payload.get("text") or ""
    attachments = entry.payload.get("attachments") or []
    preview = (
        text[:PREVIEW_LENGTH] if text else (attachments[0]["file_name"] if attachments else "")
    )
    changes: dict[str, Any] = {
        "message_count": snapshot.message_count + 1,
        "last_message_at": entry.at,
        "last_message_preview": preview,
    }
    author = entry.actor.id
    if entry.actor.role is Role.BOT:
        choices = entry.payload.get("choices") or ()
        changes["choices"] = tuple(Choice(c["id"], c["label"], c.get("url")) for c in choices)
    elif entry.actor.role is Role.VISITOR:
        changes["choices"] = ()
    if (
        snapshot.is_present(author, ParticipantRole.AGENT)
        and snapshot.kind is ConversationKind.VISITOR
    ):
        if author not in snapshot.answering_agents:
            changes["answering_agents"] = (*snapshot.answering_agents, author)
        if snapshot.answered_at is None:
            changes["answered_at"] = entry.at
    return dataclasses.replace(snapshot, **changes)


def _status_changed(snapshot: Conversation, entry: LogEntry) -> Conversation:
    return dataclasses.replace(
        snapshot,
        status=ConversationStatus(entry.payload["status"]),
        expertise=tuple(entry.payload.get("expertise") or ()),
    )


def _renamed(snapshot: Conversation, entry: LogEntry) -> Conversation:
    return dataclasses.replace(snapshot, title=entry.payload.get("title"))


def _tagged(snapshot: Conversation, entry: LogEntry) -> Conversation:
    return dataclasses.replace(snapshot, tags=tuple(entry.payload["tags"]))


def _ended(snapshot: Conversation, entry: LogEntry) -> Conversation:
    return dataclasses.replace(
        snapshot,
        lifecycle=Lifecycle.ENDED,
        ended_at=entry.at,
        ended_by=EndedBy(entry.payload["ended_by"]),
        outcome=ConversationOutcome(entry.payload["outcome"]),
    )


def _rated(snapshot: Conversation, entry: LogEntry) -> Conversation:
    given = RatingGiven(Rating(entry.payload["rating"]), entry.payload.get("comment"))
    return dataclasses.replace(snapshot, rating=given)


def _page_visited(snapshot: Conversation, entry: LogEntry) -> Conversation:
    if snapshot.visitor is None:
        return snapshot
    page = page_from({**entry.payload, "at": entry.at.isoformat()})
    pages: tuple[PageVisit, ...] = (*snapshot.visitor.pages, page)[-MAX_PAGES_KEPT:]
    visitor = dataclasses.replace(snapshot.visitor, pages=pages, page_url=page.url)
    return dataclasses.replace(snapshot, visitor=visitor)


def _widget_minimized(snapshot: Conversation, entry: LogEntry) -> Conversation:
    if snapshot.visitor is None:
        return snapshot
    visitor = dataclasses.replace(snapshot.visitor, minimized=bool(entry.payload["minimized"]))
    return dataclasses.replace(snapshot, visitor=visitor)


def _handoff(snapshot: Conversation, entry: LogEntry) -> Conversation:
    """The bot asks for an operator. Routing's answer may have come first (events travel on
    separate queues): an agent who joined already keeps the chat, a "nobody" already counted
    leaves it with the bot; either way the operator gets what the bot collected (B5)."""
    answers = tuple(
        BotAnswer(a["step_id"], a["question"], a["answer"]) for a in entry.payload["answers"]
    )
    changes: dict[str, Any] = {
        "handoffs": snapshot.handoffs + 1,
        "expertise": tuple(entry.payload.get("expertise") or ()),
        "bot_answers": answers,
    }
    answered_already = snapshot.handoffs + 1 <= snapshot.handoffs_failed
    if snapshot.lifecycle is Lifecycle.BOT and not answered_already:
        changes["lifecycle"] = Lifecycle.REQUESTED
        changes["requested_at"] = entry.at
    return dataclasses.replace(snapshot, **changes)


def _no_operator(snapshot: Conversation, entry: LogEntry) -> Conversation:
    failed = snapshot.handoffs_failed + 1
    if not snapshot.is_waiting:  # it came before its hand-off: counted, the bot keeps going
        return dataclasses.replace(snapshot, handoffs_failed=failed)
    return dataclasses.replace(
        snapshot,
        lifecycle=Lifecycle.BOT,
        offered_to=(),
        assigned_to=None,
        handoffs_failed=failed,
    )


_APPLY: dict[str, Callable[[Conversation, LogEntry], Conversation]] = {
    EntryKind.JOINED: _joined,
    EntryKind.LEFT: _left,
    EntryKind.MESSAGE: _message,
    EntryKind.STATUS_CHANGED: _status_changed,
    EntryKind.RENAMED: _renamed,
    EntryKind.TAGGED: _tagged,
    EntryKind.ENDED: _ended,
    EntryKind.RATED: _rated,
    EntryKind.PAGE_VISITED: _page_visited,
    EntryKind.WIDGET_MINIMIZED: _widget_minimized,
    EntryKind.HANDOFF: _handoff,
    EntryKind.NO_OPERATOR: _no_operator,
}
