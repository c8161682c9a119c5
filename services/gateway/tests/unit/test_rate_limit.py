"""Token buckets: bursts pass, then the rate applies, and the wait is told."""

from __future__ import annotations

import pytest

from parley_gateway.domain.rate_limit import ActionLimits, Allowance, Rate, RateLimiter

pytestmark = pytest.mark.unit


def test_a_burst_passes_then_the_next_one_waits_for_a_token() -> None:
    limiter = RateLimiter(Rate(tokens=1, per_seconds=10, burst=3))
    assert [limiter.take("v", now=0.0) for _ in range(3)] == [0.0, 0.0, 0.0]
    assert limiter.take("v", now=0.0) == pytest.approx(10.0)
    assert limiter.take("v", now=10.0) == 0.0


def test_clients_have_their_own_buckets() -> None:
    limiter = RateLimiter(Rate(tokens=1, per_seconds=60, burst=1))
    assert limiter.take("a", now=0.0) == 0.0
    assert limiter.take("b", now=0.0) == 0.0
    assert limiter.take("a", now=1.0) > 0


def test_full_buckets_are_forgotten_when_the_table_is_full() -> None:
    limiter = RateLimiter(Rate(tokens=1, per_seconds=1, burst=1), max_keys=2)
    limiter.take("a", now=0.0)
    limiter.take("b", now=0.0)
    limiter.take("c", now=100.0)  # a and b refilled long ago: dropped
    assert len(limiter) == 1


def test_an_address_shared_by_many_visitors_has_its_own_limit() -> None:
    limits = ActionLimits(Allowance(per_client=Rate(10, 10, 10), per_address=Rate(1, 60, 2)))
    assert limits.retry_after("v1", "10.0.0.1", now=0.0) == 0.0
    assert limits.retry_after("v2", "10.0.0.1", now=0.0) == 0.0
    assert limits.retry_after("v3", "10.0.0.1", now=0.0) == pytest.approx(60.0)
    assert limits.retry_after("v3", "10.0.0.2", now=0.0) == 0.0
