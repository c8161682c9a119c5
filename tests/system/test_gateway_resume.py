"""Resuming: after a dropped connection, or on the other replica when one is stopped."""

from __future__ import annotations

import pytest

from .gateway_client import AgentClient, Frame, VisitorClient, event, message_event
from .gateway_cluster import GatewayPair, Workspace, pair_fixture, workspace_fixture

pytestmark = pytest.mark.system

gateway_pair = pair_fixture()
workspace = workspace_fixture()


async def chatting(
    url_visitor: str, url_agent: str, workspace: Workspace
) -> tuple[VisitorClient, AgentClient, str]:
    """A visitor and an agent in an accepted conversation, one message each way already."""
    agent = await workspace.agent(url_agent)
    visitor = await workspace.visitor(url_visitor)
    conversation_id = await visitor.start(name="Ruth", text="first words")
    assert (await agent.accept(conversation_id))["type"] == "ack"
    reply = await agent.message(conversation_id, "agent is here")
    await visitor.wait_for(message_event(conversation_id, "agent is here"))
    assert reply["type"] == "ack"
    return visitor, agent, conversation_id


def away(n: int) -> str:
    return f"while you were away {n}"


def public_entries(frames: list[Frame]) -> list[tuple[int, str, str | None]]:
    return [
        (frame["seq"], frame["kind"], frame.get("payload", {}).get("text"))
        for frame in frames
        if not frame.get("internal")
    ]


async def test_a_dropped_visitor_resumes_with_nothing_lost_or_doubled(
    gateway_pair: GatewayPair, workspace: Workspace
) -> None:
    visitor, agent, conversation_id = await chatting(
        gateway_pair.a.url, gateway_pair.b.url, workspace
    )
    try:
        last = visitor.last_seq(conversation_id)
        await visitor.drop()
        missed = [
            await agent.message(conversation_id, f"while you were away {n}") for n in range(5)
        ]
        assert all(ack["type"] == "ack" for ack in missed), missed

        back = await workspace.visitor(gateway_pair.a.url, visitor.visitor_token)
        assert back.visitor_id == visitor.visitor_id
        await back.resume(conversation_id, last)
        for n in range(5):
            await back.wait_for(message_event(conversation_id, away(n)))
        # Live traffic after the resume continues the same numbering.
        after = await agent.message(conversation_id, "and now live again")
        await back.wait_for(message_event(conversation_id, "and now live again"))

        got = back.seen(event(conversation_id))
        seqs = [frame["seq"] for frame in got]
        assert seqs == sorted(set(seqs)), f"doubled or out of order: {seqs}"
        assert min(seqs) > last, "resume sent what the visitor already had"
        assert [ack["seq"] for ack in missed] + [after["seq"]] == [
            frame["seq"] for frame in got if frame["kind"] == "message"
        ]
        # The resumed view is exactly the log after `last`, as another reader sees it.
        reference = await workspace.visitor(gateway_pair.b.url, visitor.visitor_token)
        try:
            await reference.resume(conversation_id, last)
            await reference.wait_for(message_event(conversation_id, "and now live again"))
            assert public_entries(reference.events(conversation_id)) == public_entries(got)
        finally:
            await reference.close()
        await back.close()
    finally:
        await agent.close()


async def test_a_dropped_agent_resumes_what_the_visitor_sent_meanwhile(
    gateway_pair: GatewayPair, workspace: Workspace
) -> None:
    visitor, agent, conversation_id = await chatting(
        gateway_pair.a.url, gateway_pair.b.url, workspace
    )
    try:
        await agent.message(conversation_id, "agent before the drop")
        last = agent.last_seq(conversation_id)
        await agent.drop()
        acks = [await visitor.message(conversation_id, f"visitor meanwhile {n}") for n in range(4)]

        back = await workspace.agent(gateway_pair.b.url)
        await back.resume(conversation_id, last)
        for n in range(4):
            frame = await back.wait_for(message_event(conversation_id, f"visitor meanwhile {n}"))
            assert frame["seq"] == acks[n]["seq"]
        seqs = [frame["seq"] for frame in back.events(conversation_id)]
        assert seqs == sorted(set(seqs)) and min(seqs) == last + 1, seqs
        await back.close()
    finally:
        await visitor.close()


async def test_a_resume_from_the_future_is_refused_and_the_socket_stays(
    gateway_pair: GatewayPair, workspace: Workspace
) -> None:
    visitor, agent, conversation_id = await chatting(
        gateway_pair.a.url, gateway_pair.b.url, workspace
    )
    try:
        ref = visitor.next_ref()
        future = visitor.last_seq(conversation_id) + 1000
        await visitor.send(
            {"type": "resume", "conversation_id": conversation_id, "after_seq": future, "ref": ref}
        )
        error = await visitor.wait_for(lambda f: f.get("type") == "error" and f.get("ref") == ref)
        assert error["code"] == "future_seq"
        await visitor.ping()
    finally:
        await visitor.close()
        await agent.close()


stopped_pair = pair_fixture(scope="function")


async def test_a_visitor_whose_replica_stops_resumes_on_the_other(
    stopped_pair: GatewayPair,
) -> None:
    space = await Workspace.create(stopped_pair.b.url)
    visitor, agent, conversation_id = await chatting(stopped_pair.a.url, stopped_pair.b.url, space)
    try:
        last = visitor.last_seq(conversation_id)
        stopped_pair.a.terminate()  # SIGTERM, as Kubernetes stops a pod
        await visitor.wait_closed()
        sent = await agent.message(conversation_id, "are you still there?")

        moved = await space.visitor(stopped_pair.b.url, visitor.visitor_token)
        assert moved.visitor_id == visitor.visitor_id
        await moved.resume(conversation_id, last)
        heard = await moved.wait_for(message_event(conversation_id, "are you still there?"))
        assert heard["seq"] == sent["seq"]
        answer = await moved.message(conversation_id, "yes, on the other replica")
        seen = await agent.wait_for(message_event(conversation_id, "yes, on the other replica"))
        assert seen["seq"] == answer["seq"] == sent["seq"] + 1
        seqs = [frame["seq"] for frame in moved.events(conversation_id)]
        assert seqs == sorted(set(seqs)) and min(seqs) > last, seqs
        await moved.close()
    finally:
        await agent.close()
        await space.admin.aclose()
