"""Gateway: visitor-to-agent latency across two replicas, the highest sustained rate, memory per
idle visitor connection, and a bare ``websockets`` relay as the floor under them.

- Latency: ``lanes`` visitor conversations on replica A, each accepted by one of ``agents``
  agents connected to replica B. Visitor ``message`` frames go out on a fixed schedule (open
  loop, round-robin over the conversations); the time is from the visitor's send to the agent's
  socket receiving the ``event`` (stored with its seq on A, fanned out over RabbitMQ to B). Both
  clients run in this process: one clock. The same clients then go through the relay process.
- Highest sustained rate: after 20 (the unloaded latency), 200, 500 and 1,000 msg/s the rate
  steps up until p99 passes 50 ms, the achieved rate falls below 95 % of the target, or a
  message is not delivered within the drain time. After such a rate the server gets a few
  seconds to work off its backlog; if it cannot, the remaining rates are skipped (their numbers
  would measure the backlog).
- Memory: idle visitor sockets (upgrade + ``hello`` + ``welcome``; no conversation started: a
  visitor who has the widget open) to replica B before any other socket; (RSS after - RSS
  before) / sockets from /proc/<pid>/status, after a warm-up of 100 sockets that stay open. The
  relay gets upgrade-only sockets for comparison.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path

from websockets.asyncio.client import ClientConnection

from tests.system.gateway_client import DEFAULT_ORIGIN, ws_url

from .common import BenchEnv, ms
from .gateway_floor import start_relay
from .gateway_load import (
    Lane,
    Numbering,
    Probe,
    RateResult,
    StepOutcome,
    StepPlan,
    run_rate,
    step_up,
)
from .gateway_memory import MemoryResult, per_idle_connection
from .gateway_report import FULL, QUICK, Plan, Report
from .gateway_target import ChatLoad, Replicas

DESCRIPTION = "gateway: visitor->agent latency over 2 replicas, sustained rate, memory per socket"


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
    report = Report(plan, quick=env.quick)
    started = time.perf_counter()

    def progress(message: str) -> None:
        env.progress(f"[{time.perf_counter() - started:5.1f} s] {message}")

    progress("starting gateway replicas A and B")
    a, b = await replicas.start(2)
    # The floor first, while the replicas idle: a gateway backlog must not slow the relay down.
    progress("floor: the bare websockets relay")
    relay = await start_relay()
    try:
        await relay.connect(plan.lanes, plan.agents)
        report.floor = await _measure(
            progress, "relay", relay.lanes, relay.receivers.install, relay.receivers.quiet, plan
        )
        if plan.relay_idle:
            urls = [relay.url(f"/visitor/idle{n}") for n in range(plan.relay_idle + 100)]
            report.relay_memory = await per_idle_connection(
                relay.pid, urls, _upgrade_only, settle_s=plan.memory_settle_s
            )
    finally:
        await relay.close()

    assert b.process is not None
    # Memory on B while it holds no other socket; the idle sockets close before the load.
    progress(f"memory: {plan.idle} idle visitor sockets on replica B (pid {b.process.pid})")
    report.memory = await _gateway_memory(replicas, b.url, b.process.pid, plan, progress)

    admin = await replicas.admin(a.url)
    load = ChatLoad()
    progress(f"opening {plan.lanes} conversations (visitors on A, {plan.agents} agents on B)")
    try:
        await load.open(admin, a.url, b.url, plan.lanes, plan.agents, plan.open_budget_s)
        report.lanes = len(load.lanes)
        if load.lanes:  # else the report says none opened in time
            report.gateway = await _measure(
                progress, "gateway", load.lanes, load.receivers.install, load.receivers.quiet, plan
            )
        report.visitor_errors = load.visitor_errors
    finally:
        await load.close()
        await admin.aclose()
    progress("done")
    return report.render()


async def _gateway_memory(
    replicas: Replicas, url: str, pid: int, plan: Plan, progress: Callable[[str], None]
) -> MemoryResult:
    admin = await replicas.admin(url)
    channel_id = await admin.create_channel("Bench idle", [], (DEFAULT_ORIGIN,))
    await admin.aclose()
    urls = [ws_url(url, "/ws/visitor", channel=channel_id)] * (plan.idle + 100)
    return await per_idle_connection(pid, urls, _hello, origin=DEFAULT_ORIGIN, progress=progress)


async def _hello(socket: ClientConnection) -> None:
    await socket.send('{"type":"hello","v":1,"language":"en"}')
    while '"welcome"' not in str(await socket.recv()):
        pass


async def _upgrade_only(socket: ClientConnection) -> None:
    return None


async def _measure(
    progress: Callable[[str], None],
    name: str,
    lanes: Sequence[Lane],
    install: Callable[[Probe], None],
    quiet: Callable[[float], Awaitable[bool]],
    plan: Plan,
) -> StepOutcome:
    numbering = Numbering()
    # Warm-up, not reported: one message per conversation (caches, the broker's queues), at
    # most 50 a second so that a slow server does not start the measurement with a backlog.
    rate = min(len(lanes) / plan.warmup_s, 50.0)
    await run_rate(lanes, install, numbering, rate, len(lanes) / rate, plan.drain_s)
    await quiet(plan.settle_s)

    async def measure(rate: float) -> RateResult:
        result = await run_rate(lanes, install, numbering, rate, plan.step_s, plan.drain_s)
        progress(
            f"{name} {rate:.0f}/s: achieved {result.achieved_per_s:.0f}/s, "
            f"p50 {ms(result.p50_ns)} ms, p99 {ms(result.p99_ns)} ms, lost {result.lost}"
        )
        return result

    steps = StepPlan(fixed=plan.fixed_rates, steps=plan.step_rates, settle_s=plan.settle_s)
    return await step_up(measure, quiet, steps)
