"""Nothing lost, nothing doubled: resume after a dropped socket, retried client message ids."""

from __future__ import annotations

import pytest

from .ws_harness import World, agent, is_ack, is_event, start_chat, visitor
from .ws_harness import world as world  # the fixture

pytestmark = pytest.mark.integration


async def test_resume_after_a_dropped_connection_gets_exactly_the_missed_entries(
    world: World,
) -> None:
    first, second = await world.replica(), await world.replica()
    async with visitor(first) as (vis, welcome):
        token = welcome["visitor_token"]
        conversation_id = (await start_chat(vis))["conversation_id"]
        async with agent(second, world.agent_token) as (agt, _):
            await agt.send(type="accept", ref="a", conversation_id=conversation_id)
            await agt.recv_until(is_ack("a"))
            last_seen, _ = await vis.recv_until(is_event("joined", conversation_id))
    # The visitor's socket is gone; the agent (on the other replica) goes on talking.
    async with agent(second, world.agent_token) as (agt, _):
        for n in (1, 2):
            await agt.send(
                type="message",
                ref=f"m{n}",
                conversation_id=conversation_id,
                client_message_id=f"a-{n}",
                text=f"answer {n}",
            )
            await agt.recv_until(is_ack(f"m{n}"))
    async with visitor(second, visitor_token=token) as (vis, welcome):
        assert [c["id"] for c in welcome["conversations"]] == [conversation_id]
        await vis.send(
            type="resume", ref="r", conversation_id=conversation_id, after_seq=last_seen["seq"]
        )
        ack, missed = await vis.recv_until(is_ack("r"))
        assert ack["type"] == "ack" and ack["seq"] == last_seen["seq"] + 2
        assert [(f["seq"], f["payload"]["text"]) for f in missed] == [
            (last_seen["seq"] + 1, "answer 1"),
            (last_seen["seq"] + 2, "answer 2"),
        ]
        assert await vis.quiet() == []


async def test_a_retried_client_message_id_is_stored_once_with_the_original_seq(
    world: World,
) -> None:
    replica = await world.replica()
    async with visitor(replica) as (vis, _):
        conversation_id = (await start_chat(vis))["conversation_id"]
        for ref in ("first", "retry"):
            await vis.send(
                type="message",
                ref=ref,
                conversation_id=conversation_id,
                client_message_id="same-id",
                text="are you there?",
            )
        first, _ = await vis.recv_until(is_ack("first"))
        retry, _ = await vis.recv_until(is_ack("retry"))
        assert retry["seq"] == first["seq"] and retry.get("duplicate") is True
        await vis.send(type="resume", ref="r", conversation_id=conversation_id, after_seq=0)
        _, history = await vis.recv_until(is_ack("r"))
        texts = [f["payload"]["text"] for f in history if f.get("kind") == "message"]
        assert texts.count("are you there?") == 1


async def test_a_resume_from_the_future_is_refused_and_the_socket_stays_usable(
    world: World,
) -> None:
    replica = await world.replica()
    async with visitor(replica) as (vis, _):
        conversation_id = (await start_chat(vis))["conversation_id"]
        await vis.send(type="resume", ref="r", conversation_id=conversation_id, after_seq=99)
        error, _ = await vis.recv_until(is_ack("r"))
        assert error["type"] == "error" and error["code"] == "future_seq"
        await vis.send(type="ping", ref="p")
        pong, _ = await vis.recv_until(lambda f: f["type"] == "pong")
        assert pong["ref"] == "p"
