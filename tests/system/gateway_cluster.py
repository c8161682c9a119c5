"""Two gateway replicas on one database, an admin, and a test's channel, group and agents.

``pair_fixture`` (module scope) starts replica A and replica B as real ``python -m
parley_gateway`` processes sharing ``PARLEY_GATEWAY_DATABASE`` and the visitor-token secret, as
two pods of one deployment do. ``Workspace.create`` gives a test its own group, channel and
agent through the HTTP API, so tests do not see each other's conversations. ``RoutingStandIn``
plays the routing service: it publishes ``conversation.assigned.v1`` on the real broker.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Literal

import aio_pika
import pytest

from parley_contracts.envelope import CloudEvent
from parley_contracts.names import CLOUDEVENTS_CONTENT_TYPE, EVENTS_EXCHANGE, SOURCES, Service
from parley_contracts.routing import AssignmentMode, ConversationAssignedV1, RoutingDecision

from .gateway_client import DEFAULT_ORIGIN, AgentClient, GatewayHttp, VisitorClient
from .services import ServiceProcess

ADMIN_EMAIL = "admin@parley.test"
ADMIN_PASSWORD = "correct-horse-battery-staple-42"
AGENT_PASSWORD = "agent-password-for-tests-7"


def gateway_settings(secret_key: str) -> dict[str, str]:
    """Settings both replicas share (the secret signs visitor tokens: any replica must accept).

    Every test visitor comes from 127.0.0.1, so the per-address limits are raised out of the
    way; the per-visitor limits keep their defaults (test_gateway_protection checks them).
    """
    return {
        "rate_address_starts_per_minute": "1000",
        "rate_address_messages_per_10s": "10000",
        "admin_email": ADMIN_EMAIL,
        "admin_password": ADMIN_PASSWORD,
        "secret_key": secret_key,
        "outbox_sweep_interval_s": "0.5",
        "graceful_timeout_s": "5",
    }


@dataclass
class GatewayPair:
    a: ServiceProcess
    b: ServiceProcess

    def stop(self) -> None:
        self.a.stop()
        self.b.stop()


def start_pair(rabbitmq_url: str, mongodb_url: str, log_dir: Path) -> GatewayPair:
    settings = gateway_settings(secrets.token_urlsafe(32))
    a = ServiceProcess("gateway", rabbitmq_url, mongodb_url, log_dir, **settings)
    a.start()
    try:
        b = ServiceProcess(
            "gateway",
            rabbitmq_url,
            mongodb_url,
            log_dir,
            database=a.database,
            **settings,
        )
        b.start()
    except BaseException:
        a.stop()
        raise
    return GatewayPair(a, b)


def pair_fixture(scope: Literal["module", "function"] = "module") -> Any:
    """A ``gateway_pair`` fixture: replicas A and B of one gateway, stopped at the end.

    A factory, so that each test module binds its own (``gateway_pair = pair_fixture()``)
    without importing a fixture by name.
    """

    @pytest.fixture(scope=scope)
    def gateway_pair(
        rabbitmq_url: str, mongodb_url: str, tmp_path_factory: pytest.TempPathFactory
    ) -> Iterator[GatewayPair]:
        pair = start_pair(rabbitmq_url, mongodb_url, tmp_path_factory.mktemp("gateway"))
        yield pair
        pair.stop()

    return gateway_pair


@dataclass
class Workspace:
    """One test's own group, channel and agent, created by the admin over HTTP."""

    admin: GatewayHttp
    group_id: str
    channel_id: str
    agent_id: str
    agent_email: str

    @classmethod
    async def create(cls, http_url: str, origins: tuple[str, ...] = (DEFAULT_ORIGIN,)) -> Workspace:
        admin = await GatewayHttp.login(http_url, ADMIN_EMAIL, ADMIN_PASSWORD)
        tag = uuid.uuid4().hex[:8]
        group_id = await admin.create_group(f"Support {tag}")
        channel_id = await admin.create_channel(f"Website {tag}", [group_id], origins)
        email = f"agent-{tag}@parley.test"
        agent_id = await admin.create_agent(email, AGENT_PASSWORD, [group_id], f"Alan {tag}")
        return cls(admin, group_id, channel_id, agent_id, email)

    async def add_agent(self, group_ids: list[str] | None = None) -> tuple[str, str]:
        """Another agent (id, email), in this workspace's group unless told otherwise."""
        email = f"agent-{uuid.uuid4().hex[:8]}@parley.test"
        groups = [self.group_id] if group_ids is None else group_ids
        return await self.admin.create_agent(email, AGENT_PASSWORD, groups, "Other Agent"), email

    async def agent_token(self, http_url: str, email: str | None = None) -> str:
        session = await GatewayHttp.login(http_url, email or self.agent_email, AGENT_PASSWORD)
        await session.aclose()
        assert session.token is not None
        return session.token

    async def agent(self, http_url: str, email: str | None = None) -> AgentClient:
        """An agent console connected to ``http_url`` that said hello."""
        agent = await AgentClient.connect(http_url, await self.agent_token(http_url, email))
        await agent.hello()
        return agent

    async def visitor(self, http_url: str, token: str | None = None) -> VisitorClient:
        """A visitor widget on this workspace's channel that said hello."""
        visitor = await VisitorClient.connect(http_url, self.channel_id)
        await visitor.hello(token)
        return visitor


def workspace_fixture() -> Any:
    """A ``workspace`` fixture: the test's own group, channel and agent on ``gateway_pair``."""

    @pytest.fixture
    async def workspace(gateway_pair: GatewayPair) -> AsyncIterator[Workspace]:
        space = await Workspace.create(gateway_pair.a.url)
        yield space
        await space.admin.aclose()

    return workspace


class RoutingStandIn:
    """Publishes what the routing service would, on the real broker."""

    def __init__(self, rabbitmq_url: str) -> None:
        self.rabbitmq_url = rabbitmq_url

    async def assign(
        self, conversation_id: str, channel_id: str, agent_id: str, agent_name: str
    ) -> None:
        assigned = ConversationAssignedV1(
            conversation_id=conversation_id,
            channel_id=channel_id,
            agent_id=agent_id,
            agent_display_name=agent_name,
            mode=AssignmentMode.PUSH,
            waited_seconds=1.0,
            answer_by=datetime.now(UTC) + timedelta(minutes=2),
            decision=RoutingDecision(rule="least_loaded", explanation="the only agent online"),
        )
        event = CloudEvent.wrap(assigned, source=SOURCES[Service.ROUTING])
        connection = await aio_pika.connect(self.rabbitmq_url)
        async with connection:
            channel = await connection.channel(publisher_confirms=True)
            exchange = await channel.get_exchange(EVENTS_EXCHANGE, ensure=True)
            await exchange.publish(
                aio_pika.Message(
                    event.to_json_bytes(),
                    content_type=CLOUDEVENTS_CONTENT_TYPE,
                    delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
                    message_id=event.id,
                ),
                routing_key=ConversationAssignedV1.TYPE,
                mandatory=True,
            )


def routing_fixture() -> Any:
    """A ``routing`` fixture: the stand-in for the routing service."""

    @pytest.fixture
    def routing(rabbitmq_url: str) -> RoutingStandIn:
        return RoutingStandIn(rabbitmq_url)

    return routing
