"""The MongoDB client every service uses through its repositories."""

from __future__ import annotations

from typing import Any

from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase


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
