"""The dask engine: the same per-document extraction on a Dask cluster, the same graph."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from kg import rdf
from kg.model import Document
from kg.pipeline import BuildConfig, build
from tests.conftest import SEEDS

pytest.importorskip("dask.bag", reason="the dask engine needs the extra: pip install 'kg[dask]'")
distributed = pytest.importorskip(
    "distributed", reason="the dask engine needs the extra: pip install 'kg[dask]'"
)


def test_corpus_dask_build_equals_local_build(news_documents: list[Document]) -> None:
    # Distinct ids, real NER backend: extractors travel to the workers as in a local parallel build.
    documents = [
        Document(f"{doc.id}-{copy}", doc.text) for copy in range(3) for doc in news_documents
    ]
    local = build(documents, BuildConfig(jobs=1))
    # Threads, not processes: starting worker processes would dominate so small a test.
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
    ) as cluster:
        on_dask = build(
            documents, BuildConfig(engine="dask", scheduler=cluster.scheduler_address, jobs=2)
        )
    assert rdf.serialize(on_dask.dataset) == rdf.serialize(local.dataset)
    assert on_dask.entity_rows() == local.entity_rows()


def test_corpus_dask_bad_document_is_reported_not_fatal(news_documents: list[Document]) -> None:
    failed: list[str] = []
    documents = [*news_documents, Document("empty", " ")]
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
    ) as cluster:
        kg = build(
            documents,
            BuildConfig(engine="dask", scheduler=cluster.scheduler_address, jobs=2),
            on_error=lambda doc, error: failed.append(doc.id),
        )
    assert failed == ["empty"]
    assert len(rdf.document_graphs(kg.dataset, kg.iris)) == len(news_documents)


def test_corpus_dask_cli_local_cluster_writes_the_same_files(tmp_path: Path) -> None:
    # No --scheduler: kg starts (and stops) a local cluster of --jobs worker processes.
    def kg_build(out: Path, *options: str) -> None:
        command = [sys.executable, "-m", "kg.cli", "build", str(SEEDS), "--out", str(out)]
        result = subprocess.run(
            [*command, *options], capture_output=True, text=True, encoding="utf-8", timeout=300
        )
        assert result.returncode == 0, result.stderr

    kg_build(tmp_path / "local")
    kg_build(tmp_path / "dask", "--engine", "dask", "--jobs", "2")
    for name in ("graph.trig", "entities.csv", "graph.html"):
        assert (tmp_path / "dask" / name).read_bytes() == (tmp_path / "local" / name).read_bytes()
