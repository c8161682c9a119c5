"""Contract values (``parley_contracts``) built from the conversation's domain values."""

from __future__ import annotations

from typing import Any

from parley_contracts.common import Participant, ParticipantRole, VisitorInfo

from ..domain.conversation import Conversation, VisitorProfile
from ..domain.conversation_log import EntryKind, LogEntry, Visibility
from ..domain.conversation_payloads import participant_role
from ..domain.identity import Actor


def participant(actor: Actor, role: ParticipantRole | None = None) -> Participant:
    return Participant(
        id=actor.id, role=role or participant_role(actor), display_name=actor.display_name
    )


def visitor_info(profile: VisitorProfile | None) -> VisitorInfo | None:
    """The visitor as contracts describe them (validated when the conversation started)."""
    if profile is None:
        return None
    return VisitorInfo(
        visitor_id=profile.visitor_id,
        customer_id=profile.customer_id,
        name=profile.name,
        email=profile.email,
        language=profile.language,
        country=profile.country,
        page_url=profile.page_url,
    )


def required_visitor_info(conversation: Conversation) -> VisitorInfo:
    info = visitor_info(conversation.visitor)
    if info is None:
        raise ValueError(f"conversation {conversation.id} has no visitor")
    return info


def draft(
    conversation_id: str,
    kind: EntryKind,
    actor: Actor,
    at: Any,
    payload: dict[str, Any],
    *,
    visibility: Visibility = Visibility.PUBLIC,
    client_message_id: str | None = None,
) -> LogEntry:
    """An entry before it is stored (its ``seq`` is set by the recorder and the log)."""
    return LogEntry(
        conversation_id=conversation_id,
        seq=0,
        kind=kind,
        at=at,
        actor=actor,
        visibility=visibility,
        client_message_id=client_message_id,
        payload=payload,
    )


def dedupe_key(conversation_id: str, actor: Actor, client_message_id: str | None) -> str | None:
    """Retries of one client message are one entry: per conversation, sender and client id."""
    if not client_message_id:
        return None
    return f"{conversation_id}|{actor.id}|{client_message_id}"
