"""Frames the clients send (protocol version 1, docs/protocol.md).

Strict types, so ``"typing": "yes"`` is refused instead of guessed at; unknown fields are ignored,
so a client written for a later minor revision of version 1 still talks to this server.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from parley_contracts.common import (
    EmailAddress,
    Identifier,
    LanguageTag,
    MessageText,
    OperatorAvailability,
    Tag,
)
from parley_contracts.gateway import ConversationStatus, Rating
from parley_contracts.gateway.conversation import ClientMessageId, Title

Ref = Annotated[str, StringConstraints(max_length=64)]
PageUrl = Annotated[str, StringConstraints(min_length=1, max_length=2048)]
PageTitle = Annotated[str, StringConstraints(max_length=300)]
Name = Annotated[str, StringConstraints(min_length=1, max_length=200, strip_whitespace=True)]
Token = Annotated[str, StringConstraints(min_length=1, max_length=4096)]
Seq = Annotated[int, Field(ge=0)]
AttachmentIds = Annotated[list[Identifier], Field(max_length=10)]


class ClientFrame(BaseModel):
    model_config = ConfigDict(strict=True, extra="ignore", frozen=True)

    ref: Ref | None = None
    """Echoed in the server's ``ack`` or ``error`` for this frame."""


class Page(BaseModel):
    model_config = ConfigDict(strict=True, extra="ignore", frozen=True)

    url: PageUrl
    title: PageTitle | None = None


class ConversationFrame(ClientFrame):
    conversation_id: Identifier


# -- both sides ------------------------------------------------------------------------------


class Ping(ClientFrame):
    type: Literal["ping"]


class SendMessage(ConversationFrame):
    type: Literal["message"]
    client_message_id: ClientMessageId
    text: MessageText = ""
    attachment_ids: AttachmentIds = Field(default_factory=list)
    choice_id: Identifier | None = None
    """A visitor's pick among the last chatbot message's buttons."""


class SetTyping(ConversationFrame):
    type: Literal["typing"]
    typing: bool


class Resume(ConversationFrame):
    type: Literal["resume"]
    after_seq: Seq
    """The last sequence the client has; the server sends everything after it."""


class End(ConversationFrame):
    type: Literal["end"]


class RequestReply(ConversationFrame):
    type: Literal["request_reply"]
    accept: bool


# -- visitor ---------------------------------------------------------------------------------


class VisitorHello(ClientFrame):
    type: Literal["hello"]
    v: int = 1
    visitor_token: Token | None = None
    customer_token: Token | None = None
    language: LanguageTag | None = None
    page: Page | None = None
    user_agent: Annotated[str, StringConstraints(max_length=512)] | None = None


class Start(ClientFrame):
    type: Literal["start"]
    name: Name | None = None
    email: EmailAddress | None = None
    client_message_id: ClientMessageId | None = None
    text: MessageText | None = None
    page: Page | None = None


class VisitPage(ClientFrame):
    type: Literal["page"]
    conversation_id: Identifier | None = None
    url: PageUrl
    title: PageTitle | None = None


class SetMinimized(ConversationFrame):
    type: Literal["minimized"]
    minimized: bool


class Rate(ConversationFrame):
    type: Literal["rate"]
    rating: Rating
    comment: Annotated[str, StringConstraints(max_length=2000)] | None = None


class RequestTranscript(ConversationFrame):
    type: Literal["transcript"]
    email: EmailAddress


VisitorFrame = Annotated[
    VisitorHello
    | Start
    | SendMessage
    | SetTyping
    | VisitPage
    | SetMinimized
    | Resume
    | End
    | Rate
    | RequestTranscript
    | RequestReply
    | Ping,
    Field(discriminator="type"),
]


# -- agent -----------------------------------------------------------------------------------


class AgentHello(ClientFrame):
    type: Literal["hello"]
    v: int = 1


class Accept(ConversationFrame):
    type: Literal["accept"]


class Leave(ConversationFrame):
    type: Literal["leave"]


class Observe(ConversationFrame):
    """Join invisibly: visitors never see observers."""

    type: Literal["observe"]


class SetStatus(ConversationFrame):
    type: Literal["status"]
    status: ConversationStatus


class SetAvailability(ClientFrame):
    """The agent goes online, away or offline (A1); routing confirms with a ``presence`` frame."""

    type: Literal["availability"]
    availability: OperatorAvailability


class Transfer(ConversationFrame):
    """Hand the chat to an agent or to a channel's operators (A6): exactly one of the two."""

    type: Literal["transfer"]
    agent_id: Identifier | None = None
    channel_id: Identifier | None = None


class Invite(ConversationFrame):
    """Bring a colleague in, as a participant or as an invisible observer (A6)."""

    type: Literal["invite"]
    agent_id: Identifier
    observer: bool = False


class Rename(ConversationFrame):
    type: Literal["rename"]
    title: Title


class ChangeTags(ConversationFrame):
    type: Literal["tag"]
    add: Annotated[list[Tag], Field(max_length=20)] = Field(default_factory=list)
    remove: Annotated[list[Tag], Field(max_length=20)] = Field(default_factory=list)


class WriteNote(ConversationFrame):
    type: Literal["note"]
    client_message_id: ClientMessageId
    text: Annotated[str, StringConstraints(min_length=1, max_length=10_000)]


class StartAgentChat(ClientFrame):
    type: Literal["start_agent_chat"]
    agent_id: Identifier
    text: MessageText = ""
    client_message_id: ClientMessageId | None = None


class RequestCustomer(ClientFrame):
    type: Literal["request_customer"]
    visitor_id: Identifier
    channel_id: Identifier
    text: MessageText = ""
    client_message_id: ClientMessageId | None = None


AgentFrame = Annotated[
    AgentHello
    | SendMessage
    | SetTyping
    | Resume
    | Accept
    | Leave
    | Observe
    | End
    | SetStatus
    | Rename
    | ChangeTags
    | WriteNote
    | StartAgentChat
    | RequestCustomer
    | RequestReply
    | SetAvailability
    | Transfer
    | Invite
    | Ping,
    Field(discriminator="type"),
]
