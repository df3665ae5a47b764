"""benchmarks/corpus.py: the corpus it builds, and its message when the data is absent."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

from tests.conftest import REPO

SCRIPT = REPO / "benchmarks" / "corpus.py"


def _benchmark() -> ModuleType:
    name = "corpus_benchmark"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while it runs
    spec.loader.exec_module(module)
    return module


def test_corpus_benchmark_replicates_documents_with_new_ids() -> None:
    sentences = [f"جملة رقم {i} ." for i in range(5)]
    records = _benchmark().documents(sentences, 7, per_document=2, prefix="d")
    assert len({r["id"] for r in records}) == 7
    assert records[0]["text"] == "جملة رقم 0 . جملة رقم 1 ."
    assert records[3]["text"] == records[0]["text"]  # three texts, then they repeat


def test_corpus_benchmark_reads_conll_sentences(tmp_path: Path) -> None:
    (tmp_path / "anercorp").mkdir()
    conll = "زار O\nالصفدي B-PERS\nعمان B-LOC\n. O\n\nوصل O\n. O\n"
    (tmp_path / "anercorp" / "train.txt").write_text(conll, encoding="utf-8")
    assert _benchmark().read_sentences(tmp_path) == ["زار الصفدي عمان .", "وصل ."]


def test_corpus_benchmark_skips_without_the_data(tmp_path: Path) -> None:
    missing = tmp_path / "no-data"
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--data", str(missing)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("skipped:") and str(missing) in result.stdout
