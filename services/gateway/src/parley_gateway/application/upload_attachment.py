"""Use case: a visitor or agent attaches a file to a conversation they are in (V6).

The type is sniffed from the content and checked against the allow-list; the client's declared
type and file extension are not trusted. The message that shows the file is sent separately (on
the WebSocket, with the returned id).
"""

from __future__ import annotations

from ..domain.attachment_policy import AttachmentPolicy, safe_file_name
from ..domain.errors import ConversationEnded
from ..domain.identity import Account, Role
from .conversation_access import Requester, readable_conversation
from .ids import new_id
from .ports import AttachmentStore, ChannelRepository, Clock, ConversationArchive
from .read_models import StoredAttachment


class UploadAttachment:
    def __init__(
        self,
        policy: AttachmentPolicy,
        archive: ConversationArchive,
        channels: ChannelRepository,
        store: AttachmentStore,
        clock: Clock,
    ) -> None:
        self._policy = policy
        self._archive = archive
        self._channels = channels
        self._store = store
        self._clock = clock

    async def __call__(
        self, requester: Requester, conversation_id: str, file_name: str | None, data: bytes
    ) -> StoredAttachment:
        conversation = await readable_conversation(
            self._archive, self._channels, requester, conversation_id
        )
        if conversation.lifecycle == "ended" and not isinstance(requester, Account):
            raise ConversationEnded("the conversation has ended")
        content_type = self._policy.check(data)
        is_agent = isinstance(requester, Account)
        attachment = StoredAttachment(
            id=new_id("att"),
            conversation_id=conversation.id,
            channel_id=conversation.channel_id,
            file_name=safe_file_name(file_name),
            content_type=content_type,
            size_bytes=len(data),
            uploaded_by=requester.id if isinstance(requester, Account) else requester.visitor_id,
            uploaded_by_role=(Role.AGENT if is_agent else Role.VISITOR).value,
            created_at=self._clock.now(),
        )
        return await self._store.save(attachment, data)
