"""A MongoDB-protocol server process started by this library (FerretDB or nx-27017)."""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from pathlib import Path

from parley_devservers.ports import LOOPBACK, wait_until
from parley_devservers.processes import ManagedProcess
from parley_devservers.server import Server

log = logging.getLogger("parley_devservers")

_START_TIMEOUT = 60.0


def mongo_answers(url: str) -> bool:
    """True when the server at `url` answers a `ping` command."""
    from pymongo import MongoClient
    from pymongo.errors import PyMongoError

    client: MongoClient[dict[str, object]] = MongoClient(
        url, serverSelectionTimeoutMS=500, connectTimeoutMS=500
    )
    try:
        client.admin.command("ping")
        return True
    except PyMongoError:
        return False
    finally:
        client.close()


class LocalMongoServer(Server):
    """A local MongoDB-wire server process with its data in its own directory.

    `stop_app()` stops the process (the data stays) and `start_app()` starts it again on the same
    port, so fault tests can take the database away and bring it back.
    """

    can_control = True

    def __init__(self, implementation: str, argv: Sequence[str], port: int, data_dir: Path) -> None:
        super().__init__("mongodb", "local", f"mongodb://{LOOPBACK}:{port}/", implementation)
        self.port = port
        self.data_dir = data_dir
        self._process = ManagedProcess(
            implementation,
            argv,
            env=dict(os.environ),
            log_path=data_dir / "server.log",
            cwd=data_dir,
            stop_timeout=15.0,
        )

    def start(self) -> LocalMongoServer:
        """Start the process and return once it answers a ping."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        log.info("starting %s", self.describe())
        self._process.start()
        try:
            wait_until(
                lambda: mongo_answers(self.url),
                timeout=_START_TIMEOUT,
                what=self.implementation,
                alive=lambda: self._process.running,
            )
        except (RuntimeError, TimeoutError) as exc:
            self._process.stop()
            tail = self._process.log_tail()
            raise RuntimeError(f"{exc}\n--- {self._process.log_path}\n{tail}") from exc
        return self

    def stop(self) -> None:
        """Stop the process; the data directory stays."""
        self._process.stop()

    def stop_app(self) -> None:
        """Stop the server process: connections drop and the port closes."""
        self._process.stop()

    def start_app(self) -> None:
        """Start the server process again on the same port and data."""
        self.start()
