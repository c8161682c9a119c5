"""The gateway's HTTP API over the real database: a fresh database per test, a test client,
and helpers to log in and to store conversations the way the conversation core writes them."""

from __future__ import annotations

import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from litestar import Litestar
from pymongo.asynchronous.database import AsyncDatabase

from parley_gateway.adapters.passwords import Argon2PasswordHasher
from parley_gateway.domain.visitor_token import VisitorClaims, sign_visitor_token
from parley_gateway.http_wiring import HttpWiring, wire_http
from parley_gateway.settings import GatewaySettings
from parley_platform.storage.mongo import create_mongo_client

ADMIN_EMAIL = "admin@parley.local"
ADMIN_PASSWORD = "admin password 123"
VISITOR_KEY = b"test visitor key"
T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


@dataclass
class Api:
    client: httpx.AsyncClient
    db: AsyncDatabase[dict[str, Any]]
    wiring: HttpWiring

    async def login(self, email: str, password: str) -> dict[str, str]:
        response = await self.client.post(
            "/api/auth/login", json={"email": email, "password": password}
        )
        assert response.status_code == 200, response.text
        self.client.cookies.clear()  # each caller authenticates with its own bearer token
        return {"Authorization": f"Bearer {response.json()['token']}"}

    async def admin(self) -> dict[str, str]:
        return await self.login(ADMIN_EMAIL, ADMIN_PASSWORD)

    async def agent(
        self, admin: dict[str, str], name: str, group_ids: list[str], role: str = "agent"
    ) -> tuple[str, dict[str, str]]:
        """Create an agent; return their id and login headers."""
        email = f"{name}@example.com"
        response = await self.client.post(
            "/api/agents",
            json={
                "email": email,
                "display_name": name,
                "password": "agent password 1",
                "role": role,
                "group_ids": group_ids,
            },
            headers=admin,
        )
        assert response.status_code == 201, response.text
        return response.json()["id"], await self.login(email, "agent password 1")

    async def group(self, admin: dict[str, str], name: str) -> str:
        response = await self.client.post("/api/groups", json={"name": name}, headers=admin)
        assert response.status_code == 201, response.text
        return response.json()["id"]

    async def channel(self, admin: dict[str, str], name: str, group_ids: list[str]) -> str:
        response = await self.client.post(
            "/api/channels", json={"name": name, "group_ids": group_ids}, headers=admin
        )
        assert response.status_code == 201, response.text
        return response.json()["id"]

    async def conversation(
        self,
        channel_id: str,
        *,
        visitor_id: str = "vis_1",
        messages: tuple[str, ...] = (),
        note: str | None = None,
        minutes: int = 0,
        **fields: Any,
    ) -> str:
        """Store a conversation snapshot and its log as the conversation core does."""
        conversation_id = f"cnv_{uuid.uuid4().hex[:12]}"
        at = T0 + timedelta(minutes=minutes)
        entries: list[dict[str, Any]] = []
        actor = {"id": visitor_id, "role": "visitor", "display_name": "Vera"}
        for text in messages:
            entries.append(
                {
                    "kind": "message",
                    "actor": actor,
                    "visibility": "public",
                    "payload": {"text": text},
                }
            )
        if note:
            agent = {"id": "agt_x", "role": "agent", "display_name": "Ann"}
            entries.append(
                {
                    "kind": "note",
                    "actor": agent,
                    "visibility": "internal",
                    "payload": {"text": note},
                }
            )
        for seq, entry in enumerate(entries, start=1):
            await self.db.conversation_events.insert_one(
                {
                    "_id": f"{conversation_id}:{seq:010d}",
                    "conversation_id": conversation_id,
                    "seq": seq,
                    "at": at + timedelta(seconds=seq),
                    **entry,
                }
            )
        await self.db.conversations.insert_one(
            {
                "_id": conversation_id,
                "channel_id": channel_id,
                "kind": "visitor",
                "visitor": {"visitor_id": visitor_id, "name": "Vera"},
                "lifecycle": "ended",
                "participants": [],
                "agents_involved": [],
                "tags": [],
                "created_at": at,
                "last_seq": len(entries),
                **fields,
            }
        )
        return conversation_id

    def visitor_headers(self, visitor_id: str, channel_id: str) -> dict[str, str]:
        token = sign_visitor_token(
            VISITOR_KEY, VisitorClaims(visitor_id, channel_id, int(time.time()))
        )
        return {"X-Parley-Visitor-Token": token}


@pytest.fixture
async def api(mongodb_url: str) -> AsyncIterator[Api]:
    mongo = create_mongo_client(mongodb_url, "parley-gateway-http-tests")
    name = f"gw_http_{uuid.uuid4().hex[:8]}"
    db = mongo[name]
    settings = GatewaySettings(
        admin_email=ADMIN_EMAIL,
        admin_password=ADMIN_PASSWORD,
        attachment_max_bytes=600 * 1024,
        login_failures_per_email=3,
        visitor_token_max_age_days=36_500,
    )
    # Cheap argon2id parameters: the tests check behaviour, not the cost of guessing.
    hasher = Argon2PasswordHasher(time_cost=1, memory_cost_kib=1024, parallelism=1)
    wiring = wire_http(db, settings, VISITOR_KEY, hasher=hasher)
    for hook in wiring.startup_hooks:
        await hook()
    app = Litestar(route_handlers=wiring.route_handlers, debug=True, **wiring.litestar_options)
    # In-process, on the test's event loop (the database client is bound to it).
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield Api(client, db, wiring)
    await mongo.drop_database(name)
    await mongo.close()
