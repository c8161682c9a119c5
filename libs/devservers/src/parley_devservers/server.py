"""What a resolver hands back: a URL, where it came from, and how to stop or disturb it."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Literal
from urllib.parse import urlsplit, urlunsplit

Kind = Literal["env", "container", "local"]


class ServerControlNotSupported(RuntimeError):
    """The server cannot be taken away and brought back (for example a URL from the environment)."""


class Server:
    """A running RabbitMQ or MongoDB-protocol server that tests and `make run` can use.

    Attributes:
        name: "rabbitmq" or "mongodb".
        kind: "env" (URL given in the environment), "container" (testcontainers) or "local"
            (a process this library started).
        url: what clients connect to (`amqp://...` or `mongodb://...`).
        implementation: a human-readable description of the actual server, for logs.
        can_control: True when `stop_app()`/`start_app()` work, so fault tests can run.
    """

    can_control: bool = False

    def __init__(self, name: str, kind: Kind, url: str, implementation: str) -> None:
        self.name = name
        self.kind = kind
        self.url = url
        self.implementation = implementation

    def stop(self) -> None:
        """Stop the server if this library started it; a no-op otherwise."""

    def stop_app(self) -> None:
        """Take the server away from clients (connections drop, the port closes)."""
        raise ServerControlNotSupported(f"{self.describe()} cannot be stopped by the tests")

    def start_app(self) -> None:
        """Bring the server back after `stop_app()`; returns once it accepts clients again."""
        raise ServerControlNotSupported(f"{self.describe()} cannot be started by the tests")

    @contextlib.contextmanager
    def outage(self) -> Iterator[None]:
        """`stop_app()` for the duration of the block; `start_app()` even if the block fails."""
        self.stop_app()
        try:
            yield
        finally:
            self.start_app()

    def describe(self) -> str:
        """One line for logs: what runs where."""
        return f"{self.name}: {self.implementation} ({self.kind}) at {redact(self.url)}"

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.describe()}>"


class EnvServer(Server):
    """A server named by a URL in the environment: used as is, never stopped or disturbed."""

    def __init__(self, name: str, url: str, variable: str) -> None:
        super().__init__(name, "env", url, f"given by ${variable}")


def redact(url: str) -> str:
    """`url` with its password replaced by `***`, for logs and tables."""
    parts = urlsplit(url)
    if not parts.password:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))
