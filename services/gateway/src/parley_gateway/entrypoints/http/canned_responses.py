"""``/api/canned-responses``: an agent's own and their groups' text modules (A11)."""

from __future__ import annotations

from litestar import Controller, delete, get, post, put

from ...domain.identity import Account
from .dependencies import UseCases
from .schemas_conversations import CannedResponseIn, CannedResponseOut
from .security import account_required


class CannedResponseController(Controller):
    path = "/canned-responses"
    tags = ("canned responses",)
    guards = (account_required,)

    @get("/")
    async def list_usable(
        self, account: Account, uc: UseCases, prefix: str = ""
    ) -> list[CannedResponseOut]:
        """The responses this agent may use; ``prefix`` narrows by shortcut (``:sho``)."""
        return [
            CannedResponseOut.of(r) for r in await uc.canned_responses.usable_by(account, prefix)
        ]

    @get("/{response_id:str}")
    async def get_response(
        self, response_id: str, account: Account, uc: UseCases
    ) -> CannedResponseOut:
        return CannedResponseOut.of(await uc.canned_responses.get(account, response_id))

    @post("/")
    async def create_response(
        self, data: CannedResponseIn, account: Account, uc: UseCases
    ) -> CannedResponseOut:
        """Private, or shared with groups (agents: only their own groups)."""
        response = await uc.canned_responses.create(
            account, data.shortcut, data.text, data.private, frozenset(data.group_ids)
        )
        return CannedResponseOut.of(response)

    @put("/{response_id:str}")
    async def replace_response(
        self, response_id: str, data: CannedResponseIn, account: Account, uc: UseCases
    ) -> CannedResponseOut:
        response = await uc.canned_responses.update(
            account, response_id, data.shortcut, data.text, data.private, frozenset(data.group_ids)
        )
        return CannedResponseOut.of(response)

    @delete("/{response_id:str}")
    async def delete_response(self, response_id: str, account: Account, uc: UseCases) -> None:
        await uc.canned_responses.delete(account, response_id)
