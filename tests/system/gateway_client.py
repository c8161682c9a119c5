"""A small typed client for the gateway's WebSockets and HTTP API (docs/protocol.md, version 1).

Visitors and agents as a test (or a benchmark) sees them: connect (with an Origin for
visitors, a session token for agents), ``hello``, start and send with client message ids, wait
for frames by predicate with a timeout, resume after a sequence. Every frame received is kept in
order in ``frames``; ``wait_for`` hands each matching frame out once, so a test can wait for
"the next ack" without losing the frames that arrived before it.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import uuid
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlencode

import httpx
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

Frame = dict[str, Any]
Predicate = Callable[[Frame], bool]

DEFAULT_TIMEOUT_S = 10.0
DEFAULT_ORIGIN = "http://127.0.0.1:8000"
"""An origin the gateway's Default channel allows, and test channels are created with."""


class FrameTimeout(AssertionError):
    """No frame matched in time; the message lists what did arrive."""


def ws_url(http_url: str, path: str, **query: str) -> str:
    base = http_url.replace("http://", "ws://", 1).replace("https://", "wss://", 1)
    return f"{base}{path}?{urlencode(query)}" if query else f"{base}{path}"


def new_client_message_id() -> str:
    return f"cm_{uuid.uuid4().hex[:16]}"


def of_type(kind: str, **fields: Any) -> Predicate:
    """Frames of ``type`` ``kind`` whose top-level ``fields`` have these values."""
    return lambda frame: (
        frame.get("type") == kind
        and all(frame.get(name) == value for name, value in fields.items())
    )


def event(conversation_id: str | None = None, kind: str | None = None, **fields: Any) -> Predicate:
    """``event`` frames, optionally of one conversation and one event kind."""

    def matches(frame: Frame) -> bool:
        return (
            frame.get("type") == "event"
            and (conversation_id is None or frame.get("conversation_id") == conversation_id)
            and (kind is None or frame.get("kind") == kind)
            and all(frame.get(name) == value for name, value in fields.items())
        )

    return matches


def message_event(conversation_id: str, text: str) -> Predicate:
    """The ``message`` event carrying ``text`` (as stored: card numbers are masked)."""
    return lambda frame: (
        event(conversation_id, "message")(frame) and (frame.get("payload", {}).get("text") == text)
    )


def about(conversation_id: str, **fields: Any) -> Predicate:
    """An agent's ``conversation`` frame (offered, assigned, changed) about ``conversation_id``
    whose snapshot has these field values (``lifecycle="active"``)."""

    def matches(frame: Frame) -> bool:
        snapshot = frame.get("conversation") or frame.get("snapshot") or {}
        return (
            frame.get("type") == "conversation"
            and snapshot.get("id") == conversation_id
            and all(snapshot.get(name) == value for name, value in fields.items())
        )

    return matches


def agent_joined(conversation_id: str) -> Predicate:
    """The ``joined`` event of an agent (not the visitor's own join at the start)."""
    return lambda frame: (
        event(conversation_id, "joined")(frame)
        and (frame.get("payload", {}).get("participant", {}).get("role") == "agent")
    )


