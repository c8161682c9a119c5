"""Fixtures for system tests: service processes against the real broker and database."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from .services import ServiceProcess

StartService = Callable[..., ServiceProcess]


@pytest.fixture
def start_service(rabbitmq_url: str, mongodb_url: str, tmp_path: Path) -> Iterator[StartService]:
    """Start ``python -m parley_<service>``; every process is killed at the end of the test."""
    processes: list[ServiceProcess] = []

    def start(service: str, **settings: str) -> ServiceProcess:
        process = ServiceProcess(service, rabbitmq_url, mongodb_url, tmp_path, **settings)
        processes.append(process)
        return process.start()

    yield start
    for process in processes:
        process.stop()
