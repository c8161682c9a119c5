"""Operator availability as a state machine (A1): pure functions of (state, input, now).

- Agents start offline and go online explicitly; online, away and offline are also set
  explicitly (reason ``manual``).
- Online with no activity for ``idle_after`` turns away (``idle``); the next activity brings an
  agent who went away this way back online (``active``). An agent who *chose* away stays away.
- No activity for ``disconnect_after`` (30 minutes, after Odoo) takes an online or away agent
  offline and out of their channels (``inactive``, ``leave_channels``); they rejoin and go
  online explicitly. An agent who chose offline keeps their channels.
- A dropped socket is not a logout: when the agent's last socket closes, a grace period of
  ``reconnect_grace`` starts; a socket opened within it changes nothing, otherwise the agent goes
  offline (``connection_lost``) and must go online again. Opening a socket is not activity:
  consoles reconnect by themselves, with nobody at the desk.

Timers are checked on every input, not only on :class:`Tick`, so a missed tick cannot leave an
agent online who should have timed out: an activity 40 minutes after the last one finds the agent
already disconnected. :func:`next_deadline` says when the next tick is due.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum

from .operator import Availability


class PresenceReason(StrEnum):
    """Why availability changed; the first four are the contract's ``PresenceReason``."""

    MANUAL = "manual"
    IDLE = "idle"
    INACTIVE = "inactive"
    SIGNED_OUT = "signed_out"
    ACTIVE = "active"
    """Activity brought an agent who had gone away by idling back online."""
    CONNECTION_LOST = "connection_lost"
    """The last socket closed and none reopened within the grace period."""


@dataclass(frozen=True)
class PresenceSettings:
    idle_after: timedelta = timedelta(minutes=5)
    """No activity for this long turns an online agent away."""
    disconnect_after: timedelta = timedelta(minutes=30)
    """No activity for this long disconnects an agent from their channels."""
    reconnect_grace: timedelta = timedelta(seconds=30)
    """How long a dropped connection may take to come back before the agent goes offline."""


@dataclass(frozen=True)
class Presence:
    availability: Availability = Availability.OFFLINE
    chosen: Availability = Availability.OFFLINE
    """What the agent last set; activity restores it after an automatic away."""
    last_activity_at: datetime | None = None
    sockets: int = 0
    connection_lost_at: datetime | None = None
    """When the last socket closed, while no socket is open."""


@dataclass(frozen=True)
class SetAvailability:
    availability: Availability


@dataclass(frozen=True)
class Activity:
    """Anything the agent did: a message, a click, a request to the server."""


@dataclass(frozen=True)
class SocketOpened:
    pass


@dataclass(frozen=True)
class SocketClosed:
    pass


@dataclass(frozen=True)
class SignedOut:
    pass


@dataclass(frozen=True)
class Tick:
    """Time passed; the timers are checked."""


PresenceInput = SetAvailability | Activity | SocketOpened | SocketClosed | SignedOut | Tick


@dataclass(frozen=True)
class PresenceChange:
    """The new presence; ``reason`` is set when availability changed."""

    presence: Presence
    previous: Availability
    reason: PresenceReason | None = None
    leave_channels: bool = False

    @property
    def changed(self) -> bool:
        return self.presence.availability is not self.previous

    @property
    def went_offline(self) -> bool:
        """The agent's unanswered conversations must be routed again (R3)."""
        return self.changed and self.presence.availability is Availability.OFFLINE


def step(
    presence: Presence, event: PresenceInput, now: datetime, settings: PresenceSettings
) -> PresenceChange:
    """Apply the timers due at ``now``, then ``event``."""
    previous = presence.availability
    presence, reason, leave = _expire(presence, now, settings)
    presence, applied = _apply(presence, event, now)
    reason = applied or reason
    if presence.availability is previous:
        reason = None
    return PresenceChange(presence, previous, reason, leave)


def _expire(
    p: Presence, now: datetime, settings: PresenceSettings
) -> tuple[Presence, PresenceReason | None, bool]:
    if p.availability is Availability.OFFLINE:
        return p, None, False
    if p.last_activity_at is not None and now - p.last_activity_at >= settings.disconnect_after:
        return _offline(p), PresenceReason.INACTIVE, True
    lost = p.connection_lost_at
    if p.sockets == 0 and lost is not None and now - lost >= settings.reconnect_grace:
        return _offline(p), PresenceReason.CONNECTION_LOST, False
    idle = p.last_activity_at is not None and now - p.last_activity_at >= settings.idle_after
    if p.availability is Availability.ONLINE and idle:
        return replace(p, availability=Availability.AWAY), PresenceReason.IDLE, False
    return p, None, False


def _offline(p: Presence) -> Presence:
    return replace(p, availability=Availability.OFFLINE, chosen=Availability.OFFLINE)


def _apply(
    p: Presence, event: PresenceInput, now: datetime
) -> tuple[Presence, PresenceReason | None]:
    match event:
        case SetAvailability(availability=availability):
            return replace(
                p, availability=availability, chosen=availability, last_activity_at=now
            ), PresenceReason.MANUAL
        case Activity():
            p = replace(p, last_activity_at=now)
            back = p.availability is Availability.AWAY and p.chosen is Availability.ONLINE
            if back:
                return replace(p, availability=Availability.ONLINE), PresenceReason.ACTIVE
            return p, None
        case SocketOpened():
            # Not activity: consoles reconnect by themselves, with nobody at the desk.
            return replace(p, sockets=p.sockets + 1, connection_lost_at=None), None
        case SocketClosed():
            sockets = max(0, p.sockets - 1)
            lost = now if sockets == 0 else p.connection_lost_at
            return replace(p, sockets=sockets, connection_lost_at=lost), None
        case SignedOut():
            return replace(
                _offline(p), sockets=0, connection_lost_at=None
            ), PresenceReason.SIGNED_OUT
        case Tick():
            return p, None


def next_deadline(presence: Presence, settings: PresenceSettings) -> datetime | None:
    """When the next timer falls due; None when none is pending (the agent is offline)."""
    if presence.availability is Availability.OFFLINE:
        return None
    deadlines: list[datetime] = []
    if presence.last_activity_at is not None:
        deadlines.append(presence.last_activity_at + settings.disconnect_after)
        if presence.availability is Availability.ONLINE:
            deadlines.append(presence.last_activity_at + settings.idle_after)
    if presence.sockets == 0 and presence.connection_lost_at is not None:
        deadlines.append(presence.connection_lost_at + settings.reconnect_grace)
    return min(deadlines, default=None)
