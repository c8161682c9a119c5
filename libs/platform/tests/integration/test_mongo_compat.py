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
    await db.c.insert_one({"_id": "doc", "_outbox": {key_a: {"n": 0}}, "_outbox_pending": 1})
    await db.c.update_one(
        {"_id": "doc"}, {"$set": {f"_outbox.{key_b}": {"n": 1}, "state": "changed"}}
    )
    stored = await db.c.find_one({"_id": "doc"})
    assert stored["_outbox"] == {key_a: {"n": 0}, key_b: {"n": 1}}
    assert stored["state"] == "changed"


async def test_upsert_with_set_creates_the_document(db: AsyncDatabase[Any]) -> None:
    await db.c.update_one({"_id": "new"}, {"$set": {"_outbox.e1": {"n": 0}}}, upsert=True)
    assert (await db.c.find_one({"_id": "new"}))["_outbox"] == {"e1": {"n": 0}}


async def test_find_by_a_positive_counter_with_limit(db: AsyncDatabase[Any]) -> None:
    await db.c.insert_many([{"_id": i, "_outbox_pending": i % 3} for i in range(10)])
    await db.c.insert_one({"_id": "no-counter"})
    found = [doc["_id"] async for doc in db.c.find({"_outbox_pending": {"$gt": 0}}).limit(4)]
    assert len(found) == 4 and all(i % 3 for i in found)


async def test_unset_several_dotted_paths_at_once(db: AsyncDatabase[Any]) -> None:
    await db.c.insert_one({"_id": "d", "_outbox": {"a": 1, "b": 2, "c": 3}})
    await db.c.update_one({"_id": "d"}, {"$unset": {"_outbox.a": "", "_outbox.b": ""}})
    assert (await db.c.find_one({"_id": "d"}))["_outbox"] == {"c": 3}


async def test_unset_and_decrement_in_one_update(db: AsyncDatabase[Any]) -> None:
    await db.c.insert_one({"_id": "d", "_outbox": {"a": 1, "b": 2}, "_outbox_pending": 2})
    await db.c.update_one(
        {"_id": "d"}, {"$unset": {"_outbox.a": ""}, "$inc": {"_outbox_pending": -1}}
    )
    stored = await db.c.find_one({"_id": "d"})
    assert stored["_outbox"] == {"b": 2} and stored["_outbox_pending"] == 1


async def test_unset_many_paths_on_documents_by_id_list(db: AsyncDatabase[Any]) -> None:
    await db.c.insert_many(
        [
            {"_id": "d1", "_outbox": {"a": 1, "x": 9}},
            {"_id": "d2", "_outbox": {"b": 2}},
            {"_id": "d3", "_outbox": {"c": 3}},
        ]
    )
    await db.c.update_many(
        {"_id": {"$in": ["d1", "d2"]}}, {"$unset": {"_outbox.a": "", "_outbox.b": ""}}
    )
    found = {doc["_id"]: doc["_outbox"] async for doc in db.c.find({})}
    assert found == {"d1": {"x": 9}, "d2": {}, "d3": {"c": 3}}


async def test_reset_a_counter_only_where_an_embedded_document_is_empty(
    db: AsyncDatabase[Any],
) -> None:
    await db.c.insert_many(
        [{"_id": "empty", "_outbox": {}, "n": 2}, {"_id": "full", "_outbox": {"a": 1}, "n": 3}]
    )
    await db.c.update_many({"_id": {"$in": ["empty", "full"]}, "_outbox": {}}, {"$set": {"n": 0}})
    assert {doc["_id"]: doc["n"] async for doc in db.c.find({})} == {"empty": 0, "full": 3}


async def test_set_and_increment_a_missing_counter_in_one_update(db: AsyncDatabase[Any]) -> None:
    await db.c.insert_one({"_id": "d", "state": "new"})
    await db.c.update_one(
        {"_id": "d"}, {"$set": {"state": "changed", "_outbox.e": 1}, "$inc": {"_outbox_pending": 1}}
    )
    stored = await db.c.find_one({"_id": "d"})
    assert stored["_outbox_pending"] == 1 and stored["state"] == "changed"


async def test_unique_sparse_index_rejects_a_repeated_key_but_allows_missing_ones(
    db: AsyncDatabase[Any],
) -> None:
    await db.c.create_index("dedupe", unique=True, sparse=True)
    await db.c.insert_many([{"_id": "c:1"}, {"_id": "c:2"}])  # no key: not indexed
    await db.c.insert_one({"_id": "c:3", "dedupe": "c|visitor|m1"})
    with pytest.raises(DuplicateKeyError):
        await db.c.insert_one({"_id": "c:4", "dedupe": "c|visitor|m1"})
    assert await db.c.find_one({"_id": "c:4"}) is None
    assert (await db.c.find_one({"dedupe": "c|visitor|m1"}))["_id"] == "c:3"


async def test_highest_value_by_descending_sort_with_limit_one(db: AsyncDatabase[Any]) -> None:
    await db.c.create_index([("conversation_id", ASCENDING), ("seq", ASCENDING)])
    await db.c.insert_many(
        [{"_id": f"a:{n:010d}", "conversation_id": "a", "seq": n} for n in (1, 2, 3)]
    )
    await db.c.insert_one({"_id": "b:0000000009", "conversation_id": "b", "seq": 9})
    top = await db.c.find_one({"conversation_id": "a"}, {"seq": 1}, sort=[("seq", -1)])
    assert top == {"_id": "a:0000000003", "seq": 3}


