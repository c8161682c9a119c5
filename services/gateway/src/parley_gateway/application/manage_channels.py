"""Use cases: admins create, change and delete channels; agents see the channels open to them."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field, replace

from ..domain.channel import Channel, ChannelRule, RoutingMode, WidgetSettings
from ..domain.channel_rules import validated_channel
from ..domain.errors import Conflict, NotFound
from ..domain.identity import Account
from .ids import new_id
from .manage_groups import check_groups_exist
from .ports import ChannelRepository, GroupRepository


@dataclass(frozen=True)
class ChannelSettings:
    """Everything an admin sets on a channel (the id and secret are the gateway's)."""

    name: str
    group_ids: frozenset[str] = frozenset()
    allowed_origins: tuple[str, ...] = ()
    is_default: bool = False
    routing_mode: RoutingMode = RoutingMode.PUSH
    widget: WidgetSettings = field(default_factory=WidgetSettings)
    rules: tuple[ChannelRule, ...] = ()
    request_timeout_seconds: int = 300
    answer_timeout_seconds: int = 60


def _new_secret() -> str:
    return secrets.token_urlsafe(32)


class ManageChannels:
    def __init__(self, channels: ChannelRepository, groups: GroupRepository) -> None:
        self._channels = channels
        self._groups = groups

    async def visible_to(self, account: Account) -> list[Channel]:
        return await self._channels.open_to(account)

    async def get(self, account: Account, channel_id: str) -> Channel:
        channel = await self._channels.get(channel_id)
        # A channel an agent may not work answers like an unknown one: ids cannot be probed.
        if channel is None or not channel.open_to(account):
            raise NotFound(f"channel {channel_id} not found")
        return channel

    async def create(self, wanted: ChannelSettings) -> Channel:
        channel = await self._checked(new_id("chn"), _new_secret(), wanted)
        await self._channels.add(channel)
        if channel.is_default:
            await self._channels.clear_default_except(channel.id)
        return channel

    async def update(self, channel_id: str, wanted: ChannelSettings) -> Channel:
        current = await self._channels.get(channel_id)
        if current is None:
            raise NotFound(f"channel {channel_id} not found")
        if current.is_default and not wanted.is_default:
            raise Conflict("is_default: make another channel the default instead")
        channel = await self._checked(channel_id, current.secret, wanted)
        await self._channels.update(channel)
        if channel.is_default:
            await self._channels.clear_default_except(channel.id)
        return channel

    async def rotate_secret(self, channel_id: str) -> Channel:
        """A new secret for customer tokens; tokens signed with the old one stop working."""
        current = await self._channels.get(channel_id)
        if current is None:
            raise NotFound(f"channel {channel_id} not found")
        channel = replace(current, secret=_new_secret())
        await self._channels.update(channel)
        return channel

    async def delete(self, channel_id: str) -> None:
        current = await self._channels.get(channel_id)
        if current is None:
            raise NotFound(f"channel {channel_id} not found")
        if current.is_default:
            raise Conflict("the default channel cannot be deleted")
        await self._channels.delete(channel_id)

    async def _checked(self, channel_id: str, secret: str, wanted: ChannelSettings) -> Channel:
        await check_groups_exist(self._groups, wanted.group_ids)
        return validated_channel(
            Channel(
                id=channel_id,
                name=wanted.name,
                group_ids=wanted.group_ids,
                secret=secret,
                allowed_origins=wanted.allowed_origins,
                is_default=wanted.is_default,
                routing_mode=wanted.routing_mode,
                widget=wanted.widget,
                rules=wanted.rules,
                request_timeout_seconds=wanted.request_timeout_seconds,
                answer_timeout_seconds=wanted.answer_timeout_seconds,
            )
        )
