"""Gateway: visitor-to-agent latency across two replicas, the highest sustained rate, memory per
idle visitor connection, and a bare ``websockets`` relay as the floor under them.

- Latency: ``lanes`` visitor conversations on replica A, each accepted by one of ``agents``
  agents connected to replica B. Visitor ``message`` frames go out on a fixed schedule (open
  loop, round-robin over the conversations); the time is from the visitor's send to the agent's
  socket receiving the ``event`` (stored with its seq on A, fanned out over RabbitMQ to B). Both
  clients run in this process: one clock. The same clients then go through the relay process.
- Highest sustained rate: the rate steps up until p99 passes 50 ms, the achieved rate falls
  below 95 % of the target, or a message is not delivered within the drain time.
- Memory: ``idle`` visitor sockets (upgrade + ``hello`` + ``welcome``; no conversation started:
  a visitor who has the widget open) to a third, fresh gateway process; (RSS after - RSS before)
  / connections from /proc/<pid>/status, after a warm-up of 100 sockets. The relay gets the same
  sockets (upgrade only) for comparison. Clients offer permessage-deflate, as browsers do.
"""

from __future__ import annotations

import math
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from websockets.asyncio.client import ClientConnection

from tests.system.gateway_client import DEFAULT_ORIGIN, ws_url

from .common import BenchEnv, Table, ms
from .gateway_floor import start_relay
from .gateway_load import (
    Lane,
    Numbering,
    Probe,
    RateResult,
    StepPlan,
    highest_sustained,
    run_rate,
)
from .gateway_memory import MemoryResult, per_idle_connection
from .gateway_target import ChatLoad, Replicas

DESCRIPTION = "gateway: visitor->agent latency over 2 replicas, sustained rate, memory per socket"

FIXED_RATES = (200.0, 500.0, 1000.0)
"""Always measured (the issue's table)."""
STEP_RATES = (1500.0, 2000.0, 3000.0, 4000.0, 5000.0, 6000.0)
"""Tried after the fixed rates while each is sustained."""


@dataclass(frozen=True)
class Plan:
    lanes: int
    agents: int
    step_s: float
    idle: int
    """Idle visitor sockets on one gateway process."""
    relay_idle: int
    """Idle sockets on the relay (its figure is for comparison only)."""
    drain_s: float


FULL = Plan(lanes=200, agents=20, step_s=3.0, idle=10_000, relay_idle=2_000, drain_s=3.0)
QUICK = Plan(lanes=50, agents=5, step_s=1.5, idle=1_000, relay_idle=500, drain_s=2.0)


@dataclass
class Measured:
    """What one way of carrying the traffic (gateway or relay) measured."""

    fixed: list[RateResult]
    best: float | None
    steps: list[RateResult]


async def run(env: BenchEnv) -> str:
    plan = QUICK if env.quick else FULL
    with tempfile.TemporaryDirectory(prefix="parley-bench-gateway-") as log_dir:
        replicas = Replicas(
            env.rabbitmq_url, env.mongodb_url, Path(log_dir), f"parley_bench_gw_{env.run_id}"
        )
        try:
            return await _run(env, plan, replicas)
        finally:
            await replicas.stop()


async def _run(env: BenchEnv, plan: Plan, replicas: Replicas) -> str:
    started = time.perf_counter()
    env.progress("starting gateway replicas A, B and C (C only for the memory measurement)")
    a, b, c = await replicas.start(3)
    assert c.process is not None
    env.progress(f"memory: {plan.idle} idle visitor sockets on replica C (pid {c.process.pid})")
    memory = await _gateway_memory(replicas, c.url, c.process.pid, plan)
    c.stop()

    admin = await replicas.admin(a.url)
    load = ChatLoad()
    env.progress(f"opening {plan.lanes} conversations (visitors on A, {plan.agents} agents on B)")
    try:
        await load.open(admin, a.url, b.url, plan.lanes, plan.agents)
        gateway = await _measure(env, "gateway", load.lanes, load.receivers.install, plan)
    finally:
        await load.close()
        await admin.aclose()

    env.progress("floor: the bare websockets relay")
    relay = await start_relay()
    try:
        await relay.connect(plan.lanes, plan.agents)
        floor = await _measure(env, "relay", relay.lanes, relay.receivers.install, plan)
        relay_memory = await per_idle_connection(
            relay.pid,
            [relay.url(f"/visitor/idle{n}") for n in range(plan.relay_idle + 100)],
            _no_hello,
        )
    finally:
        await relay.close()
    return _render(env, plan, gateway, floor, memory, relay_memory, load.visitor_errors, started)


async def _gateway_memory(replicas: Replicas, url: str, pid: int, plan: Plan) -> MemoryResult:
    admin = await replicas.admin(url)
    channel_id = await admin.create_channel("Bench idle", [], (DEFAULT_ORIGIN,))
    await admin.aclose()
    urls = [ws_url(url, "/ws/visitor", channel=channel_id)] * (plan.idle + 100)
    return await per_idle_connection(pid, urls, _hello, origin=DEFAULT_ORIGIN)


async def _hello(socket: ClientConnection) -> None:
    await socket.send('{"type":"hello","v":1,"language":"en"}')
    while '"welcome"' not in str(await socket.recv()):
        pass


async def _no_hello(socket: ClientConnection) -> None:
    return None


