"""Who may read a conversation (and its attachments) over HTTP.

An agent: a conversation of a channel open to them (admins: every channel); a chat between agents
only its participants. A visitor: their own conversations, proven by their visitor token.
Anything else answers ``NotFound``, exactly like an unknown id, so ids cannot be probed.
"""

from __future__ import annotations

from ..domain.errors import NotFound
from ..domain.identity import Account
from ..domain.visitor_token import VisitorClaims
from .ports import ChannelRepository, ConversationArchive
from .read_models import ConversationRecord

Requester = Account | VisitorClaims
"""A logged-in agent or admin, or a visitor identified by their token."""


async def agent_may_read(
    channels: ChannelRepository, account: Account, conversation: ConversationRecord
) -> bool:
    if conversation.kind == "agent_to_agent":
        ids = {p.get("id") for p in conversation.participants} | set(conversation.agents_involved)
        return account.id in ids
    if account.is_admin:
        return True
    channel = await channels.get(conversation.channel_id)
    return channel is not None and channel.open_to(account)


def visitor_may_read(claims: VisitorClaims, conversation: ConversationRecord) -> bool:
    return (
        conversation.visitor_id == claims.visitor_id
        and conversation.channel_id == claims.channel_id
    )


async def readable_conversation(
    archive: ConversationArchive,
    channels: ChannelRepository,
    requester: Requester,
    conversation_id: str,
) -> ConversationRecord:
    """The conversation when ``requester`` may read it; ``NotFound`` otherwise."""
    conversation = await archive.get(conversation_id)
    if conversation is not None:
        if isinstance(requester, Account):
            allowed = await agent_may_read(channels, requester, conversation)
        else:
            allowed = visitor_may_read(requester, conversation)
        if allowed:
            return conversation
    raise NotFound(f"conversation {conversation_id} not found")
