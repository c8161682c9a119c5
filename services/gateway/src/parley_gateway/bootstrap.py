"""Wiring of the gateway service: settings, adapters, use cases, entry points.

Nothing connects here: ``create_app`` builds objects; the runtime's lifespan connects them.
"""

from __future__ import annotations

import asyncio
import secrets
import time
import uuid
from dataclasses import dataclass

import structlog
from litestar import Litestar
from litestar.datastructures import State

from parley_platform.messaging.request import QueryClient
from parley_platform.runtime import ServiceRuntime

from .adapters.announcing_channels import AnnouncingChannelRepository
from .adapters.broker_sender import BrokerSender
from .adapters.cached_snapshots import CachedSnapshots
from .adapters.customer_token import verify_customer_token
from .adapters.geoip_countries import MaxMindCountries
from .adapters.live_fanout import RabbitLiveFanout
from .adapters.mongo_conversation_log import COLLECTION as LOG_COLLECTION
from .adapters.mongo_conversation_log import MongoConversationLog
from .adapters.mongo_conversation_snapshots import MongoConversationSnapshots
from .adapters.online_operators import OnlineOperators, PresenceFeedingSink
from .adapters.system_clock import SystemClock
from .application.conversation_ports import ConversationDeps
from .application.conversation_use_cases import ConversationUseCases, TimeOrderedIds
from .application.identify_visitor import IdentifyVisitor
from .domain.rate_limit import ActionLimits, Allowance, Rate
from .domain.visitor_token import verify_visitor_token
from .entrypoints.http.web import web_routes
from .entrypoints.subscribers import subscribe
from .entrypoints.ws import ConnectionRegistry, VisitorLimits, WsContext, ws_routes
from .http_wiring import wire_http
from .settings import GatewaySettings

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class Gateway:
    """The wired parts tests and the benchmark reach for (``app.state.gateway``)."""

    runtime: ServiceRuntime
    fanout: RabbitLiveFanout
    registry: ConnectionRegistry
    use_cases: ConversationUseCases
    operators: OnlineOperators


def create_app(settings: GatewaySettings | None = None) -> Litestar:
    settings = settings or GatewaySettings()
    runtime = ServiceRuntime(settings)
    clock = SystemClock()
    secret_key = _secret_key(settings)
    events = BrokerSender(runtime.publisher, runtime.source)
    queries = QueryClient(runtime.broker)
    http = wire_http(runtime.db, settings, secret_key, clock=clock, events=events, queries=queries)
    accounts, channels, sessions = http.accounts, http.channels, http.sessions
    relay = runtime.outbox(LOG_COLLECTION, append_only=True)  # the log is never updated
    conversation_log = MongoConversationLog(runtime.db, relay)
    stored_snapshots = MongoConversationSnapshots(runtime.db)
    snapshots = CachedSnapshots(
        stored_snapshots, settings.snapshot_cache_size, settings.snapshot_write_behind_s
    )
    for hook in (
        conversation_log.ensure_indexes,
        stored_snapshots.ensure_indexes,
        *http.startup_hooks,
    ):
        runtime.on_startup(hook)
    runtime.before_stop(snapshots.flush)

    registry = ConnectionRegistry(conversation_log)
    operators = OnlineOperators()
    fanout = RabbitLiveFanout(
        settings.rabbitmq_url,
        settings.replica_id or _new_replica_id(),
        PresenceFeedingSink(registry, operators),
        remote_entries=snapshots.observe,
    )
    deps = ConversationDeps(
        conversation_log,
        snapshots,
        fanout,
        channels,
        accounts,
        clock,
        TimeOrderedIds(),
        source=runtime.source,
        attachments=http.attachments,
        events=events,
        operators=operators,
    )
    use_cases = ConversationUseCases.build(deps, settings.agent_activity_signal_s)
    subscribe(runtime, use_cases)

    # A configured database that cannot be read is a mistake to report at once, not to hide.
    countries = MaxMindCountries(settings.geoip_database) if settings.geoip_database else None
    ws = WsContext(
        registry=registry,
        fanout=fanout,
        channels=channels,
        sessions=sessions,
        snapshots=snapshots,
        identify_visitor=IdentifyVisitor(
            secret_key,
            verify_customer_token,
            max_age_s=settings.visitor_token_max_age_days * 86_400,
        ),
        limits=_visitor_limits(settings),
        use_cases=use_cases,
        max_frame_bytes=settings.ws_max_frame_bytes,
        country_header=settings.country_header,
        countries=countries,
    )

    max_age_s = settings.visitor_token_max_age_days * 86_400
    web = web_routes(
        channels,
        upload=http.use_cases.upload_attachment,
        verify_visitor=lambda token: verify_visitor_token(
            secret_key, token, now=int(time.time()), max_age_s=max_age_s
        ),
        operator_available=operators.available_in,
        country_header=settings.country_header or None,
    )
    background: list[asyncio.Task[None]] = []

    async def tell_routing() -> None:
        """Once connected: repeat every channel's settings, learn who is online. In the
        background, so that readiness does not wait for routing."""
        await runtime.wait_until_connected(timeout_s=3_600)
        if isinstance(channels, AnnouncingChannelRepository):
            await channels.announce_all()
        await operators.seed_from_routing(queries, settings.query_timeout_s)

    async def start_fanout() -> None:
        fanout.start()
        background.append(asyncio.create_task(tell_routing(), name="tell-routing"))

    async def close_countries() -> None:
        if countries is not None:
            countries.close()

    return runtime.asgi_app(
        route_handlers=[*http.route_handlers, *ws_routes(ws), *web],
        on_startup=[start_fanout],
        on_shutdown=[fanout.stop, close_countries],
        state=State({"gateway": Gateway(runtime, fanout, registry, use_cases, operators)}),
        **http.litestar_options,
    )


def _visitor_limits(settings: GatewaySettings) -> VisitorLimits:
    return VisitorLimits(
        messages=ActionLimits(
            Allowance(
                per_client=Rate(settings.rate_messages_per_10s, 10, settings.rate_messages_burst),
                per_address=Rate(
                    settings.rate_address_messages_per_10s,
                    10,
                    settings.rate_address_messages_per_10s * 2,
                ),
            )
        ),
        starts=ActionLimits(
            Allowance(
                per_client=Rate(
                    settings.rate_starts_per_minute, 60, settings.rate_starts_per_minute
                ),
                per_address=Rate(
                    settings.rate_address_starts_per_minute,
                    60,
                    settings.rate_address_starts_per_minute,
                ),
            )
        ),
    )


def _secret_key(settings: GatewaySettings) -> bytes:
    if settings.secret_key:
        return settings.secret_key.encode()
    log.warning(
        "settings.secret_key_missing",
        hint="visitor tokens will not survive a restart or work across replicas; "
        "set PARLEY_GATEWAY_SECRET_KEY",
    )
    return secrets.token_bytes(32)


def _new_replica_id() -> str:
    return uuid.uuid4().hex[:12]
