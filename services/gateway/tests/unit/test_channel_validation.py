"""Channel validation: origins, display rules, widget colours (A2, V1, V2)."""

from __future__ import annotations

import pytest

from parley_gateway.domain.channel import Channel, ChannelRule, RuleAction, WidgetSettings
from parley_gateway.domain.channel_rules import normalize_origin, validated_channel
from parley_gateway.domain.errors import InvalidInput

pytestmark = pytest.mark.unit


def _channel(**changes: object) -> Channel:
    values: dict[str, object] = {
        "id": "chn_1",
        "name": "Shop",
        "group_ids": frozenset(),
        "secret": "s",
    }
    return Channel(**{**values, **changes})  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("origin", "expected"),
    [
        ("https://Shop.Example.com", "https://shop.example.com"),
        ("http://localhost:8000/", "http://localhost:8000"),
        ("http://[::1]:8080", "http://[::1]:8080"),
        ("https://xn--bcher-kva.example", "https://xn--bcher-kva.example"),
    ],
)
def test_origins_are_normalised(origin: str, expected: str) -> None:
    assert normalize_origin(origin, "allowed_origins[0]") == expected


@pytest.mark.parametrize(
    "origin",
    [
        "*",
        "https://*.example.com",
        "ftp://example.com",
        "example.com",
        "https://x.com/path",
        "https://x.com?q=1",
        "https://user@x.com",
        "https://bad_host.com",
        "http://x.com:99999",
    ],
)
def test_anything_but_an_origin_is_refused(origin: str) -> None:
    with pytest.raises(InvalidInput, match=r"allowed_origins\[0\]"):
        normalize_origin(origin, "allowed_origins[0]")


def test_rules_are_ordered_by_sequence_and_countries_upper_cased() -> None:
    channel = validated_channel(
        _channel(rules=(ChannelRule(9, countries=("de",)), ChannelRule(1, url_regex="/cart")))
    )
    assert [rule.sequence for rule in channel.rules] == [1, 9]
    assert channel.rules[1].countries == ("DE",)


def test_a_regex_that_does_not_compile_is_named() -> None:
    with pytest.raises(InvalidInput, match=r"rules\[0\]\.url_regex"):
        validated_channel(_channel(rules=(ChannelRule(1, url_regex="[unclosed"),)))


def test_an_unassigned_country_code_is_refused() -> None:
    with pytest.raises(InvalidInput, match=r"rules\[0\]\.countries\[1\]"):
        validated_channel(_channel(rules=(ChannelRule(1, countries=("FR", "UK")),)))


def test_open_after_needs_its_delay() -> None:
    with pytest.raises(InvalidInput, match="open_after_seconds"):
        validated_channel(_channel(rules=(ChannelRule(1, action=RuleAction.OPEN_AFTER),)))


def test_widget_colours_must_be_hex() -> None:
    with pytest.raises(InvalidInput, match=r"widget\.header_color"):
        validated_channel(_channel(widget=WidgetSettings(header_color="blue")))


def test_duplicate_origins_collapse() -> None:
    channel = validated_channel(
        _channel(allowed_origins=("https://a.example", "https://A.example/"))
    )
    assert channel.allowed_origins == ("https://a.example",)


def test_a_blank_name_is_refused() -> None:
    with pytest.raises(InvalidInput, match="name"):
        validated_channel(_channel(name="  "))
