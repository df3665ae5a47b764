"""Access to the data files shipped in ``kg/data`` (lexicons, ontology, models)."""

from __future__ import annotations

from functools import lru_cache
from importlib.resources import as_file, files
from pathlib import Path

from kg.errors import ModelError
from kg.text import is_normal_form, normalize

TITLES = "lexicons/titles.tsv"


def data_path(relative: str) -> Path:
    """Filesystem path of a shipped data file, e.g. ``"lexicons/titles.tsv"``."""
    resource = files("kg") / "data" / relative
    with as_file(resource) as path:
        if not path.exists():
            raise ModelError(f"{path}: shipped data file is missing; reinstall kg")
        return path


def entries(text: str) -> list[str]:
    r"""The entries of a list or table file's ``text``: its lines without surrounding spaces
    (tabs stay: a table's first or last cell may be empty), ``#`` comment lines and blank lines
    skipped. Every shipped list and table is read through it.

    >>> entries("# a list\nالسيد \n\n\tالشيخ")
    ['السيد', '\tالشيخ']
    """
    return [
        line.strip(" ") for line in text.splitlines() if line.strip() and not line.startswith("#")
    ]


def normalized_entries(text: str) -> list[str]:
    """:func:`entries` in their matching form (:func:`kg.text.normalize`). The derived lists
    are written normalised already, and checking that is ten times quicker than normalising."""
    body = "\n".join(entries(text))
    return (body if is_normal_form(body) else normalize(body)).splitlines()


def read_lexicon(relative: str) -> tuple[str, ...]:
    """Entries of a one-per-line lexicon file under ``kg/data`` (:func:`entries`).

    >>> "و" in read_lexicon("lexicons/proclitics.txt")
    True
    """
    return tuple(entries(data_path(relative).read_text(encoding="utf-8")))


def read_table(relative: str) -> list[tuple[str, ...]]:
    """Rows of a tab-separated data file under ``kg/data``, each cell stripped.

    >>> ("أضاف", "Statement", "verb", "follows,say") in read_table("events/triggers.tsv")
    True
    """
    return [tuple(cell.strip() for cell in row.split("\t")) for row in read_lexicon(relative)]


# What an entry of the titles table (lexicons/titles.tsv) can be; its header says what each means.
TITLE_KINDS = ("title", "honorific", "post", "rank")


@lru_cache(maxsize=len(TITLE_KINDS))
def titles(kind: str) -> tuple[str, ...]:
    """The entries of the titles table that are ``kind`` (one of TITLE_KINDS), in table order:
    one table for the NER's titles, the forms of address, posts and ranks, so that a word
    listed for one use is seen next to its other uses.

    >>> "السيد" in titles("honorific"), "السيد" in titles("post")
    (True, False)
    """
    if kind not in TITLE_KINDS:
        raise ValueError(f"unknown kind of title {kind!r}; known: {', '.join(TITLE_KINDS)}")
    found = []
    for row in read_table(TITLES):
        if len(row) != 2 or not set(row[1].split(",")) <= set(TITLE_KINDS):
            raise ModelError(f"{data_path(TITLES)}: bad row {row!r} (phrase, kinds)")
        if kind in row[1].split(","):
            found.append(row[0])
    return tuple(found)


TRIGGERS = "events/triggers.tsv"
# The trigger-table flag marking the NER's SAY cues, and the kind of a row that is only that.
SAY_FLAG = "say"
NER_ONLY = "-"


def say_cues() -> tuple[str, ...]:
    """The verbs of the trigger table flagged «say»: what the NER's feature SAY reads (verbs of
    saying, meeting and visiting that go with a person's name), one table with the events'.

    >>> "قال" in say_cues(), "استبعد" in say_cues()
    (True, False)
    """
    return tuple(row[0] for row in read_table(TRIGGERS) if SAY_FLAG in trigger_flags(row))


def trigger_verbs(kind: str) -> tuple[str, ...]:
    """The verbs of the trigger table that open an event of ``kind`` («Statement»: the verbs of
    saying, flagged «say» or not).

    >>> "قالوا" in trigger_verbs("Statement"), "قالوا" in say_cues()
    (True, False)
    """
    return tuple(row[0] for row in read_table(TRIGGERS) if row[1:3] == (kind, "verb"))


def trigger_flags(row: tuple[str, ...]) -> frozenset[str]:
    """The flags of a trigger-table row (its fourth column, comma-separated)."""
    return frozenset(f.strip() for f in row[3].split(",")) if len(row) > 3 else frozenset()


def data_files(*folders: str) -> list[Path]:
    """The shipped data files directly in each of ``folders`` (under ``kg/data``), sorted: the
    sources of a table compiled from them (:func:`kg.cache.compiled`).

    >>> any(p.name == "titles.tsv" for p in data_files("lexicons"))
    True
    """
    found: list[Path] = []
    for folder in folders:
        with as_file(files("kg") / "data" / folder) as path:
            found.extend(p for p in path.iterdir() if p.is_file())
    return sorted(found)
