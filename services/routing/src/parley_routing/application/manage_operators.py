"""The admin API's queries, answered by routing: profiles, channel joins, overviews, decisions."""

from __future__ import annotations

from dataclasses import replace

from parley_contracts import routing as contract
from parley_contracts.routing import (
    GetOperatorsV1,
    GetRoutingDecisionsV1,
    OperatorPresenceChangedV1,
    OperatorsV1,
    OperatorUpdatedV1,
    PresenceReason,
    RoutingDecisionsV1,
    UpdateOperatorV1,
)

from ..domain.operator import Operator, OperatorProfile
from ..domain.presence import Presence
from .deps import RoutingDeps
from .route_waiting import route_waiting_in


def profile_of(data: contract.OperatorProfile) -> OperatorProfile:
    return OperatorProfile(
        agent_id=data.agent_id,
        chat_name=data.chat_name,
        main_language=data.main_language,
        extra_languages=frozenset(data.extra_languages),
        expertise=frozenset(data.expertise),
        country=data.country,
        max_chats=data.max_chats,
        channel_ids=frozenset(data.channel_ids),
    )


def overview_of(operator: Operator) -> contract.OperatorOverview:
    p, s = operator.profile, operator.state
    return contract.OperatorOverview(
        profile=contract.OperatorProfile(
            agent_id=p.agent_id,
            chat_name=p.chat_name,
            main_language=p.main_language,
            extra_languages=tuple(sorted(p.extra_languages)),
            expertise=tuple(sorted(p.expertise)),
            country=p.country,
            max_chats=p.max_chats,
            channel_ids=tuple(sorted(p.channel_ids)),
        ),
        availability=s.availability,
        active_conversation_ids=tuple(sorted(s.active_conversation_ids)),
        online_since=s.online_since,
        last_assigned_at=s.last_assigned_at,
    )


async def update_operator(deps: RoutingDeps, query: UpdateOperatorV1) -> OperatorUpdatedV1:
    """Replace the profile, or join and leave channels; tells the other routing processes."""
    if query.profile is not None and query.profile.agent_id != query.agent_id:
        return OperatorUpdatedV1(
            agent_id=query.agent_id, error="profile.agent_id: must match agent_id"
        )
    current = deps.state.operator(query.agent_id, query.display_name)
    profile = profile_of(query.profile) if query.profile is not None else current.profile
    channels = (profile.channel_ids | set(query.join_channel_ids)) - set(query.leave_channel_ids)
    updated = replace(current, profile=replace(profile, channel_ids=frozenset(channels)))
    changed_channels = updated.profile.channel_ids != current.profile.channel_ids
    await apply_operator(deps, updated)
    await deps.broadcast.operator_changed(updated)
    if changed_channels:
        await deps.publisher.publish(
            OperatorPresenceChangedV1(
                agent_id=updated.agent_id,
                display_name=updated.profile.chat_name,
                availability=updated.state.availability,
                previous_availability=updated.state.availability,
                reason=PresenceReason.CHANNELS_CHANGED,
                channel_ids=tuple(sorted(updated.profile.channel_ids)),
            )
        )
    return OperatorUpdatedV1(
        agent_id=query.agent_id, operator=overview_of(deps.state.operators[query.agent_id])
    )


async def apply_operator(deps: RoutingDeps, operator: Operator) -> None:
    """A profile change, here or from another process: keep the live state, take the profile."""
    updated = deps.state.with_profile(operator.profile)
    deps.mirror.save_operator(updated, deps.state.presence.get(updated.agent_id, Presence()))
    await route_waiting_in(deps, updated.profile.channel_ids)


def get_operators(deps: RoutingDeps, query: GetOperatorsV1) -> OperatorsV1:
    operators = list(deps.state.operators.values())
    if query.agent_ids:
        wanted = set(query.agent_ids)
        operators = [o for o in operators if o.agent_id in wanted]
    if query.channel_id is not None:
        operators = [o for o in operators if query.channel_id in o.profile.channel_ids]
    operators.sort(key=lambda o: (o.profile.chat_name.casefold(), o.agent_id))
    return OperatorsV1(operators=tuple(overview_of(o) for o in operators))


async def get_decisions(deps: RoutingDeps, query: GetRoutingDecisionsV1) -> RoutingDecisionsV1:
    records = await deps.decisions.for_conversation(query.conversation_id)
    return RoutingDecisionsV1(
        conversation_id=query.conversation_id,
        decisions=tuple(sorted(records, key=lambda r: r.decided_at)),
    )
