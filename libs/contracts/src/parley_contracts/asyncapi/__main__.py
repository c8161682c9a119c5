"""``python -m parley_contracts.asyncapi [PATH] [--check]``: write or check the document."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from parley_contracts.asyncapi import build_document, render


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m parley_contracts.asyncapi",
        description="Generate Parley's AsyncAPI 3.0.0 document from libs/contracts.",
    )
    parser.add_argument("path", nargs="?", type=Path, help="file to write; stdout when omitted")
    parser.add_argument("--check", action="store_true", help="exit 1 when PATH is stale")
    args = parser.parse_args(argv)
    text = render(build_document())
    if args.path is None:
        sys.stdout.write(text)
        return 0
    if args.check:
        current = args.path.read_text(encoding="utf-8") if args.path.exists() else ""
        if current != text:
            print(f"{args.path} is stale: run `make asyncapi`", file=sys.stderr)
            return 1
        return 0
    args.path.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
