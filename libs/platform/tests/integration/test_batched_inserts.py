"""Group commit: concurrent inserts share a write, and each caller gets its own outcome."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import pytest
from pymongo import AsyncMongoClient, monitoring
from pymongo.errors import DuplicateKeyError

from parley_platform.storage.batched_inserts import BatchedInserts

pytestmark = pytest.mark.integration


class InsertCommands(monitoring.CommandListener):
    """Counts the ``insert`` commands the client sends."""

    def __init__(self) -> None:
        self.count = 0

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        self.count += event.command_name == "insert"

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        pass

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        pass


async def test_concurrent_inserts_go_together_and_a_duplicate_fails_only_its_caller(
    mongodb_url: str,
) -> None:
    inserts_sent = InsertCommands()
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(
        mongodb_url, event_listeners=[inserts_sent]
    )
    db = client[f"t{uuid.uuid4().hex[:8]}"]
    try:
        await db.things.insert_one({"_id": "taken"})
        inserts_sent.count = 0
        inserts = BatchedInserts(db.things)
        documents = [{"_id": f"d{n}", "n": n} for n in range(20)] + [{"_id": "taken"}]
        outcomes = await asyncio.gather(
            *(inserts.insert(document) for document in documents), return_exceptions=True
        )
        assert outcomes[:20] == [None] * 20
        assert isinstance(outcomes[20], DuplicateKeyError)
        assert await db.things.count_documents({}) == 21
        assert inserts_sent.count < len(documents)  # grouped: the first alone, the others together
    finally:
        await client.drop_database(db.name)
        await client.close()
