"""Group commit: concurrent inserts share a write, and each caller gets its own outcome."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import pytest
from pymongo import AsyncMongoClient
from pymongo.errors import DuplicateKeyError

from parley_platform.storage.batched_inserts import BatchedInserts

pytestmark = pytest.mark.integration


async def test_concurrent_inserts_go_together_and_a_duplicate_fails_only_its_caller(
    mongodb_url: str,
) -> None:
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(mongodb_url)
    db = client[f"t{uuid.uuid4().hex[:8]}"]
    try:
        await db.things.insert_one({"_id": "taken"})
        inserts = BatchedInserts(db.things)
        calls = 0
        insert_many = db.things.insert_many

        async def counting(*args: Any, **kwargs: Any) -> Any:
            nonlocal calls
            calls += 1
            return await insert_many(*args, **kwargs)

        inserts.collection.insert_many = counting  # type: ignore[method-assign]
        documents = [{"_id": f"d{n}", "n": n} for n in range(20)] + [{"_id": "taken"}]
        outcomes = await asyncio.gather(
            *(inserts.insert(document) for document in documents), return_exceptions=True
        )
        assert outcomes[:20] == [None] * 20
        assert isinstance(outcomes[20], DuplicateKeyError)
        assert await db.things.count_documents({}) == 21
        assert calls < len(documents)  # grouped: the first alone, the others together
    finally:
        await client.drop_database(db.name)
        await client.close()
