"""Routing's events survive a broker that is briefly gone: publishes are retried, same id."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from parley_contracts.routing import AssignmentExpiredV1
from parley_platform.messaging.publisher import PublishFailed, UnroutableEvent
from parley_routing.adapters import publisher as publishing
from parley_routing.adapters.publisher import ContractPublisher

pytestmark = pytest.mark.unit

EXPIRED = AssignmentExpiredV1(
    conversation_id="conv_1", channel_id="ch_1", agent_id="agt_1", attempt=1
)


class FlakyBroker:
    def __init__(self, failures: int, error: Exception) -> None:
        self.failures = failures
        self.error = error
        self.sent: list[tuple[str, bool]] = []
        self.attempts = 0

    async def publish(self, event: Any, *, republished: bool = False) -> None:
        self.attempts += 1
        if self.attempts <= self.failures:
            raise self.error
        self.sent.append((event.id, republished))


async def test_a_failed_publish_is_retried_until_the_broker_takes_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    broker = FlakyBroker(failures=2, error=PublishFailed("connection closed"))
    sender = ContractPublisher(broker, "/parley/routing")  # type: ignore[arg-type]
    await sender.publish(EXPIRED)
    await asyncio.wait_for(sender.drain(), 5)
    assert broker.attempts == 3
    [(event_id, republished)] = broker.sent
    assert event_id and republished  # consumers' inboxes may see it as a possible duplicate


async def test_an_event_nobody_subscribes_to_is_not_retried() -> None:
    broker = FlakyBroker(failures=1, error=UnroutableEvent("no queue"))
    sender = ContractPublisher(broker, "/parley/routing")  # type: ignore[arg-type]
    await sender.publish(EXPIRED)
    await asyncio.wait_for(sender.drain(), 5)
    assert broker.attempts == 1 and broker.sent == []


async def test_retries_end_after_the_retry_window(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(publishing, "RETRY_FOR_S", 0.3)
    broker = FlakyBroker(failures=1_000, error=PublishFailed("still down"))
    sender = ContractPublisher(broker, "/parley/routing")  # type: ignore[arg-type]
    await sender.publish(EXPIRED)
    await asyncio.wait_for(sender.drain(), 5)
    assert broker.sent == [] and 2 <= broker.attempts <= 5
