"""Find or start the servers: environment URL, then a container, then a local process."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from parley_devservers.containers import start_mongodb_container, start_rabbitmq_container
from parley_devservers.docker_engine import docker_engine_answers
from parley_devservers.ferretdb import build_ferretdb, ferretdb_server, find_ferretdb
from parley_devservers.nx27017 import nx27017_available, nx27017_server
from parley_devservers.ports import free_port
from parley_devservers.rabbitmq_node import LocalRabbitMQNode
from parley_devservers.server import EnvServer, Server

log = logging.getLogger("parley_devservers")

RABBITMQ_URL_VARIABLE = "RABBITMQ_URL"
MONGODB_URL_VARIABLE = "MONGODB_URL"
#: "ferretdb" or "nx-27017" forces that local server; unset, FerretDB is tried first.
MONGODB_LOCAL_VARIABLE = "PARLEY_MONGODB_LOCAL"


def resolve_rabbitmq(data_dir: Path, purpose: str = "dev", *, port: int | None = None) -> Server:
    """A RabbitMQ broker for `purpose` ("test", "run", ...).

    In order: `$RABBITMQ_URL`; a RabbitMQ 3.13 container when a Docker engine answers; a
    dedicated local node (installed with apt-get when missing and running as root) with its data
    under `data_dir`, on `port` when that is free, else on a free port. The caller owns the
    server and should `stop()` it; servers this library started are also stopped at exit.
    """
    url = os.environ.get(RABBITMQ_URL_VARIABLE)
    if url:
        return _chosen(EnvServer("rabbitmq", url, RABBITMQ_URL_VARIABLE), purpose)
    if docker_engine_answers():
        try:
            return _chosen(start_rabbitmq_container(), purpose)
        except Exception as exc:
            log.warning("RabbitMQ container did not start (%s): starting a local node", exc)
    return _chosen(LocalRabbitMQNode(Path(data_dir), purpose, port).start(), purpose)


def resolve_mongodb(data_dir: Path, purpose: str = "dev", *, port: int | None = None) -> Server:
    """A MongoDB-protocol server for `purpose` ("test", "run", ...).

    In order: `$MONGODB_URL`; a mongo:7 container when a Docker engine answers; a local FerretDB
    (built into `.tools/bin` when missing) with its SQLite files under `data_dir/ferretdb`; and
    when FerretDB cannot be had, nx-27017 with its files under `data_dir/nx-27017`.
    `$PARLEY_MONGODB_LOCAL` ("ferretdb" or "nx-27017") forces one of the local servers.
    """
    url = os.environ.get(MONGODB_URL_VARIABLE)
    if url:
        return _chosen(EnvServer("mongodb", url, MONGODB_URL_VARIABLE), purpose)
    if docker_engine_answers():
        try:
            return _chosen(start_mongodb_container(), purpose)
        except Exception as exc:
            log.warning("MongoDB container did not start (%s): starting a local server", exc)
    return _chosen(_start_local_mongodb(Path(data_dir), free_port(port)), purpose)


def _start_local_mongodb(data_dir: Path, port: int) -> Server:
    choice = os.environ.get(MONGODB_LOCAL_VARIABLE, "").lower()
    if choice not in ("", "ferretdb", "nx-27017"):
        raise ValueError(f"{MONGODB_LOCAL_VARIABLE} must be ferretdb or nx-27017, not {choice!r}")
    if choice in ("", "ferretdb"):
        try:
            binary = find_ferretdb() or build_ferretdb()
            return ferretdb_server(binary, data_dir / "ferretdb", port).start()
        except Exception as exc:
            if choice == "ferretdb" or not nx27017_available():
                raise
            log.warning("FerretDB is not available (%s): FALLING BACK to nx-27017", exc)
    if not nx27017_available():
        raise RuntimeError("nx-27017 is not installed: run `make install`")
    return nx27017_server(data_dir / "nx-27017", port).start()


def _chosen(server: Server, purpose: str) -> Server:
    log.info("%s for %s", server.describe(), purpose)
    return server
