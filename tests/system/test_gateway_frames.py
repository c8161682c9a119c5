"""Bad frames get an error frame with a code, and the socket stays usable."""

from __future__ import annotations

import json

import pytest

from .gateway_client import Frame, GatewaySocket, VisitorClient, of_type
from .gateway_cluster import GatewayPair, Workspace, pair_fixture, workspace_fixture

pytestmark = pytest.mark.system

gateway_pair = pair_fixture()
workspace = workspace_fixture()

MAX_FRAME_BYTES = 64 * 1024


async def error_for(socket: GatewaySocket, raw: str) -> Frame:
    """Send ``raw`` as is; the error frame it earns (the next one not seen yet)."""
    await socket.send_raw(raw)
    return await socket.wait_for(of_type("error"))


async def still_usable(socket: GatewaySocket) -> None:
    assert (await socket.ping())["type"] == "pong"


BAD_FRAMES: list[tuple[str, str]] = [
    ("{not json", "bad_json"),
    ("[1, 2, 3]", "bad_frame"),
    ('"hello"', "bad_frame"),
    (json.dumps({"no": "type"}), "bad_frame"),
    (json.dumps({"type": "teleport"}), "unknown_type"),
    (json.dumps({"type": "typing", "conversation_id": "cnv_x", "typing": "yes"}), "bad_frame"),
    (json.dumps({"type": "message", "conversation_id": 4, "client_message_id": "c1"}), "bad_frame"),
    (json.dumps({"type": "resume", "conversation_id": "cnv_x", "after_seq": -1}), "bad_frame"),
    (
        json.dumps({"type": "message", "conversation_id": "cnv_nope", "client_message_id": "c2",
                    "text": "to nowhere"}),
        "not_found",
    ),
    (json.dumps({"type": "resume", "conversation_id": "cnv_nope", "after_seq": 0}), "not_found"),
]  # fmt: skip


async def test_a_visitor_gets_error_frames_and_keeps_its_socket(
    gateway_pair: GatewayPair, workspace: Workspace
) -> None:
    visitor = await workspace.visitor(gateway_pair.a.url)
    try:
        for raw, code in BAD_FRAMES:
            error = await error_for(visitor, raw)
            assert error["code"] == code, (raw, error)
            assert error.get("message")
            await still_usable(visitor)
        conversation_id = await visitor.start(name="Fiona", text="after all that")
        assert conversation_id
    finally:
        await visitor.close()


async def test_an_agent_gets_error_frames_and_keeps_its_socket(
    gateway_pair: GatewayPair, workspace: Workspace
) -> None:
    agent = await workspace.agent(gateway_pair.b.url)
    try:
        for raw, code in [*BAD_FRAMES, (json.dumps({"type": "start"}), "unknown_type")]:
            error = await error_for(agent, raw)
            assert error["code"] == code, (raw, error)
            await still_usable(agent)
    finally:
        await agent.close()


async def test_errors_echo_the_frames_ref(gateway_pair: GatewayPair, workspace: Workspace) -> None:
    visitor = await workspace.visitor(gateway_pair.a.url)
    try:
        raw = json.dumps({"type": "typing", "conversation_id": "cnv_x", "typing": 1, "ref": "r-42"})
        error = await error_for(visitor, raw)
        assert error["code"] == "bad_frame" and error["ref"] == "r-42"
    finally:
        await visitor.close()


async def test_a_frame_over_the_protocol_limit_gets_too_large(
    gateway_pair: GatewayPair, workspace: Workspace
) -> None:
    visitor = await workspace.visitor(gateway_pair.a.url)
    try:
        huge = json.dumps({"type": "ping", "pad": "x" * (MAX_FRAME_BYTES + 1)})
        await visitor.send_raw(huge)
        error = await visitor.wait_for(of_type("error"))
        assert error["code"] == "too_large", error
        await still_usable(visitor)
    finally:
        await visitor.close()


async def test_a_frame_before_hello_closes_with_hello_expected(
    gateway_pair: GatewayPair, workspace: Workspace
) -> None:
    visitor = await VisitorClient.connect(gateway_pair.a.url, workspace.channel_id)
    try:
        await visitor.send({"type": "start", "name": "Impatient"})
        assert await visitor.wait_closed() == 4008
    finally:
        await visitor.close()


async def test_a_frame_past_the_transport_limit_closes_with_1009(
    gateway_pair: GatewayPair, workspace: Workspace
) -> None:
    visitor = await workspace.visitor(gateway_pair.a.url)
    try:
        await visitor.send_raw(json.dumps({"type": "ping", "pad": "x" * (4 * MAX_FRAME_BYTES + 1)}))
        assert await visitor.wait_closed() == 1009
    finally:
        await visitor.close()
