"""Use cases: read one conversation's snapshot and its log (catching up over HTTP).

Agents see internal entries (notes, observers, command output); visitors never do.
"""

from __future__ import annotations

from ..domain.conversation_log import LogEntry
from ..domain.errors import Forbidden, FutureSequence
from ..domain.identity import Account
from .conversation_access import Requester, readable_conversation
from .ports import ChannelRepository, ConversationArchive
from .read_models import ConversationRecord

MAX_EVENTS = 500


class ReadConversation:
    def __init__(self, archive: ConversationArchive, channels: ChannelRepository) -> None:
        self._archive = archive
        self._channels = channels

    async def snapshot(self, requester: Requester, conversation_id: str) -> ConversationRecord:
        if not isinstance(requester, Account):
            # The snapshot names observers and agents' notes; visitors read the public log.
            raise Forbidden("the snapshot is for agents")
        return await readable_conversation(
            self._archive, self._channels, requester, conversation_id
        )

    async def events(
        self, requester: Requester, conversation_id: str, after_seq: int, limit: int
    ) -> list[LogEntry]:
        conversation = await readable_conversation(
            self._archive, self._channels, requester, conversation_id
        )
        if after_seq > conversation.last_seq:
            raise FutureSequence(
                f"after_seq: {after_seq} is past the last sequence {conversation.last_seq}"
            )
        return await self._archive.events(
            conversation_id,
            after_seq,
            max(1, min(limit, MAX_EVENTS)),
            include_internal=isinstance(requester, Account),
        )
