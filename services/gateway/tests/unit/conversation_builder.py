"""Conversations built by folding entries, as the log would hold them (for domain tests)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from parley_contracts.common import ParticipantRole
from parley_gateway.domain.conversation import Conversation, ConversationKind
from parley_gateway.domain.conversation_fold import evolve
from parley_gateway.domain.conversation_log import EntryKind, LogEntry, Visibility
from parley_gateway.domain.identity import Actor, Role

from .fakes import START

VISITOR = Actor("vis_vera", Role.VISITOR, "Vera")
ADA = Actor("agt_ada", Role.AGENT, "Ada")
BOB = Actor("agt_bob", Role.AGENT, "Bob")


class Timeline:
    """Appends entries one second apart and folds them into the snapshot."""

    def __init__(self, kind: ConversationKind = ConversationKind.VISITOR, **started: Any) -> None:
        self.seq = 0
        payload = {
            "kind": kind.value,
            "channel_id": "ch_support",
            "visitor": {"visitor_id": "vis_vera", "name": "Vera"}
            if kind != "agent_to_agent"
            else None,
            "title": None,
            "addressee": started.get("addressee"),
        }
        initiator = started.get("initiator", VISITOR)
        self.conversation: Conversation = evolve(
            None, self._entry(EntryKind.STARTED, initiator, payload)
        )

    def _entry(
        self, kind: EntryKind, actor: Actor, payload: dict[str, Any], internal: bool = False
    ) -> LogEntry:
        self.seq += 1
        return LogEntry(
            conversation_id="conv_1",
            seq=self.seq,
            kind=kind,
            at=START + timedelta(seconds=self.seq),
            actor=actor,
            visibility=Visibility.INTERNAL if internal else Visibility.PUBLIC,
            payload=payload,
        )

    def add(
        self, kind: EntryKind, actor: Actor, internal: bool = False, **payload: Any
    ) -> Timeline:
        self.conversation = evolve(self.conversation, self._entry(kind, actor, payload, internal))
        return self

    def joins(self, actor: Actor, reason: str = "assigned", role: str | None = None) -> Timeline:
        who = {"id": actor.id, "role": role or _role(actor), "name": actor.display_name}
        return self.add(EntryKind.JOINED, actor, participant=who, reason=reason)

    def leaves(self, actor: Actor, reason: str = "left") -> Timeline:
        who = {"id": actor.id, "role": _role(actor), "name": actor.display_name}
        return self.add(EntryKind.LEFT, actor, participant=who, reason=reason)

    def says(self, actor: Actor, text: str = "hello") -> Timeline:
        return self.add(
            EntryKind.MESSAGE, actor, message_id=f"m{self.seq}", text=text, attachments=[]
        )


def _role(actor: Actor) -> str:
    return (
        ParticipantRole.VISITOR.value if actor.role is Role.VISITOR else ParticipantRole.AGENT.value
    )
