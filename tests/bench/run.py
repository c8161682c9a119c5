"""Parley's benchmarks, one section per module: ``make bench`` runs this file.

    uv run python tests/bench/run.py [--only NAME ...] [--quick] [--loop uvloop|asyncio]

The servers are found or started by ``parley_devservers`` exactly as the tests do it:
``RABBITMQ_URL`` / ``MONGODB_URL`` when set, else a container, else a local server started for this
run and stopped at exit. Every section runs against the same broker and database, in one process.
Results are printed as tables on standard output, progress on standard error. Benchmarks report
facts; they never fail on a number.

Adding a section: write ``tests/bench/<name>.py`` with ``DESCRIPTION: str`` and
``async def run(env: BenchEnv) -> str`` (the rendered tables), and add it to ``SECTIONS``.
A section keeps to its own time budget (``env.quick`` asks for a short run) and removes the
queues, exchanges and databases it created.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import os
import platform
import shutil
import sys
import tempfile
import time
import traceback
import uuid
from collections.abc import Awaitable, Callable, Sequence
from contextlib import ExitStack
from pathlib import Path
from types import ModuleType
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # run as a script: make `tests.bench.*` importable
    sys.path.insert(0, str(ROOT))

from parley_devservers import Server, redact, resolve_mongodb, resolve_rabbitmq  # noqa: E402
from tests.bench.common import BenchEnv  # noqa: E402

SECTIONS: dict[str, str] = {
    "messaging": "tests.bench.messaging",
    "gateway": "tests.bench.gateway",
    "chatbot": "tests.bench.chatbot",
    "routing": "tests.bench.routing",
    "web": "tests.bench.web",
}
"""Section name -> module; run in this order. Modules are imported only when selected."""

SECTION_TIMEOUT_S = {False: 300.0, True: 90.0}
"""A hard stop per section (normal, quick), in case a server stops answering mid-run."""

LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}


def main(argv: Sequence[str] | None = None) -> int:
    args = _parse_args(argv)
    names = args.only or list(SECTIONS)
    modules = {name: importlib.import_module(SECTIONS[name]) for name in names}
    with ExitStack() as stack:
        data_dir = Path(tempfile.mkdtemp(prefix="parley-bench-"))
        stack.callback(shutil.rmtree, data_dir, ignore_errors=True)
        rabbitmq = _started(stack, resolve_rabbitmq, data_dir / "rabbitmq")
        mongodb = _started(stack, resolve_mongodb, data_dir / "mongodb")
        for server in (rabbitmq, mongodb):
            if not (_loopback_only(server.url) or args.allow_non_loopback):
                print(
                    f"refusing to benchmark against {server.describe()}: not on 127.0.0.1 "
                    "(pass --allow-non-loopback to do it anyway)",
                    file=sys.stderr,
                )
                return 2
        loop_name, loop_factory = _loop(args.loop)
        env = BenchEnv(
            rabbitmq_url=rabbitmq.url,
            mongodb_url=mongodb.url,
            quick=args.quick,
            run_id=uuid.uuid4().hex[:8],
            loop_name=loop_name,
        )
        print(_header(env, rabbitmq, mongodb), flush=True)
        failed = False
        with asyncio.Runner(loop_factory=loop_factory) as runner:
            for name, module in modules.items():
                failed |= not _run_section(runner, name, module, env)
    return 1 if failed else 0


def _parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--only",
        action="append",
        choices=list(SECTIONS),
        metavar="NAME",
        help=f"run only this section (repeatable); one of: {', '.join(SECTIONS)}",
    )
    parser.add_argument("--quick", action="store_true", help="a short run (under 30 s)")
    parser.add_argument(
        "--loop",
        choices=("uvloop", "asyncio"),
        default="uvloop",
        help="event loop; uvloop (the default) is what the services get from uvicorn",
    )
    parser.add_argument(
        "--allow-non-loopback", action="store_true", help="allow servers not on 127.0.0.1"
    )
    return parser.parse_args(argv)


def _started(stack: ExitStack, resolve: Callable[[Path, str], Server], data_dir: Path) -> Server:
    server = resolve(data_dir, "bench")
    stack.callback(server.stop)  # a no-op for servers given in the environment
    return server


def _loopback_only(url: str) -> bool:
    netloc = urlsplit(url).netloc.rsplit("@", 1)[-1]
    hosts = [urlsplit(f"//{host}").hostname for host in netloc.split(",")]
    return all(host in LOOPBACK_HOSTS for host in hosts)


def _loop(name: str) -> tuple[str, Callable[[], asyncio.AbstractEventLoop] | None]:
    if name == "uvloop":
        try:
            import uvloop
        except ImportError:
            return "asyncio (uvloop is not installed)", None
        return f"uvloop {uvloop.__version__}", uvloop.new_event_loop
    return "asyncio", None


def _header(env: BenchEnv, rabbitmq: Server, mongodb: Server) -> str:
    mode = "quick" if env.quick else "full"
    return "\n".join(
        [
            f"Parley benchmarks ({mode} run {env.run_id}, {time.strftime('%Y-%m-%d %H:%M:%S')})",
            f"  broker:   {redact(rabbitmq.url)} ({rabbitmq.implementation})",
            f"  database: {redact(mongodb.url)} ({mongodb.implementation})",
            f"  python {platform.python_version()}, {env.loop_name}, "
            f"{platform.machine()} x{_cpus()} CPUs",
            "",
        ]
    )


def _cpus() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 0


def _run_section(runner: asyncio.Runner, name: str, module: ModuleType, env: BenchEnv) -> bool:
    print(f"[{name}] {module.DESCRIPTION}", file=sys.stderr, flush=True)
    started = time.perf_counter()
    run: Callable[[BenchEnv], Awaitable[str]] = module.run
    try:
        text = runner.run(asyncio.wait_for(run(env), SECTION_TIMEOUT_S[env.quick]))
    except Exception as exc:
        traceback.print_exc()
        print(f"[{name}] FAILED after {time.perf_counter() - started:.1f} s: {exc!r}\n", flush=True)
        return False
    print(text, flush=True)
    print(f"\n[{name}] took {time.perf_counter() - started:.1f} s\n", flush=True)
    return True


if __name__ == "__main__":
    sys.exit(main())