async def _measure(
    env: BenchEnv,
    name: str,
    lanes: Sequence[Lane],
    install: Callable[[Probe], None],
    plan: Plan,
) -> Measured:
    numbering = Numbering()
    # Warm-up: connections, caches, the broker's queues, JIT-less but lazy imports.
    await run_rate(lanes, install, numbering, 200.0, min(1.0, plan.step_s), plan.drain_s)

    async def measure(rate: float) -> RateResult:
        result = await run_rate(lanes, install, numbering, rate, plan.step_s, plan.drain_s)
        env.progress(
            f"{name} {rate:.0f}/s: achieved {result.achieved_per_s:.0f}/s, "
            f"p50 {ms(result.p50_ns)} ms, p99 {ms(result.p99_ns)} ms, lost {result.lost}"
        )
        return result

    steps = StepPlan(rates=(*FIXED_RATES, *STEP_RATES), duration_s=plan.step_s)
    best, results = await highest_sustained(measure, steps)
    fixed = [r for r in results if r.target_per_s in FIXED_RATES]
    for rate in FIXED_RATES[len(fixed) :]:  # the rates, even past a failed step
        fixed.append(await measure(rate))
    return Measured(fixed=fixed, best=best, steps=results)


def _render(
    env: BenchEnv,
    plan: Plan,
    gateway: Measured,
    floor: Measured,
    memory: MemoryResult,
    relay_memory: MemoryResult,
    visitor_errors: list[str],
    started: float,
) -> str:
    latency = Table(
        "Visitor -> agent delivery latency (visitor on replica A, agent on replica B)",
        [
            "rate/s",
            "achieved/s",
            "delivered",
            "p50 ms",
            "p99 ms",
            "max ms",
            "floor p50",
            "floor p99",
        ],
    )
    floor_by_rate = {r.target_per_s: r for r in floor.steps + floor.fixed}
    for result in sorted(
        {r.target_per_s: r for r in gateway.steps + gateway.fixed}.values(), key=_rate
    ):
        relay = floor_by_rate.get(result.target_per_s)
        latency.rows.append(
            [
                f"{result.target_per_s:.0f}",
                f"{result.achieved_per_s:.0f}",
                f"{result.delivered}/{result.sent}",
                ms(result.p50_ns),
                ms(result.p99_ns),
                ms(result.max_ns),
                ms(relay.p50_ns) if relay else "-",
                ms(relay.p99_ns) if relay else "-",
            ]
        )
    latency.notes = [
        f"{plan.lanes} conversations, {plan.agents} agents; {plan.step_s:.1f} s per rate, "
        f"open loop; floor = the same clients through a bare websockets relay process.",
        "Steps stop at the first rate with p99 > 50 ms, achieved < 95 % of the rate, or a loss.",
    ]
    if visitor_errors:
        latency.notes.append(
            f"visitor error frames: {len(visitor_errors)}, first: {visitor_errors[0]}"
        )
    at_500 = next((r for r in gateway.fixed if r.target_per_s == 500.0), None)
    floor_500 = next((r for r in floor.fixed if r.target_per_s == 500.0), None)
    summary = Table(
        "Gateway against the issue's targets (2-core machine)",
        ["measure", "gateway", "floor (relay)", "target", "met"],
    )
    summary.rows = [
        _row("p50 at 500 msg/s", at_500, floor_500, "p50_ns", 2e6),
        _row("p99 at 500 msg/s", at_500, floor_500, "p99_ns", 10e6),
        [
            "highest sustained rate",
            _rate_text(gateway.best, gateway.steps),
            _rate_text(floor.best, floor.steps),
            ">= 3000 msg/s",
            _met(gateway.best is not None and gateway.best >= 3000),
        ],
        [
            f"memory per idle visitor socket ({memory.connections} open)",
            f"{memory.per_connection / 1024:.1f} KB",
            f"{relay_memory.per_connection / 1024:.1f} KB",
            "<= 40 KB",
            _met(memory.connections > 0 and memory.per_connection <= 40 * 1024),
        ],
    ]
    summary.notes = [
        f"memory: RSS {memory.rss_before / 2**20:.0f} -> {memory.rss_after / 2**20:.0f} MiB on a "
        f"fresh replica; sockets did upgrade + hello + welcome, no conversation; "
        f"failures {memory.failures}; extension: {memory.extension}.",
        f"relay memory: upgrade only; RSS {relay_memory.rss_before / 2**20:.0f} -> "
        f"{relay_memory.rss_after / 2**20:.0f} MiB.",
        f"section time {time.perf_counter() - started:.0f} s ({'quick' if env.quick else 'full'}).",
    ]
    if memory.first_error:
        summary.notes.append(f"first socket error: {memory.first_error}")
    return latency.render() + "\n\n" + summary.render()


def _rate(result: RateResult) -> float:
    return result.target_per_s


def _row(
    name: str, result: RateResult | None, floor: RateResult | None, field: str, target_ns: float
) -> list[str]:
    value: float = getattr(result, field) if result else math.nan
    floor_value: float = getattr(floor, field) if floor else math.nan
    met = not math.isnan(value) and value <= target_ns
    return [
        name,
        f"{ms(value)} ms",
        f"{ms(floor_value)} ms",
        f"<= {target_ns / 1e6:.0f} ms",
        _met(met),
    ]


def _met(value: bool) -> str:
    return "yes" if value else "no"


def _rate_text(best: float | None, steps: list[RateResult]) -> str:
    tried = max((r.target_per_s for r in steps), default=0.0)
    if best is None:
        return f"< {FIXED_RATES[0]:.0f} msg/s"
    suffix = "+" if best >= tried and best == STEP_RATES[-1] else ""
    return f"{best:.0f}{suffix} msg/s"
