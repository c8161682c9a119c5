"""Use case: an agent hands their visitor chat to another agent or to a channel (A6).

Routing decides (the target must be online with free capacity; for a channel it chooses among
the channel's operators), so the gateway only checks the request and sends
``routing.transfer_conversation.v1``. The result comes back as ``conversation.assigned.v1`` (mode
``transfer``: the new agent joins, then the old one leaves) or
``conversation.transfer_refused.v1`` (the asking agent is told why).
"""

from __future__ import annotations

from typing import Any

from parley_contracts.envelope import CloudEvent
from parley_contracts.routing import TransferConversationV1, TransferRefusedV1

from ..domain.conversation import ConversationKind
from ..domain.conversation_rules import ensure_may_talk
from ..domain.errors import InvalidInput, NotFound, Unavailable
from ..domain.identity import Account
from .conversation_ports import ConversationDeps
from .conversation_recorder import ConversationRecorder


class TransferConversation:
    def __init__(self, deps: ConversationDeps) -> None:
        self._deps = deps
        self._recorder = ConversationRecorder(deps)

    async def __call__(
        self,
        agent: Account,
        conversation_id: str,
        *,
        to_agent_id: str | None = None,
        to_channel_id: str | None = None,
    ) -> None:
        if (to_agent_id is None) == (to_channel_id is None):
            raise InvalidInput("name exactly one of agent_id and channel_id")
        conversation = await self._recorder.visible(conversation_id, agent)
        ensure_may_talk(conversation, agent)
        if conversation.kind is not ConversationKind.VISITOR:
            raise InvalidInput("only conversations with a visitor are transferred")
        if to_agent_id is not None:
            if to_agent_id == agent.id:
                raise InvalidInput("agent_id: that is you")
            target = await self._deps.accounts.get(to_agent_id)
            if target is None or not target.active:
                raise NotFound("no such agent")
        elif await self._deps.channels.get(str(to_channel_id)) is None:
            raise NotFound("no such channel")
        command = TransferConversationV1(
            conversation_id=conversation.id,
            channel_id=conversation.channel_id,
            requested_by=agent.id,
            to_agent_id=to_agent_id,
            to_channel_id=to_channel_id,
        )
        if self._deps.events is None:
            raise Unavailable("transfers need the broker")
        try:
            await self._deps.events.send(command)
        except Exception as exc:
            raise Unavailable("the transfer could not be sent; try again") from exc


def transfer_refused_frame(refused: TransferRefusedV1) -> dict[str, Any]:
    return {
        "type": "transfer_refused",
        "conversation_id": refused.conversation_id,
        "to_agent_id": refused.to_agent_id,
        "to_channel_id": refused.to_channel_id,
        "reason": refused.reason,
    }


class WhenTransferRefusedTellTheAgent:
    def __init__(self, deps: ConversationDeps) -> None:
        self._deps = deps

    async def __call__(self, event: CloudEvent[TransferRefusedV1]) -> None:
        refused = event.data
        await self._deps.fanout.signal(
            f"agent.{refused.requested_by}", transfer_refused_frame(refused)
        )
