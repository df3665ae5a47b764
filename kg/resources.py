"""Access to the data files shipped in ``kg/data`` (lexicons, ontology, models)."""

from __future__ import annotations

from importlib.resources import as_file, files
from pathlib import Path

from kg.errors import ModelError


def data_path(relative: str) -> Path:
    """Filesystem path of a shipped data file, e.g. ``"lexicons/honorifics.txt"``."""
    resource = files("kg") / "data" / relative
    with as_file(resource) as path:
        if not path.exists():
            raise ModelError(f"{path}: shipped data file is missing; reinstall kg")
        return path


def read_lexicon(relative: str) -> tuple[str, ...]:
    """Entries of a one-per-line lexicon file; ``#`` comment lines and blanks are skipped.

    >>> "السيد" in read_lexicon("lexicons/honorifics.txt")
    True
    """
    text = data_path(relative).read_text(encoding="utf-8")
    return tuple(
        line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")
    )


def data_files(*folders: str) -> list[Path]:
    """The shipped data files directly in each of ``folders`` (under ``kg/data``), sorted: the
    sources of a table compiled from them (:func:`kg.cache.compiled`).

    >>> any(p.name == "honorifics.txt" for p in data_files("lexicons"))
    True
    """
    found: list[Path] = []
    for folder in folders:
        with as_file(files("kg") / "data" / folder) as path:
            found.extend(p for p in path.iterdir() if p.is_file())
    return sorted(found)
