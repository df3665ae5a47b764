"""The Python API: kg.build / kg.load return a KnowledgeGraph; `import kg` stays light."""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
import pandas as pd
import pytest

import kg
from kg import rdf
from kg.model import Document
from tests.conftest import LexiconExtractor, fresh_output


def test_api_import_is_light() -> None:
    code = (
        "import sys, kg; heavy = {'rdflib', 'networkx', 'pandas', 'camel_tools', 'pyvis'}; "
        "print(sorted(heavy & set(sys.modules)))"
    )
    assert fresh_output(code) == "[]"


def test_api_lazy_names() -> None:
    assert kg.KnowledgeGraph.__name__ == "KnowledgeGraph"
    assert "build" in dir(kg) and "KnowledgeGraph" in dir(kg)
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        _ = kg.nope  # type: ignore[attr-defined]


def test_api_build_load_query(
    tmp_path: Path, news_documents: list[Document], news_extractor: LexiconExtractor
) -> None:
    built = kg.build(news_documents, config=kg.BuildConfig(ner="crf"))
    assert isinstance(built, kg.KnowledgeGraph)
    from kg.pipeline import build

    graph = build(news_documents, extractors=[news_extractor])
    (tmp_path / "graph.trig").write_text(rdf.serialize(graph.dataset), encoding="utf-8")
    loaded = kg.load(tmp_path)
    frame = loaded.query("SELECT ?label WHERE { ?e a schema:Person ; rdfs:label ?label }")
    assert isinstance(frame, pd.DataFrame) and "أيمن الصفدي" in set(frame["label"])
    G = loaded.to_networkx()
    assert isinstance(G, nx.Graph) and G.number_of_nodes() == graph.G.number_of_nodes()
    assert len(loaded.dataset) == len(graph.dataset)


def test_api_build_reads_paths(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("وصل الوفد إلى القاهرة أمس.", encoding="utf-8")
    graph = kg.build(tmp_path)
    frame = graph.query("SELECT ?id WHERE { ?c kgo:documentId ?id }")
    assert list(frame["id"]) == ["a"]


def test_api_public_names_resolve_without_loading_the_heavy_modules() -> None:
    # In a fresh interpreter: import kg stays light, and every public name resolves.
    code = (
        "import sys, kg\n"
        "assert 'rdflib' not in sys.modules and 'camel_tools' not in sys.modules\n"
        "missing = [n for n in kg.__all__ if getattr(kg, n, None) is None]\n"
        "assert not missing, missing\n"
        "assert issubclass(kg.InputError, kg.KGError)\n"
        "print(kg.EntityType.PERSON.value)\n"
    )
    assert fresh_output(code) == "PERS"


def test_api_loaded_graph_is_the_built_one_without_recomputing(tmp_path: Path) -> None:
    import csv

    from kg.pipeline import build_directory
    from tests.test_pipeline import _anercorp_documents

    source = tmp_path / "news.jsonl"
    docs = _anercorp_documents(4)
    source.write_text(
        "".join(f'{{"id": "{d.id}", "text": {json.dumps(d.text)}}}\n' for d in docs),
        encoding="utf-8",
    )
    build_directory([source], tmp_path / "out")
    dataset = rdf.load_dataset(tmp_path / "out" / "graph.trig", kg.pipeline.Iris())
    stored = len(dataset)
    loaded = kg.pipeline.KnowledgeGraph(dataset, kg.pipeline.Iris())
    assert len(dataset) == stored  # nothing computed and written back
    with open(tmp_path / "out" / "entities.csv", encoding="utf-8") as table:
        written = list(csv.DictReader(table))
    rows = [{name: str(value) for name, value in row.items()} for row in loaded.entity_rows()]
    assert len(rows) > 20 and rows == written
    kinds = {kind for _, _, kind in loaded.G.edges(data="kind")}
    assert "co-mention" in kinds
    loaded.recompute_analytics()  # the explicit call computes what the build stored
    assert [{k: str(v) for k, v in row.items()} for row in loaded.entity_rows()] == written
    assert len(dataset) == stored


def test_api_page_lists_every_public_name() -> None:
    page = (Path(__file__).resolve().parents[1] / "docs" / "api.md").read_text(encoding="utf-8")
    missing = [name for name in kg.__all__ if f"kg.{name}" not in page]
    assert missing == []
