"""Routing's own decisions, as the other routing processes (and this one) hear them back.

The process that won a claim has applied its decision already; applying it again changes
nothing. The others bring their state in line without waiting for their own timers.
"""

from __future__ import annotations

from dataclasses import replace

from parley_contracts.envelope import CloudEvent
from parley_contracts.routing import (
    AssignmentExpiredV1,
    ConversationAssignedV1,
    ConversationOfferedV1,
    NoOperatorFoundV1,
)

from .assign_conversation import apply_assigned, forget_request
from .deps import RoutingDeps
from .queue_positions import mark_moved
from .when_assignment_expires import take_back


async def when_assigned(deps: RoutingDeps, event: CloudEvent[ConversationAssignedV1]) -> None:
    data = event.data
    if data.conversation_id in deps.state.gone:
        return
    known = deps.state.held.get(data.conversation_id)
    if known is not None and (known.agent_id, known.attempt) == (data.agent_id, data.attempt):
        return
    deps.state.operator(data.agent_id, data.agent_display_name)
    waiting = deps.state.waiting.get(data.conversation_id)
    committing = deps.state.committing.get(data.conversation_id)
    if waiting is None and committing is not None:
        waiting = committing.waiting  # this process's own attempt at it is still being stored
    apply_assigned(deps, data, waiting)
    mark_moved(deps, data.channel_id)


async def when_expired(deps: RoutingDeps, event: CloudEvent[AssignmentExpiredV1]) -> None:
    data = event.data
    held = deps.state.held.get(data.conversation_id)
    if held is not None and (held.agent_id, held.attempt) == (data.agent_id, data.attempt):
        await take_back(deps, held, expired=True)


async def when_no_operator_found(deps: RoutingDeps, event: CloudEvent[NoOperatorFoundV1]) -> None:
    forget_request(deps, event.data.conversation_id)
    mark_moved(deps, event.data.channel_id)


async def when_offered(deps: RoutingDeps, event: CloudEvent[ConversationOfferedV1]) -> None:
    data = event.data
    waiting = deps.state.waiting.get(data.conversation_id)
    if waiting is not None:
        offered = waiting.offered | set(data.agent_ids)
        deps.state.waiting[data.conversation_id] = replace(waiting, offered=offered)
