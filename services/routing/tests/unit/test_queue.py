"""The waiting queue (V4): positions first come first served, and estimates from real times."""

from __future__ import annotations

from datetime import timedelta

import pytest

from parley_routing.domain.queue import (
    ChannelCapacity,
    HandlingTimes,
    QueuePosition,
    changed_positions,
    channel_capacity,
    estimate_wait,
    queue_positions,
)
from parley_routing.domain.request import RoutingRequest

from .builders import AWAY, NOW, op, req

pytestmark = pytest.mark.unit

MIN = timedelta(minutes=1)
FIVE_MINUTES = HandlingTimes((300.0,))


def test_positions_are_first_come_first_served_per_channel() -> None:
    waiting = [
        req("conv_late", at=NOW + 2 * MIN),
        req("conv_sales", channel="ch_sales", at=NOW + 3 * MIN),
        req("conv_first", at=NOW),
        req("conv_b_tie", at=NOW + MIN),
        req("conv_a_tie", at=NOW + MIN),
    ]
    positions = queue_positions(waiting, (), {})
    summary = {cid: (p.channel_id, p.position) for cid, p in positions.items()}
    assert summary == {
        "conv_first": ("ch_support", 1),
        "conv_a_tie": ("ch_support", 2),
        "conv_b_tie": ("ch_support", 3),
        "conv_late": ("ch_support", 4),
        "conv_sales": ("ch_sales", 1),
    }


@pytest.mark.parametrize(
    "special",
    [
        req("conv_special", handoff=True, at=NOW + MIN),
        req("conv_special", previous="agt_a", at=NOW + MIN),
    ],
    ids=["hand-off", "returning visitor"],
)
def test_nobody_jumps_the_queue(special: RoutingRequest) -> None:
    positions = queue_positions([special, req("conv_first", at=NOW)], (), {})
    assert positions["conv_special"].position == 2


@pytest.mark.parametrize(
    ("position", "slots", "free", "expected"),
    [
        (1, 4, 0, 75.0),
        (4, 4, 0, 300.0),
        (8, 4, 0, 600.0),
        (1, 1, 0, 300.0),
        (2, 4, 1, 100.0),
        (1, 4, 1, 0.0),
        (3, 4, 4, 0.0),
        (1, 3, 0, 100.0),
        (1, 7, 0, 43.0),
    ],
    ids=[
        "first of four busy slots",
        "fourth of four busy slots",
        "eighth of four busy slots",
        "one busy slot",
        "a free slot takes the first visitor",
        "the visitor a free slot takes waits no time",
        "all slots free",
        "whole seconds",
        "rounded up",
    ],
)
def test_the_estimate_follows_slots_and_handling_time(
    position: int, slots: int, free: int, expected: float
) -> None:
    assert estimate_wait(position, ChannelCapacity(slots, free), FIVE_MINUTES) == expected


@pytest.mark.parametrize(
    ("capacity", "handling"),
    [(ChannelCapacity(4, 0), HandlingTimes()), (ChannelCapacity(0, 0), FIVE_MINUTES)],
    ids=["no samples yet", "nobody online"],
)
def test_without_data_there_is_no_estimate(
    capacity: ChannelCapacity, handling: HandlingTimes
) -> None:
    assert estimate_wait(1, capacity, handling) is None


def test_the_median_ignores_one_forgotten_chat() -> None:
    times = HandlingTimes((200.0, 240.0, 10_800.0))
    assert times.typical() == 240.0


def test_only_the_most_recent_samples_count() -> None:
    times = HandlingTimes(keep=3)
    for seconds in (1000.0, 1000.0, 100.0, 120.0, 140.0, -5.0):
        times = times.add(seconds)
    assert times.samples == (100.0, 120.0, 140.0)


def test_capacity_counts_online_operators_of_the_channel() -> None:
    operators = (
        op("agt_a", load=1, max_chats=3),
        op("agt_b", load=2, max_chats=2),
        op("agt_away", availability=AWAY),
        op("agt_other", channels=("ch_sales",)),
    )
    assert channel_capacity("ch_support", operators) == ChannelCapacity(5, 2)


def test_positions_carry_the_channel_estimate() -> None:
    operators = (op("agt_a", load=2, max_chats=2),)
    waiting = [req("conv_1", at=NOW), req("conv_2", at=NOW + MIN)]
    positions = queue_positions(waiting, operators, {"ch_support": HandlingTimes((120.0,))})
    assert [p.estimated_wait_seconds for p in positions.values()] == [60.0, 120.0]


def test_only_changed_positions_are_announced() -> None:
    before = {
        "c1": QueuePosition("c1", "ch", 1, 60.0),
        "c2": QueuePosition("c2", "ch", 2, 120.0),
        "c3": QueuePosition("c3", "ch", 3, 180.0),
    }
    after = {
        "c2": QueuePosition("c2", "ch", 1, 60.0),
        "c3": QueuePosition("c3", "ch", 2, 180.0),
        "c4": QueuePosition("c4", "ch", 3, None),
    }
    assert [p.conversation_id for p in changed_positions(before, after)] == ["c2", "c3", "c4"]
    assert changed_positions(after, after) == ()
