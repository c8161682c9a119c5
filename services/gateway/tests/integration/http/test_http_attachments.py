"""Attachments: upload (size limit, sniffed type, chunked storage) and access-checked download."""

from __future__ import annotations

import pytest

from .conftest import Api

pytestmark = pytest.mark.integration

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100
PDF = b"%PDF-1.7\n" + b"x" * (300 * 1024)  # over one 255 KiB chunk


async def _upload(
    api: Api,
    conversation_id: str,
    name: str,
    data: bytes,
    headers: dict[str, str],
    declared: str = "application/octet-stream",
):
    return await api.client.post(
        "/api/attachments",
        data={"conversation_id": conversation_id},
        files={"file": (name, data, declared)},
        headers=headers,
    )


async def test_visitor_uploads_and_agent_of_the_channel_downloads(api: Api) -> None:
    admin = await api.admin()
    conversation = await api.conversation("chn_default", visitor_id="vis_1", lifecycle="active")
    visitor = api.visitor_headers("vis_1", "chn_default")
    response = await _upload(api, conversation, "shot.png", PNG, visitor)
    assert response.status_code == 201, response.text
    attachment = response.json()
    assert attachment["content_type"] == "image/png" and attachment["size_bytes"] == len(PNG)
    _, agent = await api.agent(admin, "ann", ["grp_default"])
    download = await api.client.get(attachment["url"], headers=agent)
    assert download.status_code == 200 and download.content == PNG
    assert download.headers["x-content-type-options"] == "nosniff"
    assert download.headers["content-type"].startswith("image/png")
    assert download.headers["content-disposition"].startswith("inline;")


async def test_a_large_document_is_stored_in_chunks_and_downloads_whole(api: Api) -> None:
    admin = await api.admin()
    conversation = await api.conversation("chn_default")
    response = await _upload(api, conversation, "../../etc/report.pdf", PDF, admin, "image/png")
    assert response.status_code == 201, response.text
    attachment = response.json()
    assert attachment["content_type"] == "application/pdf"
    assert attachment["file_name"] == "report.pdf"
    chunks = [c async for c in api.db.attachment_chunks.find({"attachment_id": attachment["id"]})]
    assert len(chunks) == 2 and all(len(c["data"]) <= 255 * 1024 for c in chunks)
    download = await api.client.get(attachment["url"], headers=admin)
    assert download.content == PDF
    assert download.headers["content-disposition"].startswith('attachment; filename="report.pdf"')


async def test_the_visitor_downloads_with_the_token_in_the_query(api: Api) -> None:
    admin = await api.admin()
    conversation = await api.conversation("chn_default", visitor_id="vis_1")
    attachment = (await _upload(api, conversation, "a.png", PNG, admin)).json()
    token = api.visitor_headers("vis_1", "chn_default")["X-Parley-Visitor-Token"]
    download = await api.client.get(attachment["url"], params={"visitor_token": token})
    assert download.status_code == 200 and download.content == PNG


async def test_other_visitors_and_agents_of_other_channels_get_404(api: Api) -> None:
    admin = await api.admin()
    sales = await api.group(admin, "Sales")
    _, outsider = await api.agent(admin, "sam", [sales])
    conversation = await api.conversation("chn_default", visitor_id="vis_1")
    attachment = (await _upload(api, conversation, "a.png", PNG, admin)).json()
    stranger = api.visitor_headers("vis_2", "chn_default")
    assert (await api.client.get(attachment["url"], headers=stranger)).status_code == 404
    assert (await api.client.get(attachment["url"], headers=outsider)).status_code == 404
    assert (await api.client.get(attachment["url"])).status_code == 401
    assert (await _upload(api, conversation, "b.png", PNG, stranger)).status_code == 404
    assert (await _upload(api, conversation, "b.png", PNG, outsider)).status_code == 404


async def test_oversized_upload_is_413(api: Api) -> None:
    admin = await api.admin()
    conversation = await api.conversation("chn_default")
    big = b"%PDF-" + b"x" * (600 * 1024)
    assert (await _upload(api, conversation, "big.pdf", big, admin)).status_code == 413


async def test_disallowed_type_is_415_whatever_the_name_says(api: Api) -> None:
    admin = await api.admin()
    conversation = await api.conversation("chn_default")
    exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff"
    response = await _upload(api, conversation, "cat.png", exe, admin, "image/png")
    assert response.status_code == 415


async def test_unknown_conversation_and_missing_file_field(api: Api) -> None:
    admin = await api.admin()
    assert (await _upload(api, "cnv_nope", "a.png", PNG, admin)).status_code == 404
    assert (await api.client.get("/api/attachments/att_nope", headers=admin)).status_code == 404
    no_file = await api.client.post(
        "/api/attachments",
        data={"conversation_id": "cnv_x"},
        files={"other": ("a", b"x")},
        headers=admin,
    )
    assert no_file.status_code == 400 and "file" in no_file.text
