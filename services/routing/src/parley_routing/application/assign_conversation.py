"""Route one waiting request: assign it (push), offer it (pull), or leave it queued (R1-R3).

Two routing processes may route the same request at the same moment. Two inserts decide:

1. a capacity slot ``<agent>:slot:<n>`` for the chosen operator: when every slot is taken
   (another process filled them) the operator counts as full and the choice is made again;
2. the assignment claim ``assign:<request>:<attempt>``: only one process wins it and publishes
   ``ConversationAssignedV1``; the loser gives its slot back and learns the outcome from the
   winner's event.

So no operator holds more than their maximum and no request is assigned twice.
"""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import datetime

from parley_contracts.common import RoutingMode
from parley_contracts.routing import (
    AssignmentMode,
    ConversationAssignedV1,
    ConversationOfferedV1,
    DecisionKind,
    DecisionRecord,
    NoOperatorFoundV1,
    RoutingDecision,
)

from ..domain.choosing import Decision, choose
from ..domain.pull import offer
from ..domain.timeouts import GiveUp, when_nobody_found
from .deps import RoutingDeps
from .state import Held, Waiting

MAX_CHOICES = 5
"""Choices per attempt when slots turn out taken by another process (then it waits a tick)."""


async def route(
    deps: RoutingDeps, waiting: Waiting, kind: DecisionKind = DecisionKind.ASSIGNED
) -> bool:
    """Assign or offer ``waiting``; True when it left the queue (assigned or given up)."""
    if deps.state.channel(waiting.request.channel_id).mode is RoutingMode.PULL:
        await offer_to_eligible(deps, waiting)
        return False
    decision = await assign(deps, waiting, kind)
    if decision is None or decision.chosen is not None:
        return True
    outcome = when_nobody_found(
        waiting.request, deps.clock.now(), deps.state.channel(waiting.request.channel_id).limits
    )
    if isinstance(outcome, GiveUp):
        await give_up(deps, waiting, outcome, decision.to_contract())
        return True
    return False


async def assign(
    deps: RoutingDeps, waiting: Waiting, kind: DecisionKind = DecisionKind.ASSIGNED
) -> Decision | None:
    """The winning decision, a decision without anyone, or None: another process assigned it."""
    state, request = deps.state, waiting.request
    for _ in range(MAX_CHOICES):
        started = time.perf_counter()
        now = deps.clock.now()
        decision = choose(request, state.operators_in(request.channel_id), now)
        decision_ms = (time.perf_counter() - started) * 1000
        deps.times.add(decision_ms)
        chosen = decision.chosen
        if chosen is None:
            return decision
        slot = await deps.slots.take(
            chosen.agent_id, request.conversation_id, chosen.profile.max_chats
        )
        if slot is None:
            state.saturate(chosen.agent_id)
            continue
        event = _assigned_event(deps, waiting, decision, now)
        key = f"assign:{waiting.key}:{waiting.attempt}"
        if not await deps.claims.claim(key, {"conversation_id": request.conversation_id}):
            await deps.slots.give_back(slot)
            return None
        apply_assigned(deps, event, waiting)
        await deps.publisher.publish(event)
        record = DecisionRecord(
            decided_at=now,
            kind=kind,
            agent_ids=(chosen.agent_id,),
            decision=event.decision,
            decision_ms=round(decision_ms, 3),
        )
        deps.decisions.record(request.conversation_id, record)
        return decision
    return None


def _assigned_event(
    deps: RoutingDeps, waiting: Waiting, decision: Decision, now: datetime
) -> ConversationAssignedV1:
    request, chosen = waiting.request, decision.chosen
    assert chosen is not None
    limits = deps.state.channel(request.channel_id).limits
    return ConversationAssignedV1(
        conversation_id=request.conversation_id,
        channel_id=request.channel_id,
        agent_id=chosen.agent_id,
        agent_display_name=chosen.profile.chat_name,
        mode=AssignmentMode.PUSH,
        attempt=waiting.attempt,
        waited_seconds=max(0.0, (now - request.requested_at).total_seconds()),
        answer_by=now + limits.answer_within,
        decision=decision.to_contract(),
    )


def apply_assigned(
    deps: RoutingDeps, event: ConversationAssignedV1, waiting: Waiting | None
) -> None:
    """The state after an assignment, whichever process made it (idempotent)."""
    state = deps.state
    conversation_id = event.conversation_id
    now = deps.clock.now()
    current = state.waiting.pop(conversation_id, None) or waiting
    deps.timers.cancel(f"request:{conversation_id}")
    deps.mirror.drop_waiting(conversation_id)
    state.hold(event.agent_id, conversation_id, now)
    if current is None or event.answer_by is None:
        return
    held = Held(
        request=current.request,
        key=current.key,
        agent_id=event.agent_id,
        attempt=event.attempt,
        assigned_at=now,
        answer_by=event.answer_by,
    )
    state.held[conversation_id] = held
    deps.mirror.save_held(held)
    # Imported here: an expiry routes the conversation again, which imports this module.
    from .when_assignment_expires import on_answer_deadline

    deps.timers.at(
        f"answer:{conversation_id}", event.answer_by, lambda: on_answer_deadline(deps, held)
    )


async def offer_to_eligible(deps: RoutingDeps, waiting: Waiting) -> None:
    """Pull mode: tell the eligible operators not told yet; the gateway decides the first accept."""
    request, now = waiting.request, deps.clock.now()
    pulled = offer(request, deps.state.operators_in(request.channel_id), now)
    new = tuple(a for a in pulled.agent_ids if a not in waiting.offered)
    if not new:
        return
    deps.state.waiting[request.conversation_id] = replace(
        waiting, offered=waiting.offered | set(new)
    )
    key = f"offer:{waiting.key}:{','.join(sorted(new))}"
    if not await deps.claims.claim(key, {"conversation_id": request.conversation_id}):
        return
    limits = deps.state.channel(request.channel_id).limits
    await deps.publisher.publish(
        ConversationOfferedV1(
            conversation_id=request.conversation_id,
            channel_id=request.channel_id,
            agent_ids=new,
            offered_at=now,
            expires_at=request.requested_at + limits.max_wait,
            decision=pulled.to_contract(),
        )
    )
    deps.decisions.record(
        request.conversation_id,
        DecisionRecord(
            decided_at=now, kind=DecisionKind.OFFERED, agent_ids=new, decision=pulled.to_contract()
        ),
    )


async def give_up(
    deps: RoutingDeps, waiting: Waiting, outcome: GiveUp, decision: RoutingDecision
) -> None:
    """``NoOperatorFoundV1`` once across processes; every process drops the request."""
    request = waiting.request
    forget_request(deps, request.conversation_id)
    if not await deps.claims.claim(
        f"giveup:{waiting.key}", {"conversation_id": request.conversation_id}
    ):
        return
    await deps.publisher.publish(
        NoOperatorFoundV1(
            conversation_id=request.conversation_id,
            channel_id=request.channel_id,
            reason=outcome.reason,
            waited_seconds=outcome.waited_seconds,
        )
    )
    deps.decisions.record(
        request.conversation_id,
        DecisionRecord(
            decided_at=deps.clock.now(), kind=DecisionKind.NO_OPERATOR, decision=decision
        ),
    )


def forget_request(deps: RoutingDeps, conversation_id: str) -> None:
    deps.state.waiting.pop(conversation_id, None)
    deps.timers.cancel(f"request:{conversation_id}")
    deps.mirror.drop_waiting(conversation_id)
