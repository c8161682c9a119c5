"""Routing changed an agent's presence (A1): every console learns it (the agent's own shows
their availability, the others their "other agents" list), and every replica's operator
directory, which chatbot rules read (V2), is fed by the same live frame."""

from __future__ import annotations

from typing import Any

from parley_contracts.envelope import CloudEvent
from parley_contracts.routing import OperatorPresenceChangedV1

from .conversation_ports import LiveFanout

PRESENCE_TOPIC = "agents.presence"
"""Live topic of presence frames: every agent socket on every replica."""


def presence_frame(change: OperatorPresenceChangedV1) -> dict[str, Any]:
    return {
        "type": "presence",
        "agent_id": change.agent_id,
        "display_name": change.display_name,
        "availability": str(change.availability),
        "previous_availability": (
            str(change.previous_availability) if change.previous_availability else None
        ),
        "reason": str(change.reason),
        "channel_ids": list(change.channel_ids),
    }


class WhenOperatorPresenceChangedTellTheAgents:
    def __init__(self, fanout: LiveFanout) -> None:
        self._fanout = fanout

    async def __call__(self, event: CloudEvent[OperatorPresenceChangedV1]) -> None:
        await self._fanout.signal(PRESENCE_TOPIC, presence_frame(event.data))
