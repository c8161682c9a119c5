"""The AsyncAPI document as YAML text."""

from __future__ import annotations

from typing import Any

import yaml

HEADER_COMMENT = "# Generated from libs/contracts by `make asyncapi`. Do not edit.\n"


def render(document: dict[str, Any]) -> str:
    """The document as YAML text, exactly as committed in ``docs/asyncapi.yaml``."""
    body = yaml.dump(
        document, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100, indent=2
    )
    return HEADER_COMMENT + str(body)


def _represent_str(dumper: Any, value: str) -> Any:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


# Safe YAML with multi-line strings as literal blocks, so descriptions stay readable. Built with
# type() because PyYAML has no type hints here, and subclassing Any fails mypy --strict.
# Aliases off: a shared dict must be written out in full, not as a YAML anchor.
_Dumper: Any = type("_Dumper", (yaml.SafeDumper,), {"ignore_aliases": lambda *_: True})
_Dumper.add_representer(str, _represent_str)
