"""Use case: a participant starts or stops typing (V4): an ephemeral frame, not stored."""

from __future__ import annotations

from ..domain.conversation_rules import Principal, ensure_may_talk
from .conversation_ports import ConversationDeps
from .conversation_recorder import ConversationRecorder
from .post_message import actor_of


class SignalTyping:
    def __init__(self, deps: ConversationDeps) -> None:
        self._deps = deps
        self._recorder = ConversationRecorder(deps)

    async def __call__(self, who: Principal, conversation_id: str, typing: bool) -> None:
        """``typing`` frame to ``conversation.<id>`` (no seq). Only those who may talk type:
        an observer's typing would reveal them to the visitor."""
        conversation = await self._recorder.visible(conversation_id, who)
        ensure_may_talk(conversation, who)
        actor = actor_of(conversation, who)
        frame = {
            "type": "typing",
            "conversation_id": conversation_id,
            "actor": {"id": actor.id, "role": str(actor.role), "display_name": actor.display_name},
            "typing": typing,
        }
        await self._deps.fanout.signal(f"conversation.{conversation_id}", frame)
