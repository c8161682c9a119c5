"""Each of the six services starts as a real process, becomes ready and stops on SIGTERM."""

from __future__ import annotations

import pytest

from .conftest import StartService

pytestmark = pytest.mark.system

SERVICES = ["gateway", "routing", "chatbot", "tickets", "notifications", "reports"]


@pytest.mark.parametrize("service", SERVICES)
def test_service_becomes_ready_and_stops_cleanly_on_sigterm(
    service: str, start_service: StartService
) -> None:
    process = start_service(service)
    status, body = process.readiness()
    assert status == 200
    assert body["checks"] == {"database": "ok", "broker": "ok"}
    process.terminate()
