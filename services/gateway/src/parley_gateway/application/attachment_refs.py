"""Files a message shows (V6): ``attachment_ids`` from an upload, resolved and checked.

A message may show only files its author uploaded to the same conversation. Anything else, an
unknown id included, is ``NotFound`` with the same words, so ids cannot be probed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..domain.conversation_rules import Principal
from ..domain.errors import NotFound
from .ports import AttachmentStore

DOWNLOAD_PATH = "/api/attachments/{attachment_id}"
"""Where clients download a file (HTTP API; visitors add ``?visitor_token=``)."""


@dataclass(frozen=True)
class AttachmentRef:
    """An uploaded file the caller resolved from an ``attachment_id`` and checked access to."""

    attachment_id: str
    file_name: str
    content_type: str
    size_bytes: int
    url: str | None = None
    """The download path (``/api/attachments/<id>``) or an absolute URL."""


async def attachments_of(
    store: AttachmentStore | None,
    author: Principal,
    conversation_id: str,
    attachment_ids: Sequence[str],
) -> tuple[AttachmentRef, ...]:
    """The files behind ``attachment_ids`` (repeats dropped), in the order given."""
    refs: list[AttachmentRef] = []
    for attachment_id in dict.fromkeys(attachment_ids):
        stored = await store.get(attachment_id) if store is not None else None
        if (
            stored is None
            or stored.conversation_id != conversation_id
            or stored.uploaded_by != author.id
        ):
            raise NotFound(f"attachment {attachment_id} not found")
        refs.append(
            AttachmentRef(
                attachment_id=stored.id,
                file_name=stored.file_name,
                content_type=stored.content_type,
                size_bytes=stored.size_bytes,
                url=DOWNLOAD_PATH.format(attachment_id=stored.id),
            )
        )
    return tuple(refs)
