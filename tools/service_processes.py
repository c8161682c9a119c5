"""The six Parley services as child processes of `make run`: started, streamed, probed, stopped."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from typing import TextIO

from parley_devservers.processes import die_with_parent

_COLOURS = ("36", "32", "35", "33", "34", "31")  # cyan green magenta yellow blue red
_print_lock = threading.Lock()


class ServiceProcess:
    """One `python -m parley_<name>` child whose output is echoed with a `name |` prefix."""

    def __init__(self, name: str, port: int, env: Mapping[str, str], index: int) -> None:
        self.name = name
        self.port = port
        self.url = f"http://127.0.0.1:{port}/"
        self._env = {
            **env,
            f"PARLEY_{name.upper()}_HTTP_PORT": str(port),
            "PYTHONUNBUFFERED": "1",  # log lines as they happen, not in 4 KiB bursts
        }
        colour = _COLOURS[index % len(_COLOURS)]
        label = f"{name:<14}|"
        self._prefix = f"\033[{colour}m{label}\033[0m " if sys.stdout.isatty() else f"{label} "
        self._popen: subprocess.Popen[bytes] | None = None

    @property
    def pid(self) -> int | None:
        """The process id once started."""
        return self._popen.pid if self._popen else None

    def start(self) -> None:
        """Start the service and a thread that echoes its output."""
        self._popen = subprocess.Popen(
            [sys.executable, "-m", f"parley_{self.name}"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            env=self._env,
            # Own session: Ctrl-C reaches only the launcher, which then stops services first
            # and servers last. The kernel still stops the service if the launcher is killed.
            start_new_session=True,
            preexec_fn=die_with_parent(),
        )
        threading.Thread(target=self._echo, name=f"log-{self.name}", daemon=True).start()

    def exit_code(self) -> int | None:
        """None while running, else the exit code (negative: killed by that signal)."""
        return self._popen.poll() if self._popen else None

    def is_ready(self) -> bool:
        """True when `GET /readyz` answers 200."""
        try:
            with urllib.request.urlopen(f"{self.url}readyz", timeout=2) as response:
                return bool(response.status == 200)
        except (urllib.error.URLError, OSError):
            return False

    def terminate(self) -> None:
        """Ask the service to stop (SIGTERM): it drains in-flight work and exits."""
        if self._popen and self._popen.poll() is None:
            self._popen.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        """Kill the service and anything it started."""
        if self._popen is None:
            return
        try:
            os.killpg(self._popen.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        self._popen.wait()

    def _echo(self) -> None:
        assert self._popen is not None and self._popen.stdout is not None
        for raw in self._popen.stdout:
            say(self._prefix + raw.decode(errors="replace").rstrip("\n"))


def say(line: str, stream: TextIO | None = None) -> None:
    """Print one whole line; lines from different services never interleave mid-line."""
    with _print_lock:
        print(line, file=stream or sys.stdout, flush=True)


def stop_all(services: list[ServiceProcess], timeout: float) -> None:
    """SIGTERM every service, wait up to `timeout` seconds in total, then SIGKILL the rest."""
    for service in services:
        service.terminate()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and any(s.exit_code() is None for s in services):
        time.sleep(0.1)
    for service in services:
        if service.exit_code() is None:
            say(f"!! {service.name} did not stop within {timeout:.0f} s: killing it", sys.stderr)
        service.kill()
