"""The agent socket's frames (A1-A7 as far as the gateway is concerned)."""

from __future__ import annotations

from typing import ClassVar

from . import client_frames as f
from .commands import SHARED, Commands, Handler


class AgentCommands(Commands):
    __slots__ = ()

    async def accept(self, frame: f.Accept) -> None:
        await self.use_case("accept_offered_conversation")(
            self.connection.principal, frame.conversation_id
        )
        await self.ack(frame, conversation_id=frame.conversation_id)

    async def leave(self, frame: f.Leave) -> None:
        await self.use_case("leave_conversation")(self.connection.principal, frame.conversation_id)
        await self.ack(frame, conversation_id=frame.conversation_id)

    async def status(self, frame: f.SetStatus) -> None:
        await self.use_case("change_status")(
            self.connection.principal, frame.conversation_id, frame.status
        )
        await self.ack(frame, conversation_id=frame.conversation_id)

    async def rename(self, frame: f.Rename) -> None:
        await self.use_case("rename_conversation")(
            self.connection.principal, frame.conversation_id, frame.title
        )
        await self.ack(frame, conversation_id=frame.conversation_id)

    async def tag(self, frame: f.ChangeTags) -> None:
        await self.use_case("tag_conversation")(
            self.connection.principal, frame.conversation_id, frame.add, frame.remove
        )
        await self.ack(frame, conversation_id=frame.conversation_id)

    async def note(self, frame: f.WriteNote) -> None:
        appended = await self.use_case("add_note")(
            self.connection.principal,
            frame.conversation_id,
            text=frame.text,
            client_message_id=frame.client_message_id,
        )
        await self.ack_appended(frame, appended)

    async def observe(self, frame: f.Observe) -> None:
        await self.use_case("observe_conversation")(
            self.connection.principal, frame.conversation_id
        )
        await self.ack(frame, conversation_id=frame.conversation_id)

    async def start_agent_chat(self, frame: f.StartAgentChat) -> None:
        requested = await self.use_case("start_agent_chat")(
            self.connection.principal, frame.agent_id, frame.text, frame.client_message_id
        )
        conversation_id = requested.conversation.id
        await self.ctx.registry.follow_if_new(self.connection, conversation_id)
        await self.ack(frame, conversation_id=conversation_id)

    async def request_customer(self, frame: f.RequestCustomer) -> None:
        requested = await self.use_case("request_customer_chat")(
            self.connection.principal,
            frame.visitor_id,
            frame.channel_id,
            frame.text,
            frame.client_message_id,
        )
        conversation = requested.conversation
        await self.ctx.registry.follow_if_new(self.connection, conversation.id)
        await self.ack(frame, conversation_id=conversation.id)

    async def availability(self, frame: f.SetAvailability) -> None:
        await self.use_case("signal_operator").choose(self.connection.principal, frame.availability)
        await self.ack(frame)

    async def transfer(self, frame: f.Transfer) -> None:
        await self.use_case("transfer_conversation")(
            self.connection.principal,
            frame.conversation_id,
            to_agent_id=frame.agent_id,
            to_channel_id=frame.channel_id,
        )
        await self.ack(frame, conversation_id=frame.conversation_id)

    async def invite(self, frame: f.Invite) -> None:
        await self.use_case("invite_to_conversation")(
            self.connection.principal,
            frame.conversation_id,
            frame.agent_id,
            as_observer=frame.observer,
        )
        await self.ack(frame, conversation_id=frame.conversation_id)

    handlers: ClassVar[dict[str, Handler]] = {
        **SHARED,
        "accept": accept,
        "leave": leave,
        "observe": observe,
        "status": status,
        "rename": rename,
        "tag": tag,
        "note": note,
        "start_agent_chat": start_agent_chat,
        "request_customer": request_customer,
        "availability": availability,
        "transfer": transfer,
        "invite": invite,
    }
