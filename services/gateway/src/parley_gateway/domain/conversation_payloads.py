"""Entry payloads to and from domain values; the one place that knows their JSON shape."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from parley_contracts.common import ParticipantRole

from .conversation import Member, PageVisit, VisitorProfile
from .identity import Actor, Role


def participant_payload(actor: Actor, role: ParticipantRole | None = None) -> dict[str, str]:
    """An actor as the ``participant`` of a joined/left entry (observers keep their role)."""
    return {
        "id": actor.id,
        "role": str(role or participant_role(actor)),
        "name": actor.display_name,
    }


def participant_role(actor: Actor) -> ParticipantRole:
    if actor.role is Role.VISITOR:
        return ParticipantRole.VISITOR
    if actor.role is Role.BOT:
        return ParticipantRole.BOT
    return ParticipantRole.AGENT


def member_from(payload: dict[str, Any], at: datetime) -> Member:
    return Member(
        id=payload["id"],
        role=ParticipantRole(payload["role"]),
        display_name=payload["name"],
        joined_at=at,
    )


def page_payload(page: PageVisit) -> dict[str, Any]:
    return {"url": page.url, "title": page.title, "at": page.at.isoformat()}


def page_from(payload: dict[str, Any]) -> PageVisit:
    return PageVisit(payload["url"], payload.get("title"), datetime.fromisoformat(payload["at"]))


def visitor_payload(visitor: VisitorProfile) -> dict[str, Any]:
    return {
        "visitor_id": visitor.visitor_id,
        "name": visitor.name,
        "customer_id": visitor.customer_id,
        "email": visitor.email,
        "language": visitor.language,
        "country": visitor.country,
        "page_url": visitor.page_url,
        "pages": [page_payload(page) for page in visitor.pages],
        "minimized": visitor.minimized,
        "user_agent": visitor.user_agent,
        "ip": visitor.ip,
    }


def visitor_from(payload: dict[str, Any]) -> VisitorProfile:
    return VisitorProfile(
        visitor_id=payload["visitor_id"],
        name=payload["name"],
        customer_id=payload.get("customer_id"),
        email=payload.get("email"),
        language=payload.get("language"),
        country=payload.get("country"),
        page_url=payload.get("page_url"),
        pages=tuple(page_from(page) for page in payload.get("pages", ())),
        minimized=bool(payload.get("minimized", False)),
        user_agent=payload.get("user_agent"),
        ip=payload.get("ip"),
    )
