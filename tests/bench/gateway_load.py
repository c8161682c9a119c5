"""An open-loop load generator for chat messages, and the latency it measures.

A *lane* is one visitor's conversation: ``send(number)`` puts message ``number`` on the visitor's
socket. The receiving side (an agent's socket) reports every message it sees with
``Probe.received(number)``. Both sides run in this process, so one clock
(``time.perf_counter_ns``) times the whole trip: visitor send -> agent receive.

Messages go out on a fixed schedule (``rate`` per second, round-robin over the lanes), whatever
the replies do: a slow server shows up as latency, not as a lower offered rate. When the sender
itself falls behind its schedule, the achieved rate shows it.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterable, Awaitable, Callable, Sequence
from dataclasses import dataclass, field

from .common import percentile

Lane = Callable[[int], Awaitable[None]]
"""Send message ``number`` from one visitor."""

MARK = "bench#"
"""Message texts are ``bench#<number> <filler>``; receivers find the number after it."""

FILLER = "Hello, I cannot log in to my account since this morning. Could someone help me, please?"


def message_text(number: int) -> str:
    return f"{MARK}{number} {FILLER}"


def message_number(text: str) -> int | None:
    """The number in a text made by ``message_text``; None for any other text."""
    if not text.startswith(MARK):
        return None
    digits = text[len(MARK) :].split(" ", 1)[0]
    return int(digits) if digits.isdigit() else None


@dataclass
class Probe:
    """Send and receive times of the messages of one measurement."""

    sent_ns: dict[int, int] = field(default_factory=dict)
    latencies_ns: list[int] = field(default_factory=list)
    duplicates: int = 0
    last_received_ns: int = 0
    _done: set[int] = field(default_factory=set)
    _all_in: asyncio.Event = field(default_factory=asyncio.Event)

    def sending(self, number: int) -> None:
        self.sent_ns[number] = time.perf_counter_ns()

    def received(self, number: int) -> None:
        now = time.perf_counter_ns()
        sent = self.sent_ns.get(number)
        if sent is None:
            return  # a message of an earlier measurement, arriving late
        if number in self._done:
            self.duplicates += 1
            return
        self._done.add(number)
        self.latencies_ns.append(now - sent)
        self.last_received_ns = now
        if len(self._done) == len(self.sent_ns):
            self._all_in.set()

    async def drained(self, timeout_s: float) -> None:
        """Wait until every sent message arrived, or ``timeout_s`` passed."""
        if len(self._done) == len(self.sent_ns):
            return
        self._all_in.clear()
        try:
            await asyncio.wait_for(self._all_in.wait(), timeout_s)
        except TimeoutError:
            pass


@dataclass(frozen=True)
class RateResult:
    target_per_s: float
    sent: int
    delivered: int
    duplicates: int
    achieved_per_s: float
    """Delivered messages over the time from the first send to the last delivery."""
    p50_ns: float
    p99_ns: float
    max_ns: float
    send_errors: int

    @property
    def lost(self) -> int:
        return self.sent - self.delivered

    def sustained(self, p99_limit_ns: float, min_ratio: float) -> bool:
        return (
            self.lost == 0
            and self.p99_ns <= p99_limit_ns
            and self.achieved_per_s >= min_ratio * self.target_per_s
        )


class Numbering:
    """Message numbers unique across every measurement of a run (receivers ignore old ones)."""

    def __init__(self) -> None:
        self.next = 0

    def take(self) -> int:
        self.next += 1
        return self.next


async def run_rate(
    lanes: Sequence[Lane],
    probe_sink: Callable[[Probe], None],
    numbering: Numbering,
    rate_per_s: float,
    duration_s: float,
    drain_s: float = 3.0,
) -> RateResult:
    """Send ``rate_per_s`` messages a second for ``duration_s`` over ``lanes``; time them.

    ``probe_sink`` installs the new probe where the receivers report to.
    """
    probe = Probe()
    probe_sink(probe)
    total = max(1, round(rate_per_s * duration_s))
    interval = 1.0 / rate_per_s
    sends = _Sends()
    loop = asyncio.get_running_loop()
    start = loop.time()
    first_send_ns = time.perf_counter_ns()
    for index in range(total):
        delay = start + index * interval - loop.time()
        if delay > 0.0005:
            await asyncio.sleep(delay)
        number = numbering.take()
        probe.sending(number)
        # One task per send: a socket under back-pressure must not hold the others up.
        sends.track(asyncio.ensure_future(lanes[index % len(lanes)](number)))
    await sends.finished()
    await probe.drained(drain_s)
    return summarize(probe, rate_per_s, first_send_ns, sends.errors)


