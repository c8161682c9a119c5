"""``/api/agents`` and ``/api/groups``: admins manage them; every agent may list them."""

from __future__ import annotations

from litestar import Controller, delete, get, patch, post, put
from litestar.params import FromPath, JSONBody

from .dependencies import CurrentAccount, InjectedUseCases
from .schemas_people import AccountOut, AgentCreate, AgentUpdate, GroupIn, GroupOut
from .security import account_required, admin_required


class AgentController(Controller):
    path = "/agents"
    tags = ("agents",)
    guards = (account_required,)

    @get("/")
    async def list_agents(self, uc: InjectedUseCases) -> list[AccountOut]:
        """Every agent and admin (the console's people list, A5)."""
        return [AccountOut.of(a) for a in await uc.agents.list_all()]

    @get("/{agent_id:str}")
    async def get_agent(self, agent_id: FromPath[str], uc: InjectedUseCases) -> AccountOut:
        return AccountOut.of(await uc.agents.get(agent_id))

    @post("/", guards=[admin_required])
    async def create_agent(self, data: JSONBody[AgentCreate], uc: InjectedUseCases) -> AccountOut:
        """Create an agent or admin with a password; 409 when the e-mail is taken."""
        account = await uc.agents.create(
            data.email, data.display_name, data.password, data.role, frozenset(data.group_ids)
        )
        return AccountOut.of(account)

    @patch("/{agent_id:str}", guards=[admin_required])
    async def update_agent(
        self,
        agent_id: FromPath[str],
        data: JSONBody[AgentUpdate],
        account: CurrentAccount,
        uc: InjectedUseCases,
    ) -> AccountOut:
        """Change display name, groups, role, active flag or password (fields left out stay)."""
        updated = await uc.agents.update(
            account,
            agent_id,
            display_name=data.display_name,
            role=data.role,
            group_ids=frozenset(data.group_ids) if data.group_ids is not None else None,
            active=data.active,
            password=data.password,
        )
        return AccountOut.of(updated)


class GroupController(Controller):
    path = "/groups"
    tags = ("groups",)
    guards = (account_required,)

    @get("/")
    async def list_groups(self, uc: InjectedUseCases) -> list[GroupOut]:
        return [GroupOut.of(g) for g in await uc.groups.list_all()]

    @get("/{group_id:str}")
    async def get_group(self, group_id: FromPath[str], uc: InjectedUseCases) -> GroupOut:
        return GroupOut.of(await uc.groups.get(group_id))

    @post("/", guards=[admin_required])
    async def create_group(self, data: JSONBody[GroupIn], uc: InjectedUseCases) -> GroupOut:
        return GroupOut.of(await uc.groups.create(data.name))

    @put("/{group_id:str}", guards=[admin_required])
    async def rename_group(
        self, group_id: FromPath[str], data: JSONBody[GroupIn], uc: InjectedUseCases
    ) -> GroupOut:
        return GroupOut.of(await uc.groups.rename(group_id, data.name))

    @delete("/{group_id:str}", guards=[admin_required])
    async def delete_group(self, group_id: FromPath[str], uc: InjectedUseCases) -> None:
        """409 while channels or agents still use the group."""
        await uc.groups.delete(group_id)
