"""The catalogue of every message: type string -> model, and which service owns each.

A service *owns* the events it publishes and the commands and queries it handles.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from parley_contracts import chatbot, gateway, notifications, routing, tickets
from parley_contracts.base import Message
from parley_contracts.names import Service


class UnknownMessageType(LookupError):
    """A message type that is not in the registry (perhaps a newer version than this code)."""

    def __init__(self, type_: str) -> None:
        super().__init__(f"unknown message type {type_!r}")
        self.type = type_


CATALOGUE: tuple[tuple[Service, tuple[type[Message], ...]], ...] = (
    (Service.GATEWAY, gateway.MESSAGES),
    (Service.ROUTING, routing.MESSAGES),
    (Service.CHATBOT, chatbot.MESSAGES),
    (Service.TICKETS, tickets.MESSAGES),
    (Service.NOTIFICATIONS, notifications.MESSAGES),
)
"""Each owning service with its messages, in catalogue order."""

ALL_MESSAGES: tuple[type[Message], ...] = tuple(m for _, models in CATALOGUE for m in models)
"""Every message model, in catalogue order."""


def _index() -> dict[str, type[Message]]:
    index: dict[str, type[Message]] = {}
    for model in ALL_MESSAGES:
        if model.TYPE in index:
            raise RuntimeError(f"{model.__name__} reuses {model.TYPE!r}")
        index[model.TYPE] = model
    return index


REGISTRY: Mapping[str, type[Message]] = MappingProxyType(_index())
"""Message type (routing key) -> model."""

OWNERS: Mapping[type[Message], Service] = MappingProxyType(
    {model: service for service, models in CATALOGUE for model in models}
)


def message_class(type_: str) -> type[Message]:
    """The model registered for ``type_``; raises ``UnknownMessageType``."""
    try:
        return REGISTRY[type_]
    except KeyError:
        raise UnknownMessageType(type_) from None


def owner_of(model: type[Message]) -> Service:
    """The service that publishes (events) or handles (commands, queries) ``model``."""
    return OWNERS[model]
