"""Route one waiting request: assign it (push), offer it (pull), or leave it queued (R1-R3).

Choosing happens in the process's sequence, against its state in memory; storing the choice
happens beside it, so the sequence never waits for the database (a round trip costs more than
a choice). The chosen operator's load counts the assignment at once (:data:`.state.COMMITTING`),
so the next choice already sees it. Two routing processes may route the same request at the
same moment; two inserts decide, then the outcome goes back into the sequence:

1. a capacity slot ``slot:<n>`` of the chosen operator: when every slot is taken (another
   process filled them) the operator counts as full and the request is routed again;
2. the assignment claim ``assign:<request>:<attempt>``: only one process wins it and publishes
   ``ConversationAssignedV1``; the loser gives its slot back and learns the outcome from the
   winner's event.

Both inserts go out together (one after the other they made two round trips of the database
on the way to every event). A claim won without a slot stays with the request
(:attr:`.state.Waiting.claimed`) for its next try, since no other process can win it now.

So no operator holds more than their maximum and no request is assigned twice.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import replace
from datetime import datetime
from enum import Enum

import structlog

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
from .queue_positions import mark_moved
from .state import Committing, Held, Waiting

log = structlog.get_logger(__name__)


async def route(
    deps: RoutingDeps, waiting: Waiting, kind: DecisionKind = DecisionKind.ASSIGNED
) -> bool:
    """Assign or offer ``waiting``; True when it left the queue (being assigned or given up).
    Another process routes the channels it owns: their requests wait here for its decision."""
    if not deps.shards.owns(waiting.request.channel_id):
        return False
    if deps.state.channel(waiting.request.channel_id).mode is RoutingMode.PULL:
        await offer_to_eligible(deps, waiting)
        return False
    decision = assign(deps, waiting, kind)
    if decision.chosen is not None:
        return True
    outcome = when_nobody_found(
        waiting.request, deps.clock.now(), deps.state.channel(waiting.request.channel_id).limits
    )
    if isinstance(outcome, GiveUp):
        await give_up(deps, waiting, outcome, decision.to_contract())
        return True
    return False


def assign(
    deps: RoutingDeps, waiting: Waiting, kind: DecisionKind = DecisionKind.ASSIGNED
) -> Decision:
    """Choose an operator and start storing the assignment; the decision, with or without one."""
    state, request = deps.state, waiting.request
    started = time.perf_counter()
    now = deps.clock.now()
    decision = choose(request, state.operators_in(request.channel_id), now)
    decision_ms = (time.perf_counter() - started) * 1000
    deps.times.add(decision_ms)
    chosen = decision.chosen
    if chosen is None:
        return decision
    event = _assigned_event(deps, waiting, decision, now)
    record = DecisionRecord(
        decided_at=now,
        kind=kind,
        agent_ids=(chosen.agent_id,),
        decision=event.decision,
        decision_ms=round(decision_ms, 3),
    )
    conversation_id = request.conversation_id
    state.waiting.pop(conversation_id, None)
    pending = Committing(waiting, chosen.agent_id, kind)
    state.committing[conversation_id] = pending
    state.reserve(chosen.agent_id, conversation_id, now)

    async def store() -> None:
        try:
            stored = await _store(deps, waiting, chosen.agent_id, chosen.profile.max_chats)
        except Exception as exc:  # the database stayed away: the request waits again
            log.error("assignment.not_stored", conversation_id=conversation_id, error=repr(exc))
            stored = Stored.FAILED
        if stored is Stored.WON:
            # Published at once, not after the queue of jobs ahead of ``_stored``: the claim
            # is what makes it this process's decision.
            await deps.publisher.publish(event)
            deps.decisions.record(conversation_id, record)
        deps.worker.later(lambda: _stored(deps, pending, event, stored))

    deps.worker.spawn(store)
    return decision


class Stored(Enum):
    WON = "won"
    FULL = "full"
    """The operator's slots were all taken (by another process); this process holds the
    request's claim and routes it again."""
    LOST = "lost"
    """Another process is assigning the request; its event will say to whom."""
    FAILED = "failed"
    """The database did not answer."""
    FAILED_CLAIMED = "failed, claimed"
    """The database did not answer for the slot; the claim went in."""


async def _store(deps: RoutingDeps, waiting: Waiting, agent_id: str, max_chats: int) -> Stored:
    conversation_id = waiting.request.conversation_id
    claiming = None
    if not waiting.claimed:
        claiming = asyncio.ensure_future(
            deps.claims.claim(
                f"assign:{waiting.key}:{waiting.attempt}",
                waiting.request.requested_at,
                {"conversation_id": conversation_id, "agent_id": agent_id},
            )
        )
    try:
        slot = await deps.slots.take(agent_id, conversation_id, max_chats)
    except Exception:  # the database stayed away: the claim may still have gone in
        if claiming is not None and await _won_anyway(claiming):
            log.error("assignment.slot_not_stored", conversation_id=conversation_id)
            return Stored.FAILED_CLAIMED
        raise
    except BaseException:  # cancelled (shutdown): the claim goes too
        if claiming is not None:
            claiming.cancel()
        raise
    try:
        won = claiming is None or await claiming
    except Exception:  # no assignment, so no slot either
        if isinstance(slot, int):
            deps.slots.give_back(agent_id, conversation_id, slot)
        raise
    if not won:
        if isinstance(slot, int):
            deps.slots.give_back(agent_id, conversation_id, slot)
        return Stored.LOST
    if isinstance(slot, int):
        return Stored.WON
    return Stored.FULL  # (or the operator holds the conversation already, for another process)


async def _won_anyway(claiming: asyncio.Future[bool]) -> bool:
    try:
        return await claiming
    except Exception:
        return False


async def _stored(
    deps: RoutingDeps, pending: Committing, event: ConversationAssignedV1, stored: Stored
) -> None:
    """Back in the sequence: apply what was won, or put the request back."""
    state, waiting = deps.state, pending.waiting
    conversation_id, agent_id = event.conversation_id, pending.agent_id
    state.unreserve(agent_id, conversation_id)
    current = state.committing.get(conversation_id)
    if current is pending:
        del state.committing[conversation_id]
    if stored is Stored.WON:  # and published
        if conversation_id in state.gone:  # ended meanwhile: its end released the others
            deps.slots.release(agent_id, conversation_id)
        else:
            apply_assigned(deps, event, waiting)
            mark_moved(deps, event.channel_id)
        return
    if stored is Stored.FULL:
        state.saturate(agent_id)
    if (  # ended, assigned by another process, or requested again meanwhile
        current is not pending
        or conversation_id in state.gone
        or conversation_id in state.held
        or conversation_id in state.waiting
    ):
        return
    if stored in (Stored.FULL, Stored.FAILED_CLAIMED):
        waiting = replace(waiting, claimed=True)
    state.waiting[conversation_id] = waiting
    # Imported here: a request's timeout routes it through this module.
    from .when_conversation_requested import arm_request_timeout

    arm_request_timeout(deps, waiting)
    if stored is Stored.LOST:
        return  # stays queued here until the winner's event arrives
    if stored in (Stored.FAILED, Stored.FAILED_CLAIMED) or not await route(
        deps, waiting, pending.kind
    ):
        deps.mirror.save_waiting(state.waiting.get(conversation_id, waiting))


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
    if not await deps.claims.claim(
        key, request.requested_at, {"conversation_id": request.conversation_id}
    ):
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
        f"giveup:{waiting.key}", request.requested_at, {"conversation_id": request.conversation_id}
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
