"""Publishing routing's contract events in CloudEvents envelopes, without holding up decisions.

A publish waits for the broker's confirm (a few milliseconds); routing's single decision
sequence must not wait for it, so each publish runs in a task of its own. The ids of recent
publishes are kept: this process applied those events before publishing them, so its replica
queue can drop their echoes unread. The claim that made
the decision is already stored when the event goes out. While the broker is away, a publish is
retried with back-off (up to ``RETRY_FOR_S``) with the same event id, so consumers' inboxes drop
a copy that did get through; only a process that dies meanwhile loses the event (docs/routing.md).
"""

from __future__ import annotations

import asyncio
from collections import deque

import structlog

from parley_contracts.base import Event
from parley_contracts.envelope import CloudEvent
from parley_platform.messaging.publisher import EventPublisher, UnroutableEvent

log = structlog.get_logger(__name__)

RETRY_FOR_S = 600.0
"""How long a failing publish keeps being retried before it is given up (and logged)."""
REMEMBERED = 20_000
"""How many of the latest published event ids are remembered (their echoes are dropped)."""


class ContractPublisher:
    def __init__(self, publisher: EventPublisher, source: str) -> None:
        self._publisher = publisher
        self._source = source
        self._in_flight: set[asyncio.Task[None]] = set()
        self._sent: set[str] = set()
        self._sent_order: deque[str] = deque()

    async def publish(self, event: Event) -> None:
        envelope = CloudEvent.wrap(event, source=self._source)
        self._remember(envelope.id)
        task = asyncio.create_task(self._send(event, envelope))
        self._in_flight.add(task)
        task.add_done_callback(self._in_flight.discard)

    def sent_here(self, event_id: str) -> bool:
        """Whether this process published the event (recently)."""
        return event_id in self._sent

    def _remember(self, event_id: str) -> None:
        self._sent.add(event_id)
        self._sent_order.append(event_id)
        if len(self._sent_order) > REMEMBERED:
            self._sent.discard(self._sent_order.popleft())

    async def _send(self, event: Event, envelope: CloudEvent[Event]) -> None:
        loop = asyncio.get_running_loop()
        give_up_at = loop.time() + RETRY_FOR_S
        delay = 0.2
        while True:
            try:
                await self._publisher.publish(envelope, republished=delay > 0.2)
                return
            except UnroutableEvent:
                # Nobody subscribes to this type (say, positions while no gateway runs): a
                # topic exchange drops it, and so do we; routing's own decisions are bound.
                log.info("event.unrouted", type=event.TYPE)
                return
            except Exception as exc:
                if loop.time() >= give_up_at:
                    log.error("event.publish_given_up", type=event.TYPE, error=repr(exc))
                    return
                log.warning("event.publish_retrying", type=event.TYPE, error=repr(exc))
                await asyncio.sleep(delay)
                delay = min(delay * 2, 5.0)

    async def drain(self, timeout_s: float = 10.0) -> None:
        """Wait for the publishes in flight (shutdown), at most ``timeout_s``."""
        if not self._in_flight:
            return
        _, pending = await asyncio.wait(set(self._in_flight), timeout=timeout_s)
        for task in pending:
            task.cancel()
        if pending:
            log.error("event.publishes_abandoned", count=len(pending))
