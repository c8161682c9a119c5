"""Use case: the visitor (or an agent for them) asks for the transcript by email (V5, N1)."""

from __future__ import annotations

import re

from parley_contracts.notifications import SendTranscriptV1

from ..domain.conversation_log import EntryKind
from ..domain.conversation_rules import Principal
from ..domain.errors import InvalidInput
from .conversation_contracts import draft, participant
from .conversation_ports import Appended, ConversationDeps
from .conversation_recorder import ConversationRecorder
from .post_message import actor_of

# Stricter than the contract's pattern: a dot in the domain, no spaces, sane length.
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s.]{2,}$")
_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")


def valid_email(email: str) -> str:
    email = email.strip()
    if len(email) > 254 or not _EMAIL.match(email):
        raise InvalidInput("that is not an email address")
    return email


class RequestTranscript:
    def __init__(self, deps: ConversationDeps) -> None:
        self._recorder = ConversationRecorder(deps)

    async def __call__(
        self, who: Principal, conversation_id: str, email: str, language: str | None = None
    ) -> Appended:
        """Record the request and send the ``SendTranscriptV1`` command to notifications (through
        the outbox, with the entry), during or after the chat."""
        address = valid_email(email)
        if language is not None and not _LANGUAGE.match(language):
            raise InvalidInput("language must be a BCP 47 tag")
        c = await self._recorder.visible(conversation_id, who)
        actor = actor_of(c, who)
        in_language = language or (c.visitor.language if c.visitor else None)
        recorded = await self._recorder.record(
            c,
            draft(
                c.id,
                EntryKind.TRANSCRIPT_REQUESTED,
                actor,
                self._recorder.deps.clock.now(),
                {"email": address},
            ),
            lambda _seq: [
                SendTranscriptV1(
                    conversation_id=c.id,
                    channel_id=c.channel_id,
                    email=address,
                    language=in_language,
                    requested_by=participant(actor),
                )
            ],
        )
        return Appended(recorded.entry, recorded.duplicate)
