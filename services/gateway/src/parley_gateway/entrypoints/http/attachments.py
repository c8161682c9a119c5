"""``/api/attachments``: upload (multipart) and download, for agents and visitors (V6)."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from litestar import Controller, get, post
from litestar.datastructures import UploadFile
from litestar.params import FromPath, MultipartBody
from litestar.response import Stream

from ...domain.attachment_policy import AttachmentPolicy
from .dependencies import InjectedUseCases, RequesterDependency
from .schemas_conversations import AttachmentOut


@dataclass
class UploadForm:
    conversation_id: str
    file: UploadFile


def _disposition(file_name: str, content_type: str) -> str:
    kind = "inline" if AttachmentPolicy.shown_inline(content_type) else "attachment"
    ascii_name = file_name.encode("ascii", "replace").decode().replace("?", "_")
    return f"{kind}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(file_name)}"


class AttachmentController(Controller):
    path = "/attachments"
    tags = ("attachments",)

    @post("/", status_code=201)
    async def upload(
        self,
        data: MultipartBody[UploadForm],
        requester: RequesterDependency,
        uc: InjectedUseCases,
    ) -> AttachmentOut:
        """Attach a file to a conversation you are in (agent session or visitor token).
        413 over the size limit; 415 when the content is not an allowed type."""
        content = await data.file.read()
        attachment = await uc.upload_attachment(
            requester, data.conversation_id, data.file.filename, content
        )
        return AttachmentOut.of(attachment)

    @get("/{attachment_id:str}")
    async def download(
        self, attachment_id: FromPath[str], requester: RequesterDependency, uc: InjectedUseCases
    ) -> Stream:
        """The file, for an agent of its channel or the visitor of its conversation."""
        attachment, chunks = await uc.download_attachment(requester, attachment_id)
        return Stream(
            chunks,
            media_type=attachment.content_type,
            headers={
                "Content-Disposition": _disposition(attachment.file_name, attachment.content_type),
                "Content-Length": str(attachment.size_bytes),
                "X-Content-Type-Options": "nosniff",
                "Cache-Control": "private, max-age=3600",
                "Content-Security-Policy": "default-src 'none'; sandbox",
            },
        )
