"""Messages of the chatbot, which runs scripts in conversations that have one.

The bot speaks through the gateway's ``PostBotMessageV1`` command and asks the tickets service
for leads and tickets with ``CreateLeadV1`` / ``CreateTicketV1``; what it publishes itself is the
hand-off to a human operator.
"""

from __future__ import annotations

from typing import Annotated, ClassVar

from pydantic import StringConstraints

from parley_contracts.base import Event
from parley_contracts.common import (
    ChannelId,
    ConversationId,
    Identifier,
    LanguageTag,
    MessageText,
    Tag,
    ValueObject,
    VisitorInfo,
)


class BotAnswer(ValueObject):
    """A visitor's answer to one chatbot step, shown to the operator after the hand-off."""

    step_id: Identifier
    question: Annotated[str, StringConstraints(max_length=2000)]
    answer: MessageText


class HandoffRequestedV1(Event):
    """A chatbot step forwards the visitor to a human operator.

    Routing looks for an operator with ``required_expertise`` first and, when
    ``fallback_to_any_operator`` is set, then for any available operator. When none is found it
    publishes ``conversation.no_operator_found.v1`` and the bot continues its script.
    """

    TYPE: ClassVar[str] = "chatbot.handoff_requested.v1"

    conversation_id: ConversationId
    channel_id: ChannelId
    script_id: Identifier
    step_id: Identifier
    visitor: VisitorInfo
    language: LanguageTag | None = None
    """Language the operator should speak; defaults to the visitor's language."""
    required_expertise: tuple[Tag, ...] = ()
    fallback_to_any_operator: bool = True
    answers: tuple[BotAnswer, ...] = ()
    """What the visitor answered so far, in script order."""


MESSAGES = (HandoffRequestedV1,)
"""Every message the chatbot publishes."""
