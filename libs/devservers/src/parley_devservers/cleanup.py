"""Stop what this library started when the Python process ends, however it ends.

`atexit` covers a normal exit, an uncaught exception and Ctrl-C (KeyboardInterrupt). SIGTERM and
SIGHUP kill Python without running `atexit`, so where nobody else handles those signals we install
a handler that cleans up and then dies of the same signal. SIGKILL cannot be caught: the child
processes themselves carry a parent-death signal for that case (see `processes.py`).
"""

from __future__ import annotations

import atexit
import itertools
import logging
import os
import signal
import threading
from collections.abc import Callable
from types import FrameType

log = logging.getLogger("parley_devservers")

_callbacks: dict[int, tuple[str, Callable[[], None]]] = {}
_tokens = itertools.count()
_lock = threading.Lock()
_handled_signals = (signal.SIGTERM, signal.SIGHUP)


def on_exit(what: str, callback: Callable[[], None]) -> int:
    """Run `callback` when the process ends; returns a token for `cancel`."""
    _install_signal_handlers()
    with _lock:
        token = next(_tokens)
        _callbacks[token] = (what, callback)
    return token


def cancel(token: int) -> None:
    """Forget a callback registered with `on_exit` (it was run or is no longer needed)."""
    with _lock:
        _callbacks.pop(token, None)


def run_all() -> None:
    """Run every registered callback, newest first, each at most once."""
    while True:
        with _lock:
            if not _callbacks:
                return
            token = max(_callbacks)
            what, callback = _callbacks.pop(token)
        try:
            callback()
        except Exception:
            log.exception("cleanup of %s failed", what)


def _on_signal(signum: int, _frame: FrameType | None) -> None:
    run_all()
    signal.signal(signum, signal.SIG_DFL)
    os.kill(os.getpid(), signum)


def _install_signal_handlers() -> None:
    # Signal handlers can only be set from the main thread, and a program that set its own
    # (tools/run.py, a test runner) keeps them: it is then responsible for calling stop().
    if threading.current_thread() is not threading.main_thread():
        return
    for signum in _handled_signals:
        if signal.getsignal(signum) is signal.SIG_DFL:
            signal.signal(signum, _on_signal)


atexit.register(run_all)
