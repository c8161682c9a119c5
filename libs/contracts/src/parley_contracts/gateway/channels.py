"""Channel settings other services need: how a channel routes and how long it waits."""

from __future__ import annotations

from typing import Annotated, ClassVar

from pydantic import Field

from parley_contracts.base import Event
from parley_contracts.common import ChannelId, DisplayName, RoutingMode


class ChannelConfiguredV1(Event):
    """A channel was created or changed (or deleted), or the gateway started and repeats the
    current settings of every channel so that a new consumer learns them."""

    TYPE: ClassVar[str] = "channel.configured.v1"

    channel_id: ChannelId
    name: DisplayName
    routing_mode: RoutingMode
    request_timeout_seconds: Annotated[int, Field(ge=10, le=86_400)] = 300
    """How long a request may wait for an operator before it ends with "no one available" (R3)."""
    answer_timeout_seconds: Annotated[int, Field(ge=10, le=3_600)] = 60
    """How long an assigned operator has for a first answer before the next one gets it (R3)."""
    deleted: bool = False
