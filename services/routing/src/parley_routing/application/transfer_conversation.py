"""An agent hands a conversation to another agent or to a channel's operators (A6).

Both processes see the command; the claim ``transfer:<command id>`` picks the one that decides.
The receiving operator's slot is taken like any assignment, so transfers respect the maximum.
The agent who handed over keeps their load until the gateway reports them gone.
"""

from __future__ import annotations

from parley_contracts.envelope import CloudEvent
from parley_contracts.routing import (
    AssignmentMode,
    CandidateVerdict,
    ConversationAssignedV1,
    DecisionKind,
    DecisionRecord,
    RoutingDecision,
    TransferConversationV1,
    TransferRefusedV1,
)

from ..domain.choosing import choose
from ..domain.operator import Availability, Operator
from ..domain.request import RoutingRequest
from .deps import RoutingDeps
from .ports import SlotRefused


async def transfer_conversation(
    deps: RoutingDeps, event: CloudEvent[TransferConversationV1]
) -> None:
    command = event.data
    if not await deps.claims.claim(
        f"transfer:{event.id}", event.time, {"conversation_id": command.conversation_id}
    ):
        return
    if command.to_agent_id is not None:
        target = deps.state.operators.get(command.to_agent_id)
        decision = _to_agent_decision(target, command.to_agent_id)
        chosen = target if target is not None and decision.rule == "transfer_to_agent" else None
    else:
        assert command.to_channel_id is not None
        chosen, decision = _to_channel(deps, command)
    taken = chosen is not None and (
        await deps.slots.take(chosen.agent_id, command.conversation_id, chosen.profile.max_chats)
        is not SlotRefused.FULL  # held elsewhere: the operator has a slot for it already
    )
    if chosen is None or not taken:
        reason = (
            decision.explanation
            if chosen is None
            else f"{chosen.profile.chat_name} has no free slot"
        )
        await _refuse(deps, command, reason, decision)
        return
    now = deps.clock.now()
    deps.state.hold(chosen.agent_id, command.conversation_id, now)
    await deps.publisher.publish(
        ConversationAssignedV1(
            conversation_id=command.conversation_id,
            channel_id=command.to_channel_id or command.channel_id,
            agent_id=chosen.agent_id,
            agent_display_name=chosen.profile.chat_name,
            mode=AssignmentMode.TRANSFER,
            waited_seconds=0.0,
            decision=decision,
            previous_agent_id=command.requested_by,
        )
    )
    deps.decisions.record(
        command.conversation_id,
        DecisionRecord(
            decided_at=now,
            kind=DecisionKind.TRANSFERRED,
            agent_ids=(chosen.agent_id,),
            decision=decision,
        ),
    )


def _to_agent_decision(target: Operator | None, agent_id: str) -> RoutingDecision:
    problems: list[str] = []
    if target is None:
        problems.append("this agent has never been online (offline)")
    elif target.state.availability is not Availability.ONLINE:
        problems.append(f"{target.profile.chat_name} is {target.state.availability.value}")
    elif target.free_capacity == 0:
        problems.append(
            f"{target.profile.chat_name} is at capacity {target.load}/{target.profile.max_chats}"
        )
    if problems:
        return RoutingDecision(
            rule="transfer_refused",
            explanation="; ".join(problems),
            candidates=(
                CandidateVerdict(agent_id=agent_id, eligible=False, reasons=tuple(problems)),
            ),
        )
    assert target is not None
    return RoutingDecision(
        rule="transfer_to_agent",
        explanation=f"Transferred to {target.profile.chat_name} ({agent_id}) as asked.",
        candidates=(
            CandidateVerdict(
                agent_id=agent_id,
                eligible=True,
                reasons=("named by the transferring agent",),
                score=1.0,
            ),
        ),
    )


def _to_channel(
    deps: RoutingDeps, command: TransferConversationV1
) -> tuple[Operator | None, RoutingDecision]:
    assert command.to_channel_id is not None
    request = RoutingRequest(
        conversation_id=command.conversation_id,
        channel_id=command.to_channel_id,
        requested_at=deps.clock.now(),
    )
    candidates = [
        o
        for o in deps.state.operators_in(command.to_channel_id)
        if o.agent_id != command.requested_by
    ]
    decision = choose(request, candidates, deps.clock.now())
    return decision.chosen, decision.to_contract()


async def _refuse(
    deps: RoutingDeps, command: TransferConversationV1, reason: str, decision: RoutingDecision
) -> None:
    await deps.publisher.publish(
        TransferRefusedV1(
            conversation_id=command.conversation_id,
            channel_id=command.channel_id,
            requested_by=command.requested_by,
            to_agent_id=command.to_agent_id,
            to_channel_id=command.to_channel_id,
            reason=reason[:500],
            decision=decision,
        )
    )
    deps.decisions.record(
        command.conversation_id,
        DecisionRecord(
            decided_at=deps.clock.now(), kind=DecisionKind.TRANSFER_REFUSED, decision=decision
        ),
    )
