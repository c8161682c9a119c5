"""A visitor and an agent chat over the sockets, on one replica and across two."""

from __future__ import annotations

import pytest

from .ws_harness import Replica, World, agent, is_ack, is_event, start_chat, visitor
from .ws_harness import world as world  # the fixture

pytestmark = pytest.mark.integration


async def chat_both_ways(visitor_side: Replica, agent_side: Replica, world: World) -> None:
    async with visitor(visitor_side, language="en") as (vis, welcome):
        assert welcome["type"] == "welcome" and welcome["conversations"] == []
        ack = await start_chat(vis)
        conversation_id = ack["conversation_id"]
        assert ack["seq"] == 3  # started, the visitor joined, the first message
        async with agent(agent_side, world.agent_token) as (agt, agent_welcome):
            assert [c["id"] for c in agent_welcome["waiting"]] == [conversation_id]
            await agt.send(type="accept", ref="a", conversation_id=conversation_id)
            history, _ = await agt.recv_until(is_event("message", conversation_id))
            assert history["payload"]["text"] == "Hello, I need help"
            await agt.recv_until(is_ack("a"))
            joined, _ = await vis.recv_until(is_event("joined", conversation_id))
            assert joined["actor"]["id"] == "agt_ann"

            await agt.send(
                type="message",
                ref="m1",
                conversation_id=conversation_id,
                client_message_id="a-1",
                text="Hi Vera, how can I help?",
            )
            answer, _ = await vis.recv_until(is_event("message", conversation_id))
            assert answer["payload"]["text"] == "Hi Vera, how can I help?"
            assert answer["actor"]["role"] == "agent"

            await vis.send(
                type="message",
                ref="v1",
                conversation_id=conversation_id,
                client_message_id="v-1",
                text="My card 4111 1111 1111 1111 was charged twice",
            )
            ack, _ = await vis.recv_until(is_ack("v1"))
            assert ack["seq"] == answer["seq"] + 1
            question, _ = await agt.recv_until(lambda f: f.get("seq") == ack["seq"])
            assert question["kind"] == "message"
            assert "4111 1111 1111 1111" not in question["payload"]["text"]
            assert question["payload"]["text"].endswith("1111 was charged twice")


async def test_a_visitor_and_an_agent_chat_on_one_replica(world: World) -> None:
    replica = await world.replica()
    await chat_both_ways(replica, replica, world)


async def test_a_visitor_and_an_agent_chat_across_two_replicas(world: World) -> None:
    first, second = await world.replica(), await world.replica()
    await chat_both_ways(first, second, world)


async def test_tabs_of_one_visitor_on_two_replicas_see_the_same_conversation(
    world: World,
) -> None:
    first, second = await world.replica(), await world.replica()
    async with visitor(first) as (tab1, welcome):
        token = welcome["visitor_token"]
        async with visitor(second, visitor_token=token) as (tab2, welcome2):
            assert welcome2["visitor_id"] == welcome["visitor_id"]
            ack = await start_chat(tab1)
            seen, _ = await tab2.recv_until(is_event("message", ack["conversation_id"]))
            assert seen["seq"] == ack["seq"]


async def test_typing_reaches_the_other_side_without_a_sequence(world: World) -> None:
    replica = await world.replica()
    async with visitor(replica) as (vis, _):
        conversation_id = (await start_chat(vis))["conversation_id"]
        async with agent(replica, world.agent_token) as (agt, _):
            await agt.send(type="accept", ref="a", conversation_id=conversation_id)
            await agt.recv_until(is_ack("a"))
            await vis.send(type="typing", conversation_id=conversation_id, typing=True)
            typing, _ = await agt.recv_until(lambda f: f["type"] == "typing")
            assert typing["typing"] is True and "seq" not in typing
            assert typing["actor"]["role"] == "visitor"


async def test_agent_notes_never_reach_the_visitor(world: World) -> None:
    replica = await world.replica()
    async with visitor(replica) as (vis, _):
        conversation_id = (await start_chat(vis))["conversation_id"]
        async with agent(replica, world.agent_token) as (agt, _):
            await agt.send(type="accept", ref="a", conversation_id=conversation_id)
            await agt.recv_until(is_ack("a"))
            await vis.recv_until(is_event("joined", conversation_id))
            await agt.send(
                type="note",
                ref="n",
                conversation_id=conversation_id,
                client_message_id="n-1",
                text="frequent refunder",
            )
            note, _ = await agt.recv_until(is_event("note", conversation_id))
            assert note["visibility"] == "internal"
            await agt.send(
                type="message",
                ref="m",
                conversation_id=conversation_id,
                client_message_id="m-1",
                text="Let me check.",
            )
            message, before = await vis.recv_until(is_event("message", conversation_id))
            assert all(frame.get("kind") != "note" for frame in before)
            assert message["seq"] == note["seq"] + 1
