"""The shape of a consumer queue: limits, dead letters and back-off."""

from __future__ import annotations

import pytest

from parley_platform.messaging.topology import ConsumerQueue

pytestmark = pytest.mark.unit


def test_backoff_grows_then_repeats_its_last_delay() -> None:
    queue = ConsumerQueue("reports.journal", ("#",), retry_delays_ms=(200, 1_000, 5_000))
    assert [queue.delay_before(attempt) for attempt in range(2, 7)] == [
        200,
        1_000,
        5_000,
        5_000,
        5_000,
    ]


def test_queue_dead_letters_to_its_own_dead_letter_queue_after_the_limit() -> None:
    queue = ConsumerQueue("tickets.on-chat-end", ("conversation.ended.v1",), delivery_limit=4)
    arguments = queue.arguments()
    assert arguments["x-queue-type"] == "quorum"
    assert arguments["x-delivery-limit"] == 4
    assert arguments["x-dead-letter-exchange"] == "parley.dead-letter"
    assert arguments["x-dead-letter-routing-key"] == "tickets.on-chat-end"
    assert queue.dead_letter_queue == "tickets.on-chat-end.dlq"
    assert queue.wait_queue(200) == "tickets.on-chat-end.wait.200"
