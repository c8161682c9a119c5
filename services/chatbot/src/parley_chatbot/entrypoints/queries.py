"""Answers to the script-management queries (request/reply over RabbitMQ).

A query that does not parse gets its reply with ``error`` set (and the id it named, when it
named a valid one), never silence: the asker would only see a timeout.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from faststream.rabbit import RabbitBroker
from pydantic import TypeAdapter, ValidationError

from parley_contracts.base import Query, Reply
from parley_contracts.chatbot import (
    DeleteScriptV1,
    GetScriptV1,
    ListScriptsV1,
    RunScriptTestV1,
    SaveScriptV1,
    ScriptDeletedV1,
    ScriptSavedV1,
    ScriptTestRunV1,
    ScriptV1,
    ScriptValidatedV1,
    ValidateScriptV1,
)
from parley_contracts.common import Identifier
from parley_platform.messaging.request import register_responder

from ..application.manage_scripts import ManageScripts
from ..application.run_script_test import RunScriptTest

Q = TypeVar("Q", bound=Query)
UNKNOWN_ID = "unknown"


def register_queries(broker: RabbitBroker, manage: ManageScripts, test: RunScriptTest) -> None:
    async def save(q: SaveScriptV1) -> Reply:
        return await manage.save(q.script)

    async def get(q: GetScriptV1) -> Reply:
        return await manage.get(q.script_id)

    async def list_all(_: ListScriptsV1) -> Reply:
        return await manage.list()

    async def delete(q: DeleteScriptV1) -> Reply:
        return await manage.delete(q.script_id)

    async def validate(q: ValidateScriptV1) -> Reply:
        return manage.validate(q.script)

    _answer(
        broker, SaveScriptV1, save, lambda i, e: ScriptSavedV1(script_id=i, saved=False, error=e)
    )
    _answer(broker, GetScriptV1, get, lambda i, e: ScriptV1(script_id=i, error=e))
    _answer(broker, ListScriptsV1, list_all, None)
    _answer(
        broker,
        DeleteScriptV1,
        delete,
        lambda i, e: ScriptDeletedV1(script_id=i, deleted=False, error=e),
    )
    _answer(
        broker,
        ValidateScriptV1,
        validate,
        lambda i, e: ScriptValidatedV1(script_id=i, valid=False, error=e),
    )
    _answer(broker, RunScriptTestV1, test, lambda i, e: ScriptTestRunV1(script_id=i, error=e))


def _answer(
    broker: RabbitBroker,
    model: type[Q],
    handle: Callable[[Q], Awaitable[Reply]],
    refuse: Callable[[str, str], Reply] | None,
) -> None:
    async def respond(body: bytes) -> bytes:
        try:
            query = model.model_validate_json(body or b"{}")
        except ValidationError as exc:
            if refuse is None:
                raise
            reply = refuse(_named_id(body), _short(exc))
        else:
            reply = await handle(query)
        return reply.model_dump_json().encode()

    register_responder(broker, model.TYPE, respond)


def _named_id(body: bytes) -> str:
    """The script id the query named, if it can be read and is a valid id."""
    try:
        raw: Any = json.loads(body)
    except ValueError:
        return UNKNOWN_ID
    if not isinstance(raw, dict):
        return UNKNOWN_ID
    script = raw.get("script")
    candidates = [raw.get("script_id"), script.get("id") if isinstance(script, dict) else None]
    for candidate in candidates:
        try:
            return TypeAdapter(Identifier).validate_python(candidate)
        except ValidationError:
            continue
    return UNKNOWN_ID


def _short(exc: ValidationError) -> str:
    parts = [f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()[:5]]
    return "; ".join(parts)[:500]
