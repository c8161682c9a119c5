import pytest

from parley_contracts import names
from parley_contracts.names import Service

pytestmark = pytest.mark.unit


def test_exchanges_have_the_documented_names_and_types() -> None:
    assert (names.EVENTS_EXCHANGE, names.EVENTS_EXCHANGE_TYPE) == ("parley.events", "topic")
    assert (names.DEAD_LETTER_EXCHANGE, names.DEAD_LETTER_EXCHANGE_TYPE) == (
        "parley.dead-letter",
        "direct",
    )


def test_every_service_has_a_source_uri() -> None:
    assert names.SOURCES[Service.GATEWAY] == "/parley/gateway"
    assert set(names.SOURCES) == set(Service)


def test_queue_names_follow_service_dot_use_case() -> None:
    queue = names.queue_name(Service.TICKETS, "create-ticket-on-chat-end")

    assert queue == "tickets.create-ticket-on-chat-end"
    assert names.dead_letter_queue(queue) == "tickets.create-ticket-on-chat-end.dlq"
    assert names.wait_queue(queue, 5000) == "tickets.create-ticket-on-chat-end.wait.5000"


@pytest.mark.parametrize("use_case", ["", "Has Spaces", "dots.inside", "UPPER"])
def test_malformed_use_cases_are_refused(use_case: str) -> None:
    with pytest.raises(ValueError):
        names.queue_name(Service.ROUTING, use_case)


def test_wait_queues_need_a_positive_delay() -> None:
    with pytest.raises(ValueError):
        names.wait_queue("routing.assign", 0)


def test_header_names() -> None:
    assert names.ATTEMPT_HEADER == "x-parley-attempt"
    assert (names.TRACEPARENT_HEADER, names.TRACESTATE_HEADER) == ("traceparent", "tracestate")