class GatewaySocket:
    """One WebSocket to the gateway with a reader task that keeps every frame received."""

    def __init__(self, socket: ClientConnection) -> None:
        self.socket = socket
        self.frames: list[Frame] = []
        self._taken: set[int] = set()
        self._changed = asyncio.Condition()
        self._refs = itertools.count(1)
        self.closed = asyncio.Event()
        self.close_code: int | None = None
        self.close_reason: str = ""
        self._reader = asyncio.create_task(self._read())

    @staticmethod
    async def open(
        url: str, *, origin: str | None = None, headers: Mapping[str, str] | None = None
    ) -> ClientConnection:
        return await connect(
            url,
            origin=origin,  # type: ignore[arg-type]
            additional_headers=dict(headers or {}),
            open_timeout=DEFAULT_TIMEOUT_S,
            close_timeout=2,
        )

    async def _read(self) -> None:
        try:
            async for raw in self.socket:
                frame = json.loads(raw)
                async with self._changed:
                    self.frames.append(frame)
                    self._changed.notify_all()
        except ConnectionClosed:
            pass
        finally:
            self.close_code = self.socket.close_code
            self.close_reason = self.socket.close_reason or ""
            self.closed.set()
            async with self._changed:
                self._changed.notify_all()

    def next_ref(self) -> str:
        return f"r{next(self._refs)}"

    async def send(self, frame: Frame) -> None:
        await self.socket.send(json.dumps(frame))

    async def send_raw(self, text: str | bytes) -> None:
        await self.socket.send(text)

    async def request(self, frame: Frame, timeout_s: float = DEFAULT_TIMEOUT_S) -> Frame:
        """Send ``frame`` with a fresh ``ref``; the ``ack`` or ``error`` carrying that ref."""
        ref = self.next_ref()
        await self.send({**frame, "ref": ref})
        return await self.wait_for(
            lambda f: f.get("type") in ("ack", "error") and f.get("ref") == ref, timeout_s
        )

    def seen(self, predicate: Predicate) -> list[Frame]:
        """Every frame received so far that matches, taken or not."""
        return [frame for frame in self.frames if predicate(frame)]

    async def wait_for(self, predicate: Predicate, timeout_s: float = DEFAULT_TIMEOUT_S) -> Frame:
        """The first frame not handed out yet that matches; waits up to ``timeout_s``."""
        try:
            async with asyncio.timeout(timeout_s), self._changed:
                while True:
                    for index, frame in enumerate(self.frames):
                        if index not in self._taken and predicate(frame):
                            self._taken.add(index)
                            return frame
                    if self.closed.is_set():
                        raise FrameTimeout(self._explain("the socket closed"))
                    await self._changed.wait()
        except TimeoutError:
            raise FrameTimeout(self._explain(f"nothing matched in {timeout_s} s")) from None

    async def wait_closed(self, timeout_s: float = DEFAULT_TIMEOUT_S) -> int | None:
        """The close code once the server closed the socket."""
        await asyncio.wait_for(self.closed.wait(), timeout_s)
        return self.close_code

    async def drop(self) -> None:
        """End the TCP connection without a closing handshake, as a lost network does."""
        self.socket.transport.abort()
        await self.wait_closed()

    async def detach(self) -> None:
        """Stop keeping frames: the caller reads ``socket`` itself from now on (benchmarks)."""
        self._reader.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._reader

    async def close(self) -> None:
        with contextlib.suppress(Exception):
            await self.socket.close()
        await self.detach()

    def events(self, conversation_id: str) -> list[Frame]:
        """The ``event`` frames of a conversation received so far, in arrival order."""
        return self.seen(event(conversation_id))

    def last_seq(self, conversation_id: str) -> int:
        return max((frame["seq"] for frame in self.events(conversation_id)), default=0)

    async def ping(self) -> Frame:
        ref = self.next_ref()
        await self.send({"type": "ping", "ref": ref})
        return await self.wait_for(of_type("pong"))

    async def resume(self, conversation_id: str, after_seq: int) -> None:
        await self.send(
            {"type": "resume", "conversation_id": conversation_id, "after_seq": after_seq}
        )

    async def message(
        self, conversation_id: str, text: str, client_message_id: str | None = None
    ) -> Frame:
        """Send a chat message; the server's ack (with its ``seq``) or error for it."""
        frame = {
            "type": "message",
            "conversation_id": conversation_id,
            "client_message_id": client_message_id or new_client_message_id(),
            "text": text,
        }
        return await self.request(frame)

    def _explain(self, why: str) -> str:
        recent = "\n  ".join(json.dumps(frame)[:300] for frame in self.frames[-15:])
        closed = (
            f" (closed {self.close_code} {self.close_reason!r})" if self.closed.is_set() else ""
        )
        return f"{why}{closed}; last frames:\n  {recent}"


