"""Liveness and readiness endpoints every service serves."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from litestar import get
from litestar.handlers import HTTPRouteHandler
from litestar.response import Response
from litestar.status_codes import HTTP_200_OK, HTTP_503_SERVICE_UNAVAILABLE

ReadinessCheck = Callable[[], Awaitable[dict[str, str]]]


def health_routes(readiness: ReadinessCheck) -> list[HTTPRouteHandler]:
    """``/healthz`` answers while the process runs; ``/readyz`` only when broker and db answer."""

    @get("/healthz", include_in_schema=False, sync_to_thread=False)
    def healthz() -> dict[str, str]:
        return {"status": "alive"}

    @get("/readyz", include_in_schema=False)
    async def readyz() -> Response[dict[str, object]]:
        checks = await readiness()
        ready = all(state == "ok" for state in checks.values())
        return Response(
            {"status": "ready" if ready else "not ready", "checks": checks},
            status_code=HTTP_200_OK if ready else HTTP_503_SERVICE_UNAVAILABLE,
        )

    return [healthz, readyz]
