"""The environment's URLs win, and such servers are left alone."""

from __future__ import annotations

from pathlib import Path

import pytest

from parley_devservers import ServerControlNotSupported, redact, resolve_mongodb, resolve_rabbitmq

pytestmark = pytest.mark.unit


def test_rabbitmq_url_in_environment_is_used_as_is(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("RABBITMQ_URL", "amqp://app:secret@broker.invalid:5672/parley")

    server = resolve_rabbitmq(tmp_path, "test")

    assert (server.kind, server.url) == ("env", "amqp://app:secret@broker.invalid:5672/parley")
    assert not server.can_control
    assert not any(tmp_path.iterdir())


def test_mongodb_url_in_environment_is_used_as_is(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("MONGODB_URL", "mongodb://db.invalid:27017/")

    server = resolve_mongodb(tmp_path, "test")

    assert (server.kind, server.url) == ("env", "mongodb://db.invalid:27017/")


def test_a_server_from_the_environment_cannot_be_taken_away(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("RABBITMQ_URL", "amqp://guest:guest@broker.invalid:5672/")
    server = resolve_rabbitmq(tmp_path, "test")

    server.stop()  # a no-op: not ours to stop
    with pytest.raises(ServerControlNotSupported):
        server.stop_app()


def test_descriptions_hide_passwords(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("RABBITMQ_URL", "amqp://app:secret@broker.invalid:5672/")

    description = resolve_rabbitmq(tmp_path, "test").describe()

    assert "secret" not in description
    assert "amqp://app:***@broker.invalid:5672/" in description


def test_redact_leaves_urls_without_password_unchanged() -> None:
    assert redact("mongodb://127.0.0.1:27017/") == "mongodb://127.0.0.1:27017/"
