"""What the gateway refuses: wrong origins, other people's conversations, bad tokens."""

from __future__ import annotations

import asyncio
import time

import httpx
import jwt
import pytest

from .gateway_client import (
    GatewaySocket,
    VisitorClient,
    event,
    message_event,
    refused_status,
    ws_url,
)
from .gateway_cluster import GatewayPair, Workspace, pair_fixture, workspace_fixture

pytestmark = pytest.mark.system

gateway_pair = pair_fixture()
workspace = workspace_fixture()

AUTH_CLOSE = 4001
ORIGIN_CLOSE = 4003
UNKNOWN_CHANNEL_CLOSE = 4004


async def refused(url: str, origin: str | None, close_code: int) -> None:
    """Refused at the upgrade (HTTP 403/404) or closed with ``close_code`` right after it."""
    status = await refused_status(url, origin=origin)
    if status is not None:
        assert status in (401, 403, 404), status
        return
    socket = GatewaySocket(await GatewaySocket.open(url, origin=origin))
    try:
        code = await socket.wait_closed(5)
        assert code == close_code, (code, socket.close_reason)
    finally:
        await socket.close()


async def test_a_visitor_from_an_origin_the_channel_does_not_allow_is_refused(
    gateway_pair: GatewayPair, workspace: Workspace
) -> None:
    url = ws_url(gateway_pair.a.url, "/ws/visitor", channel=workspace.channel_id)
    await refused(url, "https://evil.example", ORIGIN_CLOSE)
    await refused(url, None, ORIGIN_CLOSE)


async def test_a_visitor_of_an_unknown_channel_is_refused(gateway_pair: GatewayPair) -> None:
    url = ws_url(gateway_pair.a.url, "/ws/visitor", channel="chn_does_not_exist")
    await refused(url, "http://127.0.0.1:8000", UNKNOWN_CHANNEL_CLOSE)


async def test_an_agent_with_a_bad_token_is_refused(gateway_pair: GatewayPair) -> None:
    for token in ("not-a-session", ""):
        url = ws_url(gateway_pair.b.url, "/ws/agent", token=token)
        await refused(url, "http://127.0.0.1:8000", AUTH_CLOSE)
    await refused(ws_url(gateway_pair.b.url, "/ws/agent"), "http://127.0.0.1:8000", AUTH_CLOSE)


async def test_a_forged_visitor_token_gets_a_new_identity_not_the_owners(
    gateway_pair: GatewayPair, workspace: Workspace
) -> None:
    genuine = await workspace.visitor(gateway_pair.a.url)
    conversation_id = await genuine.start(name="Gina", text="mine")
    await genuine.close()
    token = genuine.visitor_token
    forged = token[:-4] + ("AAAA" if token[-4:] != "AAAA" else "BBBB")
    visitor = await workspace.visitor(gateway_pair.b.url, forged)
    try:
        assert visitor.visitor_id != genuine.visitor_id
        assert visitor.welcome["conversations"] == []
        answer = await visitor.request(
            {"type": "resume", "conversation_id": conversation_id, "after_seq": 0}
        )
        assert answer["type"] == "error" and answer["code"] == "not_found", answer
    finally:
        await visitor.close()


def customer_token(secret: str, customer_id: str, *, expires_in_s: int = 600) -> str:
    claims = {"customer_id": customer_id, "name": "Carla", "exp": int(time.time()) + expires_in_s}
    return jwt.encode(claims, secret, algorithm="HS256")


