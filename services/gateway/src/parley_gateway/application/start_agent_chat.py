"""Use case: an agent opens a chat with another agent, who accepts or declines it (A5)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from parley_contracts.common import ParticipantRole
from parley_contracts.gateway import ConversationStartedV1, JoinReason, ParticipantJoinedV1

from ..domain.conversation import (
    AGENT_CHATS_CHANNEL,
    Conversation,
    ConversationKind,
    VisitorProfile,
)
from ..domain.conversation_log import EntryKind
from ..domain.conversation_payloads import participant_payload, visitor_payload
from ..domain.errors import InvalidInput, NotFound
from ..domain.identity import Account, Actor
from .conversation_contracts import draft, participant, visitor_info
from .conversation_ports import Appended, ConversationDeps
from .conversation_recorder import ConversationRecorder
from .post_message import PostMessage


@dataclass(frozen=True)
class ChatRequested:
    conversation: Conversation
    message: Appended | None


class StartAgentChat:
    def __init__(self, deps: ConversationDeps) -> None:
        self._deps = deps

    async def __call__(
        self,
        agent: Account,
        addressee_id: str,
        text: str = "",
        client_message_id: str | None = None,
    ) -> ChatRequested:
        """A conversation addressed to another active agent (pending until they reply with
        ``ReplyToChatRequest``); it belongs to no channel (``AGENT_CHATS_CHANNEL``)."""
        if addressee_id == agent.id:
            raise InvalidInput("start a chat with someone else")
        addressee = await self._deps.accounts.get(addressee_id)
        if addressee is None or not addressee.active:
            raise NotFound("no such agent")
        to = {
            "id": addressee.id,
            "role": ParticipantRole.AGENT.value,
            "name": addressee.display_name,
        }
        return await open_chat_request(
            self._deps,
            agent,
            ConversationKind.AGENT_TO_AGENT,
            AGENT_CHATS_CHANNEL,
            to,
            None,
            text,
            client_message_id,
        )


async def open_chat_request(
    deps: ConversationDeps,
    agent: Account,
    kind: ConversationKind,
    channel_id: str,
    addressee: dict[str, Any],
    visitor: VisitorProfile | None,
    text: str,
    client_message_id: str | None,
) -> ChatRequested:
    """started (the request) -> the initiating agent joined -> their first message, if any."""
    recorder = ConversationRecorder(deps)
    conversation_id = deps.ids.new_id("conv")
    now = deps.clock.now()
    actor = Actor.of_account(agent)
    payload = {
        "kind": kind.value,
        "channel_id": channel_id,
        "visitor": visitor_payload(visitor) if visitor else None,
        "title": None,
        "addressee": addressee,
        "chatbot_script_id": None,
    }
    started = await recorder.record(
        None,
        draft(conversation_id, EntryKind.STARTED, actor, now, payload),
        lambda seq: [
            ConversationStartedV1(
                conversation_id=conversation_id,
                channel_id=channel_id,
                sequence=seq,
                initiated_by=ParticipantRole.AGENT,
                visitor=visitor_info(visitor),
                initiating_agent_id=agent.id,
            )
        ],
    )
    joined = await recorder.record(
        started.conversation,
        draft(
            conversation_id,
            EntryKind.JOINED,
            actor,
            now,
            {"participant": participant_payload(actor), "reason": JoinReason.STARTED.value},
        ),
        lambda seq: [
            ParticipantJoinedV1(
                conversation_id=conversation_id,
                channel_id=channel_id,
                sequence=seq,
                participant=participant(actor),
                reason=JoinReason.STARTED,
            )
        ],
    )
    message = None
    conversation = joined.conversation
    if text.strip():
        message = await PostMessage(deps).post(conversation, agent, text, client_message_id)
        conversation = await recorder.load(conversation_id) or conversation
    return ChatRequested(conversation, message)
