"""A dedicated local RabbitMQ node: its own name, ports, data and config, on 127.0.0.1 only."""

from __future__ import annotations

import logging
import os
import re
import socket
import subprocess
from pathlib import Path

from parley_devservers.ports import LOOPBACK, free_port, wait_until
from parley_devservers.processes import ManagedProcess
from parley_devservers.rabbitmq_install import install_rabbitmq
from parley_devservers.server import Server

log = logging.getLogger("parley_devservers")

_LOCAL_ONLY_DIST = "-kernel inet_dist_use_interface {127,0,0,1}"
_AMQP_HEADER = b"AMQP\x00\x00\x09\x01"
_START_TIMEOUT = 120.0
_CTL_TIMEOUT = 120.0


def amqp_answers(port: int, timeout: float = 1.0) -> bool:
    """True when `127.0.0.1:port` answers the AMQP 0-9-1 header with a method frame."""
    try:
        with socket.create_connection((LOOPBACK, port), timeout=timeout) as sock:
            sock.sendall(_AMQP_HEADER)
            return sock.recv(1) == b"\x01"  # frame type 1: Connection.Start
    except OSError:
        return False


class LocalRabbitMQNode(Server):
    """A RabbitMQ node started by this library for one purpose ("test", "run", ...).

    Its state lives in `<data_dir>/parley-<purpose>-<port>/`: config, Erlang cookie (in `home/`),
    Mnesia and quorum data, and logs (`log/`, `server.log`). Nothing is read from or written to
    the system-wide RabbitMQ setup.
    """

    can_control = True

    def __init__(self, data_dir: Path, purpose: str, port: int | None = None) -> None:
        self._server_script, self._ctl = install_rabbitmq()
        self.port = free_port(port)
        self.dist_port = free_port()
        while self.dist_port == self.port:  # neither is bound yet, so both draws can agree
            self.dist_port = free_port()
        slug = re.sub(r"[^a-z0-9-]+", "-", purpose.lower()).strip("-") or "dev"
        self.nodename = f"parley-{slug}-{self.port}@localhost"
        self.node_dir = data_dir / f"parley-{slug}-{self.port}"
        super().__init__(
            "rabbitmq",
            "local",
            f"amqp://guest:guest@{LOOPBACK}:{self.port}/",
            f"RabbitMQ {_version(self._ctl)} node {self.nodename}",
        )
        self._env = self._node_env()
        self._process = ManagedProcess(
            self.nodename,
            [str(self._server_script)],
            env=self._env,
            log_path=self.node_dir / "server.log",
            cwd=self.node_dir,
        )

    def start(self) -> LocalRabbitMQNode:
        """Start the node and return once it accepts AMQP connections."""
        self._write_config()
        log.info("starting %s", self.describe())
        self._process.start()
        try:
            self._wait_ready()
        except BaseException:
            self._process.stop()
            raise
        return self

    def stop(self) -> None:
        """Shut the node down (SIGTERM: a clean RabbitMQ shutdown; SIGKILL after a timeout)."""
        self._process.stop()

    def stop_app(self) -> None:
        """Stop the RabbitMQ application: clients are disconnected, the AMQP port closes."""
        self._rabbitmqctl("stop_app")

    def start_app(self) -> None:
        """Start the RabbitMQ application again and wait until it accepts AMQP connections."""
        self._rabbitmqctl("start_app")
        self._wait_ready()

    def _rabbitmqctl(self, *args: str) -> None:
        command = [str(self._ctl), "-n", self.nodename, *args]
        result = subprocess.run(
            command,
            env=self._env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=_CTL_TIMEOUT,
            check=False,
        )
        if result.returncode != 0:
            raise RuntimeError(f"{' '.join(command)} failed: {result.stdout}{result.stderr}")

    def _wait_ready(self) -> None:
        try:
            wait_until(
                lambda: amqp_answers(self.port),
                timeout=_START_TIMEOUT,
                what=f"RabbitMQ node {self.nodename}",
                alive=lambda: self._process.running,
                interval=0.5,
            )
        except (RuntimeError, TimeoutError) as exc:
            raise RuntimeError(f"{exc}\n--- {self._process.log_path}\n{self._log_tail()}") from exc

    def _log_tail(self) -> str:
        node_log = self.node_dir / "log" / f"{self.nodename}.log"
        tail = self._process.log_tail()
        if node_log.exists():
            tail += f"\n--- {node_log}\n" + "\n".join(node_log.read_text().splitlines()[-30:])
        return tail

    def _node_env(self) -> dict[str, str]:
        # The caller's RABBITMQ_*/ERL_* settings are for other nodes; only ours must apply.
        env = {k: v for k, v in os.environ.items() if not k.startswith(("RABBITMQ_", "ERL_"))}
        d = self.node_dir
        env.update(
            HOME=str(d / "home"),  # Erlang keeps this node's cookie there, for server and CLI
            RABBITMQ_NODENAME=self.nodename,
            RABBITMQ_DIST_PORT=str(self.dist_port),
            RABBITMQ_CONFIG_FILE=str(d / "rabbitmq.conf"),
            RABBITMQ_ADVANCED_CONFIG_FILE=str(d / "advanced.config"),
            RABBITMQ_CONF_ENV_FILE=str(d / "rabbitmq-env.conf"),
            RABBITMQ_ENABLED_PLUGINS_FILE=str(d / "enabled_plugins"),
            RABBITMQ_MNESIA_BASE=str(d / "mnesia"),
            RABBITMQ_LOG_BASE=str(d / "log"),
            RABBITMQ_PID_FILE=str(d / "node.pid"),
            RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS=_LOCAL_ONLY_DIST,
            RABBITMQ_CTL_ERL_ARGS=_LOCAL_ONLY_DIST,
            ERL_EPMD_ADDRESS=LOOPBACK,  # applies if this node is the one that starts epmd
        )
        return env

    def _write_config(self) -> None:
        d = self.node_dir
        for sub in ("home", "mnesia", "log"):
            (d / sub).mkdir(parents=True, exist_ok=True)
        (d / "rabbitmq.conf").write_text(f"listeners.tcp.1 = {LOOPBACK}:{self.port}\n")
        # An empty plugin list: the management plugin would listen on every interface.
        (d / "enabled_plugins").write_text("[].\n")
        (d / "rabbitmq-env.conf").write_text("# settings come from the environment\n")


def _version(ctl: Path) -> str:
    match = re.search(r"rabbitmq_server-([\d.]+)", str(ctl.resolve()))
    return match.group(1) if match else "(unknown version)"
