"""Client frames: one error code per kind of mistake, with the field path for schema errors."""

from __future__ import annotations

import pytest

from parley_gateway.entrypoints.ws.client_frames import Rate, SendMessage, VisitorHello
from parley_gateway.entrypoints.ws.parsing import agent_parser, visitor_parser
from parley_gateway.entrypoints.ws.server_frames import Error

pytestmark = pytest.mark.unit

parse = visitor_parser(65_536).parse


def error_of(text: str) -> tuple[str, str | None, str | None]:
    result = parse(text)
    assert isinstance(result, Error)
    return result.code, result.path, result.ref


def test_valid_frames_become_their_models() -> None:
    assert isinstance(parse('{"type": "hello", "visitor_token": "t"}'), VisitorHello)
    frame = parse('{"type": "rate", "conversation_id": "c1", "rating": "okay", "ref": "r"}')
    assert isinstance(frame, Rate) and frame.ref == "r"


def test_unknown_fields_are_ignored_so_newer_clients_still_talk() -> None:
    frame = parse(
        '{"type": "message", "conversation_id": "c", "client_message_id": "m", "text": "hi",'
        ' "added_in_1_3": true}'
    )
    assert isinstance(frame, SendMessage) and frame.text == "hi"


def test_malformed_json_is_bad_json() -> None:
    assert error_of('{"type": ') == ("bad_json", None, None)


def test_an_unknown_type_is_unknown_type_with_the_ref_echoed() -> None:
    assert error_of('{"type": "dance", "ref": "r7"}') == ("unknown_type", None, "r7")


def test_a_frame_of_the_other_socket_is_an_unknown_type() -> None:
    assert error_of('{"type": "accept", "conversation_id": "c"}')[0] == "unknown_type"
    assert not isinstance(
        agent_parser(65_536).parse('{"type": "accept", "conversation_id": "c"}'), Error
    )


def test_wrong_field_types_are_not_coerced() -> None:
    assert error_of('{"type": "typing", "conversation_id": "c", "typing": "yes"}')[:2] == (
        "bad_frame",
        "typing",
    )
    assert error_of('{"type": "resume", "conversation_id": "c", "after_seq": "5"}')[:2] == (
        "bad_frame",
        "after_seq",
    )


def test_nested_fields_are_named_by_their_dotted_path() -> None:
    assert error_of('{"type": "hello", "page": {"url": 5}}')[:2] == ("bad_frame", "page.url")


def test_a_frame_over_the_limit_is_too_large() -> None:
    small = visitor_parser(1_024).parse
    result = small('{"type": "ping", "pad": "' + "é" * 600 + '"}')
    assert isinstance(result, Error) and result.code == "too_large"
