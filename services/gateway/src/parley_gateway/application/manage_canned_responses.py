"""Use cases: agents write private canned responses or share them with their groups (A11)."""

from __future__ import annotations

from dataclasses import replace

from ..domain.canned_response import CannedResponse, check_canned_response
from ..domain.errors import Forbidden, NotFound
from ..domain.identity import Account
from .ids import new_id
from .manage_groups import check_groups_exist
from .ports import CannedResponseRepository, Clock, GroupRepository


class ManageCannedResponses:
    def __init__(
        self, responses: CannedResponseRepository, groups: GroupRepository, clock: Clock
    ) -> None:
        self._responses = responses
        self._groups = groups
        self._clock = clock

    async def usable_by(self, account: Account, prefix: str = "") -> list[CannedResponse]:
        """For ``::`` (all) and ``:sho`` (shortcuts starting with ``sho``) in the console."""
        return await self._responses.usable_by(account, prefix.lower())

    async def get(self, account: Account, response_id: str) -> CannedResponse:
        response = await self._responses.get(response_id)
        if response is None or not response.usable_by(account):
            raise NotFound(f"canned response {response_id} not found")
        return response

    async def create(
        self,
        author: Account,
        shortcut: str,
        text: str,
        private: bool,
        group_ids: frozenset[str],
    ) -> CannedResponse:
        check_canned_response(author, shortcut, text, private, group_ids)
        await check_groups_exist(self._groups, group_ids)
        response = CannedResponse(
            id=new_id("can"),
            shortcut=shortcut,
            text=text,
            created_by=author.id,
            owner_id=author.id if private else None,
            group_ids=group_ids,
            created_at=self._clock.now(),
        )
        await self._responses.add(response)
        return response

    async def update(
        self,
        author: Account,
        response_id: str,
        shortcut: str,
        text: str,
        private: bool,
        group_ids: frozenset[str],
    ) -> CannedResponse:
        current = await self._editable(author, response_id)
        check_canned_response(author, shortcut, text, private, group_ids)
        await check_groups_exist(self._groups, group_ids)
        response = replace(
            current,
            shortcut=shortcut,
            text=text,
            owner_id=(current.owner_id or author.id) if private else None,
            group_ids=group_ids,
        )
        await self._responses.update(response)
        return response

    async def delete(self, author: Account, response_id: str) -> None:
        await self._editable(author, response_id)
        await self._responses.delete(response_id)

    async def _editable(self, author: Account, response_id: str) -> CannedResponse:
        current = await self.get(author, response_id)
        if not current.editable_by(author):
            raise Forbidden("only its author or an admin may change a shared response")
        return current
