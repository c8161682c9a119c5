import json
import uuid
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from pydantic import ValidationError

from parley_contracts.base import Message
from parley_contracts.envelope import CloudEvent, new_event_id, parse_event, parse_event_as
from parley_contracts.examples import AT, example_event, example_of
from parley_contracts.gateway import ConversationEndedV1, MessagePostedV1
from parley_contracts.names import Service, source_for
from parley_contracts.registry import ALL_MESSAGES, UnknownMessageType
from parley_contracts.routing import OperatorPresenceChangedV1

pytestmark = pytest.mark.unit

EVERY_MESSAGE = pytest.mark.parametrize("model", ALL_MESSAGES, ids=lambda m: m.TYPE)


def _as_json(model: type[Message]) -> dict[str, Any]:
    parsed: dict[str, Any] = json.loads(example_event(model).to_json_bytes())
    return parsed


@EVERY_MESSAGE
def test_every_message_survives_a_round_trip_through_json_bytes(model: type[Message]) -> None:
    event = example_event(model)

    parsed = parse_event(event.to_json_bytes())

    assert parsed == event
    assert type(parsed.data) is model


@EVERY_MESSAGE
def test_every_message_parses_from_an_already_decoded_dict(model: type[Message]) -> None:
    assert parse_event(_as_json(model)) == example_event(model)


@EVERY_MESSAGE
def test_unknown_fields_are_ignored_at_every_level(model: type[Message]) -> None:
    body = _as_json(model)
    body["x_future_attribute"] = "ignored"
    body["data"]["a_field_added_later"] = {"nested": [1, 2]}
    for value in body["data"].values():
        if isinstance(value, dict):
            value["also_added_later"] = True

    assert parse_event(json.dumps(body)) == example_event(model)


def test_parse_as_returns_the_typed_envelope() -> None:
    body = example_event(MessagePostedV1).to_json_bytes()

    event = parse_event_as(body, MessagePostedV1)

    assert event.data.text == example_of(MessagePostedV1).text


def test_parse_as_rejects_an_envelope_of_another_type() -> None:
    body = example_event(MessagePostedV1).to_json_bytes()

    with pytest.raises(ValidationError):
        parse_event_as(body, ConversationEndedV1)


def test_an_unregistered_type_is_reported_as_unknown() -> None:
    body = _as_json(MessagePostedV1) | {"type": "conversation.message_posted.v99"}

    with pytest.raises(UnknownMessageType) as raised:
        parse_event(json.dumps(body))

    assert raised.value.type == "conversation.message_posted.v99"


def test_a_body_that_is_not_an_envelope_is_a_validation_error() -> None:
    with pytest.raises(ValidationError):
        parse_event(b'{"data": {}}')
    with pytest.raises(ValidationError):
        parse_event(b"not json")


def test_data_that_does_not_match_its_type_is_a_validation_error() -> None:
    body = _as_json(MessagePostedV1)
    del body["data"]["message_id"]

    with pytest.raises(ValidationError):
        parse_event(json.dumps(body))


def test_wrap_fills_the_cloudevents_attributes() -> None:
    data = example_of(MessagePostedV1)

    event = CloudEvent.wrap(data, source=source_for(Service.GATEWAY), time=AT)

    assert event.specversion == "1.0"
    assert event.type == "conversation.message_posted.v1"
    assert event.source == "/parley/gateway"
    assert event.subject == data.conversation_id
    assert event.datacontenttype == "application/json"
    assert event.time == AT


def test_messages_outside_a_conversation_have_no_subject_and_omit_it() -> None:
    event = CloudEvent.wrap(example_of(OperatorPresenceChangedV1), source="/parley/gateway")

    body = json.loads(event.to_json_bytes())

    assert event.subject is None
    assert "subject" not in body
    assert "dataschema" not in body


def test_ids_are_unique_version_7_uuids() -> None:
    ids = {new_event_id() for _ in range(1000)}

    assert len(ids) == 1000
    assert all(uuid.UUID(i).version == 7 for i in ids)


def test_ids_sort_by_creation_time() -> None:
    first = new_event_id()
    later = [new_event_id() for _ in range(50)]

    assert all(first[:8] <= other[:8] for other in later)


def test_time_is_normalised_to_utc_and_written_as_rfc3339() -> None:
    berlin = timezone(timedelta(hours=1))
    event = CloudEvent.wrap(
        example_of(MessagePostedV1),
        source="/parley/gateway",
        time=datetime(2025, 3, 14, 10, 30, tzinfo=berlin),
    )

    assert event.time.tzinfo == UTC
    assert json.loads(event.to_json_bytes())["time"] == "2025-03-14T09:30:00Z"


def test_naive_times_are_rejected() -> None:
    body = _as_json(MessagePostedV1) | {"time": "2025-03-14T09:30:00"}

    with pytest.raises(ValidationError):
        parse_event(json.dumps(body))


def test_envelopes_and_messages_are_frozen() -> None:
    event = example_event(MessagePostedV1)

    with pytest.raises(ValidationError):
        event.data.text = "changed"
    with pytest.raises(ValidationError):
        event.id = "other"
