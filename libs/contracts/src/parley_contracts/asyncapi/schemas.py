"""JSON Schemas of the contract models, shaped for an AsyncAPI document's ``components``."""

from __future__ import annotations

import ast
import inspect
import textwrap
from collections.abc import Iterable
from enum import StrEnum
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import GenerateJsonSchema, JsonSchemaMode, models_json_schema

from parley_contracts.base import Message
from parley_contracts.envelope import CloudEvent

COMPONENT_REF = "#/components/schemas/{model}"
ENVELOPE_SCHEMA = "CloudEvent"

COMMON_FIELD_DOCS = {
    "conversation_id": "The conversation's id; also the envelope's `subject`.",
    "channel_id": "The chat channel (one widget and its rules) the conversation belongs to.",
    "agent_id": "The agent's (operator's) account id.",
    "message_id": "The id the gateway gave the message.",
}
"""Descriptions for properties that mean the same everywhere and carry no docstring of their own."""


class _ContractSchema(GenerateJsonSchema):
    """Pydantic's generator without the per-field titles it derives from field names: they
    repeat the property names and clutter the published document."""

    def field_title_should_be_set(self, schema: Any) -> bool:
        return False


def component_schemas(models: Iterable[type[Message]]) -> dict[str, Any]:
    """``components/schemas``: every model and nested type by class name, plus the envelope.

    References point into ``#/components/schemas``; enum descriptions list what each value
    means (from the members' docstrings).
    """
    entries: list[tuple[type[BaseModel], JsonSchemaMode]] = [(m, "validation") for m in models]
    _, top = models_json_schema(
        entries, ref_template=COMPONENT_REF, schema_generator=_ContractSchema
    )
    schemas: dict[str, Any] = dict(top.get("$defs", {}))
    enums = _enums_used(models)
    for name, schema in schemas.items():
        for prop_name, prop in schema.get("properties", {}).items():
            if prop_name in COMMON_FIELD_DOCS and "description" not in prop:
                prop["description"] = COMMON_FIELD_DOCS[prop_name]
        if name in enums:
            schema["description"] = _enum_description(enums[name], schema.get("description", ""))
    schemas[ENVELOPE_SCHEMA] = _envelope_schema()
    return {name: schemas[name] for name in sorted(schemas)}


def _envelope_schema() -> dict[str, Any]:
    schema = CloudEvent[Message].model_json_schema(
        ref_template=COMPONENT_REF, schema_generator=_ContractSchema
    )
    schema.pop("$defs", None)
    schema["title"] = ENVELOPE_SCHEMA
    schema["description"] = (
        "A CloudEvents 1.0 envelope in structured JSON mode. Each message's payload narrows "
        "`type` to one value and gives the schema of `data`."
    )
    schema["properties"]["data"] = {
        "type": "object",
        "description": "The message itself; its schema is given by `type`.",
    }
    return schema


def _enums_used(models: Iterable[type[Message]]) -> dict[str, type[StrEnum]]:
    found: dict[str, type[StrEnum]] = {}
    pending: list[type[BaseModel]] = list(models)
    seen: set[type[BaseModel]] = set()
    while pending:
        model = pending.pop()
        if model in seen:
            continue
        seen.add(model)
        for field in model.model_fields.values():
            for kind in _types_in(field.annotation):
                if isinstance(kind, type) and issubclass(kind, StrEnum):
                    found[kind.__name__] = kind
                elif isinstance(kind, type) and issubclass(kind, BaseModel):
                    pending.append(kind)
    return found


def _types_in(annotation: Any) -> list[Any]:
    args = getattr(annotation, "__args__", ())
    return [annotation, *(t for arg in args for t in _types_in(arg))]


def _enum_description(enum: type[StrEnum], summary: str) -> str:
    docs = _member_docstrings(enum)
    lines = [f"- `{member.value}`: {docs[member.name]}" for member in enum if member.name in docs]
    return "\n\n".join(part for part in (summary, "\n".join(lines)) if part)


def _member_docstrings(enum: type[StrEnum]) -> dict[str, str]:
    body = ast.parse(textwrap.dedent(inspect.getsource(enum))).body[0]
    assert isinstance(body, ast.ClassDef)
    docs: dict[str, str] = {}
    for node, following in zip(body.body, body.body[1:], strict=False):
        if (
            isinstance(node, ast.Assign)
            and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)
            and isinstance(following, ast.Expr)
            and isinstance(following.value, ast.Constant)
            and isinstance(following.value.value, str)
        ):
            docs[node.targets[0].id] = inspect.cleandoc(following.value.value)
    return docs
