"""Card numbers in visitor text are masked before storage; everything else is left alone."""

from __future__ import annotations

import pytest

from parley_gateway.domain.masking import luhn_valid, mask_card_numbers, mask_ip

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("4111111111111111", "**** **** **** 1111"),  # Visa
        ("my card is 4111 1111 1111 1111.", "my card is **** **** **** 1111."),
        ("4111-1111-1111-1111", "**** **** **** 1111"),
        ("4012888888881881 thanks", "**** **** **** 1881 thanks"),  # Visa
        ("4222222222222", "**** **** **** 2222"),  # Visa, 13 digits
        ("5555 5555 5555 4444", "**** **** **** 4444"),  # Mastercard
        ("2223003122003222", "**** **** **** 3222"),  # Mastercard 2-series
        ("378282246310005", "**** **** **** 0005"),  # Amex
        ("3782 822463 10005", "**** **** **** 0005"),  # Amex as printed
        ("6011111111111117", "**** **** **** 1117"),  # Discover
        ("order 1234 4111 1111 1111 1111 ok", "order 1234 **** **** **** 1111 ok"),
        ("ORD-4111111111111111X", "ORD-**** **** **** 1111X"),  # letters do not hide it
        (
            "two: 4111111111111111 and 5555555555554444",
            "two: **** **** **** 1111 and **** **** **** 4444",
        ),
    ],
)
def test_luhn_valid_card_numbers_are_masked_keeping_the_last_four(text: str, expected: str) -> None:
    assert mask_card_numbers(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "4111 1111 1111 1112",  # fails the Luhn check
        "5555555555554445",
        "call me on +49 30 12345678",  # phone numbers
        "+1 (415) 555-2671",
        "0044 20 7946 0958",
        "order #2024-000123",  # order numbers
        "order 100023456",
        "123456789012",  # 12 digits: too short
        "12345678901234567890123",  # 23 digits in one run: no card
        "4111  1111 1111 1111",  # double space: not one number
        "",
    ],
)
def test_other_numbers_are_left_alone(text: str) -> None:
    assert mask_card_numbers(text) == text


@pytest.mark.parametrize(
    ("digits", "valid"),
    [("4111111111111111", True), ("4111111111111112", False), ("79927398713", True), ("0", True)],
)
def test_luhn_check(digits: str, valid: bool) -> None:
    assert luhn_valid(digits) is valid


@pytest.mark.parametrize(
    ("address", "masked"),
    [
        ("203.0.113.42", "203.0.113.0"),
        ("2001:db8:1234:5678::1", "2001:db8:1234::"),
        ("not an address", None),
        (None, None),
    ],
)
def test_ip_addresses_keep_only_their_network(address: str | None, masked: str | None) -> None:
    assert mask_ip(address) == masked
