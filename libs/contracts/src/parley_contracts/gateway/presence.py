"""Operator presence, published by the gateway, which holds the agents' sessions."""

from __future__ import annotations

from enum import StrEnum
from typing import ClassVar

from parley_contracts.base import Event
from parley_contracts.common import AgentId, DisplayName


class PresenceReason(StrEnum):
    """Why an agent's availability changed."""

    MANUAL = "manual"
    """The agent chose the new availability."""
    IDLE = "idle"
    """No activity for the configured idle time: online became away."""
    INACTIVE = "inactive"
    """No activity for 30 minutes: the agent was disconnected."""
    SIGNED_OUT = "signed_out"
    """The agent's session ended."""


class OperatorAvailability(StrEnum):
    """Whether an agent takes chats."""

    ONLINE = "online"
    AWAY = "away"
    OFFLINE = "offline"


class OperatorPresenceChangedV1(Event):
    """An agent's availability for chats changed. Agents start offline."""

    TYPE: ClassVar[str] = "operator.presence_changed.v1"

    agent_id: AgentId
    display_name: DisplayName
    availability: OperatorAvailability
    previous_availability: OperatorAvailability | None = None
    reason: PresenceReason
