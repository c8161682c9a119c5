"""Routing found no operator (R3): the conversation ends with outcome "no one available" (V9),
unless a chatbot handed it over: then the bot has it again and its script goes on (R2)."""

from __future__ import annotations

from parley_contracts.envelope import CloudEvent
from parley_contracts.gateway import ConversationOutcome, EndedBy
from parley_contracts.routing import NoOperatorFoundV1

from ..domain.conversation import Conversation, Lifecycle
from ..domain.conversation_log import EntryKind, Visibility
from ..domain.identity import Actor, Role
from .conversation_contracts import draft
from .conversation_ports import ConversationDeps
from .conversation_recorder import ConversationRecorder
from .end_conversation import EndConversation

ROUTING = Actor("routing", Role.SYSTEM, "Parley")


class WhenNoOperatorFoundEndConversation:
    def __init__(self, deps: ConversationDeps) -> None:
        self._recorder = ConversationRecorder(deps)
        self._end = EndConversation(deps)

    async def __call__(self, event: CloudEvent[NoOperatorFoundV1]) -> None:
        """End it (``ended_by`` system) if it still waits; the widget then offers to leave a
        message. An agent who joined meanwhile wins: the event is ignored."""

        async def attempt(conversation: Conversation) -> None:
            bot_chat = conversation.bot_present or conversation.lifecycle is Lifecycle.BOT
            if bot_chat and not conversation.is_ended:
                # The bot goes on (R2); in state "bot" this answer came before its hand-off.
                payload = {"reason": event.data.reason.value}
                entry = draft(
                    conversation.id,
                    EntryKind.NO_OPERATOR,
                    ROUTING,
                    self._recorder.deps.clock.now(),
                    payload,
                    visibility=Visibility.INTERNAL,
                )
                key = f"{conversation.id}|no_operator|{event.source}|{event.id}"
                await self._recorder.record(conversation, entry, dedupe_key=key, strict=True)
                return
            if not conversation.is_waiting:
                return
            await self._end.end(
                conversation, ROUTING, EndedBy.SYSTEM, outcome=ConversationOutcome.NO_ONE_AVAILABLE
            )

        await self._recorder.decide(event.data.conversation_id, None, attempt)
