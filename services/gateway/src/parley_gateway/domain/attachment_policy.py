"""Which files visitors and agents may attach (V6): a size limit and a type allow-list.

The type is read from the file's first bytes, never from the name or the client's header, so a
script renamed ``cat.png`` is refused. Office documents are ZIP containers: a ZIP whose entries
name ``word/`` or ``xl/`` parts is the matching Office type; any other ZIP is ``application/zip``.
"""

from __future__ import annotations

from dataclasses import dataclass

from .errors import GatewayError


class TooLarge(GatewayError):
    code = "too_large"


class UnsupportedType(GatewayError):
    code = "unsupported_type"


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
IMAGE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})
DEFAULT_ALLOWED = frozenset({*IMAGE_TYPES, "application/pdf", "text/plain", DOCX, XLSX})
CHUNK_SIZE = 255 * 1024
"""Stored chunk size: well under the 16 MiB document limit of every MongoDB-protocol server."""

_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"%PDF-", "application/pdf"),
)


def _looks_like_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut at the end of the sample is still text.
        return exc.start >= len(head) - 3
    return True


def sniff_content_type(data: bytes) -> str | None:
    """The MIME type the content proves, or None when it matches nothing known."""
    for magic, content_type in _SIGNATURES:
        if data.startswith(magic):
            return content_type
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if data[:4] == b"PK\x03\x04":
        if b"word/" in data[: 64 * 1024]:
            return DOCX
        if b"xl/" in data[: 64 * 1024]:
            return XLSX
        return "application/zip"
    if data and _looks_like_text(data[:4096]):
        return "text/plain"
    return None


@dataclass(frozen=True)
class AttachmentPolicy:
    max_bytes: int = 10 * 1024 * 1024
    allowed_types: frozenset[str] = DEFAULT_ALLOWED

    def check(self, data: bytes) -> str:
        """The sniffed content type of an acceptable file; TooLarge or UnsupportedType else."""
        if len(data) > self.max_bytes:
            raise TooLarge(f"file: larger than the limit of {self.max_bytes} bytes")
        if not data:
            raise UnsupportedType("file: empty")
        content_type = sniff_content_type(data)
        if content_type is None or content_type not in self.allowed_types:
            shown = content_type or "unknown"
            raise UnsupportedType(f"file: type {shown} is not allowed")
        return content_type

    @staticmethod
    def shown_inline(content_type: str) -> bool:
        """Images display in the chat; everything else downloads (Content-Disposition)."""
        return content_type in IMAGE_TYPES


def safe_file_name(name: str | None, fallback: str = "file") -> str:
    """A file name fit for a header: no path, no control characters, at most 255 characters."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = "".join(ch for ch in base if ch.isprintable() and ch not in '"\r\n').strip(" .")
    return cleaned[:255] or fallback
