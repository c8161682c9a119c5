"""FerretDB v1 with its SQLite backend: the first-choice local MongoDB-protocol server."""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
from pathlib import Path

from parley_devservers import paths
from parley_devservers.mongo_local import LocalMongoServer
from parley_devservers.ports import LOOPBACK

log = logging.getLogger("parley_devservers")

#: Set to the path of a FerretDB binary to use it instead of `.tools/bin/ferretdb`.
BINARY_VARIABLE = "FERRETDB_BIN"


def ferretdb_version(binary: Path) -> str | None:
    """The version a FerretDB binary reports (`v1.24.0`), or None when it does not run."""
    try:
        result = subprocess.run(
            [str(binary), "--version"], capture_output=True, text=True, timeout=20, check=False
        )
    except OSError:
        return None
    if result.returncode != 0:
        return None
    for line in result.stdout.splitlines():
        if line.startswith("version:"):
            return line.split(":", 1)[1].strip()
    return None


def find_ferretdb() -> Path | None:
    """A working FerretDB binary: $FERRETDB_BIN, `.tools/bin/ferretdb`, or `ferretdb` on PATH."""
    on_path = shutil.which("ferretdb")
    candidates = [
        os.environ.get(BINARY_VARIABLE),
        paths.local_ferretdb_binary(),
        on_path,
    ]
    for candidate in candidates:
        if candidate and Path(candidate).is_file() and ferretdb_version(Path(candidate)):
            return Path(candidate)
    return None


def build_ferretdb() -> Path:
    """Build FerretDB with `tools/build-ferretdb.sh` (about 80 s) and return the binary."""
    script = paths.ferretdb_build_script()
    binary = paths.local_ferretdb_binary()
    if script is None or binary is None:
        raise RuntimeError("no Parley checkout found, so FerretDB cannot be built here")
    log.warning("FerretDB binary missing: building it with %s (takes a minute or two)", script)
    # Output goes to our stderr: a long silent build looks like a hang.
    result = subprocess.run(["bash", str(script)], stdin=subprocess.DEVNULL, check=False)
    if result.returncode != 0 or not ferretdb_version(binary):
        raise RuntimeError(f"{script} failed (exit {result.returncode})")
    return binary


def ferretdb_server(binary: Path, data_dir: Path, port: int) -> LocalMongoServer:
    """A FerretDB process (not yet started) keeping its SQLite files in `data_dir`."""
    argv = [
        str(binary),
        "--handler=sqlite",
        # SQLite in WAL mode fsyncs the log at every commit unless told otherwise; NORMAL syncs
        # at checkpoints, as MongoDB acknowledges a plain write before its journal's next
        # group commit. The files stay consistent after a crash; the last commits may be
        # lost on power failure. Measured: about twice the inserts per second with 16 writers.
        f"--sqlite-url=file:{data_dir}/?_pragma=synchronous(NORMAL)",
        f"--listen-addr={LOOPBACK}:{port}",
        "--debug-addr=-",  # no metrics/pprof listener: nothing we need, one port fewer
        "--telemetry=disable",
        f"--state-dir={data_dir}",
        "--log-level=warn",
    ]
    version = ferretdb_version(binary) or "(unknown version)"
    return LocalMongoServer(f"FerretDB {version} (SQLite)", argv, port, data_dir)
