"""What makes a channel valid: real origins, compiling rules, known countries (A2, V1, V2).

Each check raises ``InvalidInput`` naming the offending field the way a client sent it
(``allowed_origins[1]``, ``rules[0].url_regex``), so the console can point at it.
"""

from __future__ import annotations

import dataclasses
import ipaddress
import re
from urllib.parse import urlsplit

from .channel import Channel, ChannelRule, ChatbotWhen, RuleAction, WidgetSettings
from .countries import ISO_COUNTRIES
from .errors import InvalidInput

_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")
_LABEL = r"[a-z0-9]([a-z0-9-]*[a-z0-9])?"
_HOST = re.compile(rf"^{_LABEL}(\.{_LABEL})*$")
_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")
MAX_URL_REGEX = 500


def _valid_host(host: str) -> bool:
    if ":" in host:
        try:
            ipaddress.IPv6Address(host)
        except ValueError:
            return False
        return True
    return bool(_HOST.match(host))


def normalize_origin(value: str, field: str) -> str:
    """``https://Example.com`` -> ``https://example.com``; anything but an origin is refused."""
    text = value.strip()
    if text == "*" or "*" in text:
        raise InvalidInput(f"{field}: wildcards are not allowed; list each origin")
    parts = urlsplit(text)
    try:
        port = parts.port
    except ValueError as exc:
        raise InvalidInput(f"{field}: bad port in {value!r}") from exc
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("http", "https") or not _valid_host(host):
        raise InvalidInput(f"{field}: {value!r} is not an origin like https://example.com")
    if parts.path not in ("", "/") or parts.query or parts.fragment or parts.username:
        raise InvalidInput(f"{field}: an origin has no path, query, fragment or user")
    if ":" in host:
        host = f"[{host}]"
    return f"{parts.scheme}://{host}" + (f":{port}" if port is not None else "")


def validate_rule(rule: ChannelRule, field: str) -> ChannelRule:
    """The rule with countries upper-cased, or InvalidInput naming the broken part."""
    if len(rule.url_regex) > MAX_URL_REGEX:
        raise InvalidInput(f"{field}.url_regex: longer than {MAX_URL_REGEX} characters")
    try:
        re.compile(rule.url_regex)
    except re.error as exc:
        raise InvalidInput(f"{field}.url_regex: does not compile: {exc}") from exc
    countries = tuple(code.strip().upper() for code in rule.countries)
    for index, code in enumerate(countries):
        if code not in ISO_COUNTRIES:
            raise InvalidInput(
                f"{field}.countries[{index}]: {code!r} is not an ISO 3166-1 alpha-2 code"
            )
    if rule.action is RuleAction.OPEN_AFTER and rule.open_after_seconds is None:
        raise InvalidInput(f"{field}.open_after_seconds: required when action is open_after")
    if rule.open_after_seconds is not None and not 0 <= rule.open_after_seconds <= 86_400:
        raise InvalidInput(f"{field}.open_after_seconds: must be between 0 and 86400")
    return ChannelRule(
        sequence=rule.sequence,
        url_regex=rule.url_regex,
        countries=countries,
        action=rule.action,
        open_after_seconds=rule.open_after_seconds,
        chatbot_script_id=rule.chatbot_script_id,
        chatbot_when=rule.chatbot_when,
    )


def validate_widget(widget: WidgetSettings) -> None:
    for name in ("button_color", "header_color"):
        if not _COLOR.match(getattr(widget, name)):
            raise InvalidInput(f"widget.{name}: a colour like #2f6fed")
    if widget.language is not None and not _LANGUAGE.match(widget.language):
        raise InvalidInput("widget.language: a language tag like en or pt-BR")


def validated_channel(channel: Channel) -> Channel:
    """``channel`` in its canonical form (origins normalised, rules ordered by sequence)."""
    if not channel.name.strip():
        raise InvalidInput("name: must not be empty")
    origins: list[str] = []
    for index, origin in enumerate(channel.allowed_origins):
        normalized = normalize_origin(origin, f"allowed_origins[{index}]")
        if normalized not in origins:
            origins.append(normalized)
    validate_widget(channel.widget)
    rules = [validate_rule(rule, f"rules[{i}]") for i, rule in enumerate(channel.rules)]
    rules.sort(key=lambda rule: rule.sequence)
    if not 10 <= channel.request_timeout_seconds <= 86_400:
        raise InvalidInput("request_timeout_seconds: must be between 10 and 86400")
    if not 10 <= channel.answer_timeout_seconds <= 3_600:
        raise InvalidInput("answer_timeout_seconds: must be between 10 and 3600")
    return dataclasses.replace(
        channel, name=channel.name.strip(), allowed_origins=tuple(origins), rules=tuple(rules)
    )


def matching_rule(channel: Channel, url: str | None, country: str | None) -> ChannelRule | None:
    """The first rule by sequence whose URL pattern matches somewhere in the page URL and whose
    countries (none: all) include the visitor's; None when no rule matches (V2)."""
    wanted = country.upper() if country else None
    for rule in sorted(channel.rules, key=lambda r: r.sequence):
        if rule.countries and wanted not in rule.countries:
            continue
        if re.search(rule.url_regex, url or ""):
            return rule
    return None


def chatbot_to_run(rule: ChannelRule | None, operator_available: bool) -> str | None:
    """The script the rule runs, given whether an operator of the channel is online (V2, B1)."""
    if rule is None or rule.chatbot_script_id is None or rule.action is RuleAction.HIDE:
        return None
    if rule.chatbot_when is ChatbotWhen.NO_OPERATOR and operator_available:
        return None
    if rule.chatbot_when is ChatbotWhen.OPERATOR_AVAILABLE and not operator_available:
        return None
    return rule.chatbot_script_id
