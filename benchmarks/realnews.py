"""Extraction on real news: the project's scorer over ``../shared/data/realnews-dev``, per type.

    python benchmarks/realnews.py                    # .venv/bin/kg, about 2 minutes
    python benchmarks/realnews.py --kg PATH --json scores.json

Runs ``../shared/tools/realnews_score.py`` (it builds each of the 30 documents with ``kg build``
and scores the graph the way the project is judged) and prints one markdown table: entity recall
per gold type (persons, organisations, GPEs, other places), entity precision, speakers and posts
(org:Membership with the right organisation). Real 2018 news (NTREX-128, CC BY-SA 4.0), annotated
for this project; see the set's README. Where ``../shared`` is missing it says so and exits 0.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SCORER = SHARED / "tools" / "realnews_score.py"
DEV_SET = SHARED / "data" / "realnews-dev"
KINDS = (("persons", "persons"), ("organizations", "organisations"), ("gpe", "GPE"),
         ("places", "other places"))  # fmt: skip
BARS = {"entity recall": 0.90, "entity precision": 0.85, "speakers": 0.80, "posts": 0.80}


def score(kg: str, out: Path) -> dict:
    """The scorer's JSON for ``kg`` (one build per document)."""
    done = subprocess.run(
        [sys.executable, str(SCORER), "--set", str(DEV_SET), "--kg", kg, "--json", str(out)],
        capture_output=True,
        text=True,
    )
    if done.returncode:
        sys.exit(f"realnews_score.py failed: {done.stdout[-500:]}{done.stderr[-500:]}")
    scores: dict = json.loads(out.read_text(encoding="utf-8"))
    return scores


def table(scores: dict, gold: dict) -> list[tuple[str, int, int]]:
    """(measure, found, of) rows: recall per gold type, then the scorer's totals."""
    totals = Counter[str]()
    missed = Counter[str]()
    for key, result in scores["documents"].items():
        for kind, _ in KINDS:
            totals[kind] += len(gold[key].get(kind, []))
        for miss in result["misses"]:
            missed[miss.partition(":")[0]] += 1
    rows = [(f"recall: {name}", totals[kind] - missed[kind], totals[kind]) for kind, name in KINDS]
    total = scores["total"]
    rows += [
        ("entity recall", *total["entities"]),
        ("entity precision", *total["precision"]),
        ("speakers", *total["speakers"]),
        ("posts", *total["posts"]),
    ]
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kg", default=str(ROOT / ".venv" / "bin" / "kg"), help="the kg command")
    parser.add_argument("--json", type=Path, help="also keep the scorer's JSON here")
    args = parser.parse_args(argv)
    if not SCORER.is_file() or not (DEV_SET / "gold.json").is_file():
        print(f"skipped: {DEV_SET} or {SCORER} not found (they live in ../shared)")
        return 0
    gold = json.loads((DEV_SET / "gold.json").read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory() as tmp:
        out = args.json or Path(tmp) / "scores.json"
        scores = score(args.kg, out)
    print("| measure (realnews-dev, 30 documents) | found | of | score | bar |")
    print("|---|---|---|---|---|")
    for name, found, of in table(scores, gold):
        bar = BARS.get(name)
        mark = "" if bar is None else f"≥ {bar:.2f} {'✓' if found / of >= bar else '✗'}"
        print(f"| {name} | {found} | {of} | {found / of:.2f} | {mark} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
