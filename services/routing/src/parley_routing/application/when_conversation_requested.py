"""A visitor asks for an operator, or a chatbot hands the visitor over (R1, R2)."""

from __future__ import annotations

from datetime import datetime

from parley_contracts.chatbot import HandoffRequestedV1
from parley_contracts.envelope import CloudEvent
from parley_contracts.gateway import ConversationRequestedV1

from ..domain.choosing import choose
from ..domain.request import RoutingRequest
from ..domain.timeouts import GiveUp, check_waiting, waiting_deadline
from .assign_conversation import forget_request, give_up, route
from .deps import RoutingDeps
from .queue_positions import mark_moved
from .state import Waiting


async def when_conversation_requested(
    deps: RoutingDeps, event: CloudEvent[ConversationRequestedV1]
) -> None:
    data = event.data
    request = RoutingRequest(
        conversation_id=data.conversation_id,
        channel_id=data.channel_id,
        requested_at=event.time,
        language=data.language or data.visitor.language,
        country=data.visitor.country,
        expertise=frozenset(data.required_expertise),
        previous_agent_id=data.previous_agent_id,
    )
    await enqueue(deps, Waiting(request, key=event.id))


async def when_handoff_requested(deps: RoutingDeps, event: CloudEvent[HandoffRequestedV1]) -> None:
    data = event.data
    request = RoutingRequest(
        conversation_id=data.conversation_id,
        channel_id=data.channel_id,
        requested_at=event.time,
        language=data.language or data.visitor.language,
        country=data.visitor.country,
        expertise=frozenset(data.required_expertise),
        from_handoff=True,
        fallback_to_any=data.fallback_to_any_operator,
    )
    await enqueue(deps, Waiting(request, key=event.id))


async def enqueue(deps: RoutingDeps, waiting: Waiting) -> None:
    """Queue the request (a repeated request for the conversation replaces the older one)."""
    state, request = deps.state, waiting.request
    conversation_id = request.conversation_id
    if conversation_id in state.gone:
        return
    for known in (
        state.waiting.get(conversation_id),
        state.committing.get(conversation_id),
        state.held.get(conversation_id),
    ):
        if known is not None and known.key == waiting.key:
            return  # a redelivery
    forget_request(deps, conversation_id)
    state.waiting[conversation_id] = waiting
    if not await route(deps, waiting):  # still waiting (an assignment being stored re-arms
        arm_request_timeout(deps, waiting)  # this if it does not go through)
        deps.mirror.save_waiting(deps.state.waiting.get(conversation_id, waiting))
    mark_moved(deps, request.channel_id)


async def when_request_times_out(deps: RoutingDeps, conversation_id: str, key: str) -> None:
    """Nobody took it within the channel's limit: it ends with "no one available" (R3)."""
    waiting = deps.state.waiting.get(conversation_id)
    if waiting is None or waiting.key != key:
        return
    outcome = check_waiting(
        waiting.request, deps.clock.now(), deps.state.channel(waiting.request.channel_id).limits
    )
    if isinstance(outcome, GiveUp):
        decision = choose(
            waiting.request, deps.state.operators_in(waiting.request.channel_id), deps.clock.now()
        )
        await give_up(deps, waiting, outcome, decision.to_contract())
        mark_moved(deps, waiting.request.channel_id)
    else:
        arm_request_timeout(deps, waiting, outcome.until)


def arm_request_timeout(deps: RoutingDeps, waiting: Waiting, when: datetime | None = None) -> None:
    """Give up on the request at ``when`` (default: the channel's limit) unless taken by then."""
    request = waiting.request
    conversation_id, key = request.conversation_id, waiting.key
    deadline = when or waiting_deadline(request, deps.state.channel(request.channel_id).limits)
    deps.timers.at(
        f"request:{conversation_id}",
        deadline,
        lambda: when_request_times_out(deps, conversation_id, key),
    )
