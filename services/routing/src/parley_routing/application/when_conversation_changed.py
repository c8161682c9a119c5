"""What happens in conversations changes operators' load and ends waits (R1, R3, A14).

Joins count in load whatever their reason (assigned, accepted, invited, transferred); leaves and
the end release it. An agent's first public message answers an assignment. Every process applies
these to its own state; an operator's slot for a conversation is taken once whichever process
tries (see :mod:`..adapters.mongo_slots`), and given back in the background.
"""

from __future__ import annotations

from parley_contracts.common import ParticipantRole
from parley_contracts.envelope import CloudEvent
from parley_contracts.gateway import (
    ConversationEndedV1,
    JoinReason,
    MessagePostedV1,
    MessageVisibility,
    ParticipantJoinedV1,
    ParticipantLeftV1,
)
from parley_contracts.routing import DecisionKind, DecisionRecord

from ..domain.presence import Presence
from ..domain.pull import Accepted, first_accept_wins
from ..domain.queue import HandlingTimes
from .assign_conversation import forget_request
from .deps import RoutingDeps
from .queue_positions import mark_moved
from .route_waiting import route_waiting_in


async def when_participant_joined(
    deps: RoutingDeps, event: CloudEvent[ParticipantJoinedV1]
) -> None:
    data, state = event.data, deps.state
    who = data.participant
    if who.role is not ParticipantRole.AGENT or data.conversation_id in state.gone:
        return
    conversation_id, now = data.conversation_id, deps.clock.now()
    state.joined_at.setdefault(conversation_id, (data.channel_id, event.time))
    waiting = state.waiting.get(conversation_id)
    operator = state.operator(who.id, who.display_name)
    if data.reason is JoinReason.ACCEPTED:
        await _release_other_assignee(deps, conversation_id, who.id)
        if waiting is not None:
            verdict = first_accept_wins(waiting.request, None, True, operator, now)
            if isinstance(verdict, Accepted) and await deps.claims.claim(
                f"accepted:{waiting.key}", waiting.request.requested_at, {}
            ):
                deps.decisions.record(
                    conversation_id,
                    DecisionRecord(
                        decided_at=now,
                        kind=DecisionKind.ACCEPTED,
                        agent_ids=(who.id,),
                        decision=verdict.decision,
                    ),
                )
            forget_request(deps, conversation_id)
            mark_moved(deps, data.channel_id)
    if operator.holds(conversation_id):
        return
    state.hold(who.id, conversation_id, now)
    max_chats = operator.profile.max_chats

    async def take_slot() -> None:
        # Beside the sequence: the load counts already; the slot only has to follow. Both
        # processes try; the operator gets one slot for the conversation (HELD_ELSEWHERE).
        await deps.slots.take(who.id, conversation_id, max_chats)

    deps.worker.spawn(take_slot)
    deps.mirror.save_operator(state.operators[who.id], state.presence.get(who.id) or Presence())


async def _release_other_assignee(deps: RoutingDeps, conversation_id: str, agent_id: str) -> None:
    """A pull accept beat a push assignment: the assignee never joins; give their slot back."""
    held = deps.state.held.pop(conversation_id, None)
    if held is None or held.agent_id == agent_id:
        return
    deps.timers.cancel(f"answer:{conversation_id}")
    deps.mirror.drop_held(conversation_id)
    if deps.state.release(held.agent_id, conversation_id):
        deps.slots.release(held.agent_id, conversation_id)


async def when_participant_left(deps: RoutingDeps, event: CloudEvent[ParticipantLeftV1]) -> None:
    data = event.data
    if data.participant.role is not ParticipantRole.AGENT:
        return
    held = deps.state.held.get(data.conversation_id)
    if held is not None and held.agent_id == data.participant.id:
        deps.state.held.pop(data.conversation_id)
        deps.timers.cancel(f"answer:{data.conversation_id}")
        deps.mirror.drop_held(data.conversation_id)
    await _free(deps, data.participant.id, data.conversation_id)
    await route_waiting_in(deps, deps.state.channels_of([data.participant.id]))


async def when_message_posted(deps: RoutingDeps, event: CloudEvent[MessagePostedV1]) -> None:
    """The assigned agent's first public message answers the assignment (R3)."""
    data = event.data
    if (
        data.author.role is not ParticipantRole.AGENT
        or data.visibility is not MessageVisibility.PUBLIC
    ):
        return
    held = deps.state.held.get(data.conversation_id)
    if held is None or held.agent_id != data.author.id:
        return
    del deps.state.held[data.conversation_id]
    deps.timers.cancel(f"answer:{data.conversation_id}")
    deps.mirror.drop_held(data.conversation_id)


async def when_conversation_ended(
    deps: RoutingDeps, event: CloudEvent[ConversationEndedV1]
) -> None:
    data, state = event.data, deps.state
    conversation_id = data.conversation_id
    state.gone[conversation_id] = event.time
    forget_request(deps, conversation_id)
    state.announced.pop(conversation_id, None)
    if state.held.pop(conversation_id, None) is not None:
        deps.timers.cancel(f"answer:{conversation_id}")
        deps.mirror.drop_held(conversation_id)
    joined = state.joined_at.pop(conversation_id, None)
    if joined is not None:
        channel_id, at = joined
        seconds = (data.ended_at - at).total_seconds()
        state.handling[channel_id] = state.handling.get(channel_id, HandlingTimes()).add(seconds)
    holders = set(state.holders_of(conversation_id)) | set(data.agent_ids)
    for agent_id in holders:
        await _free(deps, agent_id, conversation_id)
    mark_moved(deps, data.channel_id)
    await route_waiting_in(deps, state.channels_of(holders) | {data.channel_id})


async def _free(deps: RoutingDeps, agent_id: str, conversation_id: str) -> None:
    deps.state.release(agent_id, conversation_id)
    deps.slots.release(agent_id, conversation_id)