async def test_range_after_a_value_sorted_ascending_with_limit(db: AsyncDatabase[Any]) -> None:
    await db.c.insert_many(
        [{"_id": f"a:{n:010d}", "conversation_id": "a", "seq": n} for n in range(1, 8)]
    )
    found = db.c.find({"conversation_id": "a", "seq": {"$gt": 3}}).sort("seq", ASCENDING).limit(2)
    assert [doc["seq"] async for doc in found] == [4, 5]


async def test_conditional_update_matching_on_in_and_null(
    db: AsyncDatabase[Any],
) -> None:
    await db.c.insert_one({"_id": "s", "lifecycle": "queued", "assigned_to": None, "last_seq": 3})
    claim = {"_id": "s", "lifecycle": {"$in": ["requested", "queued"]}, "assigned_to": None}
    first = await db.c.update_one(claim, {"$set": {"assigned_to": "agt_1"}})
    second = await db.c.update_one(claim, {"$set": {"assigned_to": "agt_2"}})
    assert (first.modified_count, second.modified_count) == (1, 0)
    stale = await db.c.update_one({"_id": "s", "last_seq": 2}, {"$set": {"last_seq": 4}})
    assert stale.matched_count == 0
    assert (await db.c.find_one({"_id": "s"}))["assigned_to"] == "agt_1"


async def test_equality_on_an_array_of_strings_matches_any_element(db: AsyncDatabase[Any]) -> None:
    # FerretDB v1.24 rejects $elemMatch on sub-documents ("unknown operator"): keep flat id lists.
    await db.c.insert_many(
        [
            {"_id": 1, "agent_ids": ["a", "b"], "participants": [{"id": "a"}, {"id": "v"}]},
            {"_id": 2, "agent_ids": [], "participants": [{"id": "a"}]},
            {"_id": 3, "agent_ids": ["b"], "participants": [{"id": "b"}]},
        ]
    )
    assert [doc["_id"] async for doc in db.c.find({"agent_ids": "a"})] == [1]
    assert await db.c.count_documents({"participants.id": "a"}) == 2


async def test_in_on_two_fields_sorted_descending_by_date(db: AsyncDatabase[Any]) -> None:
    now = datetime.now(UTC)
    await db.c.insert_many(
        [
            {
                "_id": i,
                "channel_id": f"ch{i % 3}",
                "lifecycle": state,
                "created_at": now - timedelta(minutes=i),
            }
            for i, state in enumerate(
                ["queued", "requested", "active", "queued", "ended", "requested"]
            )
        ]
    )
    waiting = {"channel_id": {"$in": ["ch0", "ch2"]}, "lifecycle": {"$in": ["requested", "queued"]}}
    found = db.c.find(waiting).sort("created_at", -1).limit(10)
    assert [doc["_id"] async for doc in found] == [0, 3, 5]


async def test_case_insensitive_regex_on_nested_fields_and_arrays(db: AsyncDatabase[Any]) -> None:
    # The gateway's archive search (A10): no text index, no aggregation.
    await db.c.insert_many(
        [
            {"_id": 1, "payload": {"text": "My INVOICE (no. 42) is wrong"}, "tags": []},
            {"_id": 2, "payload": {"text": "hello"}, "tags": ["Invoice"]},
            {"_id": 3, "payload": {}, "tags": ["other"]},
        ]
    )
    regex = {"$regex": r"invoice \(no\. 42\)", "$options": "i"}
    assert [doc["_id"] async for doc in db.c.find({"payload.text": regex})] == [1]
    either = {
        "$or": [
            {"payload.text": {"$regex": "invoice", "$options": "i"}},
            {"tags": {"$regex": "^invoice", "$options": "i"}},
        ]
    }
    assert sorted([doc["_id"] async for doc in db.c.find(either)]) == [1, 2]
    assert [doc["_id"] async for doc in db.c.find({"tags": {"$regex": "^oth"}})] == [3]


async def test_sort_skip_limit_pages_and_not_equal(db: AsyncDatabase[Any]) -> None:
    await db.c.insert_many(
        [{"_id": i, "n": i, "visibility": "internal" if i % 2 else "public"} for i in range(6)]
    )
    page = db.c.find({"visibility": {"$ne": "internal"}}).sort("n", -1).skip(1).limit(2)
    assert [doc["_id"] async for doc in page] == [2, 0]


async def test_update_many_and_unique_index_on_a_plain_field(db: AsyncDatabase[Any]) -> None:
    await db.c.create_index("email", unique=True)
    await db.c.insert_many([{"_id": i, "email": f"{i}@x", "flag": True} for i in range(3)])
    with pytest.raises(DuplicateKeyError):
        await db.c.insert_one({"_id": 9, "email": "1@x"})
    result = await db.c.update_many({"_id": {"$ne": 0}, "flag": True}, {"$set": {"flag": False}})
    assert result.modified_count == 2
