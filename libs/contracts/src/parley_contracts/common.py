"""Constrained types and value objects shared by several services' messages."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints


def _to_utc(value: datetime) -> datetime:
    return value.astimezone(UTC)


UtcDatetime = Annotated[AwareDatetime, AfterValidator(_to_utc)]
"""A timezone-aware instant, normalised to UTC; serialised as RFC 3339 (``...Z``)."""

Identifier = Annotated[
    str,
    StringConstraints(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9][A-Za-z0-9._:@-]*$"),
]
"""An id Parley generated (UUID, ObjectId hex, ...): letters, digits and ``. _ : @ -``."""

ConversationId = Identifier
ChannelId = Identifier
AgentId = Identifier
VisitorId = Identifier
MessageId = Identifier

ExternalId = Annotated[str, StringConstraints(min_length=1, max_length=256)]
"""An id chosen by another system, such as a customer id signed by the company's website."""

SequenceNumber = Annotated[int, Field(ge=1)]
"""Position of an event in its conversation: starts at 1 and has no gaps."""

Seconds = Annotated[float, Field(ge=0)]
LanguageTag = Annotated[
    str, StringConstraints(max_length=35, pattern=r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")
]
"""A BCP 47 language tag such as ``en`` or ``pt-BR``."""

CountryCode = Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]
"""An ISO 3166-1 alpha-2 country code such as ``DE``."""

EmailAddress = Annotated[str, StringConstraints(max_length=254, pattern=r"^[^@\s]+@[^@\s]+$")]
WebUrl = Annotated[str, StringConstraints(max_length=2048, pattern=r"^https?://\S+$")]
DisplayName = Annotated[str, StringConstraints(min_length=1, max_length=200)]
Tag = Annotated[str, StringConstraints(min_length=1, max_length=64)]
"""A label or expertise name as an admin typed it, for example ``billing``."""

MessageText = Annotated[str, StringConstraints(max_length=10_000)]


_MIME_TOKEN = r"[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*"


class ValueObject(BaseModel):
    """Base of the models nested inside messages: frozen, unknown fields ignored."""

    model_config = ConfigDict(frozen=True, extra="ignore", use_attribute_docstrings=True)


class OperatorAvailability(StrEnum):
    """Whether an agent takes chats. Agents start offline (A1)."""

    ONLINE = "online"
    AWAY = "away"
    OFFLINE = "offline"


class RoutingMode(StrEnum):
    """How a channel hands waiting conversations to operators (R1)."""

    PUSH = "push"
    """Routing picks the operator."""
    PULL = "pull"
    """Every eligible operator is offered the conversation; the first to accept gets it."""


class ParticipantRole(StrEnum):
    """The part someone plays in a conversation."""

    VISITOR = "visitor"
    AGENT = "agent"
    BOT = "bot"
    OBSERVER = "observer"


class Participant(ValueObject):
    """Someone taking part in a conversation, as other participants see them."""

    id: Identifier
    """Visitor id, agent id, or chatbot script id, depending on ``role``."""
    role: ParticipantRole
    display_name: DisplayName
    """The name shown in the chat: the visitor's name or the operator's chat name."""


class VisitorInfo(ValueObject):
    """What the widget and the website told Parley about the person on the visitor side."""

    visitor_id: VisitorId
    """Stable id kept by the widget's visitor token; the same when the visitor returns."""
    customer_id: ExternalId | None = None
    """The website's own customer id when the customer is logged in; null when anonymous."""
    name: DisplayName
    email: EmailAddress | None = None
    language: LanguageTag | None = None
    """The visitor's preferred language, from the browser or the website."""
    country: CountryCode | None = None
    page_url: WebUrl | None = None
    """The page the visitor was on when the event happened."""


class Attachment(ValueObject):
    """A file a participant pasted or attached to a message."""

    attachment_id: Identifier
    file_name: Annotated[str, StringConstraints(min_length=1, max_length=255)]
    content_type: Annotated[
        str, StringConstraints(max_length=255, pattern=rf"^{_MIME_TOKEN}/{_MIME_TOKEN}(;.*)?$")
    ]
    """The MIME type, for example ``image/png``."""
    size_bytes: Annotated[int, Field(ge=0)]
    url: WebUrl | None = None
    """Where an authorised client downloads the file from the gateway."""
