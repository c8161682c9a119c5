"""Frame handlers both sockets share: parse is done, call one use case, translate the result.

Handlers are looked up by frame type in a class-level table, so a socket carries no table of
its own. A frame whose use case this build does not have is answered ``unsupported``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, ClassVar

from ...application.conversation_ports import Appended
from ...domain.errors import GatewayError
from . import client_frames as f
from .connection import Connection
from .context import WsContext
from .server_frames import Ack, Pong

Handler = Callable[[Any, Any], Awaitable[None]]


class Unsupported(GatewayError):
    code = "unsupported"


class Commands:
    __slots__ = ("connection", "ctx")
    handlers: ClassVar[dict[str, Handler]] = {}

    def __init__(self, ctx: WsContext, connection: Connection) -> None:
        self.ctx = ctx
        self.connection = connection

    async def dispatch(self, frame: f.ClientFrame) -> None:
        handler = self.handlers.get(getattr(frame, "type", ""))
        if handler is None:
            raise Unsupported("this frame is not handled on this socket")
        await handler(self, frame)

    def use_case(self, name: str) -> Any:
        found = getattr(self.ctx.use_cases, name, None)
        if found is None:
            raise Unsupported(f"{name} is not available yet")
        return found

    async def ack(self, frame: f.ClientFrame, **fields: Any) -> None:
        await self.connection.send(Ack(ref=frame.ref, **fields))

    # -- shared frames -----------------------------------------------------------------------

    async def ping(self, frame: f.Ping) -> None:
        await self.connection.send(Pong(ref=frame.ref))

    async def message(self, frame: f.SendMessage) -> None:
        self.before_message()
        appended = await self.use_case("post_message")(
            self.connection.principal,
            frame.conversation_id,
            text=frame.text,
            client_message_id=frame.client_message_id,
            attachment_ids=frame.attachment_ids,
            choice_id=frame.choice_id,
        )
        await self.ack_appended(frame, appended)

    async def ack_appended(self, frame: f.SendMessage | f.WriteNote, appended: Appended) -> None:
        """Acknowledge a stored client message with its sequence (the original one on a retry)."""
        await self.ack(
            frame,
            client_message_id=frame.client_message_id,
            conversation_id=frame.conversation_id,
            seq=appended.entry.seq,
            duplicate=True if appended.duplicate else None,
        )

    def before_message(self) -> None:
        """Visitors are rate limited here; agents are not."""

    async def typing(self, frame: f.SetTyping) -> None:
        await self.use_case("signal_typing")(
            self.connection.principal, frame.conversation_id, frame.typing
        )

    async def resume(self, frame: f.Resume) -> None:
        resumed = await self.use_case("resume_conversation")(
            self.connection.principal, frame.conversation_id, frame.after_seq
        )
        await self.ctx.registry.resume(
            self.connection,
            frame.conversation_id,
            frame.after_seq,
            list(resumed.entries),
            resumed.up_to_seq,
        )
        await self.ack(frame, conversation_id=frame.conversation_id, seq=resumed.up_to_seq)

    async def end(self, frame: f.End) -> None:
        await self.use_case("end_conversation")(self.connection.principal, frame.conversation_id)
        await self.ack(frame, conversation_id=frame.conversation_id)

    async def request_reply(self, frame: f.RequestReply) -> None:
        await self.use_case("reply_to_chat_request")(
            self.connection.principal, frame.conversation_id, frame.accept
        )
        await self.ctx.registry.follow_if_new(self.connection, frame.conversation_id)
        await self.ack(frame, conversation_id=frame.conversation_id)


SHARED: dict[str, Handler] = {
    "ping": Commands.ping,
    "message": Commands.message,
    "typing": Commands.typing,
    "resume": Commands.resume,
    "end": Commands.end,
    "request_reply": Commands.request_reply,
}
