"""``/api/conversations``: history with filters, search over past chats (A10), one
conversation's snapshot and its log."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from litestar import Controller, get
from litestar.params import FromPath, FromQuery, QueryParameter

from parley_contracts.gateway.conversation import ConversationOutcome

from ...application.read_models import HistoryFilter
from .dependencies import CurrentAccount, InjectedUseCases, RequesterDependency
from .schemas_conversations import ConversationOut, EventOut, SearchHitOut
from .security import account_required

Lifecycle = Literal["requested", "queued", "active", "ended"]


class ConversationController(Controller):
    path = "/conversations"
    tags = ("conversations",)

    @get("/", guards=[account_required])
    async def history(
        self,
        account: CurrentAccount,
        uc: InjectedUseCases,
        channel: FromQuery[str | None] = None,
        agent: Annotated[
            str | None,
            QueryParameter(description="An agent id, or `me`: conversations they joined"),
        ] = None,
        outcome: FromQuery[ConversationOutcome | None] = None,
        tag: FromQuery[str | None] = None,
        lifecycle: FromQuery[Lifecycle | None] = None,
        created_from: Annotated[datetime | None, QueryParameter(name="from")] = None,
        created_until: Annotated[datetime | None, QueryParameter(name="until")] = None,
        limit: FromQuery[int] = 50,
        offset: FromQuery[int] = 0,
    ) -> list[ConversationOut]:
        """Conversations of the channels open to this agent, newest first."""
        query = HistoryFilter(
            channel_ids=None,
            agent_id=account.id if agent == "me" else agent,
            outcome=outcome.value if outcome else None,
            tag=tag,
            lifecycle=lifecycle,
            created_from=created_from,
            created_until=created_until,
            limit=limit,
            offset=offset,
        )
        records = await uc.history.history(account, query, channel_id=channel)
        return [ConversationOut.of(r) for r in records]

    @get("/search", guards=[account_required])
    async def search(
        self,
        account: CurrentAccount,
        uc: InjectedUseCases,
        q: Annotated[str, QueryParameter(description="Text to find, case-insensitive")],
        channel: FromQuery[str | None] = None,
        limit: FromQuery[int] = 20,
    ) -> list[SearchHitOut]:
        """Past chats whose messages, title, tags or visitor name contain ``q``."""
        hits = await uc.history.search(account, q, channel_id=channel, limit=limit)
        return [SearchHitOut.of(hit) for hit in hits]

    @get("/{conversation_id:str}", guards=[account_required])
    async def snapshot(
        self, conversation_id: FromPath[str], account: CurrentAccount, uc: InjectedUseCases
    ) -> ConversationOut:
        return ConversationOut.of(await uc.read_conversation.snapshot(account, conversation_id))

    @get("/{conversation_id:str}/events")
    async def events(
        self,
        conversation_id: FromPath[str],
        requester: RequesterDependency,
        uc: InjectedUseCases,
        after_seq: Annotated[int, QueryParameter(ge=0)] = 0,
        limit: Annotated[int, QueryParameter(ge=1, le=500)] = 500,
    ) -> list[EventOut]:
        """Entries after ``after_seq`` in order. Agents (session) see internal entries too;
        visitors (visitor token) only public ones."""
        entries = await uc.read_conversation.events(requester, conversation_id, after_seq, limit)
        return [EventOut.of(e) for e in entries]