class _Sends:
    def __init__(self) -> None:
        self.pending: set[asyncio.Future[None]] = set()
        self.errors = 0

    def track(self, send: asyncio.Future[None]) -> None:
        self.pending.add(send)
        send.add_done_callback(self._done)

    def _done(self, send: asyncio.Future[None]) -> None:
        self.pending.discard(send)
        if not send.cancelled() and send.exception() is not None:
            self.errors += 1

    async def finished(self) -> None:
        if self.pending:
            await asyncio.wait(list(self.pending))


def summarize(probe: Probe, rate_per_s: float, first_send_ns: int, errors: int) -> RateResult:
    latencies = sorted(probe.latencies_ns)
    delivered = len(latencies)
    span_ns = max(probe.last_received_ns, max(probe.sent_ns.values(), default=0)) - first_send_ns
    return RateResult(
        target_per_s=rate_per_s,
        sent=len(probe.sent_ns),
        delivered=delivered,
        duplicates=probe.duplicates,
        achieved_per_s=delivered / (span_ns / 1e9) if span_ns > 0 else 0.0,
        p50_ns=percentile(latencies, 50),
        p99_ns=percentile(latencies, 99),
        max_ns=float(latencies[-1]) if latencies else float("nan"),
        send_errors=errors,
    )


@dataclass(frozen=True)
class StepPlan:
    fixed: Sequence[float]
    """Rates always measured (unless a backlog makes the numbers meaningless)."""
    steps: Sequence[float]
    """Higher rates, tried after the fixed ones while every rate so far was sustained."""
    p99_limit_ns: float = 50e6
    min_ratio: float = 0.95
    settle_s: float = 5.0
    """After a rate that was not sustained: how long the server gets to work off its backlog."""


@dataclass
class StepOutcome:
    results: list[RateResult] = field(default_factory=list)
    best: float | None = None
    """The highest rate sustained, all lower rates sustained too; None: not even the first."""
    skipped: list[float] = field(default_factory=list)
    """Fixed rates not measured: the server still had a backlog from a lower rate."""


async def step_up(
    measure: Callable[[float], Awaitable[RateResult]],
    quiet: Callable[[float], Awaitable[bool]],
    plan: StepPlan,
) -> StepOutcome:
    """Measure the fixed rates, then step up until p99 passes the limit, the achieved rate falls
    short, or a message is lost. ``quiet(timeout_s)`` waits for the server's backlog to clear."""
    outcome = StepOutcome()
    failed = backlog = False
    for rate in (*plan.fixed, *plan.steps):
        if failed and rate not in plan.fixed:
            break
        if backlog:
            outcome.skipped.append(rate)
            continue
        result = await measure(rate)
        outcome.results.append(result)
        if result.sustained(plan.p99_limit_ns, plan.min_ratio):
            outcome.best = outcome.best if failed else rate
            continue
        failed = True
        backlog = not await quiet(plan.settle_s)
    return outcome


Extract = Callable[[str | bytes], int | None]
"""The message number in a frame the receiving side got, or None when it is no bench message."""


class Receivers:
    """Reader tasks on the receiving sockets, reporting to the probe currently installed."""

    def __init__(self, extract: Extract) -> None:
        self.extract = extract
        self.probe = Probe()
        self.tasks: list[asyncio.Task[None]] = []
        self.errors: list[str] = []
        self.last_frame_ns = 0

    def install(self, probe: Probe) -> None:
        self.probe = probe

    async def quiet(self, timeout_s: float, idle_s: float = 1.0) -> bool:
        """Wait until no bench message arrived for ``idle_s``; False after ``timeout_s``."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout_s
        while loop.time() < deadline:
            if time.perf_counter_ns() - self.last_frame_ns >= idle_s * 1e9:
                return True
            await asyncio.sleep(0.1)
        return False

    def attach(self, frames: AsyncIterable[str | bytes]) -> None:
        self.tasks.append(asyncio.create_task(self._read(frames)))

    async def _read(self, frames: AsyncIterable[str | bytes]) -> None:
        try:
            async for frame in frames:
                number = self.extract(frame)
                if number is not None:
                    self.last_frame_ns = time.perf_counter_ns()
                    self.probe.received(number)
        except Exception as exc:  # a closed socket ends its reader; the run reports the loss
            self.errors.append(f"{type(exc).__name__}: {exc}")

    async def stop(self) -> None:
        for task in self.tasks:
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)
