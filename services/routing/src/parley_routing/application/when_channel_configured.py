"""Channel settings from the gateway: routing mode and the two time limits (R1, R3)."""

from __future__ import annotations

from datetime import timedelta

from parley_contracts.envelope import CloudEvent
from parley_contracts.gateway import ChannelConfiguredV1

from ..domain.timeouts import ChannelLimits
from .deps import RoutingDeps
from .state import ChannelSettings


async def when_channel_configured(
    deps: RoutingDeps, event: CloudEvent[ChannelConfiguredV1]
) -> None:
    data = event.data
    if data.deleted:
        deps.state.channels.pop(data.channel_id, None)
        return
    settings = ChannelSettings(
        mode=data.routing_mode,
        limits=ChannelLimits(
            max_wait=timedelta(seconds=data.request_timeout_seconds),
            answer_within=timedelta(seconds=data.answer_timeout_seconds),
        ),
    )
    if deps.state.channels.get(data.channel_id) != settings:
        deps.state.channels[data.channel_id] = settings
        deps.mirror.save_channel(data.channel_id, settings)
