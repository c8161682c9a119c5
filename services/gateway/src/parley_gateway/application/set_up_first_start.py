"""Use case: on the first start (no accounts yet) create an admin, a Default group and channel.

Fixed ids make it safe when two replicas start at once: the second one's inserts find the first
one's documents and change nothing.
"""

from __future__ import annotations

import secrets

import structlog

from ..domain.channel import Channel
from ..domain.errors import Conflict
from ..domain.identity import Account, Group, Role, normalize_email
from .ports import AccountRepository, ChannelRepository, Clock, GroupRepository, PasswordHasher

log = structlog.get_logger(__name__)

DEFAULT_GROUP_ID = "grp_default"
DEFAULT_CHANNEL_ID = "chn_default"
FIRST_ADMIN_ID = "agt_admin"
DEFAULT_ORIGINS = ("http://127.0.0.1:8000", "http://localhost:8000")


class SetUpFirstStart:
    def __init__(
        self,
        accounts: AccountRepository,
        groups: GroupRepository,
        channels: ChannelRepository,
        hasher: PasswordHasher,
        clock: Clock,
        admin_email: str,
        admin_password: str | None,
    ) -> None:
        self._accounts = accounts
        self._groups = groups
        self._channels = channels
        self._hasher = hasher
        self._clock = clock
        self._admin_email = normalize_email(admin_email)
        self._admin_password = admin_password

    async def __call__(self) -> None:
        if await self._accounts.count() > 0:
            return
        now = self._clock.now()
        if await self._groups.get(DEFAULT_GROUP_ID) is None:
            try:
                await self._groups.add(Group(DEFAULT_GROUP_ID, "Default", now))
            except Conflict:
                pass
        if await self._channels.get(DEFAULT_CHANNEL_ID) is None:
            channel = Channel(
                id=DEFAULT_CHANNEL_ID,
                name="Default",
                group_ids=frozenset({DEFAULT_GROUP_ID}),
                secret=secrets.token_urlsafe(32),
                allowed_origins=DEFAULT_ORIGINS,
                is_default=True,
            )
            try:
                await self._channels.add(channel)
            except Conflict:
                pass
        password = self._admin_password or secrets.token_urlsafe(12)
        admin = Account(
            id=FIRST_ADMIN_ID,
            email=self._admin_email,
            display_name="Admin",
            role=Role.ADMIN,
            group_ids=frozenset({DEFAULT_GROUP_ID}),
            created_at=now,
        )
        try:
            await self._accounts.add(admin, await self._hasher.hash(password))
        except Conflict:
            return
        if self._admin_password:
            log.warning("first_start.admin_created", email=self._admin_email)
        else:
            # Shown once: the operator logs in with it and changes it.
            log.warning(
                "first_start.admin_created", email=self._admin_email, generated_password=password
            )
