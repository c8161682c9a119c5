"""What every benchmark section shares: its environment, statistics and plain-text tables."""

from __future__ import annotations

import math
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class BenchEnv:
    """The servers a section runs against and how long it may take.

    Every section gets the same broker and database. Names a section creates (queues,
    exchanges, databases) should contain ``run_id`` and be removed before the section returns.
    """

    rabbitmq_url: str
    mongodb_url: str
    quick: bool
    run_id: str
    loop_name: str

    def progress(self, message: str) -> None:
        """A progress line on standard error (the results go to standard output)."""
        print(f"  .. {message}", file=sys.stderr, flush=True)


@dataclass
class Table:
    """A titled text table with notes under it."""

    title: str
    headers: Sequence[str]
    rows: list[Sequence[str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def render(self) -> str:
        widths = [len(header) for header in self.headers]
        for row in self.rows:
            widths = [max(width, len(cell)) for width, cell in zip(widths, row, strict=True)]

        def line(cells: Sequence[str]) -> str:
            # First column left-aligned (a name), the others right-aligned (numbers).
            parts = [
                cell.ljust(width) if index == 0 else cell.rjust(width)
                for index, (cell, width) in enumerate(zip(cells, widths, strict=True))
            ]
            return "  ".join(parts).rstrip()

        rule = "  ".join("-" * width for width in widths)
        out = [self.title, "=" * len(self.title), line(self.headers), rule]
        out.extend(line(row) for row in self.rows)
        if self.notes:
            out.append("")
            out.extend(self.notes)
        return "\n".join(out)


def percentile(sorted_values: Sequence[float], q: float) -> float:
    """The ``q``-th percentile (0-100) of already sorted values, linearly interpolated."""
    if not sorted_values:
        return math.nan
    position = (len(sorted_values) - 1) * q / 100.0
    low = math.floor(position)
    high = min(low + 1, len(sorted_values) - 1)
    fraction = position - low
    return sorted_values[low] * (1 - fraction) + sorted_values[high] * fraction


def ms(value_ns: float) -> str:
    """Nanoseconds as milliseconds, for a table cell."""
    if math.isnan(value_ns):
        return "-"
    value = value_ns / 1e6
    return f"{value:.2f}" if value < 100 else f"{value:.0f}"
