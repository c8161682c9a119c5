"""Base classes shared by every message that crosses a service boundary.

A message is a frozen pydantic model. Its class name ends in its major version (``...V1``) and
its ``TYPE`` class variable is both the CloudEvents ``type`` and the RabbitMQ routing key.

Compatibility rules (they are what lets other companies consume Parley's events):

- Inside one version, changes are additive only: a new field must be optional (have a default).
  Consumers ignore fields they do not know (``extra="ignore"``). Removing, renaming or retyping
  a field, tightening a constraint and adding an enum member are breaking changes.
- A breaking change is a new class with the next version (``ConversationEndedV2`` published as
  ``conversation.ended.v2``); both are published until every consumer has moved.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict

TYPE_PATTERN = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+\.v[1-9][0-9]*$")
"""Well-formed message types: dotted snake_case words ending in ``.v<major>``."""


class MessageKind(StrEnum):
    """What a message asks of its receiver."""

    EVENT = "event"
    """Something happened (past tense). Any number of consumers, no reply."""
    COMMAND = "command"
    """Do something (imperative). Exactly one handling service, no reply."""
    QUERY = "query"
    """Tell me something (a question). One handling service answers with a reply."""
    REPLY = "reply"
    """The answer to a query, sent to the query's reply-to address."""


class Message(BaseModel):
    """Base of every contract message: frozen, unknown fields ignored."""

    model_config = ConfigDict(frozen=True, extra="ignore", use_attribute_docstrings=True)

    TYPE: ClassVar[str]
    """CloudEvents ``type`` and routing key, for example ``conversation.started.v1``."""
    KIND: ClassVar[MessageKind]

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        if "TYPE" not in cls.__dict__:
            return  # an abstract intermediate base such as Event
        if not TYPE_PATTERN.match(cls.TYPE):
            raise TypeError(f"{cls.__name__}.TYPE {cls.TYPE!r} is not a well-formed type")
        version = cls.TYPE.rsplit(".", 1)[1].upper()
        if not cls.__name__.endswith(version):
            raise TypeError(f"{cls.__name__} must end with {version} to match {cls.TYPE!r}")
        if issubclass(cls, Query) and not hasattr(cls, "REPLY"):
            raise TypeError(f"query {cls.__name__} must name its REPLY model")

    @classmethod
    def version(cls) -> int:
        """The major version carried by ``TYPE`` (``conversation.started.v1`` -> 1)."""
        return int(cls.TYPE.rsplit(".v", 1)[1])


class Event(Message):
    """Something that happened. Named in the past tense."""

    KIND: ClassVar[MessageKind] = MessageKind.EVENT


class Command(Message):
    """A request to one service to do something. Named in the imperative."""

    KIND: ClassVar[MessageKind] = MessageKind.COMMAND


class Reply(Message):
    """The answer to a query."""

    KIND: ClassVar[MessageKind] = MessageKind.REPLY


class Query(Message):
    """A question to one service, answered by a ``REPLY`` message over RabbitMQ reply-to."""

    KIND: ClassVar[MessageKind] = MessageKind.QUERY
    REPLY: ClassVar[type[Reply]]
