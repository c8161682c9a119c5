"""``/api/operators``: operators' profiles and presence, channel joins (R1, A1, A2, A4), and
``/api/conversations/{id}/routing``: why a conversation went where it went (R4).

Routing owns these; the gateway checks permissions and asks it (503 ``unavailable`` when routing
does not answer in time).
"""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, delete, get, post, put
from litestar.params import FromPath, FromQuery, JSONBody
from pydantic import BaseModel, Field

from parley_contracts.common import CountryCode, LanguageTag, Tag
from parley_contracts.routing import DecisionRecord, OperatorOverview, OperatorProfile

from .dependencies import CurrentAccount, InjectedUseCases
from .security import account_required, admin_required


class OperatorProfileIn(BaseModel):
    """What routing needs to know of an operator; the agent is named by the path."""

    chat_name: Annotated[str, Field(min_length=1, max_length=200)]
    main_language: LanguageTag | None = None
    extra_languages: Annotated[list[LanguageTag], Field(max_length=20)] = Field(
        default_factory=list
    )
    expertise: Annotated[list[Tag], Field(max_length=50)] = Field(default_factory=list)
    country: CountryCode | None = None
    max_chats: Annotated[int, Field(ge=1, le=50)] = 3
    channel_ids: Annotated[list[str], Field(max_length=100)] = Field(default_factory=list)

    def profile(self, agent_id: str) -> OperatorProfile:
        return OperatorProfile(
            agent_id=agent_id,
            chat_name=self.chat_name,
            main_language=self.main_language,
            extra_languages=tuple(self.extra_languages),
            expertise=tuple(self.expertise),
            country=self.country,
            max_chats=self.max_chats,
            channel_ids=tuple(self.channel_ids),
        )


class OperatorController(Controller):
    path = "/operators"
    tags = ("operators",)
    guards = (account_required,)

    @get("/")
    async def list_operators(
        self, uc: InjectedUseCases, channel_id: FromQuery[str | None] = None
    ) -> list[OperatorOverview]:
        """Every operator with availability and load (the console's agent list)."""
        return await uc.operators.all(channel_id)

    @get("/{agent_id:str}")
    async def get_operator(self, agent_id: FromPath[str], uc: InjectedUseCases) -> OperatorOverview:
        return await uc.operators.get(agent_id)

    @put("/{agent_id:str}/profile", guards=[admin_required])
    async def set_profile(
        self,
        agent_id: FromPath[str],
        data: JSONBody[OperatorProfileIn],
        account: CurrentAccount,
        uc: InjectedUseCases,
    ) -> OperatorOverview:
        """Admins set languages, expertise, country, maximum chats and channels."""
        return await uc.operators.set_profile(account, data.profile(agent_id))

    @post("/{agent_id:str}/channels/{channel_id:str}", status_code=200)
    async def join_channel(
        self,
        agent_id: FromPath[str],
        channel_id: FromPath[str],
        account: CurrentAccount,
        uc: InjectedUseCases,
    ) -> OperatorOverview:
        """Join a channel (A2): routing offers its chats to this operator from now on."""
        return await uc.operators.join_channel(account, agent_id, channel_id, join=True)

    @delete("/{agent_id:str}/channels/{channel_id:str}", status_code=200)
    async def leave_channel(
        self,
        agent_id: FromPath[str],
        channel_id: FromPath[str],
        account: CurrentAccount,
        uc: InjectedUseCases,
    ) -> OperatorOverview:
        return await uc.operators.join_channel(account, agent_id, channel_id, join=False)


class RoutingDecisionController(Controller):
    path = "/conversations/{conversation_id:str}/routing"
    tags = ("conversations",)
    guards = (account_required,)

    @get("/")
    async def decisions(
        self, conversation_id: FromPath[str], account: CurrentAccount, uc: InjectedUseCases
    ) -> list[DecisionRecord]:
        """Every routing decision for the conversation: candidates, winning rule, reasons."""
        return await uc.operators.decisions(account, conversation_id)
