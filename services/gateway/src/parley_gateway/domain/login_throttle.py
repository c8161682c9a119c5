"""Brute-force protection for logins: too many failures for one e-mail or one address lock it.

Counts failures in a sliding window per key (``email:<e-mail>``, ``ip:<address>``); a key with
``max_failures`` in the window is locked until the oldest failure leaves it. A success clears the
e-mail's count, never the address's (one attacker, many accounts). Pure: the caller passes ``now``
(seconds, monotonic). The state is per process: with several replicas each keeps its own count.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field


@dataclass
class FailureWindow:
    max_failures: int
    window_s: float
    _failures: dict[str, deque[float]] = field(default_factory=dict)

    def _recent(self, key: str, now: float) -> deque[float]:
        failures = self._failures.get(key)
        if failures is None:
            return deque()
        while failures and failures[0] <= now - self.window_s:
            failures.popleft()
        if not failures:
            del self._failures[key]
        return failures

    def retry_after(self, key: str, now: float) -> float:
        """Seconds until ``key`` may try again; 0 when it may now."""
        failures = self._recent(key, now)
        if len(failures) < self.max_failures:
            return 0.0
        return failures[0] + self.window_s - now

    def fail(self, key: str, now: float) -> None:
        failures = self._failures.setdefault(key, deque())
        failures.append(now)
        while len(failures) > self.max_failures:
            failures.popleft()

    def __len__(self) -> int:
        return len(self._failures)

    def clear(self, key: str) -> None:
        self._failures.pop(key, None)

    def forget_idle(self, now: float) -> None:
        """Drop keys with no recent failure, so memory stays bounded under a spray of keys."""
        for key in list(self._failures):
            self._recent(key, now)


@dataclass
class LoginThrottle:
    per_email: FailureWindow
    per_ip: FailureWindow

    def retry_after(self, email: str, ip: str, now: float) -> float:
        return max(
            self.per_email.retry_after(f"email:{email}", now),
            self.per_ip.retry_after(f"ip:{ip}", now),
        )

    def failed(self, email: str, ip: str, now: float) -> None:
        self.per_email.fail(f"email:{email}", now)
        self.per_ip.fail(f"ip:{ip}", now)
        if len(self.per_ip) + len(self.per_email) > 10_000:
            self.per_ip.forget_idle(now)
            self.per_email.forget_idle(now)

    def succeeded(self, email: str) -> None:
        self.per_email.clear(f"email:{email}")
