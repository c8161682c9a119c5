"""Everything the socket handlers need, built once by ``bootstrap`` and shared by all sockets."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from ...application.conversation_ports import ConversationSnapshots, LiveFanout
from ...application.identify_visitor import IdentifyVisitor
from ...application.ports import ChannelRepository, CountryLookup, SessionStore
from ...domain.errors import RateLimited
from ...domain.rate_limit import ActionLimits
from .connection import Connection
from .registry import ConnectionRegistry


@dataclass(frozen=True)
class VisitorLimits:
    """Token buckets of this replica (docs/protocol.md: limits are per replica)."""

    messages: ActionLimits
    starts: ActionLimits

    def check(self, limits: ActionLimits, connection: Connection, what: str) -> None:
        wait = limits.retry_after(connection.principal.id, connection.address, time.monotonic())
        if wait:
            raise RateLimited(f"too many {what}; retry in {wait:.1f} s", wait)


@dataclass(frozen=True)
class WsContext:
    registry: ConnectionRegistry
    fanout: LiveFanout
    channels: ChannelRepository
    sessions: SessionStore
    snapshots: ConversationSnapshots
    identify_visitor: IdentifyVisitor
    limits: VisitorLimits
    use_cases: Any
    """The conversation core's use cases (``application/<use case>.py``), by attribute name."""
    max_frame_bytes: int = 65_536
    session_cookie: str = "parley_session"
    country_header: str = ""
    """A header a trusted proxy sets to the client's country (``CF-IPCountry``); empty: none."""
    countries: CountryLookup | None = None
    """A GeoIP database for the peer address, when no header gave a country; None: off."""
