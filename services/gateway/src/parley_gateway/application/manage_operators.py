"""Use cases: operators' profiles, channel membership and routing decisions (R1, R4, A2, A4).

Routing owns them; the gateway is the only public endpoint, so its admin API checks who may do
what and asks routing over request/reply. Routing's answer is the truth; when it does not answer
in time the client gets ``Unavailable`` (503) and nothing changed.
"""

from __future__ import annotations

from typing import Protocol

from parley_contracts.routing import (
    DecisionRecord,
    OperatorOverview,
    OperatorProfile,
    UpdateOperatorV1,
)

from ..domain.errors import Forbidden, InvalidInput, NotFound
from ..domain.identity import Account
from .conversation_access import readable_conversation
from .ports import AccountRepository, ChannelRepository, ConversationArchive


class RoutingDirectory(Protocol):
    """Routing's queries; raises ``Unavailable`` when routing does not answer."""

    async def operators(
        self, agent_ids: tuple[str, ...] = (), channel_id: str | None = None
    ) -> list[OperatorOverview]: ...

    async def update(self, request: UpdateOperatorV1) -> OperatorOverview:
        """The operator after the change; ``InvalidInput`` with routing's reason if refused."""
        ...

    async def decisions(self, conversation_id: str) -> list[DecisionRecord]: ...


class ManageOperators:
    def __init__(
        self,
        routing: RoutingDirectory,
        accounts: AccountRepository,
        channels: ChannelRepository,
        archive: ConversationArchive,
    ) -> None:
        self._routing = routing
        self._accounts = accounts
        self._channels = channels
        self._archive = archive

    async def all(self, channel_id: str | None = None) -> list[OperatorOverview]:
        """Every operator (or those who joined ``channel_id``): the console's agent list."""
        return await self._routing.operators(channel_id=channel_id)

    async def get(self, agent_id: str) -> OperatorOverview:
        found = await self._routing.operators(agent_ids=(agent_id,))
        if found:
            return found[0]
        account = await self._accounts.get(agent_id)
        if account is None:
            raise NotFound("no such agent")
        # An agent routing has not heard of yet: offline, with a default profile.
        return await self._routing.update(
            UpdateOperatorV1(agent_id=account.id, display_name=account.display_name)
        )

    async def set_profile(self, admin: Account, profile: OperatorProfile) -> OperatorOverview:
        """An admin sets an agent's languages, expertise, country, maximum chats, channels."""
        if not admin.is_admin:
            raise Forbidden("admins only")
        account = await self._accounts.get(profile.agent_id)
        if account is None:
            raise NotFound("no such agent")
        for index, channel_id in enumerate(profile.channel_ids):
            if await self._channels.get(channel_id) is None:
                raise InvalidInput(f"channel_ids[{index}]: no such channel")
        return await self._routing.update(
            UpdateOperatorV1(
                agent_id=account.id, display_name=account.display_name, profile=profile
            )
        )

    async def join_channel(
        self, who: Account, agent_id: str, channel_id: str, *, join: bool
    ) -> OperatorOverview:
        """An agent joins or leaves a channel open to them (A2); admins do it for anyone."""
        if who.id != agent_id and not who.is_admin:
            raise Forbidden("agents join and leave channels for themselves")
        account = who if who.id == agent_id else await self._accounts.get(agent_id)
        if account is None:
            raise NotFound("no such agent")
        channel = await self._channels.get(channel_id)
        if channel is None or (join and not channel.open_to(account)):
            raise NotFound("no such channel")
        return await self._routing.update(
            UpdateOperatorV1(
                agent_id=account.id,
                display_name=account.display_name,
                join_channel_ids=(channel_id,) if join else (),
                leave_channel_ids=() if join else (channel_id,),
            )
        )

    async def decisions(self, who: Account, conversation_id: str) -> list[DecisionRecord]:
        """Why the conversation went where it went (R4), for agents who may read it."""
        await readable_conversation(self._archive, self._channels, who, conversation_id)
        return await self._routing.decisions(conversation_id)
