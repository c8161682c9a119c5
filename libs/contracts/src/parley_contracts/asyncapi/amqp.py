"""The AMQP parts of the document: server, bindings, headers, correlation ids."""

from __future__ import annotations

from typing import Any

from parley_contracts import names

BINDING_VERSION = "0.3.0"
EXCHANGE_BINDING = "parleyEventsExchange"
PUBLISH_BINDING = "persistentMandatoryPublish"
HEADERS_SCHEMA = "AmqpHeaders"
CORRELATION_ID = "amqpCorrelationId"
EXAMPLE_HEADERS = {
    names.TRACEPARENT_HEADER: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
}


def server() -> dict[str, Any]:
    return {
        "host": "{host}:{port}",
        "protocol": "amqp",
        "protocolVersion": "0.9.1",
        "description": "The RabbitMQ broker of a Parley installation.",
        "variables": {
            "host": {"default": "localhost", "description": "Broker host name."},
            "port": {"default": "5672", "description": "AMQP port (5671 for AMQPS)."},
        },
    }


def channel_bindings() -> dict[str, Any]:
    return {
        EXCHANGE_BINDING: {
            "amqp": {
                "is": "routingKey",
                "exchange": {
                    "name": names.EVENTS_EXCHANGE,
                    "type": names.EVENTS_EXCHANGE_TYPE,
                    "durable": True,
                    "autoDelete": False,
                    "vhost": "/",
                },
                "bindingVersion": BINDING_VERSION,
            }
        }
    }


def operation_bindings() -> dict[str, Any]:
    return {
        PUBLISH_BINDING: {
            "amqp": {"deliveryMode": 2, "mandatory": True, "bindingVersion": BINDING_VERSION}
        }
    }


def message_binding(message_type: str) -> dict[str, Any]:
    return {"amqp": {"messageType": message_type, "bindingVersion": BINDING_VERSION}}


def correlation_ids() -> dict[str, Any]:
    return {
        CORRELATION_ID: {
            "description": "The AMQP `correlation_id` property; a reply copies the query's.",
            "location": "$message.header#/correlation_id",
        }
    }


def reply_address() -> dict[str, Any]:
    return {
        "description": "The AMQP `reply_to` property of the query.",
        "location": "$message.header#/reply_to",
    }


def headers_schema() -> dict[str, Any]:
    return {
        "type": "object",
        "description": "AMQP application headers Parley sets; other headers may appear.",
        "properties": {
            names.TRACEPARENT_HEADER: {
                "type": "string",
                "description": "W3C Trace Context of the operation that published the message.",
                "pattern": "^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$",
            },
            names.TRACESTATE_HEADER: {
                "type": "string",
                "description": "W3C Trace Context vendor state; travels with `traceparent`.",
            },
            names.ATTEMPT_HEADER: {
                "type": "integer",
                "minimum": 1,
                "description": "Attempt number of a retried message; absent means attempt 1.",
            },
        },
    }
