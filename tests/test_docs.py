"""The README's settings table names every setting a service reads."""

from __future__ import annotations

from pathlib import Path

import pytest

from parley_platform.settings import ServiceSettings

pytestmark = pytest.mark.unit

README = Path(__file__).resolve().parent.parent / "README.md"


def test_readme_documents_every_service_setting() -> None:
    text = README.read_text()
    missing = [
        f"PARLEY_<SERVICE>_{name.upper()}"
        for name in ServiceSettings.model_fields
        if f"`PARLEY_<SERVICE>_{name.upper()}`" not in text
    ]
    assert not missing, f"README.md does not document {missing}"


def test_readme_names_every_gateway_setting() -> None:
    from parley_gateway.settings import GatewaySettings

    text = README.read_text()
    own = set(GatewaySettings.model_fields) - set(ServiceSettings.model_fields)
    missing = [
        name.upper()
        for name in sorted(own)
        if name.upper() not in text and not name.startswith("rate_messages")
    ]
    assert "RATE_MESSAGES_*" in text
    assert not missing, f"README.md does not name {missing}"
