"""Every query shape Parley's data layer uses, run against the configured MongoDB-protocol server.

This file is the written-down subset of MongoDB that Parley relies on. A repository that needs a
new shape adds it here first, so a server that lacks it (FerretDB, nx-27017, MongoDB) fails here
with a clear name rather than somewhere deep in a feature.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pymongo import ASCENDING
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from parley_platform.storage.mongo import create_mongo_client, ping

pytestmark = pytest.mark.integration


@pytest.fixture
async def db(mongodb_url: str) -> AsyncIterator[AsyncDatabase[dict[str, Any]]]:
    client = create_mongo_client(mongodb_url, "parley-compat")
    name = f"compat_{uuid.uuid4().hex[:8]}"
    yield client[name]
    await client.drop_database(name)
    await client.close()


async def test_ping_answers(db: AsyncDatabase[dict[str, Any]]) -> None:
    await ping(db)


async def test_insert_with_string_id_rejects_the_same_id_twice(db: AsyncDatabase[Any]) -> None:
    await db.c.insert_one({"_id": "a|b", "n": 1})
    with pytest.raises(DuplicateKeyError):
        await db.c.insert_one({"_id": "a|b", "n": 2})
    assert (await db.c.find_one({"_id": "a|b"}))["n"] == 1


async def test_find_one_with_projection_returns_only_the_id(db: AsyncDatabase[Any]) -> None:
    await db.c.insert_one({"_id": "k", "big": "x" * 100})
    assert await db.c.find_one({"_id": "k"}, {"_id": 1}) == {"_id": "k"}
    assert await db.c.find_one({"_id": "missing"}, {"_id": 1}) is None


async def test_timezone_aware_datetimes_round_trip_in_utc(db: AsyncDatabase[Any]) -> None:
    moment = datetime(2026, 1, 2, 3, 4, 5, 6000, tzinfo=UTC)
    await db.c.insert_one({"_id": 1, "at": moment})
    stored = await db.c.find_one({"_id": 1})
    assert stored["at"] == moment and stored["at"].tzinfo is not None


async def test_single_compound_and_sparse_indexes_can_be_created(db: AsyncDatabase[Any]) -> None:
    await db.c.create_index("at")
    await db.c.create_index([("type", ASCENDING), ("time", ASCENDING)])
    await db.c.create_index("_outbox_pending", sparse=True)
    names = {index["name"] async for index in await db.c.list_indexes()}
    assert {"at_1", "type_1_time_1", "_outbox_pending_1"} <= names


async def test_delete_many_by_date_range(db: AsyncDatabase[Any]) -> None:
    now = datetime.now(UTC)
    await db.c.insert_many([{"_id": i, "at": now - timedelta(days=i)} for i in range(5)])
    result = await db.c.delete_many({"at": {"$lt": now - timedelta(days=2, hours=1)}})
    assert result.deleted_count == 2
    assert await db.c.count_documents({}) == 3


async def test_set_into_a_map_keyed_by_uuid_with_dotted_paths(db: AsyncDatabase[Any]) -> None:
    key_a, key_b = str(uuid.uuid4()), str(uuid.uuid4())
    await db.c.insert_one({"_id": "doc", "_outbox": {key_a: {"n": 0}}, "_outbox_pending": True})
    await db.c.update_one(
        {"_id": "doc"}, {"$set": {f"_outbox.{key_b}": {"n": 1}, "state": "changed"}}
    )
    stored = await db.c.find_one({"_id": "doc"})
    assert stored["_outbox"] == {key_a: {"n": 0}, key_b: {"n": 1}}
    assert stored["state"] == "changed"


async def test_upsert_with_set_creates_the_document(db: AsyncDatabase[Any]) -> None:
    await db.c.update_one({"_id": "new"}, {"$set": {"_outbox.e1": {"n": 0}}}, upsert=True)
    assert (await db.c.find_one({"_id": "new"}))["_outbox"] == {"e1": {"n": 0}}


async def test_find_by_boolean_flag_with_limit(db: AsyncDatabase[Any]) -> None:
    await db.c.insert_many([{"_id": i, "_outbox_pending": i % 2 == 0} for i in range(10)])
    await db.c.insert_one({"_id": "no-flag"})
    found = [doc["_id"] async for doc in db.c.find({"_outbox_pending": True}).limit(3)]
    assert len(found) == 3 and all(i % 2 == 0 for i in found)


async def test_unset_several_dotted_paths_at_once(db: AsyncDatabase[Any]) -> None:
    await db.c.insert_one({"_id": "d", "_outbox": {"a": 1, "b": 2, "c": 3}})
    await db.c.update_one({"_id": "d"}, {"$unset": {"_outbox.a": "", "_outbox.b": ""}})
    assert (await db.c.find_one({"_id": "d"}))["_outbox"] == {"c": 3}


async def test_match_on_an_empty_embedded_document(db: AsyncDatabase[Any]) -> None:
    await db.c.insert_many([{"_id": "empty", "_outbox": {}}, {"_id": "full", "_outbox": {"a": 1}}])
    result = await db.c.update_many(
        {"_outbox": {}}, {"$unset": {"_outbox": "", "_outbox_pending": ""}}
    )
    assert result.modified_count == 1
    assert "_outbox" not in await db.c.find_one({"_id": "empty"})
    assert (await db.c.find_one({"_id": "full"}))["_outbox"] == {"a": 1}
