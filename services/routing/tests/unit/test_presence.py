"""Availability (A1): start offline, explicit changes, idle -> away, 30 minutes -> disconnected,
and a grace period for dropped sockets."""

from __future__ import annotations

from datetime import timedelta

import pytest

from parley_routing.domain.presence import (
    Activity,
    Presence,
    PresenceChange,
    PresenceInput,
    PresenceReason,
    PresenceSettings,
    SetAvailability,
    SignedOut,
    SocketClosed,
    SocketOpened,
    Tick,
    next_deadline,
    step,
)

from .builders import AWAY, NOW, OFFLINE, ONLINE

pytestmark = pytest.mark.unit

SETTINGS = PresenceSettings(
    idle_after=timedelta(minutes=5),
    disconnect_after=timedelta(minutes=30),
    reconnect_grace=timedelta(seconds=30),
)
GO_ONLINE: tuple[float, PresenceInput] = (0, SetAvailability(ONLINE))
CONNECTED_ONLINE = [(0, SocketOpened()), GO_ONLINE]


def run(steps: list[tuple[float, PresenceInput]]) -> PresenceChange:
    """Apply ``(minutes after NOW, input)`` steps from a fresh presence; the last change."""
    presence = Presence()
    change = PresenceChange(presence, presence.availability)
    for minutes, event in steps:
        change = step(presence, event, NOW + timedelta(minutes=minutes), SETTINGS)
        presence = change.presence
    return change


def test_agents_start_offline() -> None:
    assert Presence().availability is OFFLINE
    assert run([(0, SocketOpened()), (1, Activity())]).presence.availability is OFFLINE


@pytest.mark.parametrize(
    ("steps", "availability", "reason"),
    [
        ([*CONNECTED_ONLINE], ONLINE, PresenceReason.MANUAL),
        ([*CONNECTED_ONLINE, (1, SetAvailability(AWAY))], AWAY, PresenceReason.MANUAL),
        ([*CONNECTED_ONLINE, (1, SetAvailability(OFFLINE))], OFFLINE, PresenceReason.MANUAL),
        ([*CONNECTED_ONLINE, (4, Tick())], ONLINE, None),
        ([*CONNECTED_ONLINE, (5, Tick())], AWAY, PresenceReason.IDLE),
        ([*CONNECTED_ONLINE, (4, Activity()), (8, Tick())], ONLINE, None),
        ([*CONNECTED_ONLINE, (6, Tick()), (7, Activity())], ONLINE, PresenceReason.ACTIVE),
        ([*CONNECTED_ONLINE, (1, SetAvailability(AWAY)), (2, Activity())], AWAY, None),
        ([*CONNECTED_ONLINE, (30, Tick())], OFFLINE, PresenceReason.INACTIVE),
        ([*CONNECTED_ONLINE, (40, Activity())], OFFLINE, PresenceReason.INACTIVE),
        ([*CONNECTED_ONLINE, (1, SignedOut())], OFFLINE, PresenceReason.SIGNED_OUT),
    ],
    ids=[
        "going online is explicit",
        "away set explicitly",
        "offline set explicitly",
        "not yet idle",
        "idle for the configured time turns away",
        "activity restarts the idle clock",
        "activity brings an idle agent back",
        "activity does not undo a chosen away",
        "30 minutes without activity disconnect",
        "a missed tick cannot keep an inactive agent online",
        "signing out goes offline",
    ],
)
def test_availability_follows_choices_and_activity(
    steps: list[tuple[float, PresenceInput]],
    availability: object,
    reason: PresenceReason | None,
) -> None:
    change = run(steps)
    assert (change.presence.availability, change.reason) == (availability, reason)


@pytest.mark.parametrize(
    ("steps", "leave"),
    [
        ([*CONNECTED_ONLINE, (30, Tick())], True),
        ([*CONNECTED_ONLINE, (10, Tick()), (30, Tick())], True),
        ([*CONNECTED_ONLINE, (1, SetAvailability(OFFLINE)), (45, Tick())], False),
        ([*CONNECTED_ONLINE, (0, SocketClosed()), (1, Tick())], False),
    ],
    ids=[
        "inactive online agent leaves the channels",
        "inactive idle-away agent leaves the channels",
        "chosen offline keeps the channels",
        "a lost connection keeps the channels",
    ],
)
def test_only_inactivity_disconnects_from_the_channels(
    steps: list[tuple[float, PresenceInput]], leave: bool
) -> None:
    assert run(steps).leave_channels is leave


@pytest.mark.parametrize(
    ("steps", "availability", "reason"),
    [
        (
            [*CONNECTED_ONLINE, (1, SocketClosed()), (1.25, SocketOpened()), (2, Tick())],
            ONLINE,
            None,
        ),
        ([*CONNECTED_ONLINE, (1, SocketClosed()), (1.25, Tick())], ONLINE, None),
        (
            [*CONNECTED_ONLINE, (1, SocketClosed()), (1.5, Tick())],
            OFFLINE,
            PresenceReason.CONNECTION_LOST,
        ),
        (
            [*CONNECTED_ONLINE, (0, SocketOpened()), (1, SocketClosed()), (3, Tick())],
            ONLINE,
            None,
        ),
        (
            [*CONNECTED_ONLINE, (1, SocketClosed()), (2, Tick()), (2.1, SocketOpened())],
            OFFLINE,
            None,
        ),
    ],
    ids=[
        "a reconnect within the grace period changes nothing",
        "still within the grace period",
        "no reconnect within the grace period goes offline",
        "another open socket keeps the agent connected",
        "after going offline a reconnect needs an explicit online",
    ],
)
def test_a_dropped_socket_gets_a_grace_period(
    steps: list[tuple[float, PresenceInput]], availability: object, reason: PresenceReason | None
) -> None:
    change = run(steps)
    assert (change.presence.availability, change.reason) == (availability, reason)


def test_going_offline_asks_for_unanswered_conversations_to_be_routed_again() -> None:
    assert run([*CONNECTED_ONLINE, (1, SocketClosed()), (2, Tick())]).went_offline
    assert not run([*CONNECTED_ONLINE, (5, Tick())]).went_offline


@pytest.mark.parametrize(
    ("steps", "due_after_minutes"),
    [
        ([], None),
        ([*CONNECTED_ONLINE], 5),
        ([*CONNECTED_ONLINE, (5, Tick())], 30),
        ([*CONNECTED_ONLINE, (1, SocketClosed())], 1.5),
    ],
    ids=["offline: nothing due", "online: idle check", "away: disconnect check", "grace end"],
)
def test_the_next_deadline_says_when_to_tick(
    steps: list[tuple[float, PresenceInput]], due_after_minutes: float | None
) -> None:
    due = next_deadline(run(steps).presence, SETTINGS)
    expected = None if due_after_minutes is None else NOW + timedelta(minutes=due_after_minutes)
    assert due == expected


def test_a_console_reconnecting_by_itself_is_not_activity() -> None:
    steps = [*CONNECTED_ONLINE, (4, SocketClosed()), (4.1, SocketOpened()), (5, Tick())]
    assert run(steps).presence.availability is AWAY
