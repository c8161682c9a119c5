"""Real service processes for system tests: started, probed, stopped and killed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx

from parley_devservers.ports import free_port


class ServiceProcess:
    """One ``python -m parley_<service>`` process with its own port and database."""

    def __init__(
        self,
        service: str,
        rabbitmq_url: str,
        mongodb_url: str,
        log_dir: Path,
        **settings: str,
    ) -> None:
        self.service = service
        self.port = free_port()
        self.database = f"parley_{service}_{uuid.uuid4().hex[:8]}"
        prefix = f"PARLEY_{service.upper()}_"
        self.env = {
            **os.environ,
            "RABBITMQ_URL": rabbitmq_url,
            "MONGODB_URL": mongodb_url,
            f"{prefix}HTTP_PORT": str(self.port),
            f"{prefix}DATABASE": self.database,
            f"{prefix}LOG_FORMAT": "json",
            **{f"{prefix}{name.upper()}": value for name, value in settings.items()},
        }
        self.log_path = log_dir / f"{service}-{self.port}.log"
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout_s: float = 30.0) -> ServiceProcess:
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", f"parley_{self.service}"],
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        self.wait_ready(timeout_s)
        return self

    def readiness(self) -> tuple[int, dict[str, object]]:
        response = httpx.get(f"{self.url}/readyz", timeout=3.0)
        return response.status_code, response.json()

    def wait_ready(self, timeout_s: float = 30.0) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                raise AssertionError(f"{self.service} exited early:\n{self.log_tail()}")
            try:
                if self.readiness()[0] == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise AssertionError(f"{self.service} not ready in {timeout_s}s:\n{self.log_tail()}")

    def terminate(self, timeout_s: float = 30.0) -> None:
        """SIGTERM, as Kubernetes stops a pod; fails unless the shutdown completed."""
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        code = self.process.wait(timeout_s)
        # uvicorn re-raises the signal once its graceful shutdown is done, so a clean stop
        # reports "terminated by SIGTERM" to the parent, as the convention for daemons asks.
        assert code in (0, -signal.SIGTERM), f"exit code {code}:\n{self.log_tail()}"
        assert '"service.stopped"' in self.log_path.read_text(), self.log_tail()

    def kill(self) -> None:
        """SIGKILL: no cleanup of any kind, as when a node dies."""
        assert self.process is not None
        self.process.kill()
        self.process.wait(10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)

    def log_tail(self, lines: int = 40) -> str:
        if not self.log_path.exists():
            return ""
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
