"""The process skeleton every service shares: broker, database, outbox relay, HTTP, shutdown.

A service's ``bootstrap.py`` builds a :class:`ServiceRuntime` from its settings, registers its
consumers and outbox collections, and asks for the ASGI app. Nothing connects until startup.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import aio_pika
import structlog
from faststream.rabbit import RabbitBroker
from faststream.rabbit.opentelemetry import RabbitTelemetryMiddleware
from faststream.rabbit.schemas import Channel
from litestar import Litestar
from litestar.enums import ScopeType
from litestar.plugins.opentelemetry import OpenTelemetryConfig, OpenTelemetryPlugin

from .health import health_routes
from .messaging.channel_buffer import widen_channel_buffers
from .messaging.consumer import Consumer, Handler, Parser
from .messaging.inbox import Inbox
from .messaging.publisher import EventPublisher
from .messaging.relay import OutboxRelay
from .messaging.topology import ConsumerQueue, declare_consumer_queue, declare_exchanges
from .observability.logging import configure_logging
from .observability.tracing import configure_tracing, shutdown_tracing
from .settings import ServiceSettings
from .storage.mongo import create_mongo_client, ping

log = structlog.get_logger(__name__)

INBOX_RETENTION = timedelta(days=7)


class ServiceRuntime:
    """Owns the connections of one service process and their lifecycle."""

    def __init__(self, settings: ServiceSettings) -> None:
        self.settings = settings
        configure_logging(settings.service_name, settings.log_level, settings.log_format)
        widen_channel_buffers()  # before the first connection opens
        provider = configure_tracing(
            settings.service_name, settings.traces_exporter, settings.otlp_endpoint
        )
        self.broker = RabbitBroker(
            settings.rabbitmq_url,
            graceful_timeout=settings.graceful_timeout_s,
            default_channel=Channel(
                prefetch_count=settings.prefetch, publisher_confirms=True, on_return_raises=True
            ),
            middlewares=[RabbitTelemetryMiddleware(tracer_provider=provider)],
            # Our own logger, so FastStream's lines go through structlog like everything else;
            # per-message "Received/Processed" lines only at DEBUG.
            logger=logging.getLogger("parley.broker"),
            log_level=logging.DEBUG,
            app_id=f"parley-{settings.service_name}",
            # Handlers take the raw message from the context (see messaging.consumer): no
            # per-message dependency injection, which would hop to a worker thread.
            apply_types=False,
        )
        self.mongo = create_mongo_client(settings.mongodb_url, f"parley-{settings.service_name}")
        self.db = self.mongo[settings.database]
        self.publisher = EventPublisher(
            settings.rabbitmq_url,
            f"parley-{settings.service_name}",
            settings.publish_timeout_s,
            tracer_provider=provider,
        )
        self.inbox = Inbox(self.db["inbox"])
        self._outbox_collections: list[str] = []
        self._consumers: list[Consumer] = []
        self.relay: OutboxRelay | None = None
        self._broker_started = asyncio.Event()
        self._hooks_done = asyncio.Event()
        self._stopped = False
        self._background: list[asyncio.Task[None]] = []
        self._startup_hooks: list[Callable[[], Awaitable[None]]] = [self.inbox.ensure_indexes]
        self._stop_hooks: list[Callable[[], Awaitable[None]]] = []

    @property
    def source(self) -> str:
        """The CloudEvents ``source`` of everything this service publishes."""
        return f"/parley/{self.settings.service_name}"

    def consume(
        self,
        queue: ConsumerQueue,
        handler: Handler,
        parse: Parser,
        *,
        keyed_by_event: bool = False,
    ) -> None:
        """Run ``handler`` for every event on ``queue`` (declare before startup).

        ``keyed_by_event``: the handler's only effect is a write keyed by the event's
        ``(source, id)`` (an insert that refuses a second copy), so a duplicate is harmless
        and the inbox is not consulted: no key is recorded, one database write less per event.
        """
        consumer = Consumer(queue, handler, parse, None if keyed_by_event else self.inbox)
        consumer.register(self.broker)
        self._consumers.append(consumer)

    def queue(
        self, name: str, routing_keys: Sequence[str], *, in_order: bool = False
    ) -> ConsumerQueue:
        """A consumer queue with this service's delivery limit and back-off.

        ``in_order``: handled one at a time in the order published, across every replica of the
        service (RabbitMQ's single active consumer, one unacknowledged delivery); for streams
        whose order is their meaning, such as a chatbot's messages. A retry after a failure
        still comes back later, behind what followed it."""
        return ConsumerQueue(
            name=f"{self.settings.service_name}.{name}",
            routing_keys=tuple(routing_keys),
            delivery_limit=self.settings.delivery_limit,
            retry_delays_ms=self.settings.retry_delays_ms,
            extra_arguments={"x-single-active-consumer": True} if in_order else {},
            prefetch=1 if in_order else None,
        )

    def outbox(self, *collections: str, append_only: bool = False) -> OutboxRelay:
        """The relay for events stored in ``collections`` (call once, before startup).
        ``append_only``: their documents are only ever inserted (see ``OutboxRelay``)."""
        self._outbox_collections.extend(collections)
        self.relay = OutboxRelay(
            self.db,
            self.publisher,
            self._outbox_collections,
            interval_s=self.settings.outbox_sweep_interval_s,
            unroutable_limit_s=self.settings.outbox_unroutable_limit_s,
            append_only=collections if append_only else (),
        )
        return self.relay

    def on_startup(self, hook: Callable[[], Awaitable[None]]) -> None:
        """Run ``hook`` (say, index creation) once the database answers."""
        self._startup_hooks.append(hook)

    def before_stop(self, hook: Callable[[], Awaitable[None]]) -> None:
        """Run ``hook`` (say, storing what was written behind) when stopping, once consuming
        has stopped and while the database and the broker are still there."""
        self._stop_hooks.append(hook)

    async def readiness(self) -> dict[str, str]:
        checks: dict[str, str] = {}
        try:
            await asyncio.wait_for(ping(self.db), 2.0)
            checks["database"] = "ok"
        except Exception as exc:
            checks["database"] = f"unavailable: {type(exc).__name__}"
        if not self._broker_started.is_set():
            checks["broker"] = "connecting"
        else:
            alive = await self.broker.ping(timeout=2.0)
            checks["broker"] = "ok" if alive else "unavailable"
        if not self._hooks_done.is_set():
            checks["startup"] = "preparing the database"
        if self.relay is not None and not self.relay.healthy:
            checks["outbox"] = "delayed: broker not confirming"
        return checks

    async def start(self) -> None:
        self._background.append(asyncio.create_task(self._connect_broker(), name="broker"))
        self._background.append(asyncio.create_task(self._maintenance(), name="maintenance"))
        if self.relay is not None:
            self._startup_hooks.append(self.relay.ensure_indexes)
        self._background.append(asyncio.create_task(self._run_startup_hooks(), name="hooks"))

    async def _run_startup_hooks(self) -> None:
        # The database may come after the service; readiness reports it meanwhile.
        for hook in self._startup_hooks:
            while True:
                try:
                    await hook()
                    break
                except Exception as exc:
                    log.warning("startup.hook_failed", hook=hook.__qualname__, error=repr(exc))
                    await asyncio.sleep(2.0)
        self._hooks_done.set()

    async def wait_until_connected(self, timeout_s: float = 30.0) -> None:
        await asyncio.wait_for(self._broker_started.wait(), timeout_s)

    async def _connect_broker(self) -> None:
        # Keep trying: a service that starts before its broker must come up by itself.
        delay = 0.5
        while True:
            try:
                await self._declare_topology()
                await self.publisher.connect()
                await self.broker.start()
                break
            except Exception as exc:
                log.warning("broker.unreachable", error=repr(exc), retry_in_s=delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 5.0)
        self._broker_started.set()
        log.info("broker.connected", consumers=[c.spec.name for c in self._consumers])
        if self.relay is not None:
            self.relay.start()

    async def _declare_topology(self) -> None:
        connection = await aio_pika.connect(self.settings.rabbitmq_url, timeout=5)
        async with connection:
            channel = await connection.channel()
            await declare_exchanges(channel)
            for consumer in self._consumers:
                await declare_consumer_queue(channel, consumer.spec)

    async def _maintenance(self) -> None:
        while True:
            await asyncio.sleep(3600)
            with contextlib.suppress(Exception):
                await self.inbox.prune(datetime.now(UTC) - INBOX_RETENTION)

    async def stop(self) -> None:
        """Stop consuming (in-flight handlers finish), flush the relay, close connections."""
        if self._stopped:
            return
        self._stopped = True
        if self._broker_started.is_set():
            for subscriber in self.broker.subscribers:
                await subscriber.stop()
        for hook in self._stop_hooks:
            try:
                await hook()
            except Exception as exc:
                log.warning("stop.hook_failed", hook=hook.__qualname__, error=repr(exc))
        if self.relay is not None and self._broker_started.is_set():
            await self.relay.stop()
        for task in self._background:
            task.cancel()
        with contextlib.suppress(Exception):
            await self.publisher.close()
        with contextlib.suppress(Exception):
            await self.broker.stop()
        await self.mongo.close()
        log.info("service.stopped")

    def asgi_app(self, route_handlers: Sequence[Any] = (), **litestar_options: Any) -> Litestar:
        """The service's HTTP app: its routes, health endpoints and the runtime's lifespan."""

        @contextlib.asynccontextmanager
        async def lifespan(_: Litestar) -> AsyncIterator[None]:
            await self.start()
            try:
                yield
            finally:
                await self.stop()

        return Litestar(
            route_handlers=[*health_routes(self.readiness), *route_handlers],
            lifespan=[lifespan],
            plugins=[
                OpenTelemetryPlugin(
                    OpenTelemetryConfig(
                        exclude=["/healthz", "/readyz"],
                        # A span per HTTP request; long-lived sockets would hold one open for
                        # hours and add one per frame.
                        scopes={ScopeType.HTTP},
                        exclude_spans=["receive", "send"],
                    )
                )
            ],
            logging_config=None,
            **litestar_options,
        )


def serve(app: Litestar, settings: ServiceSettings, **server_options: Any) -> None:
    """Run ``app`` under uvicorn until SIGTERM or SIGINT, then shut down gracefully.

    ``server_options`` go to uvicorn as they are (the gateway sets its WebSocket limits).
    """
    import uvicorn

    uvicorn.run(
        app,
        host=settings.http_host,
        port=settings.http_port,
        log_config=None,
        access_log=False,
        timeout_graceful_shutdown=int(settings.graceful_timeout_s),
        lifespan="on",
        **server_options,
    )
    shutdown_tracing()  # flush buffered spans once the server has stopped


def run_service(app: Litestar, settings: ServiceSettings, **server_options: Any) -> None:
    """The body of every service's ``__main__``."""
    serve(app, settings, **server_options)