class VisitorClient(GatewaySocket):
    """A visitor's widget: ``/ws/visitor?channel=...`` with the page's Origin."""

    visitor_id: str = ""
    visitor_token: str = ""
    welcome: Frame

    @classmethod
    async def connect(
        cls, http_url: str, channel_id: str, *, origin: str | None = DEFAULT_ORIGIN
    ) -> VisitorClient:
        return cls(
            await cls.open(ws_url(http_url, "/ws/visitor", channel=channel_id), origin=origin)
        )

    async def hello(
        self,
        visitor_token: str | None = None,
        *,
        customer_token: str | None = None,
        language: str | None = "en",
        page_url: str | None = None,
    ) -> Frame:
        frame: Frame = {"type": "hello", "v": 1}
        if visitor_token:
            frame["visitor_token"] = visitor_token
        if customer_token:
            frame["customer_token"] = customer_token
        if language:
            frame["language"] = language
        if page_url:
            frame["page"] = {"url": page_url, "title": "Test page"}
        await self.send(frame)
        self.welcome = await self.wait_for(of_type("welcome"))
        self.visitor_id = self.welcome.get("visitor_id", "")
        self.visitor_token = self.welcome.get("visitor_token", "")
        return self.welcome

    async def start(self, name: str = "Vera Visitor", text: str | None = None) -> str:
        """Start a conversation (optionally with a first message); its id."""
        frame: Frame = {"type": "start", "name": name}
        if text is not None:
            frame["text"] = text
            frame["client_message_id"] = new_client_message_id()
        answer = await self.request(frame)
        if answer["type"] == "error":
            raise AssertionError(f"start refused: {answer}")
        conversation_id = answer.get("conversation_id")
        assert isinstance(conversation_id, str), answer
        return conversation_id


class AgentClient(GatewaySocket):
    """An agent's console: ``/ws/agent?token=...``."""

    welcome: Frame

    @classmethod
    async def connect(
        cls, http_url: str, token: str, *, origin: str | None = DEFAULT_ORIGIN
    ) -> AgentClient:
        return cls(await cls.open(ws_url(http_url, "/ws/agent", token=token), origin=origin))

    async def hello(self) -> Frame:
        await self.send({"type": "hello", "v": 1})
        self.welcome = await self.wait_for(of_type("welcome"))
        return self.welcome

    async def accept(self, conversation_id: str) -> Frame:
        return await self.request({"type": "accept", "conversation_id": conversation_id})


async def refused_status(url: str, *, origin: str | None = None) -> int | None:
    """The HTTP status when the upgrade is refused; None when it was accepted."""
    try:
        socket = await GatewaySocket.open(url, origin=origin)
    except InvalidStatus as exc:
        return exc.response.status_code
    await socket.close()
    return None


class GatewayHttp:
    """The HTTP API as an admin or agent (``Authorization: Bearer <session token>``)."""

    def __init__(self, http_url: str, token: str | None = None) -> None:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self.client = httpx.AsyncClient(base_url=http_url, headers=headers, timeout=10.0)
        self.token = token

    @classmethod
    async def login(cls, http_url: str, email: str, password: str) -> GatewayHttp:
        async with httpx.AsyncClient(base_url=http_url, timeout=10.0) as client:
            response = await client.post(
                "/api/auth/login", json={"email": email, "password": password}
            )
        response.raise_for_status()
        return cls(http_url, response.json()["token"])

    async def aclose(self) -> None:
        await self.client.aclose()

    async def call(self, method: str, path: str, json_body: Any = None) -> Any:
        response = await self.client.request(method, path, json=json_body)
        if response.status_code >= 400:
            raise AssertionError(f"{method} {path} -> {response.status_code}: {response.text}")
        return response.json() if response.content else None

    async def create_group(self, name: str) -> str:
        group = await self.call("POST", "/api/groups", {"name": name})
        return str(group["id"])

    async def create_agent(
        self, email: str, password: str, group_ids: list[str], display_name: str = "Alan Agent"
    ) -> str:
        body = {
            "email": email,
            "password": password,
            "display_name": display_name,
            "role": "agent",
            "group_ids": group_ids,
        }
        agent = await self.call("POST", "/api/agents", body)
        return str(agent["id"])

    async def create_channel(
        self, name: str, group_ids: list[str], origins: tuple[str, ...] = (DEFAULT_ORIGIN,)
    ) -> str:
        body = {"name": name, "group_ids": group_ids, "allowed_origins": list(origins)}
        channel = await self.call("POST", "/api/channels", body)
        return str(channel["id"])
