"""Server processes started by this library: logged to a file, stopped cleanly, never orphaned."""

from __future__ import annotations

import ctypes
import functools
import os
import signal
import subprocess
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from parley_devservers import cleanup

_PR_SET_PDEATHSIG = 1
# Loaded here, not in the child: dlopen between fork and exec can deadlock in a threaded parent.
_LIBC = ctypes.CDLL(None, use_errno=True) if sys.platform.startswith("linux") else None


def die_with_parent() -> Callable[[], None]:
    """A `preexec_fn` for subprocess.Popen: the child gets SIGTERM when this process dies.

    This is what keeps a child from outliving a parent killed with SIGKILL. The kernel tracks
    the parent *thread*, so start children from a long-lived thread (normally the main one).
    """
    return functools.partial(_die_with_parent, os.getpid())


def _die_with_parent(parent_pid: int) -> None:
    # Runs in the child between fork and exec.
    if _LIBC is not None:
        _LIBC.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    if os.getppid() != parent_pid:  # the parent died before prctl took effect
        os._exit(1)


class ManagedProcess:
    """A server process in its own session, with its output in a log file.

    It is stopped with SIGTERM (then SIGKILL to its whole process group after `stop_timeout`)
    by `stop()`, at interpreter exit, or by the kernel when this process dies.
    """

    def __init__(
        self,
        name: str,
        argv: Sequence[str],
        *,
        env: Mapping[str, str],
        log_path: Path,
        cwd: Path | None = None,
        stop_timeout: float = 30.0,
    ) -> None:
        self.name = name
        self.argv = list(argv)
        self.env = dict(env)
        self.log_path = log_path
        self.cwd = cwd
        self.stop_timeout = stop_timeout
        self._popen: subprocess.Popen[bytes] | None = None
        self._cleanup_token: int | None = None

    @property
    def pid(self) -> int | None:
        """The process id while started, else None."""
        return self._popen.pid if self._popen else None

    def start(self) -> None:
        """Start the process; its stdout and stderr are appended to `log_path`."""
        if self.running:
            return
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("ab") as log_file:
            self._popen = subprocess.Popen(
                self.argv,
                stdin=subprocess.DEVNULL,
                stdout=log_file,
                stderr=subprocess.STDOUT,
                env=self.env,
                cwd=self.cwd,
                # Own session: a Ctrl-C in the terminal reaches the parent only, which then stops
                # the servers in order (services first), and the group can be killed as a whole.
                start_new_session=True,
                preexec_fn=die_with_parent(),
            )
        self._cleanup_token = cleanup.on_exit(self.name, self.stop)

    @property
    def running(self) -> bool:
        """True while the process has not exited."""
        return self._popen is not None and self._popen.poll() is None

    def stop(self) -> None:
        """Stop the process and everything in its process group."""
        popen = self._popen
        if popen is None:
            return
        if popen.poll() is None:
            popen.send_signal(signal.SIGTERM)
            try:
                popen.wait(self.stop_timeout)
            except subprocess.TimeoutExpired:
                pass
        # The group id is the leader's pid (own session); helpers such as Erlang's port
        # programs may still be in it after the leader is gone.
        try:
            os.killpg(popen.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        popen.wait()
        if self._cleanup_token is not None:
            cleanup.cancel(self._cleanup_token)
            self._cleanup_token = None

    def log_tail(self, lines: int = 30) -> str:
        """The last lines of the process's log, for error messages."""
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:])
