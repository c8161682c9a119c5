"""Asking another service over request/reply, as the gateway's admin API does.

One place maps "no answer" to the client's ``Unavailable`` (503): a timeout, no broker
connection, no queue declared yet because the service never started, or a gateway wired
without a broker at all (some tests).
"""

from __future__ import annotations

from typing import TypeVar

from parley_contracts.base import Query, Reply
from parley_platform.messaging.request import QueryClient, QueryTimeout

from ..domain.errors import Unavailable

R = TypeVar("R", bound=Reply)


async def ask_service(
    client: QueryClient | None, query: Query, reply: type[R], timeout_s: float, service: str
) -> R:
    """``query``'s reply from ``service``; ``Unavailable`` when none comes."""
    if client is None:
        raise Unavailable(f"the {service} is not reachable from this gateway")
    try:
        body = await client.ask(query.TYPE, query.model_dump_json().encode(), timeout_s)
    except QueryTimeout as exc:
        raise Unavailable(f"the {service} did not answer; try again") from exc
    except Exception as exc:  # no broker connection, or no queue declared yet
        raise Unavailable(f"the {service} is not reachable; try again") from exc
    return reply.model_validate_json(body)
