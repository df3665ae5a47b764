"""English labels on real news: how many persons and places get the English name their Wikipedia
page uses, and how many entities have an English label at all.

    python benchmarks/english.py            # builds ../shared/data/realnews-dev, ~30 s
    python benchmarks/english.py --ceiling  # and the most any choice of table spellings gets

The 30 documents are built with `kg build`; each gold person and place that kg found (an
entity whose label or other labels is one of the gold's Arabic forms) is compared with the
English name written by hand in ``benchmarks/data/realnews_english.tsv`` (case and diacritics
aside; "loose" also ignores hyphens, dots and apostrophes). The table is for this measurement
only: no code or table of kg reads it.

``--ceiling`` also counts the entities that *any* choice among the offline spellings could name
exactly: a person whose Arabic title is listed with the right English title, or each of whose
name words has the right English spelling among all those the Wikidata name-token pairs
(``../shared/data/wikidata-name-pairs``, every spelling, not only the most common), the shipped
name-word table, the romanizer's Wikidata index and arabnamer's dictionary give it; every place
counts as reachable (as if a perfect gazetteer named it). It is an upper bound for table-based
naming: what no table spells right, only a transliteration model guessing the exact spelling can.
"""

from __future__ import annotations

import csv
import importlib.util
import json
import sqlite3
import subprocess
import sys
import tempfile
import unicodedata
from collections import Counter
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEV = ROOT.parent / "shared" / "data" / "realnews-dev"
NAMES = Path(__file__).resolve().parent / "data" / "realnews_english.tsv"
PAIRS = ROOT.parent / "shared" / "data" / "wikidata-name-pairs" / "ar_en_person_name_tokens.tsv"
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
    found = exact = loose = reachable = 0
    spellings = _all_spellings() if "--ceiling" in sys.argv else {}
    titles = _titles() if spellings else {}
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
                if spellings and (
                    kind != "persons"
                    or folded(row["label_en"]) == folded(wanted)
                    or _spellable(normalize(forms[0]), wanted, spellings, titles)
                ):
                    reachable += 1
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
    if spellings:
        print(
            f"| ceiling: any choice among the offline spellings (places all counted) "
            f"| {reachable}/{found} = {reachable / max(found, 1):.2f} | |"
        )
    print("\nlabel sources of the gold persons and places:", dict(sources.most_common()))
    if "--show" in sys.argv:
        for arabic, got, source, wanted in misses:
            print(f"  {arabic}: {got!r} ({source}), wanted {wanted!r}")
    return 0


def _spellable(
    key: str, wanted: str, spellings: dict[str, set[str]], titles: dict[str, str]
) -> bool:
    """Whether the tables list ``wanted`` for the Arabic name ``key``: as the English title of
    its Arabic title, or word by word among the spellings of its name words."""
    if key in titles and folded(titles[key]) == folded(wanted):
        return True
    words, english = key.split(), folded(wanted, loose=True).split()
    return len(words) == len(english) and all(
        spelled in spellings.get(word, ()) for word, spelled in zip(words, english, strict=True)
    )


def _all_spellings() -> dict[str, set[str]]:
    """Normalised Arabic name word -> every English spelling (folded) an offline table gives."""
    found: dict[str, set[str]] = {}
    for arabic, english in _spelling_pairs():
        found.setdefault(normalize(arabic), set()).add(folded(english, loose=True))
    return found


def _spelling_pairs() -> Iterator[tuple[str, str]]:
    if PAIRS.is_file():
        with open(PAIRS, encoding="utf-8") as stream:
            next(stream)  # the header
            for line in stream:
                arabic, english, _ = line.rstrip("\n").split("\t")
                yield arabic, english
    shipped = ROOT / "kg" / "data" / "english" / "name_tokens.tsv"
    for line in shipped.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            word, english = line.split("\t")[:2]
            yield word, english
    romanizer = _package_folder("arabic_name_romanizer")
    if romanizer is not None and (romanizer / "resources" / "names.sqlite3").is_file():
        index = romanizer / "resources" / "names.sqlite3"
        with closing(sqlite3.connect(f"file:{index}?mode=ro", uri=True)) as db:
            yield from db.execute("SELECT arabic_key, latin FROM units")
    arabnamer = _package_folder("arabnamer")
    if arabnamer is not None and (arabnamer / "data" / "dict_FINAL.json").is_file():
        names = json.loads((arabnamer / "data" / "dict_FINAL.json").read_text(encoding="utf-8"))
        for english, arabic in names.items():
            yield arabic.strip(), english


def _package_folder(name: str) -> Path | None:
    """A package's folder, found without importing it (arabnamer needs xgboost to import)."""
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def _titles() -> dict[str, str]:
    """Normalised Arabic Wikipedia title -> English title (the shipped title table)."""
    shipped = ROOT / "kg" / "data" / "english" / "wikipedia_titles.tsv"
    titles = {}
    for line in shipped.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) >= 3 and not line.startswith("#"):
            titles[parts[0]] = parts[2]
    return titles


if __name__ == "__main__":
    raise SystemExit(main())
