"""Use case: fetch an attachment for someone who may read its conversation."""

from __future__ import annotations

from collections.abc import AsyncIterator

from ..domain.errors import NotFound
from .conversation_access import Requester, readable_conversation
from .ports import AttachmentStore, ChannelRepository, ConversationArchive
from .read_models import StoredAttachment


class DownloadAttachment:
    def __init__(
        self, store: AttachmentStore, archive: ConversationArchive, channels: ChannelRepository
    ) -> None:
        self._store = store
        self._archive = archive
        self._channels = channels

    async def __call__(
        self, requester: Requester, attachment_id: str
    ) -> tuple[StoredAttachment, AsyncIterator[bytes]]:
        attachment = await self._store.get(attachment_id)
        if attachment is None:
            raise NotFound(f"attachment {attachment_id} not found")
        try:
            await readable_conversation(
                self._archive, self._channels, requester, attachment.conversation_id
            )
        except NotFound:
            raise NotFound(f"attachment {attachment_id} not found") from None
        return attachment, self._store.chunks(attachment)
