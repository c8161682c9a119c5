"""Gateway replicas on real uvicorn servers (free ports, this process) and WebSocket clients.

Each test gets its own database; replicas of one test share it and the secret key, and each has
its own live fan-out queue, as separate processes would.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import aio_pika
import pytest
import uvicorn
from websockets.asyncio.client import ClientConnection, connect

from parley_gateway.adapters.mongo_accounts import MongoAccountRepository
from parley_gateway.adapters.mongo_channels import MongoChannelRepository
from parley_gateway.adapters.mongo_sessions import MongoSessionStore
from parley_gateway.adapters.system_clock import SystemClock
from parley_gateway.bootstrap import Gateway, create_app
from parley_gateway.domain.channel import Channel
from parley_gateway.domain.identity import Account, Role
from parley_gateway.settings import GatewaySettings
from parley_platform.messaging.topology import declare_exchanges
from parley_platform.storage.mongo import create_mongo_client

ORIGIN = "https://shop.example"
CHANNEL_ID = "chn_shop"
OTHER_CHANNEL_ID = "chn_other"
GROUP_ID = "grp_support"


@dataclass
class Replica:
    url: str
    gateway: Gateway
    server: uvicorn.Server
    task: asyncio.Task[None]

    async def stop(self) -> None:
        self.server.should_exit = True
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.task, 15)


async def start_replica(settings: GatewaySettings) -> Replica:
    app = create_app(settings)
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=0,
        lifespan="on",
        log_config=None,
        access_log=False,
        ws_per_message_deflate=False,
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    gateway: Gateway = app.state.gateway
    await gateway.fanout.wait_until_ready()
    await gateway.runtime.wait_until_connected()
    for _ in range(500):
        if all(v == "ok" for v in (await gateway.runtime.readiness()).values()):
            break
        await asyncio.sleep(0.02)
    return Replica(f"ws://127.0.0.1:{port}", gateway, server, task)


@dataclass
class World:
    """What a test starts from: a channel on ORIGIN, an agent of its group, one outside it."""

    settings: GatewaySettings
    agent_token: str
    outsider_token: str
    channel_secret: str
    replicas: list[Replica]

    async def replica(self, **overrides: Any) -> Replica:
        settings = self.settings.model_copy(
            update={"replica_id": uuid.uuid4().hex[:8], **overrides}
        )
        replica = await start_replica(settings)
        self.replicas.append(replica)
        return replica


@pytest.fixture
async def world(rabbitmq_url: str, mongodb_url: str) -> AsyncIterator[World]:
    database = f"parley_gw_ws_{uuid.uuid4().hex[:8]}"
    settings = GatewaySettings(
        rabbitmq_url=rabbitmq_url,
        mongodb_url=mongodb_url,
        database=database,
        secret_key="test-secret",
        log_format="console",
        log_level="WARNING",
    )
    # Routing is not running: a queue of our own takes the gateway's events, so the outbox's
    # mandatory publishes have somewhere to go.
    broker = await aio_pika.connect(rabbitmq_url)
    channel = await broker.channel()
    events, _ = await declare_exchanges(channel)
    sink = await channel.declare_queue(f"test.{database}", auto_delete=True, exclusive=True)
    await sink.bind(events, routing_key="#")
    client = create_mongo_client(mongodb_url, "parley-test-setup")
    db = client[database]
    accounts = MongoAccountRepository(db)
    channels = MongoChannelRepository(db)
    sessions = MongoSessionStore(db, accounts, SystemClock(), timedelta(hours=1))
    secret = "the-channel-secret-for-customer-tokens"
    for channel_id, group in ((CHANNEL_ID, GROUP_ID), (OTHER_CHANNEL_ID, "grp_other")):
        await channels.add(
            Channel(
                id=channel_id,
                name=channel_id,
                group_ids=frozenset({group}),
                secret=secret,
                allowed_origins=(ORIGIN,),
            )
        )
    now = datetime.now(UTC)
    for account_id, group in (("agt_ann", GROUP_ID), ("agt_out", "grp_other")):
        await accounts.add(
            Account(
                account_id,
                f"{account_id}@parley.test",
                account_id[4:].title(),
                Role.AGENT,
                frozenset({group}),
                created_at=now,
            ),
            "unused-hash",
        )
    world = World(
        settings, await sessions.open("agt_ann"), await sessions.open("agt_out"), secret, []
    )
    yield world
    for replica in world.replicas:
        await replica.stop()
    await client.drop_database(database)
    await client.close()
    await broker.close()


class Client:
    """A WebSocket client speaking the JSON frames, with a short patience for answers."""

    def __init__(self, socket: ClientConnection) -> None:
        self.socket = socket

    async def send(self, **frame: Any) -> None:
        await self.socket.send(json.dumps(frame))

    async def send_raw(self, text: str) -> None:
        await self.socket.send(text)

    async def recv(self, timeout_s: float = 5.0) -> dict[str, Any]:
        return json.loads(await asyncio.wait_for(self.socket.recv(), timeout_s))

    async def recv_until(
        self, predicate: Callable[[dict[str, Any]], bool], timeout_s: float = 5.0
    ) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """The first frame matching ``predicate`` and every frame received before it."""
        before: list[dict[str, Any]] = []
        deadline = asyncio.get_running_loop().time() + timeout_s
        while True:
            remaining = deadline - asyncio.get_running_loop().time()
            if remaining <= 0:
                raise AssertionError(f"no matching frame; got {before}")
            frame = await self.recv(remaining)
            if predicate(frame):
                return frame, before
            before.append(frame)

    async def quiet(self, for_s: float = 0.3) -> list[dict[str, Any]]:
        """Frames that arrive within ``for_s`` (none expected, usually)."""
        frames: list[dict[str, Any]] = []
        with contextlib.suppress(TimeoutError):
            while True:
                frames.append(await self.recv(for_s))
        return frames

    async def close(self) -> None:
        await self.socket.close()


@contextlib.asynccontextmanager
async def visitor(
    replica: Replica, *, channel: str = CHANNEL_ID, origin: str = ORIGIN, **hello: Any
) -> AsyncIterator[tuple[Client, dict[str, Any]]]:
    """A visitor socket after ``hello``: the client and the welcome frame."""
    async with connect(
        f"{replica.url}/ws/visitor?channel={channel}",
        origin=origin,
        compression=None,  # type: ignore[arg-type]
    ) as socket:
        client = Client(socket)
        await client.send(type="hello", **hello)
        yield client, await client.recv()


@contextlib.asynccontextmanager
async def agent(replica: Replica, token: str) -> AsyncIterator[tuple[Client, dict[str, Any]]]:
    async with connect(f"{replica.url}/ws/agent?token={token}", compression=None) as socket:
        client = Client(socket)
        await client.send(type="hello")
        yield client, await client.recv()


def is_event(kind: str, conversation_id: str | None = None) -> Callable[[dict[str, Any]], bool]:
    return lambda frame: (
        frame.get("type") == "event"
        and frame.get("kind") == kind
        and (conversation_id is None or frame.get("conversation_id") == conversation_id)
    )


def is_ack(ref: str) -> Callable[[dict[str, Any]], bool]:
    return lambda frame: frame.get("type") in ("ack", "error") and frame.get("ref") == ref


async def start_chat(client: Client, text: str = "Hello, I need help") -> dict[str, Any]:
    """Start a conversation with a first message; the ack."""
    await client.send(type="start", ref="s", name="Vera", client_message_id="c-start", text=text)
    ack, _ = await client.recv_until(is_ack("s"))
    assert ack["type"] == "ack", ack
    return ack
