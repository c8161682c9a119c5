"""Wiring of the HTTP API: repositories, use cases and the ``/api`` router.

``bootstrap.py`` calls :func:`wire_http` once, registers ``startup_hooks`` with the runtime, passes
``route_handlers`` and ``litestar_options`` to ``runtime.asgi_app`` and hands the repositories
(sessions, accounts, channels) to the WebSocket side and the attachment store to the
conversation core (messages show uploaded files).
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from litestar import Request, Router
from litestar.di import Provide
from litestar.middleware import DefineMiddleware
from litestar.openapi import OpenAPIConfig
from pymongo.asynchronous.database import AsyncDatabase

from parley_platform.messaging.request import QueryClient

from .adapters.announcing_channels import AnnouncingChannelRepository
from .adapters.chatbot_scripts_client import ChatbotScriptsClient
from .adapters.mongo_accounts import MongoAccountRepository
from .adapters.mongo_archive import MongoConversationArchive
from .adapters.mongo_attachments import MongoAttachmentStore
from .adapters.mongo_canned_responses import MongoCannedResponseRepository
from .adapters.mongo_channels import MongoChannelRepository
from .adapters.mongo_groups import MongoGroupRepository
from .adapters.mongo_sessions import MongoSessionStore
from .adapters.passwords import Argon2PasswordHasher
from .adapters.routing_queries import RoutingQueries
from .adapters.system_clock import SystemClock
from .application.browse_conversation_history import BrowseConversationHistory
from .application.conversation_access import Requester
from .application.conversation_ports import EventSender
from .application.download_attachment import DownloadAttachment
from .application.log_in import LogIn
from .application.log_out import LogOut
from .application.manage_agents import ManageAgents
from .application.manage_canned_responses import ManageCannedResponses
from .application.manage_channels import ManageChannels
from .application.manage_groups import ManageGroups
from .application.manage_operators import ManageOperators
from .application.ports import Clock, PasswordHasher
from .application.read_conversation import ReadConversation
from .application.set_up_first_start import SetUpFirstStart
from .application.signal_operator import SignalOperator
from .application.upload_attachment import UploadAttachment
from .domain.attachment_policy import AttachmentPolicy
from .domain.identity import Account
from .domain.login_throttle import FailureWindow, LoginThrottle
from .domain.visitor_token import verify_visitor_token
from .entrypoints.http.attachments import AttachmentController
from .entrypoints.http.auth import AuthController
from .entrypoints.http.canned_responses import CannedResponseController
from .entrypoints.http.channels import ChannelController
from .entrypoints.http.chatbot_scripts import ChatbotScriptController
from .entrypoints.http.conversations import ConversationController
from .entrypoints.http.dependencies import UseCases
from .entrypoints.http.errors import EXCEPTION_HANDLERS
from .entrypoints.http.operators import OperatorController, RoutingDecisionController
from .entrypoints.http.people import AgentController, GroupController
from .entrypoints.http.security import current_account, session_middleware, visitor_requester
from .settings import GatewaySettings

_MULTIPART_OVERHEAD = 64 * 1024


@dataclass
class HttpWiring:
    """What the HTTP side gives ``bootstrap.py``."""

    route_handlers: list[Any]
    """The ``/api`` router (its own auth middleware, dependencies and error handlers)."""
    litestar_options: dict[str, Any]
    """App-level options: the OpenAPI config (served at ``/schema``)."""
    startup_hooks: list[Callable[[], Awaitable[None]]]
    """Index creation, then the first-start admin/group/channel; run once the database answers."""
    accounts: MongoAccountRepository
    sessions: MongoSessionStore
    channels: MongoChannelRepository
    groups: MongoGroupRepository
    attachments: MongoAttachmentStore
    use_cases: UseCases = field(repr=False)


def wire_http(
    db: AsyncDatabase[dict[str, Any]],
    settings: GatewaySettings,
    visitor_token_key: bytes,
    *,
    clock: Clock | None = None,
    hasher: PasswordHasher | None = None,
    events: EventSender | None = None,
    queries: QueryClient | None = None,
) -> HttpWiring:
    """Build the HTTP API over ``db``. ``visitor_token_key`` must be the key the WebSocket side
    signs visitor tokens with (from ``settings.secret_key``). ``events``: channels announce their
    settings to other services through it (None: they do not)."""
    clock = clock or SystemClock()
    hasher = hasher or Argon2PasswordHasher()
    accounts = MongoAccountRepository(db)
    sessions = MongoSessionStore(db, accounts, clock, timedelta(seconds=settings.session_ttl_s))
    channels = AnnouncingChannelRepository(db, events) if events else MongoChannelRepository(db)
    groups = MongoGroupRepository(db)
    canned = MongoCannedResponseRepository(db)
    archive = MongoConversationArchive(db)
    attachments = MongoAttachmentStore(db)
    throttle = LoginThrottle(
        per_email=FailureWindow(settings.login_failures_per_email, settings.login_failure_window_s),
        per_ip=FailureWindow(settings.login_failures_per_address, settings.login_failure_window_s),
    )
    policy = AttachmentPolicy(max_bytes=settings.attachment_max_bytes)
    chatbot_scripts = ChatbotScriptsClient(queries, settings.query_timeout_s)
    use_cases = UseCases(
        log_in=LogIn(accounts, sessions, hasher, throttle),
        log_out=LogOut(sessions, SignalOperator(events, clock)),
        agents=ManageAgents(accounts, groups, sessions, hasher, clock),
        groups=ManageGroups(groups, accounts, channels, clock),
        channels=ManageChannels(channels, groups),
        canned_responses=ManageCannedResponses(canned, groups, clock),
        history=BrowseConversationHistory(archive, channels),
        read_conversation=ReadConversation(archive, channels),
        upload_attachment=UploadAttachment(policy, archive, channels, attachments, clock),
        download_attachment=DownloadAttachment(attachments, archive, channels),
        operators=ManageOperators(
            RoutingQueries(queries, settings.query_timeout_s),
            accounts,
            channels,
            archive,
        ),
        session_cookie_secure=settings.session_cookie_secure,
    )
    first_start = SetUpFirstStart(
        accounts, groups, channels, hasher, clock, settings.admin_email, settings.admin_password
    )
    max_age_s = settings.visitor_token_max_age_days * 86_400

    def requester(request: Request[Any, Any, Any]) -> Requester:
        return visitor_requester(
            request,
            lambda token: verify_visitor_token(
                visitor_token_key, token, now=int(time.time()), max_age_s=max_age_s
            ),
        )

    def provide_use_cases() -> UseCases:
        return use_cases

    def provide_chatbot_scripts() -> ChatbotScriptsClient:
        return chatbot_scripts

    def provide_account(request: Request[Any, Any, Any]) -> Account:
        return current_account(request)

    router = Router(
        path="/api",
        route_handlers=[
            AuthController,
            AgentController,
            GroupController,
            ChannelController,
            CannedResponseController,
            ConversationController,
            AttachmentController,
            OperatorController,
            RoutingDecisionController,
            ChatbotScriptController,
        ],
        middleware=[DefineMiddleware(session_middleware(sessions))],
        dependencies={
            "uc": Provide(provide_use_cases, sync_to_thread=False),
            "account": Provide(provide_account, sync_to_thread=False),
            "requester": Provide(requester, sync_to_thread=False),
            "chatbot_scripts": Provide(provide_chatbot_scripts, sync_to_thread=False),
        },
        exception_handlers=EXCEPTION_HANDLERS,
        request_max_body_size=settings.attachment_max_bytes + _MULTIPART_OVERHEAD,
    )
    return HttpWiring(
        route_handlers=[router],
        litestar_options={
            "openapi_config": OpenAPIConfig(title="Parley gateway", version="1.0.0", path="/schema")
        },
        startup_hooks=[
            accounts.ensure_indexes,
            sessions.ensure_indexes,
            channels.ensure_indexes,
            groups.ensure_indexes,
            canned.ensure_indexes,
            archive.ensure_indexes,
            attachments.ensure_indexes,
            first_start,
        ],
        accounts=accounts,
        sessions=sessions,
        channels=channels,
        groups=groups,
        attachments=attachments,
        use_cases=use_cases,
    )
