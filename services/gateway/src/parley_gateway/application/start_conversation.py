"""Use case: a visitor starts a conversation on a channel and asks for an operator (V3)."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import ValidationError

from parley_contracts.common import ParticipantRole
from parley_contracts.gateway import (
    ConversationRequestedV1,
    ConversationStartedV1,
    JoinReason,
    ParticipantJoinedV1,
)

from ..domain.channel import Channel
from ..domain.channel_rules import chatbot_to_run, matching_rule
from ..domain.conversation import Conversation, ConversationKind, PageVisit, VisitorProfile
from ..domain.conversation_log import EntryKind, LogEntry
from ..domain.conversation_payloads import participant_payload, visitor_payload
from ..domain.errors import InvalidInput, NotFound
from ..domain.identity import Actor, Role, Visitor
from ..domain.masking import mask_ip
from .conversation_contracts import draft, participant, visitor_info
from .conversation_ports import Appended, ConversationDeps
from .conversation_recorder import ConversationRecorder
from .post_message import PostMessage

DEFAULT_VISITOR_NAME = "Visitor"


@dataclass(frozen=True)
class VisitorDetails:
    """What the widget, the website and the connection told about the visitor (V3, V8)."""

    name: str | None = None
    email: str | None = None
    language: str | None = None
    country: str | None = None
    page_url: str | None = None
    page_title: str | None = None
    user_agent: str | None = None
    ip: str | None = None
    """The client address as seen; stored with its host part masked."""


@dataclass(frozen=True)
class Started:
    conversation: Conversation
    entries: tuple[LogEntry, ...]
    """The entries this call stored (started, the visitor joined, the first message)."""
    message: Appended | None = None
    already_open: bool = False
    """The visitor had an open conversation on this channel: it is returned, not a new one."""


class StartConversation:
    def __init__(self, deps: ConversationDeps) -> None:
        self._deps = deps
        self._recorder = ConversationRecorder(deps)
        self._post = PostMessage(deps)

    async def __call__(
        self,
        visitor: Visitor,
        details: VisitorDetails | None = None,
        *,
        text: str | None = None,
        client_message_id: str | None = None,
    ) -> Started:
        """Open a conversation in ``visitor.channel_id`` (publishing ``ConversationStartedV1`` and
        ``ConversationRequestedV1``), or return the visitor's open one: one live chat per visitor
        and channel, so several tabs starting at once land in the same conversation."""
        details = details or VisitorDetails()
        channel = await self._deps.channels.get(visitor.channel_id)
        if channel is None:
            raise NotFound("no such channel")
        history = await self._deps.snapshots.of_visitor(visitor.id)
        open_ones = [
            c
            for c in history
            if c.channel_id == visitor.channel_id
            and c.kind is ConversationKind.VISITOR
            and not c.is_ended
        ]
        if open_ones:
            return await self._continue(open_ones[0], visitor, text, client_message_id)
        profile = self._profile(visitor, details)
        script_id = self._chatbot(channel, profile)
        conversation_id = self._deps.ids.new_id("conv")
        now = self._deps.clock.now()
        actor = Actor(visitor.id, Role.VISITOR, profile.name)
        started = await self._recorder.record(
            None,
            draft(
                conversation_id,
                EntryKind.STARTED,
                actor,
                now,
                {
                    "kind": ConversationKind.VISITOR.value,
                    "channel_id": visitor.channel_id,
                    "visitor": visitor_payload(profile),
                    "title": None,
                    "addressee": None,
                    "chatbot_script_id": script_id,
                },
            ),
            lambda seq: self._start_events(
                conversation_id, visitor, profile, seq, history, script_id
            ),
        )
        conversation = started.conversation
        joined = await self._recorder.record(
            conversation,
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
                    channel_id=visitor.channel_id,
                    sequence=seq,
                    participant=participant(actor),
                    reason=JoinReason.STARTED,
                )
            ],
        )
        entries = [started.entry, joined.entry]
        conversation = joined.conversation
        message = None
        if text:
            message = await self._post.post(conversation, visitor, text, client_message_id)
            entries.append(message.entry)
            conversation = await self._recorder.load(conversation_id) or conversation
        return Started(conversation, tuple(entries), message)

    async def _continue(
        self, conversation: Conversation, visitor: Visitor, text: str | None, client_id: str | None
    ) -> Started:
        message = None
        if text:
            message = await self._post.post(conversation, visitor, text, client_id)
        entries = (message.entry,) if message and not message.duplicate else ()
        return Started(conversation, entries, message, already_open=True)

    def _chatbot(self, channel: Channel, profile: VisitorProfile) -> str | None:
        """The script the channel's first matching rule runs for this page and country (V2)."""
        rule = matching_rule(channel, profile.page_url, profile.country)
        operators = self._deps.operators
        online = operators is not None and operators.available_in(channel.id)
        return chatbot_to_run(rule, online)

    def _profile(self, visitor: Visitor, details: VisitorDetails) -> VisitorProfile:
        name = (details.name or visitor.name or DEFAULT_VISITOR_NAME).strip()[:200]
        page = None
        if details.page_url:
            page = PageVisit(details.page_url, details.page_title, self._deps.clock.now())
        profile = VisitorProfile(
            visitor_id=visitor.id,
            name=name or DEFAULT_VISITOR_NAME,
            customer_id=visitor.customer_id,
            email=details.email or visitor.email,
            language=details.language,
            country=details.country.upper() if details.country else None,
            page_url=details.page_url,
            pages=(page,) if page else (),
            user_agent=(details.user_agent or "")[:512] or None,
            ip=mask_ip(details.ip),
        )
        try:  # what contracts will carry must be valid before anything is stored
            visitor_info(profile)
        except ValidationError as exc:
            fields = ", ".join(str(error["loc"][0]) for error in exc.errors())
            raise InvalidInput(f"invalid visitor details: {fields}") from exc
        return profile

    def _start_events(
        self,
        conversation_id: str,
        visitor: Visitor,
        profile: VisitorProfile,
        seq: int,
        history: list[Conversation],
        script_id: str | None,
    ) -> list[ConversationStartedV1 | ConversationRequestedV1]:
        """Started, and the request for an operator unless a chatbot greets first (it hands
        over with its own event when its script says so)."""
        info = visitor_info(profile)
        assert info is not None
        started = ConversationStartedV1(
            conversation_id=conversation_id,
            channel_id=visitor.channel_id,
            sequence=seq,
            initiated_by=ParticipantRole.VISITOR,
            visitor=info,
            chatbot_script_id=script_id,
        )
        if script_id is not None:
            return [started]
        return [
            started,
            ConversationRequestedV1(
                conversation_id=conversation_id,
                channel_id=visitor.channel_id,
                sequence=seq,
                visitor=info,
                language=profile.language,
                previous_agent_id=previous_agent(history, visitor.channel_id),
            ),
        ]


def previous_agent(history: list[Conversation], channel_id: str) -> str | None:
    """The operator who last answered this visitor on the channel (routing prefers them, R1)."""
    for conversation in history:  # newest first
        if conversation.channel_id == channel_id and conversation.answering_agents:
            return conversation.answering_agents[-1]
    return None
