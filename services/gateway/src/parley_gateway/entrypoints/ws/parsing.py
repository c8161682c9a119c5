"""Turning a received text frame into a typed client frame, or into the error frame it earns."""

from __future__ import annotations

import json
from typing import Any, Generic, TypeVar

from pydantic import TypeAdapter, ValidationError

from .client_frames import AgentFrame, ClientFrame, VisitorFrame
from .server_frames import Error

F = TypeVar("F", bound=ClientFrame)


class FrameParser(Generic[F]):
    """One JSON pass with pydantic; the error kinds are told apart only when it fails."""

    def __init__(self, union: Any, max_bytes: int) -> None:
        self._adapter: TypeAdapter[F] = TypeAdapter(union)
        self._max_bytes = max_bytes

    def parse(self, text: str) -> F | Error:
        # Four bytes per character at most: only long frames need their UTF-8 length counted.
        if len(text) * 4 > self._max_bytes and len(text.encode()) > self._max_bytes:
            return Error(code="too_large", message=f"frames are limited to {self._max_bytes} bytes")
        try:
            return self._adapter.validate_json(text)
        except ValidationError as exc:
            return _explain(exc, text)


def visitor_parser(max_bytes: int) -> FrameParser[Any]:
    return FrameParser(VisitorFrame, max_bytes)


def agent_parser(max_bytes: int) -> FrameParser[Any]:
    return FrameParser(AgentFrame, max_bytes)


def _explain(exc: ValidationError, text: str) -> Error:
    errors = exc.errors(include_url=False, include_input=False)
    ref = _ref_of(text)
    first = errors[0]
    kind = first["type"]
    if kind == "json_invalid":
        return Error(code="bad_json", message="the frame is not valid JSON", ref=ref)
    if kind == "union_tag_invalid":
        return Error(code="unknown_type", message="unknown frame type", ref=ref)
    if kind == "union_tag_not_found":
        return Error(code="bad_frame", message="a frame needs a type", path="type", ref=ref)
    if kind == "model_attributes_type" or kind == "model_type":
        return Error(code="bad_frame", message="a frame is a JSON object", ref=ref)
    # The first element of the location is the frame type (the union's tag): drop it.
    path = ".".join(str(part) for part in first["loc"][1:])
    return Error(code="bad_frame", message=first["msg"], path=path or None, ref=ref)


def _ref_of(text: str) -> str | None:
    # Only for error frames: a second parse is affordable there, and the client gets its ref.
    try:
        ref = json.loads(text).get("ref")
    except (ValueError, AttributeError):
        return None
    return ref if isinstance(ref, str) and len(ref) <= 64 else None
