"""Publishing routing's contract events in CloudEvents envelopes, without holding up decisions.

A publish waits for the broker's confirm (a few milliseconds); routing's single decision
sequence must not wait for it, so each publish runs in a task of its own and failures are
logged. The claim that made the decision is already stored when the event goes out.
"""

from __future__ import annotations

import asyncio

import structlog

from parley_contracts.base import Event
from parley_contracts.envelope import CloudEvent
from parley_platform.messaging.publisher import EventPublisher, UnroutableEvent

log = structlog.get_logger(__name__)


class ContractPublisher:
    def __init__(self, publisher: EventPublisher, source: str) -> None:
        self._publisher = publisher
        self._source = source
        self._in_flight: set[asyncio.Task[None]] = set()

    async def publish(self, event: Event) -> None:
        task = asyncio.create_task(self._send(event))
        self._in_flight.add(task)
        task.add_done_callback(self._in_flight.discard)

    async def _send(self, event: Event) -> None:
        try:
            await self._publisher.publish(CloudEvent.wrap(event, source=self._source))
        except UnroutableEvent:
            # Nobody subscribes to this type (say, positions while no gateway runs): a topic
            # exchange drops it, and so do we; routing's own decisions are always bound.
            log.info("event.unrouted", type=event.TYPE)
        except Exception as exc:
            log.error("event.publish_failed", type=event.TYPE, error=repr(exc))

    async def drain(self) -> None:
        """Wait for the publishes in flight (shutdown)."""
        if self._in_flight:
            await asyncio.gather(*self._in_flight, return_exceptions=True)
