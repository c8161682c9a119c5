"""Presence (A1): the gateway's socket and activity signals become availability.

Every process runs the same state machine on the same signals (timed by the gateway's clock),
so they agree; the claim ``presence:<agent>:<cause>`` picks the one that publishes
``OperatorPresenceChangedV1``. Timers (idle, reconnect grace, 30-minute inactivity) run in every
process and are claimed the same way.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from parley_contracts.envelope import CloudEvent
from parley_contracts.gateway import OperatorSignal, OperatorSignalledV1
from parley_contracts.routing import OperatorPresenceChangedV1
from parley_contracts.routing import PresenceReason as ContractReason

from ..domain.operator import Availability
from ..domain.presence import (
    Activity,
    Presence,
    PresenceChange,
    PresenceInput,
    SetAvailability,
    SignedOut,
    SocketClosed,
    SocketOpened,
    Tick,
    next_deadline,
    step,
)
from .deps import RoutingDeps
from .route_waiting import route_waiting_in
from .when_assignment_expires import reroute_unanswered_of


def presence_input(data: OperatorSignalledV1) -> PresenceInput:
    match data.signal:
        case OperatorSignal.CONNECTED:
            return SocketOpened()
        case OperatorSignal.DISCONNECTED:
            return SocketClosed()
        case OperatorSignal.ACTIVE:
            return Activity()
        case OperatorSignal.SIGNED_OUT:
            return SignedOut()
        case OperatorSignal.CHOSE_AVAILABILITY:
            assert data.availability is not None
            return SetAvailability(data.availability)


async def when_operator_signalled(
    deps: RoutingDeps, event: CloudEvent[OperatorSignalledV1]
) -> None:
    data = event.data
    deps.state.operator(data.agent_id, data.display_name)
    await apply_presence(deps, data.agent_id, presence_input(data), data.at, cause=event.id)


async def on_presence_deadline(deps: RoutingDeps, agent_id: str, due: datetime) -> None:
    await apply_presence(deps, agent_id, Tick(), due, cause=f"tick-{due.isoformat()}")


async def apply_presence(
    deps: RoutingDeps, agent_id: str, signal: PresenceInput, at: datetime, *, cause: str
) -> None:
    state = deps.state
    presence = state.presence.get(agent_id, Presence())
    change = step(presence, signal, at, deps.presence_settings)
    state.presence[agent_id] = change.presence
    operator = state.operators[agent_id]
    if change.changed:
        operator = operator.with_availability(change.presence.availability, at)
    if change.leave_channels:
        operator = replace(operator, profile=replace(operator.profile, channel_ids=frozenset()))
    state.put_operator(operator)
    _arm_timer(deps, agent_id, change.presence)
    if not change.changed and not change.leave_channels:
        if (
            presence.sockets != change.presence.sockets
            or presence.connection_lost_at != change.presence.connection_lost_at
        ):
            deps.mirror.save_operator(operator, change.presence)
        return
    deps.mirror.save_operator(operator, change.presence)
    await _announce(deps, agent_id, change, cause, at)
    if change.went_offline:
        await reroute_unanswered_of(deps, agent_id)
    if change.presence.availability is Availability.ONLINE:
        await route_waiting_in(deps, operator.profile.channel_ids)


def _arm_timer(deps: RoutingDeps, agent_id: str, presence: Presence) -> None:
    due = next_deadline(presence, deps.presence_settings)
    key = f"presence:{agent_id}"
    if due is None:
        deps.timers.cancel(key)
        return
    deps.timers.at(key, due, lambda: on_presence_deadline(deps, agent_id, due))


async def _announce(
    deps: RoutingDeps, agent_id: str, change: PresenceChange, cause: str, at: datetime
) -> None:
    if not await deps.claims.claim(f"presence:{agent_id}:{cause}", at, {"agent_id": agent_id}):
        return
    operator = deps.state.operators[agent_id]
    reason = ContractReason(change.reason.value) if change.reason else ContractReason.MANUAL
    await deps.publisher.publish(
        OperatorPresenceChangedV1(
            agent_id=agent_id,
            display_name=operator.profile.chat_name,
            availability=change.presence.availability,
            previous_availability=change.previous,
            reason=reason,
            channel_ids=tuple(sorted(operator.profile.channel_ids)),
        )
    )