async def test_customer_tokens_signed_with_the_channels_secret_only(
    gateway_pair: GatewayPair, workspace: Workspace
) -> None:
    channel = await workspace.admin.call("GET", f"/api/channels/{workspace.channel_id}")
    secret = channel["secret"]
    assert secret
    # Genuine: every tab of the customer is the same visitor, on either replica.
    tabs = []
    for url in (gateway_pair.a.url, gateway_pair.b.url):
        tab = await VisitorClient.connect(url, workspace.channel_id)
        await tab.hello(customer_token=customer_token(secret, "c-1001"))
        tabs.append(tab)
    try:
        assert tabs[0].visitor_id == tabs[1].visitor_id
        assert tabs[0].visitor_id.startswith("cus_")
        conversation_id = await tabs[0].start(text="from tab one")
        await tabs[1].resume(conversation_id, 0)
        await tabs[1].wait_for(message_event(conversation_id, "from tab one"))
    finally:
        for tab in tabs:
            await tab.close()
    # Forged, expired, or unsigned: closed with 4001.
    unsigned = jwt.encode({"customer_id": "c-1001", "exp": int(time.time()) + 600}, None, "none")
    for token in (
        customer_token("not-the-channel-secret-0123456789", "c-1001"),
        customer_token(secret, "c-1001", expires_in_s=-3600),
        unsigned,
    ):
        visitor = await VisitorClient.connect(gateway_pair.a.url, workspace.channel_id)
        try:
            await visitor.send({"type": "hello", "v": 1, "customer_token": token})
            assert await visitor.wait_closed() == AUTH_CLOSE
            assert visitor.seen(lambda f: f.get("type") == "welcome") == []
        finally:
            await visitor.close()


async def test_a_visitor_cannot_reach_another_visitors_conversation(
    gateway_pair: GatewayPair, workspace: Workspace
) -> None:
    owner = await workspace.visitor(gateway_pair.a.url)
    intruder = await workspace.visitor(gateway_pair.b.url)
    try:
        conversation_id = await owner.start(name="Olga", text="my private matter")
        for frame in (
            {"type": "message", "conversation_id": conversation_id, "client_message_id": "cm_x1",
             "text": "let me in"},
            {"type": "resume", "conversation_id": conversation_id, "after_seq": 0},
            {"type": "typing", "conversation_id": conversation_id, "typing": True},
            {"type": "end", "conversation_id": conversation_id},
        ):  # fmt: skip
            answer = await intruder.request(frame)
            assert answer["type"] == "error" and answer["code"] == "not_found", (frame, answer)
        await owner.message(conversation_id, "still private")
        await asyncio.sleep(0.5)
        assert intruder.seen(event(conversation_id)) == []
        await intruder.ping()
    finally:
        await owner.close()
        await intruder.close()


async def test_an_agent_outside_the_channels_groups_can_neither_take_nor_read_it(
    gateway_pair: GatewayPair, workspace: Workspace
) -> None:
    other_group = await workspace.admin.create_group("Elsewhere")
    _, outsider_email = await workspace.add_agent([other_group])
    outsider = await workspace.agent(gateway_pair.b.url, outsider_email)
    visitor = await workspace.visitor(gateway_pair.a.url)
    try:
        conversation_id = await visitor.start(name="Nina", text="hello there")
        assert conversation_id not in str(outsider.welcome)
        for frame in (
            {"type": "accept", "conversation_id": conversation_id},
            {"type": "resume", "conversation_id": conversation_id, "after_seq": 0},
            {"type": "message", "conversation_id": conversation_id, "client_message_id": "cm_o1",
             "text": "I should not be here"},
        ):  # fmt: skip
            answer = await outsider.request(frame)
            assert answer["type"] == "error", (frame, answer)
            assert answer["code"] in ("not_found", "forbidden"), (frame, answer)
        response = await outsider_http_get(workspace, gateway_pair, outsider_email, conversation_id)
        assert response in (403, 404)
        await visitor.message(conversation_id, "anyone?")
        await asyncio.sleep(0.5)
        assert outsider.seen(message_event(conversation_id, "anyone?")) == []
        await outsider.ping()
    finally:
        await visitor.close()
        await outsider.close()


async def outsider_http_get(
    workspace: Workspace, pair: GatewayPair, email: str, conversation_id: str
) -> int:
    token = await workspace.agent_token(pair.a.url, email)
    async with httpx.AsyncClient(base_url=pair.a.url, timeout=10) as client:
        response = await client.get(
            f"/api/conversations/{conversation_id}", headers={"Authorization": f"Bearer {token}"}
        )
    return response.status_code
