"""The chatbot speaks (``PostBotMessageV1``, B1): the bot joins on its first message, then its
message (with its answer buttons, if any) is stored and published like any other."""

from __future__ import annotations

import structlog

from parley_contracts.envelope import CloudEvent
from parley_contracts.gateway import JoinReason, MessagePostedV1
from parley_contracts.gateway.requests import PostBotMessageV1

from ..domain.conversation import Conversation, Lifecycle
from ..domain.conversation_log import EntryKind
from ..domain.identity import Actor, Role
from .accept_offered_conversation import join_visibly
from .conversation_contracts import dedupe_key, draft, participant
from .conversation_ports import ConversationDeps
from .conversation_recorder import ConversationRecorder

log = structlog.get_logger(__name__)

BOT_SPEAKS_WHILE = frozenset({Lifecycle.BOT, Lifecycle.REQUESTED, Lifecycle.QUEUED})
"""The bot talks until an operator joins (it may say "please wait" while routing looks)."""


class WhenChatbotPostsAMessage:
    def __init__(self, deps: ConversationDeps) -> None:
        self._deps = deps
        self._recorder = ConversationRecorder(deps)

    async def __call__(self, event: CloudEvent[PostBotMessageV1]) -> None:
        """Post it, once per ``client_message_id``. A conversation that ended, that runs another
        script, or where an operator took over drops the message (logged): it came too late."""
        command = event.data
        bot = Actor(command.bot.id, Role.BOT, command.bot.display_name)

        async def attempt(conversation: Conversation) -> None:
            if conversation.chatbot_script_id != bot.id or conversation.lifecycle not in (
                BOT_SPEAKS_WHILE
            ):
                log.info(
                    "chatbot.message_dropped",
                    conversation_id=conversation.id,
                    lifecycle=str(conversation.lifecycle),
                    script_id=bot.id,
                )
                return
            if not conversation.is_present(bot.id):
                conversation = await join_visibly(
                    self._recorder, conversation, bot, JoinReason.STARTED
                )
            await self._post(conversation, bot, command)

        await self._recorder.decide(command.conversation_id, None, attempt)

    async def _post(
        self, conversation: Conversation, bot: Actor, command: PostBotMessageV1
    ) -> None:
        c = conversation
        message_id = self._deps.ids.new_id("msg")
        payload = {
            "message_id": message_id,
            "text": command.text,
            "attachments": [],
            "choices": [choice.model_dump(mode="json") for choice in command.choices],
        }
        await self._recorder.record(
            c,
            draft(
                c.id,
                EntryKind.MESSAGE,
                bot,
                self._deps.clock.now(),
                payload,
                client_message_id=command.client_message_id,
            ),
            lambda seq: [
                MessagePostedV1(
                    conversation_id=c.id,
                    channel_id=c.channel_id,
                    sequence=seq,
                    message_id=message_id,
                    client_message_id=command.client_message_id,
                    author=participant(bot),
                    text=command.text,
                    choices=command.choices,
                )
            ],
            dedupe_key=dedupe_key(c.id, bot, command.client_message_id),
            strict=True,
        )
