"""English labels on real news: how many persons and places get the English name their Wikipedia
page uses, and how many entities have an English label at all.

    python benchmarks/english.py            # builds ../shared/data/realnews-dev, ~30 s

The 30 documents are built with `kg build`; each gold person and place that kg found (an
entity whose label or other labels is one of the gold's Arabic forms) is compared with the
English name written by hand in ``benchmarks/data/realnews_english.tsv`` (case and diacritics
aside; "loose" also ignores hyphens, dots and apostrophes). The table is for this measurement
only: no code or table of kg reads it.
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys
import tempfile
import unicodedata
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEV = ROOT.parent / "shared" / "data" / "realnews-dev"
NAMES = Path(__file__).resolve().parent / "data" / "realnews_english.tsv"
BAR_EXACT, BAR_LABELLED = 0.80, 0.95

sys.path.insert(0, str(ROOT))

from kg.text import normalize  # noqa: E402


def folded(name: str, *, loose: bool = False) -> str:
    """Case and diacritics aside (and, loose, hyphens, dots and apostrophes)."""
    text = "".join(
        c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c)
    ).casefold()
    if loose:
        for mark in "-.'’":
            text = text.replace(mark, " ")
    return " ".join(text.split())


def main() -> int:
    if not DEV.is_dir():
        raise SystemExit(f"{DEV}: the dev documents are not here")
    english = {}
    for line in NAMES.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            arabic, name = line.split("\t")
            english[normalize(arabic)] = name
    gold = json.loads((DEV / "gold.json").read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "out"
        subprocess.run(
            [sys.executable, "-m", "kg.cli", "build", str(DEV / "docs"), "--out", str(out)],
            cwd=ROOT, check=True, capture_output=True,
        )  # fmt: skip
        with open(out / "entities.csv", encoding="utf-8") as stream:
            rows = list(csv.DictReader(stream))
    by_form: dict[str, dict[str, str]] = {}
    for row in rows:
        for form in [row["label"], *filter(None, row["alt_labels"].split("|"))]:
            by_form.setdefault(normalize(form), row)
    found = exact = loose = 0
    sources: Counter[str] = Counter()
    misses = []
    seen = set()
    for key, doc in gold.items():
        if key.startswith("_"):
            continue
        for kind in ("persons", "gpe", "places"):
            for forms in doc.get(kind, []):
                wanted = english.get(normalize(forms[0]))
                row = next((by_form[f] for f in map(normalize, forms) if f in by_form), None)
                if wanted is None or row is None or row["id"] in seen:
                    continue
                seen.add(row["id"])
                found += 1
                sources[row["label_source"]] += 1
                if folded(row["label_en"]) == folded(wanted):
                    exact += 1
                elif folded(row["label_en"], loose=True) == folded(wanted, loose=True):
                    loose += 1
                else:
                    misses.append((forms[0], row["label_en"], row["label_source"], wanted))
    labelled = sum(1 for row in rows if row["label_en"])
    print(f"realnews-dev: {len(rows)} entities; {found} gold persons and places found by kg\n")
    print("| measured | value | bar |")
    print("|---|---:|---|")
    share = exact / found if found else 0.0
    print(f"| exact English name (case, diacritics aside) | {exact}/{found} = {share:.2f} "
          f"| ≥ {BAR_EXACT:.2f}: {'PASS' if share >= BAR_EXACT else 'FAIL'} |")  # fmt: skip
    print(
        f"| … also ignoring hyphens, dots, apostrophes | {(exact + loose) / max(found, 1):.2f} | |"
    )
    coverage = labelled / len(rows) if rows else 0.0
    verdict = "PASS" if coverage >= BAR_LABELLED else "FAIL"
    print(f"| entities with an English label | {labelled}/{len(rows)} = {coverage:.2f} "
          f"| ≥ {BAR_LABELLED:.2f}: {verdict} |")  # fmt: skip
    print("\nlabel sources of the gold persons and places:", dict(sources.most_common()))
    if "--show" in sys.argv:
        for arabic, got, source, wanted in misses:
            print(f"  {arabic}: {got!r} ({source}), wanted {wanted!r}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
