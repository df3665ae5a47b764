"""Rebuild the shipped Arabic word-frequency list (``kg/data/ner/frequency.tsv``) from wordfreq
(``pip install 'kg[data]'``): ``python -m training.frequency``. Not installed with kg; kg reads
the list with :mod:`kg.ner.frequency`.

Data: wordfreq by Robyn Speer (https://doi.org/10.5281/zenodo.7199437), its word lists licensed
CC BY-SA 4.0; the derived list is shared under the same licence.
"""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from kg.ner.frequency import ARABIC_WORD, FREQUENCY, MIN_ZIPF
from kg.text import normalize


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


def main(argv: Sequence[str] | None = None) -> int:
    """Rebuild the shipped frequency list from the installed wordfreq."""
    ap = argparse.ArgumentParser(prog="python -m training.frequency", description=__doc__)
    default = Path(__file__).resolve().parents[1] / "kg" / "data" / "ner" / FREQUENCY
    ap.add_argument("--out", type=Path, default=default)
    ap.add_argument("--min-zipf", type=float, default=MIN_ZIPF)
    args = ap.parse_args(argv)
    table = derive(args.min_zipf)
    write(table, args.out, args.min_zipf)
    print(f"{args.out}: {len(table)} forms", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
