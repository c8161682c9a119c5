"""Pytest fixtures for the real servers, for every test in the repository.

Loaded with `-p parley_devservers.pytest_plugin` from the root pytest configuration, so that
tests under libs/, services/ and tests/ all see the same session-wide servers:

- `rabbitmq`, `mongodb`: the resolved `Server` objects (`.url`, `.kind`, `.can_control`,
  `.stop_app()`/`.start_app()`/`.outage()` for fault tests);
- `rabbitmq_url`, `mongodb_url`: just their URLs;
- `shared_database`: a fresh database seen through two clients, as two processes of a service
  see it (dropped afterwards).

A server is started only when a test asks for it, once per session, with its data under the
session's temporary directory. The terminal summary says which servers were used.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase

from parley_devservers.resolve import resolve_mongodb, resolve_rabbitmq
from parley_devservers.server import Server

_used: list[Server] = []


@pytest.fixture(scope="session")
def rabbitmq(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The RabbitMQ broker for this test session."""
    server = resolve_rabbitmq(tmp_path_factory.mktemp("rabbitmq"), "test")
    _used.append(server)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def mongodb(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The MongoDB-protocol server for this test session."""
    server = resolve_mongodb(tmp_path_factory.mktemp("mongodb"), "test")
    _used.append(server)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def rabbitmq_url(rabbitmq: Server) -> str:
    """The AMQP URL of the session's broker."""
    return rabbitmq.url


@pytest.fixture(scope="session")
def mongodb_url(mongodb: Server) -> str:
    """The MongoDB URL of the session's database server."""
    return mongodb.url


@pytest.fixture
async def shared_database(
    mongodb_url: str,
) -> AsyncIterator[tuple[AsyncDatabase[Any], AsyncDatabase[Any]]]:
    """One fresh database through two clients, as two processes of a service see it."""
    name = f"shared_{uuid.uuid4().hex[:8]}"
    first: AsyncMongoClient[Any] = AsyncMongoClient(mongodb_url, appname="first", tz_aware=True)
    second: AsyncMongoClient[Any] = AsyncMongoClient(mongodb_url, appname="second", tz_aware=True)
    yield first[name], second[name]
    await first.drop_database(name)
    await first.close()
    await second.close()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Say which servers the session ran against: a FerretDB run and an nx-27017 run differ."""
    for server in _used:
        terminalreporter.write_line(f"parley devservers: {server.describe()}")
