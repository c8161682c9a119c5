"""The gateway under load: real replica processes, a channel, agents, and accepted conversations.

Replicas are ``python -m parley_gateway`` processes (``tests/system/services.py``) on one
database, as pods of one deployment. Visitors connect to replica A, agents to replica B, so every
message crosses the broker (live fan-out). The rate limits are raised out of the way: all bench
visitors come from 127.0.0.1 and each sends far more than a person types.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import secrets
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from pymongo import AsyncMongoClient
from websockets.asyncio.client import ClientConnection

from tests.system.gateway_client import (
    DEFAULT_ORIGIN,
    AgentClient,
    GatewayHttp,
    VisitorClient,
    new_client_message_id,
)
from tests.system.services import ServiceProcess

from .gateway_load import Lane, Receivers, message_number, message_text

ADMIN_EMAIL = "bench-admin@parley.test"
AGENT_PASSWORD = "bench-agent-password-1"
UNLIMITED = "1000000"
DROP_DELAY_S = 2.0


def replica_settings(secret_key: str, admin_password: str) -> dict[str, str]:
    return {
        "admin_email": ADMIN_EMAIL,
        "admin_password": admin_password,
        "secret_key": secret_key,
        "rate_messages_per_10s": UNLIMITED,
        "rate_messages_burst": UNLIMITED,
        "rate_address_messages_per_10s": UNLIMITED,
        "rate_starts_per_minute": UNLIMITED,
        "rate_address_starts_per_minute": UNLIMITED,
    }


def agent_frame_number(frame: str | bytes) -> int | None:
    """The bench number of a ``message`` event an agent socket received."""
    body = json.loads(frame)
    if body.get("type") != "event" or body.get("kind") != "message":
        return None
    text = body.get("payload", {}).get("text")
    return message_number(text) if isinstance(text, str) else None


@dataclass
class Replicas:
    """Gateway processes sharing one database; ``stop`` kills them and drops the database."""

    rabbitmq_url: str
    mongodb_url: str
    log_dir: Path
    database: str
    processes: list[ServiceProcess] = field(default_factory=list)
    secret_key: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    admin_password: str = field(default_factory=lambda: secrets.token_urlsafe(16))

    async def start(self, count: int) -> list[ServiceProcess]:
        settings = replica_settings(self.secret_key, self.admin_password)
        started = [
            ServiceProcess(
                "gateway",
                self.rabbitmq_url,
                self.mongodb_url,
                self.log_dir,
                database=self.database,
                **settings,
            )
            for _ in range(count)
        ]
        if not any(process.service == "reports" for process in self.processes):
            # As in the whole system: the reports journal consumes every event, so the
            # gateway's conversation events are routable and leave its outbox.
            self.processes.append(
                ServiceProcess("reports", self.rabbitmq_url, self.mongodb_url, self.log_dir)
            )
            await asyncio.to_thread(self.processes[-1].start, 60.0)
        self.processes.extend(started)
        await asyncio.gather(*(asyncio.to_thread(process.start, 60.0) for process in started))
        return started

    async def admin(self, url: str) -> GatewayHttp:
        return await GatewayHttp.login(url, ADMIN_EMAIL, self.admin_password)

    async def stop(self) -> None:
        for process in self.processes:
            process.stop()
        # FerretDB (SQLite) still runs the queries of killed clients for a while, and dropping a
        # database under a running query has crashed it (SIGBUS): give them time to finish.
        await asyncio.sleep(DROP_DELAY_S)
        client: AsyncMongoClient[dict[str, object]] = AsyncMongoClient(self.mongodb_url)
        with contextlib.suppress(Exception):
            await client.drop_database(self.database)
            for process in self.processes:
                if process.service == "reports":
                    await client.drop_database(process.database)
        await client.close()


@dataclass
class ChatLoad:
    """``lanes`` conversations: visitors on one replica, ``agents`` agents on another."""

    receivers: Receivers = field(default_factory=lambda: Receivers(agent_frame_number))
    visitors: list[VisitorClient] = field(default_factory=list)
    agents: list[AgentClient] = field(default_factory=list)
    lanes: list[Lane] = field(default_factory=list)
    visitor_errors: list[str] = field(default_factory=list)
    _drains: list[asyncio.Task[None]] = field(default_factory=list)

    async def open(
        self,
        admin: GatewayHttp,
        visitor_url: str,
        agent_url: str,
        lanes: int,
        agents: int,
        budget_s: float,
    ) -> None:
        """Agents first, then up to ``lanes`` accepted conversations, as many as ``budget_s``
        allows (a slow gateway gets fewer: ``len(self.lanes)`` says how many)."""
        tag = uuid.uuid4().hex[:6]
        group_id = await admin.create_group(f"Bench {tag}")
        channel_id = await admin.create_channel(f"Bench {tag}", [group_id], (DEFAULT_ORIGIN,))
        for number in range(agents):
            email = f"bench-{tag}-{number}@parley.test"
            await admin.create_agent(email, AGENT_PASSWORD, [group_id], f"Agent {number}")
            session = await GatewayHttp.login(agent_url, email, AGENT_PASSWORD)
            await session.aclose()
            assert session.token is not None
            agent = await AgentClient.connect(agent_url, session.token)
            await agent.hello()
            self.agents.append(agent)
        limit = asyncio.Semaphore(20)

        opened: list[VisitorClient] = []

        async def lane(number: int) -> None:
            async with limit:
                visitor = await VisitorClient.connect(visitor_url, channel_id)
                opened.append(visitor)
                await visitor.hello()
                conversation_id = await visitor.start(name=f"Visitor {number}")
                answer = await self.agents[number % agents].accept(conversation_id)
                if answer["type"] != "ack":
                    raise RuntimeError(f"accept refused: {answer}")
                self.visitors.append(visitor)
                self.lanes.append(_lane(visitor, conversation_id))

        tasks = [asyncio.create_task(lane(number)) for number in range(lanes)]
        done, pending = await asyncio.wait(tasks, timeout=budget_s)
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        for task in done:
            task.result()  # a refused start or accept is a failed benchmark, not a smaller one
        for visitor in opened:
            if visitor not in self.visitors:
                await visitor.close()
        # Benchmark traffic is read by raw readers, not the test client's frame lists.
        for agent in self.agents:
            await agent.detach()
            self.receivers.attach(agent.socket)
        for visitor in self.visitors:
            await visitor.detach()
            self._drains.append(asyncio.create_task(self._drain(visitor.socket)))

    async def _drain(self, socket: ClientConnection) -> None:
        """Visitors get their own messages back and acks: read them, keep the errors."""
        with contextlib.suppress(Exception):
            async for frame in socket:
                if '"type":"error"' in frame and len(self.visitor_errors) < 1000:
                    self.visitor_errors.append(str(frame)[:200])

    async def close(self) -> None:
        await self.receivers.stop()
        for task in self._drains:
            task.cancel()
        await asyncio.gather(*self._drains, return_exceptions=True)
        await asyncio.gather(
            *(client.close() for client in [*self.visitors, *self.agents]), return_exceptions=True
        )


def _lane(visitor: VisitorClient, conversation_id: str) -> Lane:
    socket = visitor.socket

    async def send(number: int) -> None:
        frame = {
            "type": "message",
            "conversation_id": conversation_id,
            "client_message_id": new_client_message_id(),
            "text": message_text(number),
        }
        await socket.send(json.dumps(frame))

    return send
