"""kg export: GEXF, GraphML, JSON-LD, N-Quads and CSV that other tools read back."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pandas as pd
import pytest
from rdflib import Dataset
from rdflib.compare import isomorphic

from kg import rdf
from kg.errors import ConfigError
from kg.export import EXPORT_FORMATS, export, jsonld_context
from kg.model import Document
from kg.pipeline import KnowledgeGraph, build, load
from tests.conftest import LexiconExtractor


@pytest.fixture
def graph(news_documents: list[Document], news_extractor: LexiconExtractor) -> KnowledgeGraph:
    return build(news_documents, extractors=[news_extractor])


@pytest.mark.parametrize("fmt", ["gexf", "graphml"])
def test_export_graph_formats_read_back_in_networkx(
    graph: KnowledgeGraph, tmp_path: Path, fmt: str
) -> None:
    target = tmp_path / f"graph.{fmt}"
    export(graph, fmt, target)
    H = nx.read_gexf(target) if fmt == "gexf" else nx.read_graphml(target)
    assert set(H.nodes) == set(graph.G.nodes)
    assert H.number_of_edges() == graph.G.number_of_edges()
    node = next(iter(graph.G.nodes))
    assert H.nodes[node]["label"] == graph.G.nodes[node]["label"]  # Arabic survives
    assert H.nodes[node]["type"] in {"PERS", "ORG", "LOC", "MISC"}
    assert float(H.nodes[node]["pagerank"]) == pytest.approx(graph.G.nodes[node]["pagerank"])


def test_export_nquads_and_jsonld_hold_the_whole_dataset(
    graph: KnowledgeGraph, tmp_path: Path
) -> None:
    export(graph, "nquads", tmp_path / "graph.nq")
    export(graph, "jsonld", tmp_path / "graph.jsonld")
    for path, fmt in ((tmp_path / "graph.nq", "nquads"), (tmp_path / "graph.jsonld", "json-ld")):
        back = Dataset()
        back.parse(path, format=fmt)
        for original in graph.dataset.graphs():
            if len(original):
                assert isomorphic(back.graph(original.identifier), original), (fmt, original)
    document = json.loads((tmp_path / "graph.jsonld").read_text(encoding="utf-8"))
    assert document["@context"] == jsonld_context(graph.iris.base)
    assert '"schema:Person"' in (tmp_path / "graph.jsonld").read_text(encoding="utf-8")


def test_export_csv_opens_in_pandas(graph: KnowledgeGraph, tmp_path: Path) -> None:
    written = export(graph, "csv", tmp_path / "csv")
    assert [p.name for p in written] == ["nodes.csv", "edges.csv"]
    nodes = pd.read_csv(tmp_path / "csv" / "nodes.csv")
    edges = pd.read_csv(tmp_path / "csv" / "edges.csv")
    assert len(nodes) == graph.G.number_of_nodes() and len(edges) == graph.G.number_of_edges()
    assert list(nodes.columns[:3]) == ["id", "label", "type"]
    assert nodes["pagerank"].is_monotonic_decreasing
    assert set(edges["source"]) | set(edges["target"]) <= set(nodes["id"])


def test_export_unknown_format(graph: KnowledgeGraph, tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="choose one of: gexf"):
        export(graph, "xlsx", tmp_path / "x")


def test_cli_export_every_format(graph: KnowledgeGraph, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "graph.trig").write_text(rdf.serialize(graph.dataset), encoding="utf-8")
    for fmt in EXPORT_FORMATS:
        result = subprocess.run(
            [sys.executable, "-m", "kg.cli", "export", str(out), "--format", fmt],
            capture_output=True, text=True, encoding="utf-8", timeout=120,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        assert result.stdout.startswith(f"{fmt}: ")
    assert {p.name for p in out.iterdir()} >= {"graph.gexf", "graph.graphml", "graph.jsonld",
                                               "graph.nq", "csv"}  # fmt: skip
    missing = subprocess.run(
        [sys.executable, "-m", "kg.cli", "export", str(tmp_path / "none"), "--format", "csv"],
        capture_output=True, text=True, encoding="utf-8", timeout=120,
    )  # fmt: skip
    assert missing.returncode == 1 and missing.stderr.startswith("kg: error: ")
    assert "Traceback" not in missing.stderr


@pytest.mark.parametrize("fmt", ["nquads", "jsonld", "graphml"])
def test_export_of_a_loaded_graph_matches_the_built_one(
    graph: KnowledgeGraph, tmp_path: Path, fmt: str
) -> None:
    # A loaded graph reads its quads from the file and its entity graph from the Oxigraph
    # store: the exported bytes are those of the graph built in memory.
    out = tmp_path / "out"
    out.mkdir()
    (out / "graph.trig").write_text(rdf.serialize(graph.dataset), encoding="utf-8")
    loaded = load(out, store="oxigraph")
    export(graph, fmt, tmp_path / "built")
    export(loaded, fmt, tmp_path / "loaded")
    built_text = (tmp_path / "built").read_text(encoding="utf-8")
    assert built_text == (tmp_path / "loaded").read_text(encoding="utf-8")
    assert "غزة" in built_text or "عباس" in built_text
