"""``python -m parley_routing``: run the routing service until SIGTERM."""

import gc

from parley_platform.runtime import run_service

from .bootstrap import create_app
from .settings import RoutingSettings


def main() -> None:
    # Routing keeps its whole working state in memory and allocates a few hundred objects per
    # decision: with Python's default thresholds the collector ran every few decisions and spent
    # about a sixth of the process's time (and pauses of ~90 ms) walking that state. The state
    # loaded at start is frozen out of collection (bootstrap); these thresholds make young and
    # full collections rarer.
    gc.set_threshold(50_000, 20, 100)
    settings = RoutingSettings()
    run_service(create_app(settings), settings)


if __name__ == "__main__":
    main()
