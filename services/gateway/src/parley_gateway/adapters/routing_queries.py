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
from parley_platform.messaging.request import QueryClient, QueryTimeout

from ..domain.errors import InvalidInput, Unavailable


class RoutingQueries:
    def __init__(self, client: QueryClient, timeout_s: float = 5.0) -> None:
        self._client = client
        self._timeout_s = timeout_s

    async def operators(
        self, agent_ids: tuple[str, ...] = (), channel_id: str | None = None
    ) -> list[OperatorOverview]:
        reply = await self._ask(GetOperatorsV1(agent_ids=agent_ids, channel_id=channel_id))
        return list(OperatorsV1.model_validate_json(reply).operators)

    async def update(self, request: UpdateOperatorV1) -> OperatorOverview:
        answer = OperatorUpdatedV1.model_validate_json(await self._ask(request))
        if answer.error or answer.operator is None:
            raise InvalidInput(answer.error or "routing refused the change")
        return answer.operator

    async def decisions(self, conversation_id: str) -> list[DecisionRecord]:
        reply = await self._ask(GetRoutingDecisionsV1(conversation_id=conversation_id))
        return list(RoutingDecisionsV1.model_validate_json(reply).decisions)

    async def _ask(self, query: Query) -> bytes:
        body = query.model_dump_json().encode()
        try:
            answer: bytes = await self._client.ask(query.TYPE, body, self._timeout_s)
        except QueryTimeout as exc:
            raise Unavailable("routing did not answer; try again") from exc
        except Exception as exc:  # no broker connection, or no routing queue declared yet
            raise Unavailable("routing is not reachable; try again") from exc
        return answer


class Unanswered:
    """The ``RoutingDirectory`` of a gateway wired without a broker (some tests): every question
    is ``Unavailable``, exactly as when routing is down."""

    async def operators(
        self, agent_ids: tuple[str, ...] = (), channel_id: str | None = None
    ) -> list[OperatorOverview]:
        raise Unavailable("routing is not reachable from this gateway")

    async def update(self, request: UpdateOperatorV1) -> OperatorOverview:
        raise Unavailable("routing is not reachable from this gateway")

    async def decisions(self, conversation_id: str) -> list[DecisionRecord]:
        raise Unavailable("routing is not reachable from this gateway")
