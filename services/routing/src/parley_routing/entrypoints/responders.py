"""Queries routing answers over request/reply: profiles, operators, decisions (R4, A2, A4)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from faststream.rabbit import RabbitBroker
from pydantic import ValidationError

from parley_contracts.routing import (
    GetOperatorsV1,
    GetRoutingDecisionsV1,
    OperatorUpdatedV1,
    UpdateOperatorV1,
)
from parley_platform.messaging.request import register_responder

from ..application.deps import RoutingDeps
from ..application.manage_operators import get_decisions, get_operators, update_operator

Run = Callable[[Callable[[], Awaitable[Any]]], Awaitable[Any]]


def register(broker: RabbitBroker, deps: RoutingDeps, run: Run) -> None:
    """``run`` puts a job in the process's event sequence, so queries never interleave with it."""

    async def update(body: bytes) -> bytes:
        try:
            query = UpdateOperatorV1.model_validate_json(body)
        except ValidationError as exc:
            return (
                OperatorUpdatedV1(agent_id="unknown", error=str(exc)[:500])
                .model_dump_json()
                .encode()
            )
        reply = await run(lambda: update_operator(deps, query))
        return bytes(reply.model_dump_json().encode())

    async def operators(body: bytes) -> bytes:
        query = GetOperatorsV1.model_validate_json(body)

        async def read() -> Any:
            return get_operators(deps, query)

        reply = await run(read)
        return bytes(reply.model_dump_json().encode())

    async def decisions(body: bytes) -> bytes:
        query = GetRoutingDecisionsV1.model_validate_json(body)
        reply = await get_decisions(deps, query)
        return reply.model_dump_json().encode()

    register_responder(broker, UpdateOperatorV1.TYPE, update)
    register_responder(broker, GetOperatorsV1.TYPE, operators)
    register_responder(broker, GetRoutingDecisionsV1.TYPE, decisions)
