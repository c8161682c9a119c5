"""Request/reply between services over RabbitMQ (direct reply-to), with a timeout."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from faststream.rabbit import QueueType, RabbitBroker, RabbitQueue
from faststream.rabbit.annotations import RabbitMessage


class QueryTimeout(TimeoutError):
    """Nobody answered the query in time (the answering service is down or overloaded)."""


def query_queue(query_type: str) -> RabbitQueue:
    """The queue that answers one query type; requests expire with their timeout."""
    return RabbitQueue(query_type, durable=True, queue_type=QueueType.QUORUM)


class QueryClient:
    """Sends a serialised query and waits for the serialised answer."""

    def __init__(self, broker: RabbitBroker) -> None:
        self._broker = broker

    async def ask(self, query_type: str, body: bytes, timeout_s: float = 5.0) -> bytes:
        try:
            response = await self._broker.request(
                body,
                queue=query_queue(query_type),
                timeout=timeout_s,
                # An answer nobody waits for any more is worthless: drop stale requests.
                expiration=timeout_s,
                content_type="application/json",
            )
        except TimeoutError as exc:
            raise QueryTimeout(f"no answer to {query_type} within {timeout_s}s") from exc
        return bytes(response.body)


def register_responder(
    broker: RabbitBroker, query_type: str, answer: Callable[[bytes], Awaitable[bytes]]
) -> None:
    """Answer ``query_type`` with ``answer``; its return value goes back to the asker."""

    async def respond(_decoded: object) -> bytes:
        # The raw body: decoding and validation belong to the contract model, not FastStream.
        msg: RabbitMessage = broker.context.get_local("message")
        return await answer(bytes(msg.body))

    broker.subscriber(query_queue(query_type), title=f"answer {query_type}")(respond)
