"""Free loopback ports and waiting for something to come up."""

from __future__ import annotations

import random
import socket
import time
from collections.abc import Callable

LOOPBACK = "127.0.0.1"


def port_is_free(port: int) -> bool:
    """True when a server could listen on `127.0.0.1:port` now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        # As the servers themselves do: connections lingering in TIME_WAIT do not make a port busy.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((LOOPBACK, port))
        except OSError:
            return False
    return True


def free_port(preferred: int | None = None, *, low: int = 20000, high: int = 30000) -> int:
    """`preferred` when it is free, else a free port drawn from [low, high).

    The range sits below the kernel's ephemeral range so a port picked here is not handed to some
    outgoing connection before our server binds it, and low enough that RabbitMQ's CLI
    distribution ports (node distribution port + 10000) stay valid.
    """
    if preferred is not None and port_is_free(preferred):
        return preferred
    candidates = list(range(low, high))
    random.shuffle(candidates)
    for port in candidates:
        if port_is_free(port):
            return port
    raise RuntimeError(f"no free port on {LOOPBACK} in [{low}, {high})")


def wait_until(
    ready: Callable[[], bool],
    *,
    timeout: float,
    what: str,
    alive: Callable[[], bool] = lambda: True,
    interval: float = 0.25,
) -> None:
    """Poll `ready` until it returns True; fail early when `alive` says the process died."""
    deadline = time.monotonic() + timeout
    while True:
        if ready():
            return
        if not alive():
            raise RuntimeError(f"{what}: the process exited before it was ready")
        if time.monotonic() >= deadline:
            raise TimeoutError(f"{what}: not ready after {timeout:.0f} s")
        time.sleep(interval)
