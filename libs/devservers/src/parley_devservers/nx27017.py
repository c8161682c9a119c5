"""nx-27017 (a MongoDB-wire server in Python over SQLite): the fallback when FerretDB is missing."""

from __future__ import annotations

import importlib.metadata
import importlib.util
import os
import sys
from pathlib import Path

from parley_devservers.mongo_local import LocalMongoServer
from parley_devservers.ports import LOOPBACK


def nx27017_available() -> bool:
    """True when the nx-27017 package is installed in this environment."""
    return importlib.util.find_spec("nx_27017") is not None


def nx27017_server(data_dir: Path, port: int) -> LocalMongoServer:
    """An nx-27017 process (not yet started) with one SQLite file per database in `data_dir`."""
    argv = [
        sys.executable,
        "-m",
        "nx_27017.nx_27017",
        f"--data-dir={data_dir}",
        f"--host={LOOPBACK}",
        f"--port={port}",
        f"--pid-file={data_dir / 'nx-27017.pid'}",
        # It logs every command at INFO, to stdout and this file; stdout already lands in
        # server.log, so the second copy goes nowhere.
        f"--log-file={os.devnull}",
    ]
    # A pid file left by a killed run would make nx-27017 refuse to start; none of ours runs.
    (data_dir / "nx-27017.pid").unlink(missing_ok=True)
    version = importlib.metadata.version("nx-27017")
    return LocalMongoServer(f"nx-27017 {version} (SQLite)", argv, port, data_dir)
