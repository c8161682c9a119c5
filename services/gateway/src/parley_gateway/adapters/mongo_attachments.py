"""Uploaded files: metadata in ``attachments``, bytes in ``attachment_chunks``.

Chunks are at most 255 KiB (the domain's ``CHUNK_SIZE``), far below the 16 MiB document limit, and
keyed ``<attachment id>:<n>`` so a download reads them one ``_id`` look-up at a time and never
holds the whole file in memory. Chunks are written before the metadata: a crash in between leaves
unreachable chunks, never a file that downloads truncated.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import asdict
from typing import Any

from bson import Binary
from pymongo.asynchronous.database import AsyncDatabase

from ..application.read_models import StoredAttachment
from ..domain.attachment_policy import CHUNK_SIZE


def _chunk_id(attachment_id: str, n: int) -> str:
    return f"{attachment_id}:{n:05d}"


class MongoAttachmentStore:
    def __init__(self, db: AsyncDatabase[dict[str, Any]], chunk_size: int = CHUNK_SIZE) -> None:
        self._meta = db["attachments"]
        self._chunks = db["attachment_chunks"]
        self._chunk_size = chunk_size

    async def ensure_indexes(self) -> None:
        await self._meta.create_index("conversation_id")

    async def save(self, attachment: StoredAttachment, data: bytes) -> StoredAttachment:
        size = self._chunk_size
        count = (len(data) + size - 1) // size
        for n in range(count):
            await self._chunks.insert_one(
                {
                    "_id": _chunk_id(attachment.id, n),
                    "attachment_id": attachment.id,
                    "n": n,
                    "data": Binary(data[n * size : (n + 1) * size]),
                }
            )
        stored = StoredAttachment(**{**asdict(attachment), "chunk_count": count})
        doc = asdict(stored)
        doc["_id"] = doc.pop("id")
        await self._meta.insert_one(doc)
        return stored

    async def get(self, attachment_id: str) -> StoredAttachment | None:
        doc = await self._meta.find_one({"_id": attachment_id})
        if doc is None:
            return None
        doc["id"] = doc.pop("_id")
        return StoredAttachment(**doc)

    async def chunks(self, attachment: StoredAttachment) -> AsyncIterator[bytes]:
        for n in range(attachment.chunk_count):
            doc = await self._chunks.find_one({"_id": _chunk_id(attachment.id, n)})
            if doc is None:
                raise RuntimeError(f"attachment {attachment.id} lost chunk {n}")
            yield bytes(doc["data"])
