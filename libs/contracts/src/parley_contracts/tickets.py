"""Messages of the tickets service, which owns tickets, leads and their articles.

Commands and queries live with the service that handles them, so ``CreateTicketV1`` is here
although the gateway (agent ``/ticket``) and the chatbot both send it. When a command names a
conversation, the tickets service fetches its transcript with ``gateway.get_transcript.v1``.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, ClassVar

from pydantic import Field, StringConstraints

from parley_contracts.base import Command, Event, Query, Reply
from parley_contracts.common import (
    AgentId,
    ChannelId,
    ConversationId,
    DisplayName,
    EmailAddress,
    ExternalId,
    Identifier,
    MessageText,
    Participant,
    Tag,
    UtcDatetime,
    ValueObject,
)

PhoneNumber = Annotated[str, StringConstraints(pattern=r"^\+?[0-9][0-9 ()./-]{2,31}$")]
TicketTitle = Annotated[str, StringConstraints(min_length=1, max_length=200)]
TicketNumber = Annotated[str, StringConstraints(min_length=1, max_length=32)]
"""The number people quote, e.g. ``20250001``; unlike the id it is meant to be read aloud."""


class TicketState(StrEnum):
    """Whether a ticket still needs work."""

    OPEN = "open"
    CLOSED = "closed"


class Contact(ValueObject):
    """The person a ticket or lead is about."""

    customer_id: ExternalId | None = None
    name: DisplayName
    email: EmailAddress | None = None
    phone: PhoneNumber | None = None


class CreateTicketV1(Command):
    """Create a ticket, from a chat (with its transcript as the first article) or by phone."""

    TYPE: ClassVar[str] = "tickets.create_ticket.v1"

    conversation_id: ConversationId | None = None
    """The chat the ticket comes from; null for a phone ticket."""
    channel_id: ChannelId | None = None
    title: TicketTitle
    description: MessageText = ""
    customer: Contact
    state: TicketState = TicketState.OPEN
    assignee_agent_id: AgentId | None = None
    labels: tuple[Tag, ...] = ()
    requested_by: Participant
    """The agent or bot that asked for the ticket."""


class TicketCreatedV1(Event):
    """A ticket was created."""

    TYPE: ClassVar[str] = "ticket.created.v1"

    ticket_id: Identifier
    number: TicketNumber
    title: TicketTitle
    state: TicketState
    customer: Contact
    conversation_id: ConversationId | None = None
    channel_id: ChannelId | None = None
    assignee_agent_id: AgentId | None = None
    labels: tuple[Tag, ...] = ()


class CreateLeadV1(Command):
    """Create a sales lead (source "Livechat") with the conversation's transcript in its notes."""

    TYPE: ClassVar[str] = "tickets.create_lead.v1"

    conversation_id: ConversationId
    channel_id: ChannelId
    title: TicketTitle
    contact: Contact
    notes: MessageText = ""
    requested_by: Participant


class LeadCreatedV1(Event):
    """A lead was created."""

    TYPE: ClassVar[str] = "lead.created.v1"

    lead_id: Identifier
    title: TicketTitle
    contact: Contact
    conversation_id: ConversationId | None = None


class TicketSummary(ValueObject):
    """One ticket in search results."""

    ticket_id: Identifier
    number: TicketNumber
    title: TicketTitle
    state: TicketState
    customer_name: DisplayName | None = None
    updated_at: UtcDatetime


class TicketSearchResultsV1(Reply):
    """Tickets matching a search, most recently updated first."""

    TYPE: ClassVar[str] = "tickets.ticket_search_results.v1"

    tickets: tuple[TicketSummary, ...]


class SearchTicketsV1(Query):
    """Find tickets by keyword or number (answered with ``TicketSearchResultsV1``)."""

    TYPE: ClassVar[str] = "tickets.search_tickets.v1"
    REPLY: ClassVar[type[Reply]] = TicketSearchResultsV1

    text: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    customer_id: ExternalId | None = None
    """Only this customer's tickets."""
    limit: Annotated[int, Field(ge=1, le=50)] = 10


MESSAGES = (
    CreateTicketV1,
    TicketCreatedV1,
    CreateLeadV1,
    LeadCreatedV1,
    SearchTicketsV1,
    TicketSearchResultsV1,
)
"""Every message the tickets service publishes or handles, in catalogue order."""
