"""The web clients: the visitor widget, the agent console and a demo shop page (V1, A1-A16).

Static files are served from ``parley_gateway/static`` as they are (ES modules, no bundler).
The widget's files may be loaded by any website (``Access-Control-Allow-Origin: *``, since
its chat module is a dynamically imported ES module and those are fetched in CORS mode); the
console carries its own strict Content-Security-Policy. The demo page and the direct chat link
are generated here so they carry the channel id in their snippet.
"""

from __future__ import annotations

import html
import mimetypes
from collections.abc import Callable
from pathlib import Path
from typing import Any

from litestar import Request, Response, get
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery

from ...application.ports import ChannelRepository
from ...application.set_up_first_start import DEFAULT_CHANNEL_ID
from .widget import widget_api_routes

STATIC_ROOT = Path(__file__).resolve().parents[2] / "static"
CONSOLE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "connect-src 'self'; frame-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'"
)
PAGE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'"
)
_TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".html": "text/html; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".json": "application/json",
    ".txt": "text/plain; charset=utf-8",
}


def _content_type(path: Path) -> str:
    return (
        _TYPES.get(path.suffix) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    )


def _resolve(root: Path, relative: str) -> Path:
    """The file under ``root``; anything outside it (``..``) or missing is a 404."""
    target = (root / relative.lstrip("/")).resolve()
    if target.is_dir():
        target = target / "index.html"
    if not target.is_relative_to(root) or not target.is_file():
        raise NotFoundException("no such file")
    return target


def _static_handler(
    mount: str, headers: Callable[[Path], dict[str, str]], url: str | None = None
) -> Any:
    root = (STATIC_ROOT / mount).resolve()
    prefix = url or f"/{mount}"
    paths = [f"{prefix}/{{path:path}}"] if url else [prefix, f"{prefix}/{{path:path}}"]

    @get(
        paths,
        name=f"static-{mount}",
        include_in_schema=False,
        sync_to_thread=False,
    )
    def serve(path: FromPath[str] = "") -> Response[bytes]:
        target = _resolve(root, path)
        return Response(
            target.read_bytes(), media_type=_content_type(target), headers=headers(target)
        )

    return serve


def _widget_headers(_: Path) -> dict[str, str]:
    # Short public caching: a new deployment reaches every website within minutes.
    return {
        "Cache-Control": "public, max-age=300",
        "Access-Control-Allow-Origin": "*",
        "X-Content-Type-Options": "nosniff",
        "Cross-Origin-Resource-Policy": "cross-origin",
    }


def _console_headers(path: Path) -> dict[str, str]:
    headers = {
        "Cache-Control": "no-cache",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
    }
    if path.suffix == ".html":
        headers["Content-Security-Policy"] = CONSOLE_CSP
        headers["X-Frame-Options"] = "DENY"
    return headers


def _demo_headers(path: Path) -> dict[str, str]:
    return {"Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"}


def snippet(origin: str, channel_id: str) -> str:
    """The one script tag a website adds to show the widget of ``channel_id`` (V1)."""
    src = html.escape(f"{origin}/widget/loader.js", quote=True)
    return (
        f'<script src="{src}" data-parley-channel="{html.escape(channel_id, quote=True)}" '
        "async></script>"
    )


def _origin(request: Request[Any, Any, Any]) -> str:
    return f"{request.url.scheme}://{request.url.netloc}"


def _page(title: str, body: str) -> Response[str]:
    document = (
        "<!doctype html><html lang=en><head><meta charset=utf-8>"
        '<meta name=viewport content="width=device-width,initial-scale=1">'
        f"<title>{html.escape(title)}</title>"
        '<link rel=stylesheet href="/demo/assets/shop.css"></head>'
        f"<body>{body}</body></html>"
    )
    return Response(
        document,
        media_type="text/html; charset=utf-8",
        headers={"Content-Security-Policy": PAGE_CSP, "Cache-Control": "no-cache"},
    )


def _page_routes(channels: ChannelRepository) -> list[Any]:
    async def known(channel_id: str) -> str:
        if await channels.get(channel_id) is None:
            raise NotFoundException(f"no channel {channel_id}")
        return channel_id

    @get(["/demo", "/demo/"], include_in_schema=False)
    async def demo_shop(
        request: Request[Any, Any, Any], channel: FromQuery[str] = ""
    ) -> Response[str]:
        """A small shop page embedding the widget with the generated snippet."""
        channel_id = await known(channel or DEFAULT_CHANNEL_ID)
        template = (STATIC_ROOT / "demo" / "shop.html").read_text()
        return _page("Parley demo shop", template + snippet(_origin(request), channel_id))

    @get("/chat/{channel_id:str}", include_in_schema=False)
    async def direct_chat(
        request: Request[Any, Any, Any], channel_id: FromPath[str]
    ) -> Response[str]:
        """A direct chat link to send to a customer (V1): the widget opened on its own page."""
        await known(channel_id)
        tag = snippet(_origin(request), channel_id).replace(
            " async>", ' data-parley-open="1" async>'
        )
        return _page("Chat", '<main class="direct"><h1>Chat with us</h1></main>' + tag)

    return [demo_shop, direct_chat]


def web_routes(
    channels: ChannelRepository,
    *,
    upload: Any | None = None,
    verify_visitor: Any | None = None,
    operator_available: Callable[[str], bool] | None = None,
    country_header: str | None = None,
) -> list[Any]:
    """Every web route: ``/widget/``, ``/console/``, ``/demo/``, ``/chat/{channel}`` and the
    widget's public API (``/api/widget/{channel}/config`` and its attachment upload).

    ``upload`` (the ``UploadAttachment`` use case) and ``verify_visitor`` (token -> claims)
    enable the widget's cross-origin upload; ``operator_available(channel_id)`` lets the config
    hide the button when nobody is online and the channel says so (V9)."""
    return [
        _static_handler("widget", _widget_headers),
        _static_handler("console", _console_headers),
        _static_handler("demo", _demo_headers, "/demo/assets"),
        *_page_routes(channels),
        *widget_api_routes(
            channels,
            upload=upload,
            verify_visitor=verify_visitor,
            operator_available=operator_available,
            country_header=country_header,
        ),
    ]
