"""The visitor socket's frames (V3-V8)."""

from __future__ import annotations

from typing import ClassVar

from ...application.start_conversation import VisitorDetails
from ...domain.identity import Visitor
from . import client_frames as f
from .commands import SHARED, Commands, Handler
from .connection import Connection
from .context import WsContext


class VisitorCommands(Commands):
    __slots__ = ("country", "hello", "page")

    def __init__(
        self, ctx: WsContext, connection: Connection, hello: f.VisitorHello, country: str | None
    ) -> None:
        super().__init__(ctx, connection)
        self.hello = hello
        self.page = hello.page
        self.country = country

    @property
    def visitor(self) -> Visitor:
        principal = self.connection.principal
        assert isinstance(principal, Visitor)
        return principal

    def before_message(self) -> None:
        self.ctx.limits.check(self.ctx.limits.messages, self.connection, "messages")

    async def start(self, frame: f.Start) -> None:
        self.ctx.limits.check(self.ctx.limits.starts, self.connection, "new conversations")
        if frame.text:
            self.before_message()
        page = frame.page or self.page
        details = VisitorDetails(
            name=frame.name,
            email=frame.email,
            language=self.hello.language,
            country=self.country,
            page_url=page.url if page else None,
            page_title=page.title if page else None,
            user_agent=self.hello.user_agent,
            ip=self.connection.address,
        )
        started = await self.use_case("start_conversation")(
            self.visitor,
            details,
            text=frame.text,
            client_message_id=frame.client_message_id,
        )
        conversation_id = started.conversation.id
        # The stored entries reached this socket through the fan-out (the visitor acted);
        # an open conversation found again is followed from here on.
        await self.ctx.registry.follow_if_new(self.connection, conversation_id)
        message = started.message
        await self.ack(
            frame,
            conversation_id=conversation_id,
            client_message_id=frame.client_message_id if message else None,
            seq=message.entry.seq if message else None,
            duplicate=True if message and message.duplicate else None,
        )

    async def visit_page(self, frame: f.VisitPage) -> None:
        self.page = f.Page(url=frame.url, title=frame.title)
        if frame.conversation_id is not None:
            await self.use_case("record_visitor_page")(
                self.visitor, frame.conversation_id, frame.url, frame.title
            )
        await self.ack(frame, conversation_id=frame.conversation_id)

    async def minimize(self, frame: f.SetMinimized) -> None:
        await self.use_case("record_widget_minimized")(
            self.visitor, frame.conversation_id, frame.minimized
        )
        await self.ack(frame, conversation_id=frame.conversation_id)

    async def rate(self, frame: f.Rate) -> None:
        await self.use_case("rate_conversation")(
            self.visitor, frame.conversation_id, frame.rating, frame.comment
        )
        await self.ack(frame, conversation_id=frame.conversation_id)

    async def transcript(self, frame: f.RequestTranscript) -> None:
        await self.use_case("request_transcript")(
            self.visitor, frame.conversation_id, frame.email, self.hello.language
        )
        await self.ack(frame, conversation_id=frame.conversation_id)

    handlers: ClassVar[dict[str, Handler]] = {
        **SHARED,
        "start": start,
        "page": visit_page,
        "minimized": minimize,
        "rate": rate,
        "transcript": transcript,
    }
