"""Where the Parley checkout and its locally built tools live."""

from __future__ import annotations

from pathlib import Path

_MARKER = Path("tools") / "build-ferretdb.sh"


def repo_root() -> Path | None:
    """The Parley checkout this library runs in, or None outside one.

    Looked up from the working directory first (so a copy of the library installed elsewhere
    still finds the checkout it is used from), then from this file (editable workspace install).
    """
    for start in (Path.cwd().resolve(), Path(__file__).resolve()):
        for directory in (start, *start.parents):
            if (directory / _MARKER).is_file():
                return directory
    return None


def ferretdb_build_script() -> Path | None:
    """The script that builds FerretDB into `.tools/bin`, if the checkout is found."""
    root = repo_root()
    return root / _MARKER if root else None


def local_ferretdb_binary() -> Path | None:
    """Where `tools/build-ferretdb.sh` puts the FerretDB binary."""
    root = repo_root()
    return root / ".tools" / "bin" / "ferretdb" if root else None
