"""Wiring of the notifications service: settings, adapters, use cases, entry points.

Its features arrive with their issues; until then it runs the shared skeleton: broker and
database connections, health and readiness, structured logs, traces, graceful shutdown.
"""

from __future__ import annotations

from litestar import Litestar

from parley_platform.runtime import ServiceRuntime

from .settings import NotificationsSettings


def create_app(settings: NotificationsSettings | None = None) -> Litestar:
    settings = settings or NotificationsSettings()
    return ServiceRuntime(settings).asgi_app()
