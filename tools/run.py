"""`make run`: the broker, the database and the six Parley services on this machine.

Resolves RabbitMQ and the MongoDB-protocol server (persistent data under `.data/`), starts
`python -m parley_<name>` for each service with RABBITMQ_URL and MONGODB_URL set, waits for every
`/readyz`, prints what runs where, and streams the services' logs. Ctrl-C or SIGTERM stops the
services first, then the servers it started. If a service dies, everything stops and the exit
code is 1.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import FrameType

# `python tools/run.py` puts tools/ first on sys.path, which is how this import resolves.
from service_processes import ServiceProcess, say, stop_all

from parley_devservers import Server, redact, resolve_mongodb, resolve_rabbitmq
from parley_devservers.ports import port_is_free

ROOT = Path(__file__).resolve().parent.parent
SERVICES = ("gateway", "routing", "chatbot", "tickets", "notifications", "reports")
FIRST_HTTP_PORT = 8000
READY_TIMEOUT_S = 90.0
STOP_TIMEOUT_S = 20.0


class Stop(Exception):
    """Ctrl-C or SIGTERM: shut down in order."""


def main(argv: list[str] | None = None) -> int:
    """Run everything until interrupted; returns the process exit code."""
    args = _parse_args(argv)
    # The dev-server library says which servers it picks, and loudly when it falls back.
    logging.basicConfig(level=logging.INFO, format="-- devservers: %(message)s")
    _raise_stop_on(signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
    servers: list[Server] = []
    services: list[ServiceProcess] = []
    try:
        wanted = [(i, n) for i, n in enumerate(SERVICES) if not args.only or n in args.only]
        _check_http_ports_free([FIRST_HTTP_PORT + i for i, _ in wanted])
        say("Starting the broker and the database (first start can take a minute or two)...")
        data = args.data_dir.resolve()
        servers.append(resolve_rabbitmq(data / "rabbitmq", "run", port=args.amqp_port))
        servers.append(resolve_mongodb(data / "mongodb", "run", port=args.mongodb_port))
        env = {**os.environ, "RABBITMQ_URL": servers[0].url, "MONGODB_URL": servers[1].url}
        for index, name in wanted:
            services.append(ServiceProcess(name, FIRST_HTTP_PORT + index, env, index))
        for service in services:
            service.start()
        _wait_until_ready(services)
        _print_table(servers, services)
        failed = _watch(services)
        code = failed.exit_code()
        say(f"!! {failed.name} exited with code {code}: stopping everything", sys.stderr)
        return 1
    except Stop:
        say("Stopping...")
        return 0
    except (RuntimeError, TimeoutError, OSError) as exc:
        say(f"!! {exc}", sys.stderr)
        return 1
    finally:
        # A second Ctrl-C must not cut the orderly shutdown short; it is bounded by timeouts.
        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, signal.SIG_IGN)
        stop_all(services, STOP_TIMEOUT_S)
        for server in reversed(servers):
            server.stop()
        say("Stopped.")


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", type=Path, default=ROOT / ".data", help="persistent data")
    parser.add_argument("--amqp-port", type=int, default=5672, help="preferred AMQP port")
    parser.add_argument("--mongodb-port", type=int, default=27017, help="preferred MongoDB port")
    parser.add_argument(
        "--only", nargs="+", choices=SERVICES, metavar="SERVICE", help="run only these services"
    )
    return parser.parse_args(argv)


def _raise_stop_on(*signals: signal.Signals) -> None:
    def handler(_signum: int, _frame: FrameType | None) -> None:
        # Once only: Ctrl-C reaches `make` and `uv run` too, and they may pass it on again.
        for signum in signals:
            signal.signal(signum, signal.SIG_IGN)
        raise Stop

    for signum in signals:
        signal.signal(signum, handler)


def _check_http_ports_free(ports: list[int]) -> None:
    taken = [port for port in ports if not port_is_free(port)]
    if taken:
        raise RuntimeError(f"HTTP port(s) {taken} already in use (is `make run` running already?)")


def _wait_until_ready(services: list[ServiceProcess]) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_S
    pending = list(services)
    while pending:
        for service in list(pending):
            if service.exit_code() is not None:
                raise RuntimeError(f"{service.name} exited with code {service.exit_code()}")
            if service.is_ready():
                say(f"-- {service.name} is ready at {service.url}")
                pending.remove(service)
        if pending and time.monotonic() > deadline:
            names = ", ".join(s.name for s in pending)
            raise TimeoutError(f"not ready after {READY_TIMEOUT_S:.0f} s: {names}")
        time.sleep(0.3)


def _print_table(servers: list[Server], services: list[ServiceProcess]) -> None:
    def url(server: Server) -> str:
        # Local and container servers use well-known development credentials; hide the rest.
        return redact(server.url) if server.kind == "env" else server.url

    roles = {"rabbitmq": "broker", "mongodb": "database"}
    rows = [(roles[s.name], url(s), f"{s.implementation} ({s.kind})") for s in servers]
    rows += [(s.name, s.url, f"pid {s.pid}") for s in services]
    if any(s.name == "gateway" for s in services):
        base = f"http://127.0.0.1:{FIRST_HTTP_PORT}"
        pages = [
            ("console", f"{base}/console/", "agent and admin web console"),
            ("demo", f"{base}/demo/", "demo page with the visitor widget"),
            ("api", f"{base}/schema", "HTTP API (OpenAPI)"),
        ]
        # Only what the gateway serves in this version of Parley, not a promise.
        rows += [page for page in pages if _answers(page[1])]
    width = max(len(r[1]) for r in rows)
    lines = [f"  {name:<15}{link:<{width}}  {what}" for name, link, what in rows]
    say("\n".join(["", "Parley is running:", *lines, "Ctrl-C stops everything.", ""]))


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def _watch(services: list[ServiceProcess]) -> ServiceProcess:
    """Block until a service exits; return it."""
    while True:
        for service in services:
            if service.exit_code() is not None:
                return service
        time.sleep(0.5)


if __name__ == "__main__":
    sys.exit(main())
