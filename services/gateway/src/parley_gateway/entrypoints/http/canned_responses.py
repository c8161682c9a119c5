"""``/api/canned-responses``: an agent's own and their groups' text modules (A11)."""

from __future__ import annotations

from litestar import Controller, delete, get, post, put
from litestar.params import FromPath, FromQuery, JSONBody

from .dependencies import CurrentAccount, InjectedUseCases
from .schemas_conversations import CannedResponseIn, CannedResponseOut
from .security import account_required


class CannedResponseController(Controller):
    path = "/canned-responses"
    tags = ("canned responses",)
    guards = (account_required,)

    @get("/")
    async def list_usable(
        self, account: CurrentAccount, uc: InjectedUseCases, prefix: FromQuery[str] = ""
    ) -> list[CannedResponseOut]:
        """The responses this agent may use; ``prefix`` narrows by shortcut (``:sho``)."""
        return [
            CannedResponseOut.of(r) for r in await uc.canned_responses.usable_by(account, prefix)
        ]

    @get("/{response_id:str}")
    async def get_response(
        self, response_id: FromPath[str], account: CurrentAccount, uc: InjectedUseCases
    ) -> CannedResponseOut:
        return CannedResponseOut.of(await uc.canned_responses.get(account, response_id))

    @post("/")
    async def create_response(
        self, data: JSONBody[CannedResponseIn], account: CurrentAccount, uc: InjectedUseCases
    ) -> CannedResponseOut:
        """Private, or shared with groups (agents: only their own groups)."""
        response = await uc.canned_responses.create(
            account, data.shortcut, data.text, data.private, frozenset(data.group_ids)
        )
        return CannedResponseOut.of(response)

    @put("/{response_id:str}")
    async def replace_response(
        self,
        response_id: FromPath[str],
        data: JSONBody[CannedResponseIn],
        account: CurrentAccount,
        uc: InjectedUseCases,
    ) -> CannedResponseOut:
        response = await uc.canned_responses.update(
            account, response_id, data.shortcut, data.text, data.private, frozenset(data.group_ids)
        )
        return CannedResponseOut.of(response)

    @delete("/{response_id:str}")
    async def delete_response(
        self, response_id: FromPath[str], account: CurrentAccount, uc: InjectedUseCases
    ) -> None:
        await uc.canned_responses.delete(account, response_id)
