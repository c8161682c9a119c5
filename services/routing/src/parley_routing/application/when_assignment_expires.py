"""An assigned operator who does not answer in time, or goes offline, loses the conversation (R3).

Every process sees the deadline pass; the claim ``expire:<request>:<attempt>`` picks the one that
publishes ``AssignmentExpiredV1``. Every process then puts the request back in the queue with the
next attempt number and routes it; the assignment claim of that attempt decides who assigns.
"""

from __future__ import annotations

from parley_contracts.routing import AssignmentExpiredV1, DecisionKind

from ..domain.choosing import choose
from ..domain.timeouts import GiveUp, check_waiting
from .assign_conversation import give_up, route
from .deps import RoutingDeps
from .queue_positions import mark_moved
from .state import Held, Waiting
from .when_conversation_requested import arm_request_timeout


async def on_answer_deadline(deps: RoutingDeps, held: Held) -> None:
    current = deps.state.held.get(held.request.conversation_id)
    if current is None or (current.key, current.attempt) != (held.key, held.attempt):
        return  # answered, ended or moved on meanwhile
    await take_back(deps, held, expired=True)


async def reroute_unanswered_of(deps: RoutingDeps, agent_id: str) -> None:
    """The operator went offline: their unanswered conversations go to someone else."""
    for held in [h for h in deps.state.held.values() if h.agent_id == agent_id]:
        await take_back(deps, held, expired=False)


async def take_back(deps: RoutingDeps, held: Held, *, expired: bool) -> None:
    state, request = deps.state, held.request
    conversation_id = request.conversation_id
    state.held.pop(conversation_id, None)
    deps.mirror.drop_held(conversation_id)
    deps.timers.cancel(f"answer:{conversation_id}")
    if state.release(held.agent_id, conversation_id):
        deps.slots.release(held.agent_id, conversation_id)
    if await deps.claims.claim(
        f"expire:{held.key}:{held.attempt}",
        request.requested_at,
        {"conversation_id": conversation_id},
    ):
        await deps.publisher.publish(
            AssignmentExpiredV1(
                conversation_id=conversation_id,
                channel_id=request.channel_id,
                agent_id=held.agent_id,
                attempt=held.attempt,
            )
        )
    again = request.after_timeout(held.agent_id) if expired else request
    waiting = Waiting(again, key=held.key, attempt=held.attempt + 1)
    outcome = check_waiting(again, deps.clock.now(), state.channel(request.channel_id).limits)
    if isinstance(outcome, GiveUp):
        decision = choose(again, state.operators_in(request.channel_id), deps.clock.now())
        await give_up(deps, waiting, outcome, decision.to_contract())
        return
    state.waiting[conversation_id] = waiting
    arm_request_timeout(deps, waiting, outcome.until)
    if not await route(deps, waiting, DecisionKind.REASSIGNED):
        deps.mirror.save_waiting(state.waiting.get(conversation_id, waiting))
    mark_moved(deps, request.channel_id)
