"""Bad frames get an error frame with a code, and the socket stays usable."""

from __future__ import annotations

import pytest

from .ws_harness import Client, World, is_ack, visitor
from .ws_harness import world as world  # the fixture

pytestmark = pytest.mark.integration


async def still_usable(client: Client) -> None:
    await client.send(type="ping", ref="alive")
    pong, _ = await client.recv_until(lambda f: f["type"] == "pong")
    assert pong["ref"] == "alive"


@pytest.mark.parametrize(
    ("text", "code", "path"),
    [
        ("{not json", "bad_json", None),
        ('{"type": "dance", "ref": "x"}', "unknown_type", None),
        ('{"type": "typing", "conversation_id": "c1", "typing": "yes"}', "bad_frame", "typing"),
        ('{"type": "resume", "conversation_id": "c1", "after_seq": -1}', "bad_frame", "after_seq"),
        ('{"type": "page", "url": 7}', "bad_frame", "url"),
        ("[1, 2]", "bad_frame", None),
    ],
)
async def test_a_bad_frame_gets_an_error_frame_and_the_socket_stays_usable(
    world: World, text: str, code: str, path: str | None
) -> None:
    replica = await world.replica()
    async with visitor(replica) as (vis, _):
        await vis.send_raw(text)
        error = await vis.recv()
        assert error["type"] == "error" and error["code"] == code
        assert error.get("path") == path
        await still_usable(vis)


async def test_an_unknown_conversation_is_not_found(world: World) -> None:
    replica = await world.replica()
    async with visitor(replica) as (vis, _):
        await vis.send(
            type="message", ref="m", conversation_id="conv_nope", client_message_id="1", text="x"
        )
        error, _ = await vis.recv_until(is_ack("m"))
        assert error["code"] == "not_found"
        await still_usable(vis)


async def test_a_frame_over_the_size_limit_is_refused_and_the_socket_stays_usable(
    world: World,
) -> None:
    replica = await world.replica(ws_max_frame_bytes=4096)
    async with visitor(replica) as (vis, _):
        await vis.send(type="start", ref="big", text="x" * 5000)
        error = await vis.recv()
        assert error["code"] == "too_large"
        await still_usable(vis)
