"""Wiring of the tickets service: settings, adapters, use cases, entry points.

Its features arrive with their issues; until then it runs the shared skeleton: broker and
database connections, health and readiness, structured logs, traces, graceful shutdown.
"""

from __future__ import annotations

from litestar import Litestar

from parley_platform.runtime import ServiceRuntime

from .settings import TicketsSettings


def create_app(settings: TicketsSettings | None = None) -> Litestar:
    settings = settings or TicketsSettings()
    return ServiceRuntime(settings).asgi_app()
