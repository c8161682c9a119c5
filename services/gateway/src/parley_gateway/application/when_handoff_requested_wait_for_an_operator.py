"""A chatbot step forwards the visitor to an operator (``HandoffRequestedV1``, B1, R2).

Routing consumes the same event and looks for an operator; the gateway records the hand-off so
the conversation joins the waiting list and the operator who takes it sees what the bot
collected (B5). The gateway does not repeat it as ``conversation.requested.v1``.
"""

from __future__ import annotations

from parley_contracts.chatbot import HandoffRequestedV1
from parley_contracts.envelope import CloudEvent

from ..domain.conversation import Conversation
from ..domain.conversation_log import EntryKind, Visibility
from ..domain.identity import Actor, Role
from .conversation_contracts import draft
from .conversation_ports import ConversationDeps
from .conversation_recorder import ConversationRecorder


class WhenHandoffRequestedWaitForAnOperator:
    def __init__(self, deps: ConversationDeps) -> None:
        self._deps = deps
        self._recorder = ConversationRecorder(deps)

    async def __call__(self, event: CloudEvent[HandoffRequestedV1]) -> None:
        """Record the ``handoff`` entry (once per event: a redelivery is the same entry). Routing
        reads the same event and its answer may be stored first; the fold sorts that out."""
        handoff = event.data
        bot = Actor(handoff.script_id, Role.BOT, "Chatbot")

        async def attempt(conversation: Conversation) -> None:
            if conversation.is_ended or conversation.chatbot_script_id != handoff.script_id:
                return
            member = conversation.member(handoff.script_id)
            actor = Actor(bot.id, Role.BOT, member.display_name) if member else bot
            payload = {
                "script_id": handoff.script_id,
                "step_id": handoff.step_id,
                "expertise": list(handoff.required_expertise),
                "answers": [answer.model_dump(mode="json") for answer in handoff.answers],
            }
            await self._recorder.record(
                conversation,
                draft(
                    conversation.id,
                    EntryKind.HANDOFF,
                    actor,
                    self._deps.clock.now(),
                    payload,
                    visibility=Visibility.INTERNAL,
                ),
                dedupe_key=f"{conversation.id}|handoff|{event.source}|{event.id}",
                strict=True,
            )

        await self._recorder.decide(handoff.conversation_id, None, attempt)
