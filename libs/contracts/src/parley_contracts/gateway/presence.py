"""What the gateway, which holds the agents' sockets, tells routing about them.

Routing owns presence (A1): it turns these signals into availability with its timers (idle,
inactivity, reconnect grace) and publishes ``operator.presence_changed.v1``.
"""

from __future__ import annotations

from enum import StrEnum
from typing import ClassVar, Self

from pydantic import model_validator

from parley_contracts.base import Event
from parley_contracts.common import (
    AgentId,
    DisplayName,
    Identifier,
    OperatorAvailability,
    UtcDatetime,
)


class OperatorSignal(StrEnum):
    """What happened on an agent's side."""

    CONNECTED = "connected"
    """A console socket of the agent opened (not activity: consoles reconnect by themselves)."""
    DISCONNECTED = "disconnected"
    """A console socket closed; the last one closing starts routing's reconnect grace period."""
    ACTIVE = "active"
    """The agent did something (a frame other than ``ping``); sent at most once a minute per
    socket."""
    CHOSE_AVAILABILITY = "chose_availability"
    """The agent set their availability (``availability`` says which)."""
    SIGNED_OUT = "signed_out"
    """The agent logged out: offline at once, no grace period."""


class OperatorSignalledV1(Event):
    """A signal about an agent's sockets or activity, for routing's presence rules."""

    TYPE: ClassVar[str] = "operator.signalled.v1"

    agent_id: AgentId
    display_name: DisplayName
    signal: OperatorSignal
    at: UtcDatetime
    """When it happened, by the gateway's clock."""
    availability: OperatorAvailability | None = None
    """The availability chosen; set exactly when ``signal`` is ``chose_availability``."""
    connection_id: Identifier | None = None
    """The socket the signal is about, for ``connected`` and ``disconnected``."""

    @model_validator(mode="after")
    def _availability_when_chosen(self) -> Self:
        chosen = self.signal is OperatorSignal.CHOSE_AVAILABILITY
        if chosen != (self.availability is not None):
            raise ValueError("availability is set exactly when signal is chose_availability")
        return self
