"""Group commit for single-document inserts.

Inserts into one collection that arrive while an earlier one is on its way go out together as one
unordered ``insert_many``; each caller gets the outcome of its own document, exactly as
``insert_one`` would have given it: nothing, a ``DuplicateKeyError``, another ``WriteError``, or
the connection error that failed the whole batch. With nothing on its way an insert goes out at
once (a batch of one), so a quiet service waits no longer than before; under load the batches
grow by themselves.

Why: a server pays mostly per command, not per document. FerretDB v1 (SQLite) measured about
950 ``insert_one`` a second with 16 in flight, against 3,000 documents a second in batches of 10
and 6,000 in batches of 50 (docs/architecture.md). On MongoDB a batch is one round trip and one
journal flush for many documents.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import BulkWriteError, DuplicateKeyError, WriteError

from .mongo import DUPLICATE_KEY

MAX_BATCH = 500
"""Documents per ``insert_many``; the rest wait for the next one (well under the 16 MB limit for
the documents Parley inserts, at most a few KB each)."""


class BatchedInserts:
    """``insert_one`` for one collection, grouped (see the module's documentation)."""

    def __init__(self, collection: AsyncCollection[dict[str, Any]], max_batch: int = MAX_BATCH):
        self._collection = collection
        self._max_batch = max_batch
        self._waiting: list[tuple[dict[str, Any], asyncio.Future[None]]] = []
        self._drain: asyncio.Task[None] | None = None

    async def insert(self, document: dict[str, Any]) -> None:
        """Insert ``document``; raises what ``insert_one`` would have raised for it."""
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiting.append((document, done))
        if self._drain is None or self._drain.done():
            self._drain = asyncio.create_task(self._send_all(), name="batched-inserts")
        await done

    async def _send_all(self) -> None:
        while self._waiting:
            batch = self._waiting[: self._max_batch]
            del self._waiting[: self._max_batch]
            await self._send([document for document, _ in batch], [done for _, done in batch])

    async def _send(
        self, documents: list[dict[str, Any]], waiters: list[asyncio.Future[None]]
    ) -> None:
        failures: dict[int, BaseException] = {}
        try:
            await self._collection.insert_many(documents, ordered=False)
        except BulkWriteError as exc:
            # Unordered: every document without an error of its own was inserted.
            for error in exc.details.get("writeErrors", []):
                failures[int(error["index"])] = _write_error(error)
        except Exception as exc:  # the whole batch failed (connection lost, server away...)
            for done in waiters:
                if not done.done():
                    done.set_exception(exc)
            return
        except BaseException as exc:  # cancelled: the callers must not wait for ever
            for done in waiters:
                if not done.done():
                    done.set_exception(asyncio.CancelledError())
            raise exc
        for index, done in enumerate(waiters):
            if done.done():  # its caller was cancelled meanwhile
                continue
            if (failure := failures.get(index)) is not None:
                done.set_exception(failure)
            else:
                done.set_result(None)


def _write_error(error: Mapping[str, Any]) -> WriteError:
    message = str(error.get("errmsg", "write error"))
    code = int(error.get("code", 0))
    if code == DUPLICATE_KEY:
        return DuplicateKeyError(message, code, dict(error))
    return WriteError(message, code, dict(error))
