"""benchmarks/mentions.py scores the whole extractor stack on a CoNLL file."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO

SCRIPT = REPO / "benchmarks" / "mentions.py"
# Nested labels as Wojood writes them (outermost first); GPE counts as a place.
CONLL = """وقالت B-ORG
وزارة I-ORG B-ORG
الزراعة I-ORG I-ORG
الفنلندية I-ORG
إن O
الوفد O
وصل O
إلى O
هلسنكي B-GPE
أمس O
. O
"""


def test_mentions_benchmark_prints_a_table_for_the_tagger_and_the_rules(tmp_path: Path) -> None:
    conll = tmp_path / "gold.txt"
    conll.write_text(CONLL.replace("وقالت B-ORG", "وقالت O"), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(SCRIPT), str(conll), "--show", "added"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=REPO,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    rows = [line for line in done.stdout.splitlines() if line.startswith("| tagger")]
    assert len(rows) == 8  # PERS, ORG, LOC and all, for each stack
    loc = next(line for line in rows if line.startswith("| tagger + rules | LOC |"))
    assert loc.endswith("| 1 |")  # one gold place
    # The tagger alone misses the ministry; the phrase grammar adds it, nisba included.
    assert "| tagger | ORG | 0.000 | 0.000 | 0.000 | 1 |" in rows
    assert "| tagger + rules | ORG | 1.000 | 1.000 | 1.000 | 1 |" in rows
    assert "+ ORG وزارة الزراعة الفنلندية" in done.stdout.splitlines()


def test_mentions_benchmark_names_a_missing_file(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(SCRIPT), str(tmp_path / "none.txt")],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=REPO,
        timeout=60,
    )
    assert done.returncode == 2 and "none.txt: no such file" in done.stderr
