"""Use case: a visitor or an agent posts a message; a retried client message id is stored once."""

from __future__ import annotations

from collections.abc import Sequence

from parley_contracts.common import Attachment
from parley_contracts.gateway import MessagePostedV1

from ..domain.conversation import Conversation
from ..domain.conversation_log import EntryKind
from ..domain.conversation_rules import Principal, ensure_may_talk
from ..domain.errors import InvalidInput
from ..domain.identity import Actor, Role, Visitor
from ..domain.masking import mask_card_numbers
from .attachment_refs import AttachmentRef, attachments_of
from .conversation_contracts import dedupe_key, draft, participant
from .conversation_ports import Appended, ConversationDeps
from .conversation_recorder import ConversationRecorder

MAX_TEXT = 10_000
MAX_CLIENT_ID = 128


def actor_of(conversation: Conversation, who: Principal) -> Actor:
    """The sender as the conversation shows them (a visitor by the name they gave at the start)."""
    if isinstance(who, Visitor):
        name = conversation.visitor.name if conversation.visitor else who.name or "Visitor"
        return Actor(who.id, Role.VISITOR, name)
    member = conversation.member(who.id)
    if member is not None:  # the name they joined with: their chat name when routing sent them
        return Actor(who.id, Role.AGENT, member.display_name)
    return Actor.of_account(who)


def check_client_message_id(client_message_id: str | None) -> None:
    if client_message_id is not None and not 0 < len(client_message_id) <= MAX_CLIENT_ID:
        raise InvalidInput(f"client_message_id must have 1 to {MAX_CLIENT_ID} characters")


class PostMessage:
    def __init__(self, deps: ConversationDeps) -> None:
        self._deps = deps
        self._recorder = ConversationRecorder(deps)

    async def __call__(
        self,
        author: Principal,
        conversation_id: str,
        *,
        text: str = "",
        client_message_id: str | None = None,
        attachments: Sequence[AttachmentRef] = (),
        attachment_ids: Sequence[str] = (),
        choice_id: str | None = None,
    ) -> Appended:
        """Store the message (card numbers in visitor text masked first) and publish
        ``MessagePostedV1``; a resent ``client_message_id`` returns the original entry.
        ``attachment_ids``: files the author uploaded to this conversation (else ``NotFound``).
        ``choice_id``: the visitor picked a button of the last chatbot message; its label is the
        text when none is typed (``InvalidInput`` for a choice that is not on offer)."""

        async def attempt(conversation: Conversation) -> Appended:
            files = attachments
            if attachment_ids:
                found = await attachments_of(
                    self._deps.attachments, author, conversation.id, attachment_ids
                )
                files = (*attachments, *found)
            return await self.post(
                conversation,
                author,
                text,
                client_message_id,
                files,
                strict=True,
                choice_id=choice_id,
            )

        # Strict: the message must follow the state it was checked against (not ended, the
        # author still in it); a writer that got there first sends us back to re-check.
        return await self._recorder.decide(conversation_id, author, attempt)

    async def post(
        self,
        conversation: Conversation,
        author: Principal,
        text: str,
        client_message_id: str | None,
        attachments: Sequence[AttachmentRef] = (),
        *,
        strict: bool = False,
        choice_id: str | None = None,
    ) -> Appended:
        check_client_message_id(client_message_id)
        if choice_id is not None:
            label = _picked(conversation, author, choice_id)
            text = text or label
        if not text.strip() and not attachments:
            raise InvalidInput("a message needs text or an attachment")
        if len(text) > MAX_TEXT:
            raise InvalidInput(f"a message has at most {MAX_TEXT} characters")
        ensure_may_talk(conversation, author)
        if isinstance(author, Visitor):
            text = mask_card_numbers(text)
        actor = actor_of(conversation, author)
        message_id = self._deps.ids.new_id("msg")
        files = tuple(
            Attachment(
                attachment_id=a.attachment_id,
                file_name=a.file_name,
                content_type=a.content_type,
                size_bytes=a.size_bytes,
                # The contract takes absolute URLs only; clients get the path in the payload.
                url=a.url if a.url and a.url.startswith(("https://", "http://")) else None,
            )
            for a in attachments
        )
        payload: dict[str, object] = {
            "message_id": message_id,
            "text": text,
            "attachments": [
                {**f.model_dump(mode="json"), "url": a.url}
                for f, a in zip(files, attachments, strict=True)
            ],
        }
        if choice_id is not None:
            payload["selected_choice_id"] = choice_id
        entry = draft(
            conversation.id,
            EntryKind.MESSAGE,
            actor,
            self._deps.clock.now(),
            payload,
            client_message_id=client_message_id,
        )
        recorded = await self._recorder.record(
            conversation,
            entry,
            lambda seq: [
                MessagePostedV1(
                    conversation_id=conversation.id,
                    channel_id=conversation.channel_id,
                    sequence=seq,
                    message_id=message_id,
                    client_message_id=client_message_id,
                    author=participant(actor),
                    text=text,
                    attachments=files,
                    selected_choice_id=choice_id,
                )
            ],
            dedupe_key=dedupe_key(conversation.id, actor, client_message_id),
            strict=strict,
        )
        return Appended(recorded.entry, recorded.duplicate)


def _picked(conversation: Conversation, author: Principal, choice_id: str) -> str:
    """The label of the chatbot button ``choice_id``; only visitors pick, only offered ones."""
    if not isinstance(author, Visitor):
        raise InvalidInput("only the visitor answers a chatbot's question")
    for choice in conversation.choices:
        if choice.id == choice_id:
            return choice.label
    raise InvalidInput(f"choice_id {choice_id!r} is not one of the offered answers")
