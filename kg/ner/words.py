"""Derive the compact dictionary-word list (``kg/data/ner/words.tsv``) from Arramooz.

Arramooz (Taha Zerrouki, GPL; PyPI ``arramooz-pysqlite``) ships a word-frequency table of ~38k
Arabic words with their part of speech (noun, adjective, verb, proper noun, particle) and a
dictionary of ~30k noun and ~14k verb lemmas. For NER the useful fact is whether an unseen word
is a common dictionary word (a strong sign it is not a name) or a listed proper noun, so the list
keeps, per normalised form, only its word classes and a frequency bucket:

    python -m kg.ner.words [ARRAMOOZ_DATA_DIR] > kg/data/ner/words.tsv

(default: the data folder of an installed ``arramooz`` package). The tagger never imports
arramooz; it reads the derived file.
"""

from __future__ import annotations

import math
import sqlite3
import sys
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

from kg.text import normalize

# Arramooz word_type → one-letter class: P proper noun, N noun, A adjective, V verb, F the rest
# (particles, pronouns, adverbs); lower-case n / v: a lemma of the noun / verb dictionary.
CLASSES = {"noun_prop": "P", "noun": "N", "adj": "A", "verb": "V"}


def _data_dir() -> Path:
    import importlib.util

    spec = importlib.util.find_spec("arramooz")
    if spec is None or spec.origin is None:
        raise SystemExit(
            "arramooz is not installed: pip install arramooz-pysqlite, or pass its data dir"
        )
    return Path(spec.origin).parent / "data"


def rows(data: Path) -> Iterator[tuple[str, str, int]]:
    """(normalised word, classes, frequency bucket 0-7) sorted by word."""
    classes: defaultdict[str, set[str]] = defaultdict(set)
    freq: defaultdict[str, int] = defaultdict(int)
    with sqlite3.connect(data / "wordfreq.sqlite") as db:
        for word, typ, f in db.execute("select unvocalized, word_type, freq from wordfreq"):
            key = normalize(word)
            classes[key].add(CLASSES.get(typ, "F"))
            freq[key] += int(f or 0)
    with sqlite3.connect(data / "arabicdictionary.sqlite") as db:
        for table, code in (("nouns", "n"), ("verbs", "v")):
            for (word,) in db.execute(f"select unvocalized from {table}"):
                classes[normalize(word)].add(code)
    for key in sorted(classes):
        if key:
            bucket = min(7, int(math.log10(freq[key] + 1)))
            yield key, "".join(sorted(classes[key])), bucket


def main(argv: list[str]) -> int:
    data = Path(argv[0]) if argv else _data_dir()
    out = sys.stdout
    out.write(
        "# Derived from Arramooz (Taha Zerrouki; PyPI arramooz-pysqlite 0.4.2; GPL-3.0):\n"
        "# normalised word <TAB> classes (P proper noun, N noun, A adjective, V verb, F other;\n"
        "# n / v: noun / verb dictionary lemma) <TAB> log10 corpus-frequency bucket.\n"
        "# Built by `python -m kg.ner.words` (kg/ner/words.py).\n"
    )
    for key, cls, bucket in rows(data):
        out.write(f"{key}\t{cls}\t{bucket}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
