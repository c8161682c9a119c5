"""Use case: an agent asks a visitor or customer to chat; they accept or decline (A5, V7)."""

from __future__ import annotations

from parley_contracts.common import ParticipantRole

from ..domain.conversation import ConversationKind, VisitorProfile
from ..domain.errors import NotFound
from ..domain.identity import Account
from .conversation_ports import ConversationDeps
from .start_agent_chat import ChatRequested, open_chat_request


class RequestCustomerChat:
    def __init__(self, deps: ConversationDeps) -> None:
        self._deps = deps

    async def __call__(
        self,
        agent: Account,
        visitor_id: str,
        channel_id: str,
        text: str = "",
        client_message_id: str | None = None,
    ) -> ChatRequested:
        """A chat request on a channel open to the agent, addressed to ``visitor_id``; the
        visitor is described as their latest conversation on the channel knew them."""
        channel = await self._deps.channels.get(channel_id)
        if channel is None or not channel.open_to(agent):
            raise NotFound("no such channel")
        known = [
            c.visitor
            for c in await self._deps.snapshots.of_visitor(visitor_id)
            if c.visitor is not None and c.channel_id == channel_id
        ]
        profile = known[0] if known else VisitorProfile(visitor_id=visitor_id, name="Visitor")
        to = {"id": visitor_id, "role": ParticipantRole.VISITOR.value, "name": profile.name}
        return await open_chat_request(
            self._deps,
            agent,
            ConversationKind.AGENT_REQUEST,
            channel_id,
            to,
            profile,
            text,
            client_message_id,
        )
