"""Who may connect, and who may read what: refused cases close or answer with a code."""

from __future__ import annotations

import time

import jwt
import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from .ws_harness import (
    CHANNEL_ID,
    ORIGIN,
    OTHER_CHANNEL_ID,
    Client,
    World,
    agent,
    is_ack,
    start_chat,
    visitor,
)
from .ws_harness import world as world  # the fixture

pytestmark = pytest.mark.integration


async def closed_with(url: str, *, origin: str | None = ORIGIN) -> int:
    """The close code of a socket the server refuses right after the upgrade."""
    async with connect(url, origin=origin, compression=None) as socket:  # type: ignore[arg-type]
        with pytest.raises(ConnectionClosed) as closed:
            await socket.recv()
    assert closed.value.rcvd is not None
    return closed.value.rcvd.code


async def test_a_page_from_an_origin_the_channel_does_not_allow_is_refused(world: World) -> None:
    replica = await world.replica()
    url = f"{replica.url}/ws/visitor?channel={CHANNEL_ID}"
    assert await closed_with(url, origin="https://evil.example") == 4003


async def test_an_unknown_channel_is_refused(world: World) -> None:
    replica = await world.replica()
    assert await closed_with(f"{replica.url}/ws/visitor?channel=chn_nope") == 4004


async def test_a_first_frame_other_than_hello_closes_with_4008(world: World) -> None:
    replica = await world.replica()
    async with connect(
        f"{replica.url}/ws/visitor?channel={CHANNEL_ID}",
        origin=ORIGIN,
        compression=None,  # type: ignore[arg-type]
    ) as socket:
        await socket.send('{"type": "ping"}')
        with pytest.raises(ConnectionClosed) as closed:
            await socket.recv()
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4008


async def test_an_agent_socket_without_a_valid_session_closes_with_4001(world: World) -> None:
    replica = await world.replica()
    assert await closed_with(f"{replica.url}/ws/agent", origin=None) == 4001
    assert await closed_with(f"{replica.url}/ws/agent?token=forged", origin=None) == 4001


async def test_a_forged_customer_token_closes_with_4001(world: World) -> None:
    replica = await world.replica()
    forged = jwt.encode(
        {"customer_id": "c1", "exp": time.time() + 60}, "a-wrong-secret-of-at-least-32-bytes"
    )
    async with connect(
        f"{replica.url}/ws/visitor?channel={CHANNEL_ID}",
        origin=ORIGIN,
        compression=None,  # type: ignore[arg-type]
    ) as socket:
        await socket.send(f'{{"type": "hello", "customer_token": "{forged}"}}')
        with pytest.raises(ConnectionClosed) as closed:
            await socket.recv()
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4001


async def test_a_customer_is_the_same_visitor_on_every_device(world: World) -> None:
    replica = await world.replica()
    claims = {"customer_id": "42", "name": "Carla", "exp": time.time() + 60}
    token = jwt.encode(claims, world.channel_secret)
    async with visitor(replica, customer_token=token) as (_, phone):
        async with visitor(replica, customer_token=token) as (_, laptop):
            assert phone["visitor_id"] == laptop["visitor_id"] == f"cus_{CHANNEL_ID}_42"


async def test_a_visitor_cannot_read_another_visitors_conversation(world: World) -> None:
    replica = await world.replica()
    async with visitor(replica) as (owner, _):
        conversation_id = (await start_chat(owner))["conversation_id"]
        async with visitor(replica) as (stranger, _):
            await probe_refused(stranger, conversation_id)
            await stranger.send(
                type="message",
                ref="m",
                conversation_id=conversation_id,
                client_message_id="x",
                text="hi",
            )
            error, _ = await stranger.recv_until(is_ack("m"))
            assert error["code"] == "not_found"


async def test_an_agent_cannot_read_a_conversation_outside_their_groups(world: World) -> None:
    replica = await world.replica()
    async with visitor(replica) as (vis, _):
        conversation_id = (await start_chat(vis))["conversation_id"]
    async with agent(replica, world.outsider_token) as (outsider, welcome):
        assert [c["id"] for c in welcome["channels"]] == [OTHER_CHANNEL_ID]
        assert welcome["waiting"] == []
        await probe_refused(outsider, conversation_id)
        await outsider.send(type="accept", ref="a", conversation_id=conversation_id)
        error, _ = await outsider.recv_until(is_ack("a"))
        assert error["code"] == "not_found"


async def probe_refused(client: Client, conversation_id: str) -> None:
    await client.send(type="resume", ref="r", conversation_id=conversation_id, after_seq=0)
    error, leaked = await client.recv_until(is_ack("r"))
    assert error["type"] == "error" and error["code"] == "not_found"
    assert not [f for f in leaked if f.get("conversation_id") == conversation_id]


async def test_too_many_messages_are_rate_limited_with_a_retry_time(world: World) -> None:
    replica = await world.replica(rate_messages_burst=2, rate_messages_per_10s=1)
    async with visitor(replica) as (vis, _):
        conversation_id = (await start_chat(vis, text=""))["conversation_id"]
        answers = []
        for n in range(4):
            await vis.send(
                type="message",
                ref=f"m{n}",
                conversation_id=conversation_id,
                client_message_id=f"m{n}",
                text=f"spam {n}",
            )
            answers.append((await vis.recv_until(is_ack(f"m{n}")))[0])
        assert [a["type"] for a in answers] == ["ack", "ack", "error", "error"]
        assert answers[2]["code"] == "rate_limited" and answers[2]["retry_after"] > 0
