"""Collections per span of time: named in time order, found by range, dropped whole."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pymongo.asynchronous.database import AsyncDatabase

from parley_platform.storage.time_buckets import TimeBuckets

pytestmark = pytest.mark.integration

NOON = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


async def test_spans_are_named_in_order_found_by_range_and_dropped_whole(
    shared_database: tuple[AsyncDatabase[Any], AsyncDatabase[Any]],
) -> None:
    db, _ = shared_database
    buckets = TimeBuckets(db, "marks_", timedelta(minutes=10))
    names = [buckets.name_for(NOON + timedelta(minutes=m)) for m in (0, 9, 10, 25)]
    assert names[0] == names[1] < names[2] < names[3]
    # A naive time is taken as UTC, as the database hands them back.
    assert buckets.name_for(NOON.replace(tzinfo=None)) == names[0]
    for minutes in (0, 10, 25):
        await db[buckets.name_for(NOON + timedelta(minutes=minutes))].insert_one({"_id": minutes})
    await db["marks"].insert_one({"_id": "another prefix"})

    assert await buckets.between(NOON + timedelta(minutes=5), NOON + timedelta(minutes=12)) == [
        names[0],
        names[2],
    ]
    assert await buckets.drop_before(NOON + timedelta(minutes=21)) == [names[0], names[2]]
    assert await buckets.between(None, NOON + timedelta(hours=1)) == [names[3]]
    assert "marks" in await db.list_collection_names()
