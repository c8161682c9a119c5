"""docs/asyncapi.yaml must be current, valid AsyncAPI 3.0.0, and describe what the code sends."""

import difflib
import functools
import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import jsonschema
import pydantic
import pytest
import yaml

from parley_contracts import names
from parley_contracts.asyncapi import build_document, render
from parley_contracts.base import Message, MessageKind
from parley_contracts.examples import example_event
from parley_contracts.registry import ALL_MESSAGES

pytestmark = pytest.mark.unit

REPO = Path(__file__).resolve().parents[4]
COMMITTED = REPO / "docs" / "asyncapi.yaml"
VALIDATOR = Path(__file__).resolve().parents[1] / "asyncapi-validator"
REGENERATE = "run `make asyncapi` (python -m parley_contracts.asyncapi docs/asyncapi.yaml)"


def test_committed_document_is_current() -> None:
    assert COMMITTED.exists(), f"{COMMITTED} is missing: {REGENERATE}"
    committed = COMMITTED.read_text(encoding="utf-8")
    generated = render(build_document())
    if committed != generated:
        diff = difflib.unified_diff(
            committed.splitlines(), generated.splitlines(), "committed", "generated", lineterm=""
        )
        excerpt = "\n".join(list(diff)[:40])
        pytest.fail(f"docs/asyncapi.yaml is stale: {REGENERATE}\n{excerpt}", pytrace=False)


def test_generation_is_deterministic() -> None:
    assert render(build_document()) == render(build_document())


def test_committed_document_is_valid_asyncapi_3() -> None:
    """Validated by the official @asyncapi/parser (JSON Schema of the spec plus its rules)."""
    _install_validator()
    run = subprocess.run(
        ["node", "validate.mjs", str(COMMITTED)],
        cwd=VALIDATOR,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    diagnostics = [json.loads(line) for line in run.stdout.splitlines() if line.startswith("{")]
    errors = [d for d in diagnostics if d["severity"] == "error"]
    report = "\n".join(f"{d['path']}: {d['message']}" for d in errors) or run.stderr
    assert run.returncode == 0 and not errors, f"docs/asyncapi.yaml is invalid:\n{report}"


def test_document_is_asyncapi_3_0_0_with_a_channel_per_routing_key() -> None:
    document = yaml.safe_load(COMMITTED.read_text(encoding="utf-8"))
    sent = [m for m in ALL_MESSAGES if m.KIND is not MessageKind.REPLY]

    assert document["asyncapi"] == "3.0.0"
    assert [document["channels"][m.TYPE]["address"] for m in sent] == [m.TYPE for m in sent]
    bindings = document["components"]["channelBindings"]["parleyEventsExchange"]["amqp"]
    assert bindings["exchange"]["name"] == names.EVENTS_EXCHANGE
    assert bindings["exchange"]["type"] == "topic"
    assert bindings["exchange"]["durable"] is True


@functools.cache
def _document() -> dict[str, Any]:
    return build_document()


@pytest.mark.parametrize("model", ALL_MESSAGES, ids=lambda m: m.TYPE)
def test_what_the_code_sends_matches_the_published_schema(model: type[Message]) -> None:
    payload = f"#/components/messages/{model.__name__}/payload"
    validator = jsonschema.Draft7Validator({**_document(), "$ref": payload})
    body = json.loads(example_event(model).to_json_bytes())

    validator.validate(body)
    with pytest.raises(jsonschema.ValidationError):
        validator.validate(body | {"type": "other.type.v1"})
    empty = body | {"data": {}}
    try:
        model.model_validate({})
    except pydantic.ValidationError:
        with pytest.raises(jsonschema.ValidationError):
            validator.validate(empty)
    else:  # a query whose every field is an optional filter
        validator.validate(empty)


def _install_validator() -> None:
    if (VALIDATOR / "node_modules" / "@asyncapi" / "parser").is_dir():
        return
    npm = shutil.which("npm")
    if npm is None or shutil.which("node") is None:
        pytest.fail("node and npm are needed to validate docs/asyncapi.yaml", pytrace=False)
    run = subprocess.run(
        [npm, "ci", "--no-audit", "--no-fund"],
        cwd=VALIDATOR,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        env={**os.environ, "SCARF_ANALYTICS": "false"},
    )
    if run.returncode != 0:
        pytest.fail(f"npm ci in {VALIDATOR} failed:\n{run.stderr[-2000:]}", pytrace=False)
