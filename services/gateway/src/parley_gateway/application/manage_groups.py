"""Use cases: admins create, rename and delete groups of agents; everyone may list them."""

from __future__ import annotations

from ..domain.errors import Conflict, InvalidInput, NotFound
from ..domain.identity import Group
from .ids import new_id
from .ports import AccountRepository, ChannelRepository, Clock, GroupRepository


def _clean_name(name: str) -> str:
    cleaned = name.strip()
    if not cleaned or len(cleaned) > 100:
        raise InvalidInput("name: must be 1-100 characters")
    return cleaned


class ManageGroups:
    def __init__(
        self,
        groups: GroupRepository,
        accounts: AccountRepository,
        channels: ChannelRepository,
        clock: Clock,
    ) -> None:
        self._groups = groups
        self._accounts = accounts
        self._channels = channels
        self._clock = clock

    async def list_all(self) -> list[Group]:
        return await self._groups.list_all()

    async def get(self, group_id: str) -> Group:
        group = await self._groups.get(group_id)
        if group is None:
            raise NotFound(f"group {group_id} not found")
        return group

    async def create(self, name: str) -> Group:
        group = Group(new_id("grp"), _clean_name(name), self._clock.now())
        await self._groups.add(group)
        return group

    async def rename(self, group_id: str, name: str) -> Group:
        if not await self._groups.rename(group_id, _clean_name(name)):
            raise NotFound(f"group {group_id} not found")
        return await self.get(group_id)

    async def delete(self, group_id: str) -> None:
        await self.get(group_id)
        # Refusing beats silently removing agents' access to channels.
        if await self._channels.count_in_group(group_id):
            raise Conflict("group is still used by channels; remove it from them first")
        if await self._accounts.count_in_group(group_id):
            raise Conflict("group still has agents; remove them from it first")
        await self._groups.delete(group_id)


async def check_groups_exist(groups: GroupRepository, group_ids: frozenset[str]) -> None:
    """InvalidInput naming the first unknown group of ``group_ids``."""
    missing = sorted(group_ids - await groups.existing(group_ids))
    if missing:
        raise InvalidInput(f"group_ids: unknown group {missing[0]}")
