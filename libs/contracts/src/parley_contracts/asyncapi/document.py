"""The AsyncAPI 3.0.0 document as plain data: channels, operations and messages per type."""

from __future__ import annotations

import importlib.metadata
import inspect
import json
import re
from typing import Any

from parley_contracts import names
from parley_contracts.asyncapi import amqp
from parley_contracts.asyncapi.schemas import ENVELOPE_SCHEMA, component_schemas
from parley_contracts.base import Message, MessageKind, Query
from parley_contracts.examples import example_event
from parley_contracts.registry import ALL_MESSAGES, owner_of

ASYNCAPI_VERSION = "3.0.0"
DESCRIPTION = f"""\
Every message Parley's services exchange over RabbitMQ, and that other systems may consume.

**Envelope.** Each message body is a CloudEvents 1.0 envelope in structured JSON mode,
AMQP `content_type` `{names.CLOUDEVENTS_CONTENT_TYPE}`. `type` is the routing key,
`source` the producing service (`/parley/<service>`), `subject` the conversation id where there
is one. `(source, id)` identifies an event: delivery is at least once, so deduplicate on it.

**Exchange.** Everything is published, persistent and mandatory, to the durable topic exchange
`{names.EVENTS_EXCHANGE}` with the message type as routing key. Bind your own durable queue to the
keys you need (`conversation.#` for the whole conversation lifecycle).

**Versions.** The major version is part of the type (`conversation.ended.v1`). Inside a version,
changes are additive (new optional fields): ignore fields you do not know. A breaking change is a
new type (`conversation.ended.v2`), published beside the old one until consumers have moved.

**Ordering.** Conversation timeline events carry `sequence`, gap-free per conversation.

**Queries** are request/reply: the request carries `reply_to` and `correlation_id`, the answer
goes to the reply-to queue through the default exchange.
"""
KIND_TAGS = {
    MessageKind.EVENT: "Something that happened (past tense); any number of consumers.",
    MessageKind.COMMAND: "An instruction to the one service that handles it (imperative).",
    MessageKind.QUERY: "A question answered by a reply message (request/reply).",
    MessageKind.REPLY: "The answer to a query, sent to the query's reply-to address.",
}


def build_document() -> dict[str, Any]:
    """The AsyncAPI document as plain data, in a stable order."""
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    for model in ALL_MESSAGES:
        if model.KIND is MessageKind.REPLY:
            continue
        channels[model.TYPE] = _channel(model)
        operations[f"send{model.__name__}"] = _operation(model)
        if issubclass(model, Query):
            channels[_reply_channel(model)] = _reply_channel_object(model)
    return {
        "asyncapi": ASYNCAPI_VERSION,
        "info": {
            "title": "Parley messages",
            "version": importlib.metadata.version("parley-contracts"),
            "description": DESCRIPTION,
            "tags": [{"name": kind.value, "description": text} for kind, text in KIND_TAGS.items()],
        },
        "defaultContentType": names.CLOUDEVENTS_CONTENT_TYPE,
        "servers": {"rabbitmq": amqp.server()},
        "channels": channels,
        "operations": operations,
        "components": {
            "schemas": {
                **component_schemas(ALL_MESSAGES),
                amqp.HEADERS_SCHEMA: amqp.headers_schema(),
            },
            "messages": {model.__name__: _message(model) for model in ALL_MESSAGES},
            "correlationIds": amqp.correlation_ids(),
            "channelBindings": amqp.channel_bindings(),
            "operationBindings": amqp.operation_bindings(),
        },
    }


def _channel(model: type[Message]) -> dict[str, Any]:
    return {
        "address": model.TYPE,
        "title": _title(model),
        "summary": _summary(model),
        "messages": {model.__name__: {"$ref": f"#/components/messages/{model.__name__}"}},
        "bindings": {"$ref": f"#/components/channelBindings/{amqp.EXCHANGE_BINDING}"},
    }


def _reply_channel(query: type[Query]) -> str:
    return f"{query.TYPE}.reply"


def _reply_channel_object(query: type[Query]) -> dict[str, Any]:
    reply = query.REPLY
    return {
        "address": None,
        "title": f"Replies to {query.TYPE}",
        "description": "Sent through the default exchange to the query's `reply_to` queue "
        f"(usually RabbitMQ direct reply-to, `{names.DIRECT_REPLY_TO}`).",
        "messages": {reply.__name__: {"$ref": f"#/components/messages/{reply.__name__}"}},
    }


def _operation(model: type[Message]) -> dict[str, Any]:
    operation: dict[str, Any] = {
        "action": "send",
        "channel": {"$ref": f"#/channels/{model.TYPE}"},
        "title": f"Send {model.TYPE}",
        "summary": _summary(model),
        "messages": [{"$ref": f"#/channels/{model.TYPE}/messages/{model.__name__}"}],
        "bindings": {"$ref": f"#/components/operationBindings/{amqp.PUBLISH_BINDING}"},
        "tags": _tags(model),
    }
    if issubclass(model, Query):
        channel = _reply_channel(model)
        operation["reply"] = {
            "address": amqp.reply_address(),
            "channel": {"$ref": f"#/channels/{channel}"},
            "messages": [{"$ref": f"#/channels/{channel}/messages/{model.REPLY.__name__}"}],
        }
    return operation


def _message(model: type[Message]) -> dict[str, Any]:
    owner = owner_of(model).value
    role = "Published" if model.KIND in (MessageKind.EVENT, MessageKind.REPLY) else "Handled"
    message: dict[str, Any] = {
        "name": model.__name__,
        "title": _title(model),
        "summary": _summary(model),
        "description": f"{_doc(model)}\n\n{role} by the `{owner}` service "
        f"(source `{names.source_for(owner)}`).",
        "contentType": names.CLOUDEVENTS_CONTENT_TYPE,
        "headers": {"$ref": f"#/components/schemas/{amqp.HEADERS_SCHEMA}"},
        "payload": {
            "allOf": [
                {"$ref": f"#/components/schemas/{ENVELOPE_SCHEMA}"},
                {
                    "type": "object",
                    "properties": {
                        "type": {"const": model.TYPE},
                        "data": {"$ref": f"#/components/schemas/{model.__name__}"},
                    },
                },
            ]
        },
        "bindings": amqp.message_binding(model.TYPE),
        "tags": _tags(model),
        "examples": [
            {
                "name": "example",
                "headers": amqp.EXAMPLE_HEADERS,
                "payload": json.loads(example_event(model).to_json_bytes()),
            }
        ],
    }
    if model.KIND in (MessageKind.QUERY, MessageKind.REPLY):
        message["correlationId"] = {"$ref": f"#/components/correlationIds/{amqp.CORRELATION_ID}"}
    return message


def _tags(model: type[Message]) -> list[dict[str, str]]:
    return [{"name": model.KIND.value}, {"name": owner_of(model).value}]


def _doc(model: type[Message]) -> str:
    return inspect.cleandoc(model.__doc__ or model.__name__)


def _summary(model: type[Message]) -> str:
    return _doc(model).split("\n\n", 1)[0].replace("\n", " ")


def _title(model: type[Message]) -> str:
    """``ConversationStartedV1`` -> ``Conversation started (v1)``."""
    *words, version = re.findall(r"V\d+$|[A-Z][a-z]*", model.__name__)
    return f"{' '.join([words[0], *(w.lower() for w in words[1:])])} ({version.lower()})"
