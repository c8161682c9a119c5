"""Operators and requests for the routing domain tests, with readable defaults."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from parley_routing.domain.operator import Availability, Operator, OperatorProfile, OperatorState
from parley_routing.domain.request import RoutingRequest

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
CHANNEL = "ch_support"
ONLINE, AWAY, OFFLINE = Availability.ONLINE, Availability.AWAY, Availability.OFFLINE


def op(
    agent_id: str,
    *,
    lang: str | None = "en",
    extra: tuple[str, ...] = (),
    expertise: tuple[str, ...] = (),
    country: str | None = None,
    max_chats: int = 3,
    load: int = 0,
    availability: Availability = ONLINE,
    channels: tuple[str, ...] = (CHANNEL,),
    idle_min: float | None = 10,
    name: str | None = None,
) -> Operator:
    """An operator; ``idle_min`` minutes since their last assignment (None: no record)."""
    profile = OperatorProfile(
        agent_id=agent_id,
        chat_name=name or agent_id.removeprefix("agt_").capitalize(),
        main_language=lang,
        extra_languages=frozenset(extra),
        expertise=frozenset(expertise),
        country=country,
        max_chats=max_chats,
        channel_ids=frozenset(channels),
    )
    state = OperatorState(
        availability=availability,
        active_conversation_ids=frozenset(f"held_{agent_id}_{i}" for i in range(load)),
        last_assigned_at=None if idle_min is None else NOW - timedelta(minutes=idle_min),
    )
    return Operator(profile, state)


def req(
    conversation_id: str = "conv_1",
    *,
    lang: str | None = "en",
    country: str | None = None,
    expertise: tuple[str, ...] = (),
    previous: str | None = None,
    handoff: bool = False,
    fallback: bool = True,
    channel: str = CHANNEL,
    at: datetime = NOW,
) -> RoutingRequest:
    return RoutingRequest(
        conversation_id=conversation_id,
        channel_id=channel,
        requested_at=at,
        language=lang,
        country=country,
        expertise=frozenset(expertise),
        previous_agent_id=previous,
        from_handoff=handoff,
        fallback_to_any=fallback,
    )
