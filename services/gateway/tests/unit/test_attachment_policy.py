"""The attachment allow-list: types proven by content, a size limit, safe file names."""

from __future__ import annotations

import io
import zipfile

import pytest

from parley_gateway.domain.attachment_policy import (
    DOCX,
    XLSX,
    AttachmentPolicy,
    TooLarge,
    UnsupportedType,
    safe_file_name,
    sniff_content_type,
)

pytestmark = pytest.mark.unit


def _zip(*names: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, "x")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"\x89PNG\r\n\x1a\n....", "image/png"),
        (b"\xff\xd8\xff\xe0JFIF", "image/jpeg"),
        (b"GIF89a....", "image/gif"),
        (b"RIFF\x10\x00\x00\x00WEBPVP8 ", "image/webp"),
        (b"%PDF-1.4\n", "application/pdf"),
        ("Grüße, plain text\n".encode(), "text/plain"),
        (_zip("word/document.xml"), DOCX),
        (_zip("xl/workbook.xml"), XLSX),
        (_zip("notes.txt"), "application/zip"),
        (b"MZ\x90\x00\x03\x00\x00\x00", None),
        (b"\x00\x01\x02binary", None),
    ],
)
def test_type_is_sniffed_from_the_content(data: bytes, expected: str | None) -> None:
    assert sniff_content_type(data) == expected


def test_allowed_file_gets_its_sniffed_type() -> None:
    assert AttachmentPolicy().check(b"%PDF-1.7 ...") == "application/pdf"


def test_file_over_the_limit_is_too_large() -> None:
    with pytest.raises(TooLarge):
        AttachmentPolicy(max_bytes=10).check(b"%PDF-1.7 and more")


def test_executable_named_like_an_image_is_refused() -> None:
    with pytest.raises(UnsupportedType):
        AttachmentPolicy().check(b"MZ\x90\x00\x03\x00\x00\x00")


def test_a_plain_zip_is_refused_by_the_default_allow_list() -> None:
    with pytest.raises(UnsupportedType):
        AttachmentPolicy().check(_zip("payload.bin"))


def test_empty_file_is_refused() -> None:
    with pytest.raises(UnsupportedType):
        AttachmentPolicy().check(b"")


def test_images_show_inline_and_documents_download() -> None:
    assert AttachmentPolicy.shown_inline("image/png")
    assert not AttachmentPolicy.shown_inline("application/pdf")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\me\\report.pdf", "report.pdf"),
        ('evil"\r\nX-Header: 1.txt', "evilX-Header: 1.txt"),
        ("", "file"),
        (None, "file"),
        ("...", "file"),
    ],
)
def test_file_names_lose_paths_and_control_characters(name: str | None, expected: str) -> None:
    assert safe_file_name(name) == expected
