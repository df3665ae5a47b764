"""The shipped Arabic word-frequency list (``kg/data/ner/frequency.tsv``, from wordfreq).

The CRF asks it, for a word unseen in training, which inflected variants of the word's stem are in
common use (with the article, plural, pronoun suffix, nisba): common words have them, most new names
(clubs, firms, foreign surnames) do not (see ``FeatureConfig.frequency``). wordfreq is
only needed to *rebuild* the list (``pip install wordfreq``, or the ``data`` extra), never at run
time::

    python -m training.frequency          # rewrites kg/data/ner/frequency.tsv (in the repository)

Data: wordfreq by Robyn Speer (https://doi.org/10.5281/zenodo.7199437), its word lists licensed
CC BY-SA 4.0; the derived list is shared under the same licence.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from functools import lru_cache
from importlib.resources.abc import Traversable
from pathlib import Path

from kg.cache import compiled

FREQUENCY = "frequency.tsv"
# Zipf 2.0 = once per 100 million words. Rarer forms are left out: they count as "unknown", which
# keeps the file near 2.4 MB (all 540k forms would be 8 MB).
MIN_ZIPF = 2.0
# Arabic letters only: digits, Latin and punctuation already get shape features.
ARABIC_WORD = re.compile(r"[\u0621-\u064a]+")


def read(lines: Iterable[str]) -> dict[str, int]:
    """Parse ``zipf<TAB>forms`` lines into form → Zipf in tenths (small ints share storage)."""
    out: dict[str, int] = {}
    for line in lines:
        zipf, _, forms = line.partition("\t")
        if forms and not zipf.startswith("#"):
            out.update(dict.fromkeys(forms.split(), round(float(zipf) * 10)))
    return out


@lru_cache(maxsize=4)
def _read_file(path: str, size: int, modified: int) -> dict[str, int]:
    """The table in the file at ``path`` (of that ``size`` and time), read once per process
    (and parsed once per version of the file: :mod:`kg.cache`); callers never change it."""
    source = Path(path)
    return compiled(
        "frequency", [source], lambda: read(source.read_text(encoding="utf-8").splitlines())
    )


class FrequencyTable(Mapping[str, int]):
    """The list at ``path`` (none: empty), read on first use, so loading a model whose features
    do not use it costs nothing (reading it takes ~0.07 s)."""

    def __init__(self, path: Traversable | None) -> None:
        self._path = path
        self._table: dict[str, int] | None = None

    def _load(self) -> dict[str, int]:
        if self._table is None:
            # The tagger's features and the clitic evidence read the same list: one copy per
            # version of the file (keyed by its size and time, so a rewritten file is read anew).
            path = Path(str(self._path)) if self._path is not None else None
            if path is None or not path.is_file():
                self._table = {}
            else:
                stat = path.stat()
                self._table = _read_file(str(path), stat.st_size, stat.st_mtime_ns)
        return self._table

    def __getitem__(self, key: str) -> int:
        return self._load()[key]

    def get(self, key: str, default: int = 0) -> int:  # type: ignore[override]
        return self._load().get(key, default)

    def __iter__(self) -> Iterator[str]:
        return iter(self._load())

    def __len__(self) -> int:
        return len(self._load())
