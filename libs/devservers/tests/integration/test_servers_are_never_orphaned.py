"""A server process dies with the Python process that started it, however that one ends."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

_PARENT = """
import sys, time
from pathlib import Path
from parley_devservers.processes import ManagedProcess
child = ManagedProcess("sleeper", ["sleep", "300"], env={}, log_path=Path(sys.argv[1]))
child.start()
print(child.pid, flush=True)
try:
    time.sleep(300)
except KeyboardInterrupt:  # Ctrl-C: exit normally, so atexit stops the child
    sys.exit(130)
"""


def _start_parent(tmp_path: Path) -> tuple[subprocess.Popen[str], int]:
    parent = subprocess.Popen(
        [sys.executable, "-c", _PARENT, str(tmp_path / "sleeper.log")],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert parent.stdout is not None
    return parent, int(parent.stdout.readline())


def _gone(pid: int, within: float = 10.0) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.1)
    return False


@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGINT, signal.SIGKILL])
def test_child_server_dies_with_its_parent(tmp_path: Path, how: signal.Signals) -> None:
    parent, child_pid = _start_parent(tmp_path)

    parent.send_signal(how)
    parent.wait(10)

    assert _gone(child_pid)
