"""Use case: an agent writes an internal note (A13); visitors never see it."""

from __future__ import annotations

from parley_contracts.gateway import MessagePostedV1, MessageVisibility

from ..domain.conversation_log import EntryKind, Visibility
from ..domain.errors import InvalidInput
from ..domain.identity import Account, Actor
from .conversation_contracts import dedupe_key, draft, participant
from .conversation_ports import Appended, ConversationDeps
from .conversation_recorder import ConversationRecorder
from .post_message import MAX_TEXT, check_client_message_id


class AddNote:
    def __init__(self, deps: ConversationDeps) -> None:
        self._deps = deps
        self._recorder = ConversationRecorder(deps)

    async def __call__(
        self, agent: Account, conversation_id: str, text: str, client_message_id: str | None = None
    ) -> Appended:
        """Any agent who may see the conversation notes in it, during or after the chat.

        Published as ``MessagePostedV1`` with ``visibility=internal`` (the contract's word for
        "agents only"), so tickets and reports can keep notes apart from the transcript.
        """
        check_client_message_id(client_message_id)
        if not text.strip() or len(text) > MAX_TEXT:
            raise InvalidInput(f"a note has 1 to {MAX_TEXT} characters")
        conversation = await self._recorder.visible(conversation_id, agent)
        actor = Actor.of_account(agent)
        message_id = self._deps.ids.new_id("note")
        c = conversation
        recorded = await self._recorder.record(
            c,
            draft(
                c.id,
                EntryKind.NOTE,
                actor,
                self._deps.clock.now(),
                {"message_id": message_id, "text": text},
                visibility=Visibility.INTERNAL,
                client_message_id=client_message_id,
            ),
            lambda seq: [
                MessagePostedV1(
                    conversation_id=c.id,
                    channel_id=c.channel_id,
                    sequence=seq,
                    message_id=message_id,
                    client_message_id=client_message_id,
                    author=participant(actor),
                    text=text,
                    visibility=MessageVisibility.INTERNAL,
                )
            ],
            dedupe_key=dedupe_key(c.id, actor, client_message_id),
        )
        return Appended(recorded.entry, recorded.duplicate)
