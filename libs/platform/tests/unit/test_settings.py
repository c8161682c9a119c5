"""Settings: one pair of plain variables points every service at the same servers."""

from __future__ import annotations

import pytest

from parley_platform.settings import ServiceSettings

pytestmark = pytest.mark.unit


def test_plain_server_urls_are_used_when_no_prefixed_one_is_set(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("RABBITMQ_URL", "amqp://shared/")
    monkeypatch.setenv("MONGODB_URL", "mongodb://shared/")
    settings = ServiceSettings(service_name="routing")
    assert settings.rabbitmq_url == "amqp://shared/"
    assert settings.mongodb_url == "mongodb://shared/"
    assert settings.database == "parley_routing"


def test_prefixed_url_wins_over_the_plain_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RABBITMQ_URL", "amqp://shared/")
    monkeypatch.setenv("PARLEY_RABBITMQ_URL", "amqp://own/")
    assert ServiceSettings().rabbitmq_url == "amqp://own/"
