import importlib
import pkgutil

import pytest

import parley_contracts
from parley_contracts.base import TYPE_PATTERN, Message, MessageKind, Query
from parley_contracts.examples import EXAMPLES
from parley_contracts.registry import (
    ALL_MESSAGES,
    REGISTRY,
    UnknownMessageType,
    message_class,
    owner_of,
)

pytestmark = pytest.mark.unit

EVERY_MESSAGE = pytest.mark.parametrize("model", ALL_MESSAGES, ids=lambda m: m.TYPE)


def _defined_messages() -> set[type[Message]]:
    for info in pkgutil.walk_packages(parley_contracts.__path__, "parley_contracts."):
        if not info.name.endswith("__main__"):
            importlib.import_module(info.name)
    found: set[type[Message]] = set()
    pending = list(Message.__subclasses__())
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        if "TYPE" in cls.__dict__ and cls.__module__.startswith("parley_contracts."):
            found.add(cls)
    return found


def test_every_message_defined_in_the_package_is_registered() -> None:
    assert _defined_messages() == set(ALL_MESSAGES)


def test_routing_keys_are_unique() -> None:
    types = [model.TYPE for model in ALL_MESSAGES]

    assert len(types) == len(set(types)) == len(REGISTRY)


@EVERY_MESSAGE
def test_routing_key_is_well_formed_and_matches_the_class_version(model: type[Message]) -> None:
    assert TYPE_PATTERN.match(model.TYPE)
    assert model.__name__.endswith(f"V{model.version()}")


@EVERY_MESSAGE
def test_type_looks_up_its_own_model(model: type[Message]) -> None:
    assert message_class(model.TYPE) is model


def test_looking_up_an_unknown_type_raises() -> None:
    with pytest.raises(UnknownMessageType):
        message_class("nothing.here.v1")


@EVERY_MESSAGE
def test_requests_are_addressed_to_the_service_that_handles_them(model: type[Message]) -> None:
    if model.KIND is not MessageKind.EVENT:
        assert model.TYPE.startswith(f"{owner_of(model).value}.")


@EVERY_MESSAGE
def test_every_message_is_documented_frozen_and_tolerant(model: type[Message]) -> None:
    assert model.__doc__ and model.__doc__.strip()
    assert model.model_config.get("frozen") is True
    assert model.model_config.get("extra") == "ignore"


@EVERY_MESSAGE
def test_every_message_has_an_example(model: type[Message]) -> None:
    assert isinstance(EXAMPLES[model], model)


def test_every_query_names_a_registered_reply() -> None:
    queries = [model for model in ALL_MESSAGES if issubclass(model, Query)]

    assert queries
    for query in queries:
        assert query.REPLY in ALL_MESSAGES
        assert query.REPLY.KIND is MessageKind.REPLY
