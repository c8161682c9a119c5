"""Messages that show files (V6): uploaded over HTTP, then sent over the socket by id."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from .ws_harness import Client, Replica, World, agent, is_ack, is_event, start_chat, visitor
from .ws_harness import world as world  # the fixture

pytestmark = pytest.mark.integration

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


async def upload(replica: Replica, conversation_id: str, headers: dict[str, str]) -> str:
    async with httpx.AsyncClient(base_url=replica.url.replace("ws://", "http://")) as http:
        response = await http.post(
            "/api/attachments",
            data={"conversation_id": conversation_id},
            files={"file": ("shot.png", PNG, "image/png")},
            headers=headers,
        )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def send_files(
    client: Client, conversation_id: str, ref: str, ids: list[str], text: str = ""
) -> dict[str, Any]:
    await client.send(
        type="message",
        ref=ref,
        conversation_id=conversation_id,
        client_message_id=ref,
        text=text,
        attachment_ids=ids,
    )
    answer, _ = await client.recv_until(is_ack(ref))
    return answer


async def test_a_visitor_sends_an_uploaded_file_and_the_agent_downloads_it(world: World) -> None:
    replica = await world.replica()
    async with visitor(replica) as (vis, welcome):
        conversation_id = (await start_chat(vis))["conversation_id"]
        as_visitor = {"X-Parley-Visitor-Token": welcome["visitor_token"]}
        attachment_id = await upload(replica, conversation_id, as_visitor)
        async with agent(replica, world.agent_token) as (agt, _):
            await agt.send(type="accept", ref="a", conversation_id=conversation_id)
            await agt.recv_until(is_ack("a"))

            ack = await send_files(vis, conversation_id, "v-file", [attachment_id])
            assert ack["type"] == "ack" and ack["seq"] > 0, ack
            shown, _ = await agt.recv_until(lambda f: f.get("seq") == ack["seq"])
            assert shown["kind"] == "message" and shown["payload"]["text"] == ""
            [file] = shown["payload"]["attachments"]
            assert file == {
                "attachment_id": attachment_id,
                "file_name": "shot.png",
                "content_type": "image/png",
                "size_bytes": len(PNG),
                "url": f"/api/attachments/{attachment_id}",
            }
            base_url = replica.url.replace("ws://", "http://")
            as_agent = {"Authorization": f"Bearer {world.agent_token}"}
            async with httpx.AsyncClient(base_url=base_url) as http:
                download = await http.get(file["url"], headers=as_agent)
            assert download.status_code == 200 and download.content == PNG


async def test_an_agent_file_reaches_the_visitor(world: World) -> None:
    replica = await world.replica()
    async with visitor(replica) as (vis, _):
        conversation_id = (await start_chat(vis))["conversation_id"]
        async with agent(replica, world.agent_token) as (agt, _):
            await agt.send(type="accept", ref="a", conversation_id=conversation_id)
            await agt.recv_until(is_ack("a"))
            as_agent = {"Authorization": f"Bearer {world.agent_token}"}
            attachment_id = await upload(replica, conversation_id, as_agent)
            ack = await send_files(agt, conversation_id, "a-file", [attachment_id], "the label")
            assert ack["type"] == "ack", ack
            shown, _ = await vis.recv_until(is_event("message", conversation_id))
            while shown["actor"]["role"] != "agent":
                shown, _ = await vis.recv_until(is_event("message", conversation_id))
            assert shown["payload"]["text"] == "the label"
            assert [f["attachment_id"] for f in shown["payload"]["attachments"]] == [attachment_id]


async def test_someone_elses_or_an_unknown_attachment_is_not_found(world: World) -> None:
    replica = await world.replica()
    async with visitor(replica) as (vis, _):
        conversation_id = (await start_chat(vis))["conversation_id"]
        async with agent(replica, world.agent_token) as (agt, _):
            await agt.send(type="accept", ref="a", conversation_id=conversation_id)
            await agt.recv_until(is_ack("a"))
            as_agent = {"Authorization": f"Bearer {world.agent_token}"}
            agents_file = await upload(replica, conversation_id, as_agent)
            for ref, ids in (("theirs", [agents_file]), ("unknown", ["att_nope"])):
                refused = await send_files(vis, conversation_id, ref, ids, "see this")
                assert (refused["type"], refused["code"]) == ("error", "not_found"), refused
            # Nothing was stored: the visitor's next message follows the first directly.
            ack = await send_files(vis, conversation_id, "plain", [], "plain text")
            assert (
                ack["type"] == "ack" and ack["seq"] == 5
            )  # started, joined, first message, agent joined


async def test_a_file_of_another_conversation_is_not_found(world: World) -> None:
    replica = await world.replica()
    async with visitor(replica) as (vis, welcome):
        first = (await start_chat(vis))["conversation_id"]
        as_visitor = {"X-Parley-Visitor-Token": welcome["visitor_token"]}
        attachment_id = await upload(replica, first, as_visitor)
        await vis.send(type="end", ref="e", conversation_id=first)
        await vis.recv_until(is_ack("e"))
        await vis.send(type="start", ref="s2", client_message_id="c-2", text="me again")
        second, _ = await vis.recv_until(is_ack("s2"))
        refused = await send_files(vis, second["conversation_id"], "m", [attachment_id])
        assert (refused["type"], refused["code"]) == ("error", "not_found"), refused
