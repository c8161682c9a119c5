"""The widget's public API, called from customers' websites (other origins) (V1, V2, V6, V9).

``GET /api/widget/{channel_id}/config``: how the button looks and whether and when it shows on
a page, from the channel's widget settings and its first matching rule. No authentication: it
says nothing a visitor could not see on the page anyway.

``POST /api/widget/{channel_id}/attachments``: the upload of ``/api/attachments`` for a visitor
on an allowed website. The general endpoint has no CORS headers, so a page on another origin
could send a file but never read the answer; this one checks the page's ``Origin`` against the
channel's allowed origins and answers with ``Access-Control-Allow-Origin`` for it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from litestar import Request, Response, Router, get, post
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, FromQuery

from ...application.ports import ChannelRepository
from ...domain.channel import Channel, RuleAction
from ...domain.channel_rules import matching_rule
from ...domain.errors import GatewayError
from ...domain.visitor_token import VisitorClaims
from .errors import gateway_error_response
from .schemas_conversations import AttachmentOut
from .security import VISITOR_TOKEN_HEADER


class Upload(Protocol):
    async def __call__(
        self, requester: Any, conversation_id: str, file_name: str | None, data: bytes
    ) -> Any: ...


@dataclass
class WidgetUploadForm:
    conversation_id: str
    file: UploadFile


def widget_config(
    channel: Channel, url: str | None, country: str | None, operator_online: bool | None
) -> dict[str, Any]:
    """The widget's look and, for this page, the matching rule's decision (V2, V9)."""
    rule = matching_rule(channel, url, country)
    action = rule.action if rule else RuleAction.SHOW
    show = action is not RuleAction.HIDE
    if channel.widget.hide_when_no_operator and operator_online is False:
        show = False
    w = channel.widget
    return {
        "channel_id": channel.id,
        "show": show,
        "action": str(action),
        "open_after_seconds": rule.open_after_seconds if rule else None,
        "operator_online": operator_online,
        "widget": {
            "button_text": w.button_text,
            "notification_text": w.notification_text,
            "button_color": w.button_color,
            "header_color": w.header_color,
            "welcome_message": w.welcome_message,
            "placeholder": w.placeholder,
            "language": w.language,
        },
    }


def _cors(origin: str | None) -> dict[str, str]:
    if not origin:
        return {}
    return {"Access-Control-Allow-Origin": origin, "Vary": "Origin"}


def widget_api_routes(
    channels: ChannelRepository,
    *,
    upload: Upload | None,
    verify_visitor: Callable[[str], VisitorClaims | None] | None,
    operator_available: Callable[[str], bool] | None,
    country_header: str | None,
) -> list[Any]:
    @get("/{channel_id:str}/config")
    async def config(
        request: Request[Any, Any, Any],
        channel_id: FromPath[str],
        url: FromQuery[str | None] = None,
    ) -> Response[dict[str, Any]]:
        """The widget settings and the display rule for the page ``url`` (no authentication)."""
        headers = {"Access-Control-Allow-Origin": "*", "Cache-Control": "no-store"}
        channel = await channels.get(channel_id)
        if channel is None:
            body = {"status_code": 404, "code": "not_found", "detail": "unknown channel"}
            return Response(body, status_code=404, headers=headers)
        country = request.headers.get(country_header) if country_header else None
        if country in ("XX", "T1"):
            country = None
        online = operator_available(channel.id) if operator_available else None
        return Response(widget_config(channel, url, country, online), headers=headers)

    @post("/{channel_id:str}/attachments", status_code=201)
    async def upload_file(
        request: Request[Any, Any, Any],
        channel_id: FromPath[str],
        data: WidgetUploadForm = Body(media_type=RequestEncodingType.MULTI_PART),  # noqa: B008
        visitor_token: FromQuery[str | None] = None,
    ) -> Response[Any]:
        """A visitor's file for their conversation; the page's Origin must be allowed."""
        origin = request.headers.get("origin")
        channel = await channels.get(channel_id)
        if channel is None or upload is None or verify_visitor is None:
            return Response({"code": "not_found"}, status_code=404, headers=_cors(origin))
        if origin is not None and not channel.allows_origin(origin):
            return Response({"code": "forbidden"}, status_code=403)
        token = request.headers.get(VISITOR_TOKEN_HEADER) or visitor_token
        claims = verify_visitor(token) if token else None
        if claims is None or claims.channel_id != channel.id:
            body = {"status_code": 401, "code": "unauthorized", "detail": "visitor token"}
            return Response(body, status_code=401, headers=_cors(origin))
        try:
            content = await data.file.read()
            stored = await upload(claims, data.conversation_id, data.file.filename, content)
        except GatewayError as exc:
            failed = gateway_error_response(request, exc)
            failed.headers.update(_cors(origin))
            return failed
        return Response(AttachmentOut.of(stored), status_code=201, headers=_cors(origin))

    return [
        Router(
            path="/api/widget",
            route_handlers=[config, upload_file],
            tags=["widget"],
        )
    ]
