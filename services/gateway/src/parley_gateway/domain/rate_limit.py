"""Token buckets: how often a visitor or an address may send messages or start conversations.

Pure: the caller passes ``now`` (monotonic seconds). Buckets live in the memory of one gateway
replica, so a client spread over several replicas gets each replica's allowance.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Rate:
    """``tokens`` per ``per_seconds`` on average, up to ``burst`` at once."""

    tokens: float
    per_seconds: float
    burst: float

    @property
    def per_second(self) -> float:
        return self.tokens / self.per_seconds


class TokenBucket:
    __slots__ = ("level", "updated")

    def __init__(self, level: float, updated: float) -> None:
        self.level = level
        self.updated = updated

    def take(self, rate: Rate, now: float, cost: float = 1.0) -> float:
        """Take ``cost`` tokens; 0.0 when allowed, else the seconds to wait before retrying."""
        self.level = min(rate.burst, self.level + (now - self.updated) * rate.per_second)
        self.updated = now
        if self.level >= cost:
            self.level -= cost
            return 0.0
        return (cost - self.level) / rate.per_second


class RateLimiter:
    """One bucket per key (a visitor id, an address) for one kind of action.

    Full buckets carry no information, so they are dropped when the table grows: memory stays
    proportional to the clients that are actually busy.
    """

    def __init__(self, rate: Rate, max_keys: int = 100_000) -> None:
        self.rate = rate
        self._buckets: dict[str, TokenBucket] = {}
        self._max_keys = max_keys

    def take(self, key: str, now: float, cost: float = 1.0) -> float:
        """0.0 when ``key`` may act now, else the seconds until it may."""
        bucket = self._buckets.get(key)
        if bucket is None:
            if len(self._buckets) >= self._max_keys:
                self._forget_full(now)
            bucket = self._buckets[key] = TokenBucket(self.rate.burst, now)
        return bucket.take(self.rate, now, cost)

    def _forget_full(self, now: float) -> None:
        refill = self.rate.burst / self.rate.per_second
        self._buckets = {
            key: bucket for key, bucket in self._buckets.items() if now - bucket.updated < refill
        }

    def __len__(self) -> int:
        return len(self._buckets)


@dataclass(frozen=True)
class Allowance:
    """The limits of one action, per client and per address."""

    per_client: Rate
    per_address: Rate


class ActionLimits:
    """Checks one action against the client's bucket and the address's bucket."""

    def __init__(self, allowance: Allowance) -> None:
        self._clients = RateLimiter(allowance.per_client)
        self._addresses = RateLimiter(allowance.per_address)

    def retry_after(self, client: str, address: str | None, now: float) -> float:
        """0.0 when allowed (and counted), else the seconds to wait."""
        wait = self._clients.take(client, now)
        if wait:
            return wait
        if address is not None:
            return self._addresses.take(address, now)
        return 0.0
