"""The ``RoutingDirectory`` port over RabbitMQ request/reply (bodies: the contract models' JSON)."""

from __future__ import annotations

from parley_contracts.base import Query
from parley_contracts.routing import (
    DecisionRecord,
    GetOperatorsV1,
    GetRoutingDecisionsV1,
    OperatorOverview,
    OperatorsV1,
    OperatorUpdatedV1,
    RoutingDecisionsV1,
    UpdateOperatorV1,
)
from parley_platform.messaging.request import QueryClient

from ..domain.errors import InvalidInput
from .service_queries import R, ask_service


class RoutingQueries:
    def __init__(self, client: QueryClient | None, timeout_s: float = 5.0) -> None:
        self._client = client
        self._timeout_s = timeout_s

    async def operators(
        self, agent_ids: tuple[str, ...] = (), channel_id: str | None = None
    ) -> list[OperatorOverview]:
        query = GetOperatorsV1(agent_ids=agent_ids, channel_id=channel_id)
        return list((await self._ask(query, OperatorsV1)).operators)

    async def update(self, request: UpdateOperatorV1) -> OperatorOverview:
        answer = await self._ask(request, OperatorUpdatedV1)
        if answer.error or answer.operator is None:
            raise InvalidInput(answer.error or "routing refused the change")
        return answer.operator

    async def decisions(self, conversation_id: str) -> list[DecisionRecord]:
        query = GetRoutingDecisionsV1(conversation_id=conversation_id)
        return list((await self._ask(query, RoutingDecisionsV1)).decisions)

    async def _ask(self, query: Query, reply: type[R]) -> R:
        return await ask_service(self._client, query, reply, self._timeout_s, "routing service")
