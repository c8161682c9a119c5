"""Channels that tell other services about themselves (``channel.configured.v1``).

Routing needs each channel's mode and timeouts (R1, R3). This wrapper around the channel
repository publishes the settings after every write, and ``announce_all`` repeats every channel
at startup, so a routing database that is new, or an announcement lost to a broker outage, is
put right by the next gateway start. Direct publishing (not the outbox) is a deliberate trade:
channel edits are rare admin actions, the message is a full state (idempotent, newest wins), and
the startup repeat recovers a loss.
"""

from __future__ import annotations

from typing import Any

import structlog

from parley_contracts.common import RoutingMode
from parley_contracts.gateway import ChannelConfiguredV1

from ..application.conversation_ports import EventSender
from ..domain.channel import Channel
from .mongo_channels import MongoChannelRepository, channel_from_doc

log = structlog.get_logger(__name__)


def configured(channel: Channel, *, deleted: bool = False) -> ChannelConfiguredV1:
    return ChannelConfiguredV1(
        channel_id=channel.id,
        name=channel.name,
        routing_mode=RoutingMode(channel.routing_mode.value),
        request_timeout_seconds=channel.request_timeout_seconds,
        answer_timeout_seconds=channel.answer_timeout_seconds,
        deleted=deleted,
    )


class AnnouncingChannelRepository(MongoChannelRepository):
    def __init__(self, db: Any, events: EventSender) -> None:
        super().__init__(db)
        self._events = events

    async def add(self, channel: Channel) -> None:
        await super().add(channel)
        await self._announce(configured(channel))

    async def update(self, channel: Channel) -> None:
        await super().update(channel)
        await self._announce(configured(channel))

    async def delete(self, channel_id: str) -> bool:
        channel = await self.get(channel_id)
        deleted = await super().delete(channel_id)
        if deleted and channel is not None:
            await self._announce(configured(channel, deleted=True))
        return deleted

    async def announce_all(self) -> None:
        async for doc in self._collection.find({}):
            await self._announce(configured(channel_from_doc(doc)))

    async def _announce(self, message: ChannelConfiguredV1) -> None:
        try:
            await self._events.send(message)
        except Exception as exc:  # the next start repeats it; see the module docstring
            log.warning("channel.announce_failed", channel_id=message.channel_id, error=repr(exc))
