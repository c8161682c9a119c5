"""The MongoDB client every service uses through its repositories."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pymongo import AsyncMongoClient
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import BulkWriteError

DUPLICATE_KEY = 11000
"""The server's error code for an ``_id`` (or unique key) that is stored already."""


def create_mongo_client(url: str, app_name: str) -> AsyncMongoClient[dict[str, Any]]:
    """A client that fails fast when the server is away, so a request errors instead of hanging.

    Nothing connects until the first operation; the client reconnects by itself afterwards.
    """
    return AsyncMongoClient(
        url,
        appname=app_name,
        tz_aware=True,
        serverSelectionTimeoutMS=3_000,
        connectTimeoutMS=3_000,
        socketTimeoutMS=10_000,
    )


async def ping(db: AsyncDatabase[dict[str, Any]]) -> None:
    """Raise when the database does not answer."""
    await db.command("ping")


async def insert_all(
    collection: AsyncCollection[dict[str, Any]], documents: Sequence[dict[str, Any]]
) -> None:
    """Insert ``documents`` in one unordered command; one already stored (a retried batch, a
    mark written twice) counts as written. Any other write error is raised."""
    try:
        await collection.insert_many(documents, ordered=False)
    except BulkWriteError as exc:
        if any(error.get("code") != DUPLICATE_KEY for error in exc.details.get("writeErrors", [])):
            raise
