"""The gateway section's plan (full and quick) and its tables, targets beside the figures."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from .common import Table, ms
from .gateway_load import RateResult, StepOutcome
from .gateway_memory import MemoryResult


@dataclass(frozen=True)
class Plan:
    lanes: int
    """Visitor conversations the messages are spread over."""
    agents: int
    """Agent sockets (each has lanes / agents conversations)."""
    fixed_rates: Sequence[float]
    step_rates: Sequence[float]
    step_s: float
    """Seconds of traffic per rate."""
    warmup_s: float
    drain_s: float
    """How long the last messages of a rate may take before they count as lost."""
    settle_s: float
    """After a rate that was not sustained: time for the server to work off its backlog."""
    idle: int
    """Idle visitor sockets on one gateway process."""
    relay_idle: int
    """Idle sockets on the relay (its figure is for comparison only; 0: not measured)."""
    memory_settle_s: float
    """Pause before each RSS reading."""
    open_budget_s: float
    """Time for opening the gateway conversations; a slow gateway gets fewer than ``lanes``."""


FIXED = (20.0, 200.0, 500.0, 1000.0)
"""The issue's rates, after a low one that shows the unloaded latency (and a floor for the
highest sustained rate when 200 msg/s is already too much)."""
FULL = Plan(
    lanes=200,
    agents=20,
    fixed_rates=FIXED,
    step_rates=(1500.0, 2000.0, 3000.0, 4000.0, 5000.0, 6000.0),
    step_s=2.5,
    warmup_s=1.0,
    drain_s=3.0,
    settle_s=5.0,
    idle=10_000,
    relay_idle=1_000,
    memory_settle_s=1.5,
    open_budget_s=20.0,
)
QUICK = Plan(
    lanes=20,
    agents=4,
    fixed_rates=FIXED,
    step_rates=(2000.0, 3000.0),
    step_s=1.0,
    warmup_s=0.5,
    drain_s=1.0,
    settle_s=2.0,
    idle=500,
    relay_idle=0,
    memory_settle_s=0.5,
    open_budget_s=8.0,
)


@dataclass
class Report:
    plan: Plan
    quick: bool
    gateway: StepOutcome = field(default_factory=StepOutcome)
    floor: StepOutcome = field(default_factory=StepOutcome)
    memory: MemoryResult | None = None
    relay_memory: MemoryResult | None = None
    visitor_errors: list[str] = field(default_factory=list)
    lanes: int = 0
    """Gateway conversations actually opened (the relay always gets ``plan.lanes``)."""

    def render(self) -> str:
        return self.latency_table().render() + "\n\n" + self.summary_table().render()

    def latency_table(self) -> Table:
        table = Table(
            "Visitor -> agent delivery latency (visitor on replica A, agent on replica B)",
            ["rate/s", "achieved/s", "delivered", "p50 ms", "p99 ms", "max ms", "floor p50",
             "floor p99"],
        )  # fmt: skip
        floor = {result.target_per_s: result for result in self.floor.results}
        for result in self.gateway.results:
            relay = floor.get(result.target_per_s)
            table.rows.append(
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
        for rate in self.gateway.skipped:
            relay = floor.get(rate)
            table.rows.append(
                [f"{rate:.0f}", "skipped", "-", "-", "-", "-",
                 ms(relay.p50_ns) if relay else "-", ms(relay.p99_ns) if relay else "-"]
            )  # fmt: skip
        plan = self.plan
        opened = "" if self.lanes == plan.lanes else f" (gateway: {self.lanes} opened in time)"
        table.notes = [
            f"{plan.lanes} conversations{opened}, {plan.agents} agents, {plan.step_s:.1f} s per "
            "rate, open loop; floor: the same clients through a bare websockets relay process.",
            "Delivered: within the rate's time plus a drain of "
            f"{plan.drain_s:.1f} s. Skipped: the backlog of a lower rate had not cleared.",
        ]
        if self.visitor_errors:
            table.notes.append(
                f"error frames to visitors: {len(self.visitor_errors)}; "
                f"first: {self.visitor_errors[0]}"
            )
        return table

    def summary_table(self) -> Table:
        table = Table(
            "Gateway against the issue's targets (this machine)",
            ["measure", "gateway", "floor (relay)", "target", "met"],
        )
        at_500 = _at(self.gateway.results, 500.0)
        floor_500 = _at(self.floor.results, 500.0)
        memory, relay_memory = self.memory, self.relay_memory
        table.rows = [
            _latency_row("p50 at 500 msg/s", at_500, floor_500, "p50_ns", 2e6),
            _latency_row("p99 at 500 msg/s", at_500, floor_500, "p99_ns", 10e6),
            [
                "highest sustained rate",
                _sustained(self.gateway),
                _sustained(self.floor),
                ">= 3000 msg/s",
                _met(self.gateway.best is not None and self.gateway.best >= 3000),
            ],
            [
                f"memory per idle visitor socket ({memory.connections if memory else 0} open)",
                _kb(memory),
                _kb(relay_memory),
                "<= 40 KB",
                _met(memory is not None and memory.connections > 0
                     and memory.per_connection <= 40 * 1024),
            ],
        ]  # fmt: skip
        if memory is not None:
            table.notes.append(
                f"gateway memory: RSS {memory.rss_before / 2**20:.0f} -> "
                f"{memory.rss_after / 2**20:.0f} MiB on replica B before the load; sockets did "
                f"upgrade + hello + welcome (no conversation); failed {memory.failures}; "
                f"permessage-deflate offered, answer: {memory.extension}."
            )
            if memory.first_error:
                table.notes.append(f"first socket error: {memory.first_error}")
        if relay_memory is not None and relay_memory.connections:
            table.notes.append(
                f"relay memory: {relay_memory.connections} upgrade-only sockets, RSS "
                f"{relay_memory.rss_before / 2**20:.0f} -> "
                f"{relay_memory.rss_after / 2**20:.0f} MiB."
            )
        return table


def _at(results: Sequence[RateResult], rate: float) -> RateResult | None:
    return next((result for result in results if result.target_per_s == rate), None)


def _latency_row(
    name: str, result: RateResult | None, floor: RateResult | None, field: str, target_ns: float
) -> list[str]:
    value: float = getattr(result, field) if result else math.nan
    floor_value: float = getattr(floor, field) if floor else math.nan
    met = not math.isnan(value) and value <= target_ns and result is not None and result.lost == 0
    return [name, f"{ms(value)} ms", f"{ms(floor_value)} ms", f"<= {target_ns / 1e6:.0f} ms",
            _met(met)]  # fmt: skip


def _sustained(outcome: StepOutcome) -> str:
    tried = sorted(result.target_per_s for result in outcome.results)
    if outcome.best is None:
        return f"< {tried[0]:.0f} msg/s" if tried else "-"
    failed = [rate for rate in tried if rate > outcome.best]
    above = f" (< {failed[0]:.0f})" if failed else "+"
    return f"{outcome.best:.0f}{above} msg/s"


def _kb(memory: MemoryResult | None) -> str:
    return f"{memory.per_connection / 1024:.1f} KB" if memory and memory.connections else "-"


def _met(value: bool) -> str:
    return "yes" if value else "no"
