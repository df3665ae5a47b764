"""Derive the shipped Arabic word-frequency list (``kg/data/ner/frequency.tsv``) from wordfreq.

The CRF asks it, for a word unseen in training, which inflected variants of the word's stem are in
common use (with the article, plural, pronoun suffix, nisba): common words have them, most new names
(clubs, firms, foreign surnames) do not (see ``FeatureConfig.frequency``). wordfreq is
only needed to *rebuild* the list (``pip install wordfreq``, or the ``data`` extra), never at run
time::

    python -m kg.ner.frequency            # rewrites kg/data/ner/frequency.tsv

Data: wordfreq by Robyn Speer (https://doi.org/10.5281/zenodo.7199437), its word lists licensed
CC BY-SA 4.0; the derived list is shared under the same licence.
"""

from __future__ import annotations

import argparse
import math
import re
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from functools import lru_cache
from importlib.resources.abc import Traversable
from pathlib import Path

from kg.cache import compiled
from kg.text import normalize

FREQUENCY = "frequency.tsv"
# Zipf 2.0 = once per 100 million words. Rarer forms are left out: they count as "unknown", which
# keeps the file near 2.4 MB (all 540k forms would be 8 MB).
MIN_ZIPF = 2.0
# Arabic letters only: digits, Latin and punctuation already get shape features.
ARABIC_WORD = re.compile(r"[\u0621-\u064a]+")


def derive(min_zipf: float = MIN_ZIPF, wordlist: str = "large") -> dict[str, int]:
    """Normalised form (as :func:`kg.text.normalize`) → Zipf frequency in tenths, from wordfreq's
    Arabic list; forms that normalise alike (أ/ا, ة/ه, ى/ي) pool their frequencies."""
    try:
        import wordfreq
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise SystemExit("wordfreq is not installed: pip install wordfreq") from exc
    pooled: dict[str, float] = {}
    for word, freq in wordfreq.get_frequency_dict("ar", wordlist=wordlist).items():
        norm = normalize(word)
        if ARABIC_WORD.fullmatch(norm):
            pooled[norm] = pooled.get(norm, 0.0) + freq
    out: dict[str, int] = {}
    for norm, freq in pooled.items():
        tenths = round((math.log10(freq) + 9) * 10)
        if tenths >= round(min_zipf * 10):
            out[norm] = tenths
    return out


def write(table: Mapping[str, int], path: Path, min_zipf: float = MIN_ZIPF) -> None:
    """Write one line per Zipf value, ``zipf<TAB>form form ...`` (most frequent first, forms
    sorted: reproducible); grouping keeps the file small and quick to load."""
    from importlib.metadata import version as dist_version

    groups: dict[int, list[str]] = {}
    for norm, tenths in table.items():
        groups.setdefault(tenths, []).append(norm)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(
            f"# Arabic word frequencies from wordfreq {dist_version('wordfreq')} (Robyn Speer, "
            "https://doi.org/10.5281/zenodo.7199437), CC BY-SA 4.0.\n"
            "# Zipf frequency (log10 per billion words) <TAB> normalised forms with that "
            f"frequency; forms under {min_zipf} omitted.\n"
        )
        for tenths in sorted(groups, reverse=True):
            fh.write(f"{tenths / 10:.1f}\t{' '.join(sorted(groups[tenths]))}\n")


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


def main(argv: Sequence[str] | None = None) -> int:
    """Rebuild the shipped frequency list from the installed wordfreq."""
    ap = argparse.ArgumentParser(prog="python -m kg.ner.frequency", description=__doc__)
    default = Path(__file__).resolve().parents[1] / "data" / "ner" / FREQUENCY
    ap.add_argument("--out", type=Path, default=default)
    ap.add_argument("--min-zipf", type=float, default=MIN_ZIPF)
    args = ap.parse_args(argv)
    table = derive(args.min_zipf)
    write(table, args.out, args.min_zipf)
    print(f"{args.out}: {len(table)} forms", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
