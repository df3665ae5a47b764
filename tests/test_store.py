"""kg.store: Oxigraph and rdflib answer kg's queries alike, read-only, behind `kg query --store`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from kg import rdf
from kg.errors import ConfigError, GraphError, QueryError
from kg.model import Document
from kg.pipeline import build
from kg.query import format_result
from kg.store import (
    CACHE_DIR,
    MemoryStore,
    OxigraphStore,
    choose_store,
    open_store,
)
from kg.vocab import RDFS, Iris
from tests.conftest import LexiconExtractor

QUERIES = sorted((Path(__file__).resolve().parent.parent / "queries").glob("*.rq"))


@pytest.fixture
def trig(tmp_path: Path, news_documents: list[Document], news_extractor: LexiconExtractor) -> Path:
    kg = build(news_documents, extractors=[news_extractor])
    path = tmp_path / "out" / "graph.trig"
    path.parent.mkdir()
    path.write_text(rdf.serialize(kg.dataset), encoding="utf-8")
    return path


def _canonical(csv_text: str) -> list[tuple[str, ...]]:
    """Rows as sorted tuples, GROUP_CONCAT members sorted: SPARQL leaves both orders open."""
    rows = []
    for line in csv_text.splitlines()[1:]:
        cells = tuple(" ، ".join(sorted(c.split(" ، "))) for c in line.split(","))
        rows.append(tuple(" | ".join(sorted(c.split(" | "))) for c in cells))
    return sorted(rows)


@pytest.mark.parametrize("query", QUERIES, ids=lambda p: p.stem)
def test_store_oxigraph_answers_every_shipped_query_like_rdflib(trig: Path, query: Path) -> None:
    sparql = query.read_text(encoding="utf-8")
    memory = open_store(trig, "memory").run(sparql)
    oxigraph = open_store(trig, "oxigraph").run(sparql)
    assert memory.variables == oxigraph.variables
    assert _canonical(format_result(memory, "csv")) == _canonical(format_result(oxigraph, "csv"))


@pytest.mark.parametrize("query", QUERIES, ids=lambda p: p.stem)
def test_store_shipped_queries_find_nothing_in_an_empty_graph(query: Path) -> None:
    # rdflib joins an aggregate sub-select that found nothing as one empty row; the queries
    # guard against it, or they would list every document or event here.
    sparql = query.read_text(encoding="utf-8")
    empty = rdf.new_dataset(Iris())
    assert MemoryStore(empty).run(sparql).rows == ()
    assert OxigraphStore.from_dataset(empty).run(sparql).rows == ()


@pytest.mark.parametrize("query", QUERIES, ids=lambda p: p.stem)
def test_store_shipped_queries_agree_without_meetings(
    tmp_path: Path, news_documents: list[Document], news_extractor: LexiconExtractor, query: Path
) -> None:
    kg = build(news_documents[1:], extractors=[news_extractor])  # no meeting in this one
    path = tmp_path / "graph.trig"
    path.write_text(rdf.serialize(kg.dataset), encoding="utf-8")
    sparql = query.read_text(encoding="utf-8")
    memory, oxigraph = (open_store(path, name).run(sparql) for name in ("memory", "oxigraph"))
    assert _canonical(format_result(memory, "csv")) == _canonical(format_result(oxigraph, "csv"))


def test_store_json_terms_match_between_stores(trig: Path) -> None:
    sparql = (
        "SELECT ?e ?label ?rank WHERE { ?e rdfs:label ?label ; kgo:pageRank ?rank "
        'FILTER (lang(?label) = "ar") }'
    )
    as_json = [
        json.loads(format_result(open_store(trig, name).run(sparql), "json"))
        for name in ("memory", "oxigraph")
    ]
    key = lambda b: b["e"]["value"]  # noqa: E731
    memory, oxigraph = (sorted(doc["results"]["bindings"], key=key) for doc in as_json)
    assert memory and [b["label"] for b in memory] == [b["label"] for b in oxigraph]
    assert all(b["label"]["xml:lang"] == "ar" for b in oxigraph)
    assert {b["rank"]["datatype"] for b in oxigraph} == {"http://www.w3.org/2001/XMLSchema#double"}


def test_store_default_graph_is_the_union_of_named_graphs() -> None:
    # No copy in the default graph: Oxigraph reads the union, a bag (see kg.store), which
    # DISTINCT turns into the set that rdflib's union is.
    store = OxigraphStore.from_nquads(
        '<http://ex.org/a> <http://ex.org/p> "x" <http://ex.org/g1> .\n'
        '<http://ex.org/a> <http://ex.org/p> "x" <http://ex.org/g2> .\n'
    )
    assert len(store.run("SELECT DISTINCT * WHERE { ?s ?p ?o }").rows) == 1
    assert len(store.run("SELECT * WHERE { ?s ?p ?o }").rows) == 2
    assert len(store.run("SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }").rows) == 2
    assert len(store) == 2


@pytest.mark.parametrize(
    "sparql",
    [
        "INSERT DATA { <http://ex.org/a> <http://ex.org/p> 1 }",
        "DELETE WHERE { ?s ?p ?o }",
        "CLEAR ALL",
        "LOAD <http://ex.org/x>",
    ],
)
@pytest.mark.parametrize("store", ["memory", "oxigraph"])
def test_store_refuses_updates(trig: Path, store: str, sparql: str) -> None:
    with pytest.raises(QueryError, match="UPDATE is refused"):
        open_store(trig, store).run(sparql)


@pytest.mark.parametrize("store", ["memory", "oxigraph"])
def test_store_answers_construct_and_describe_alike_and_reports_bad_sparql(
    trig: Path, store: str
) -> None:
    opened = open_store(trig, store)
    construct = "CONSTRUCT { ?e rdfs:label ?l } WHERE { ?e a schema:Person ; rdfs:label ?l }"
    built = opened.run(construct)
    assert built.form == "graph" and built.variables == ("subject", "predicate", "object")
    assert built.rows and all(row[1] == RDFS.label for row in built.rows)
    memory = open_store(trig, "memory").run(construct)
    assert built.rows == memory.rows  # the same triples, in the same order, from either store
    subject = built.rows[0][0]
    described = opened.run(f"DESCRIBE <{subject}>")
    assert described.form == "graph" and any(row[0] == subject for row in described.rows)
    with pytest.raises(QueryError, match="invalid SPARQL"):
        opened.run("SELEC ?x WHERE { ?x ?y ?z }")


@pytest.mark.parametrize("store", ["memory", "oxigraph"])
def test_store_max_rows_and_deadline(trig: Path, store: str) -> None:
    opened = open_store(trig, store)
    assert len(opened.run("SELECT * WHERE { ?s ?p ?o }", max_rows=3).rows) == 3
    with pytest.raises(QueryError, match="timed out"):
        opened.run("SELECT * WHERE { ?s ?p ?o }", deadline=0.0)


def test_store_cache_is_reused_and_rebuilt_when_the_graph_changes(trig: Path) -> None:
    OxigraphStore.open(trig)
    stamp = trig.parent / CACHE_DIR / "stamp.json"
    first = stamp.read_text(encoding="utf-8")
    OxigraphStore.open(trig)
    assert stamp.read_text(encoding="utf-8") == first
    trig.write_text(trig.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    OxigraphStore.open(trig)
    assert stamp.read_text(encoding="utf-8") != first


def test_store_bad_trig_is_a_graph_error(tmp_path: Path) -> None:
    bad = tmp_path / "graph.trig"
    bad.write_text("GRAPH <x> { this is not trig", encoding="utf-8")
    with pytest.raises(GraphError, match="cannot parse as TriG"):
        open_store(bad, "oxigraph")
    with pytest.raises(GraphError, match="no built graph"):
        open_store(tmp_path / "missing.trig", "oxigraph")


def test_store_auto_chooses_by_size(trig: Path) -> None:
    assert choose_store(trig) == "memory"
    assert isinstance(open_store(trig), MemoryStore)
    with pytest.raises(ConfigError, match="choose one of"):
        choose_store(trig, "disk")


def test_cli_query_store_option(trig: Path) -> None:
    command = [sys.executable, "-m", "kg.cli", "query", str(trig.parent)]
    query = str(QUERIES[0])
    outputs = []
    for store in ("memory", "oxigraph"):
        result = subprocess.run(
            [*command, query, "--store", store, "--format", "csv"],
            capture_output=True, text=True, encoding="utf-8", timeout=120,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        outputs.append(_canonical(result.stdout))
    assert outputs[0] == outputs[1]
    refused = subprocess.run(
        [*command, "-e", "CLEAR ALL", "--store", "oxigraph"],
        capture_output=True, text=True, encoding="utf-8", timeout=120,
    )  # fmt: skip
    assert refused.returncode == 1
    assert refused.stderr.startswith("kg: error: SPARQL UPDATE is refused")
    assert "Traceback" not in refused.stderr


def test_store_a_post_held_in_two_documents_is_stated_once(tmp_path: Path) -> None:
    # Oxigraph's union of the named graphs is a bag: a triple stated in two graphs would come
    # back twice there and once from rdflib. kg describes a post once, in the corpus graph.
    docs = [
        Document(id="a", text="قال وزير الخارجية سامر حداد إن المحادثات مستمرة في عمّان."),
        Document(id="b", text="وقال وزير الخارجية سامر حداد للصحفيين إن الوفد وصل إلى القاهرة."),
    ]
    path = tmp_path / "graph.trig"
    path.write_text(rdf.serialize(build(docs).dataset), encoding="utf-8")
    sparql = "SELECT ?m ?role WHERE { ?m org:role/rdfs:label ?role }"
    memory, oxigraph = (open_store(path, name).run(sparql) for name in ("memory", "oxigraph"))
    assert len(memory.rows) == 2 and {str(row[1]) for row in memory.rows} == {"وزير الخارجية"}
    assert sorted(oxigraph.rows) == sorted(memory.rows)
    everything = "SELECT * WHERE { ?s ?p ?o }"
    assert len(open_store(path, "oxigraph").run(everything).rows) == len(
        open_store(path, "memory").run(everything).rows
    )


@pytest.mark.parametrize("store", ["memory", "oxigraph"])
def test_store_from_clauses_read_stored_graphs_only(trig: Path, store: str) -> None:
    # rdflib alone would download a FROM graph it does not hold (port 9 would refuse, and the
    # query fail): both stores read a stored graph, and an unknown one as empty.
    corpus = Iris().corpus_graph()
    opened = open_store(trig, store)
    count = "SELECT (COUNT(*) AS ?n) {FROM} WHERE {{ ?s ?p ?o }}"
    everything = int(opened.run(count.format(FROM="")).rows[0][0])
    in_corpus = int(opened.run(count.format(FROM=f"FROM <{corpus}>")).rows[0][0])
    elsewhere = opened.run(count.format(FROM="FROM <http://127.0.0.1:9/graph>"))
    assert 0 < in_corpus < everything and int(elsewhere.rows[0][0]) == 0
    named = opened.run(
        f"SELECT DISTINCT ?g FROM NAMED <{corpus}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"
    )
    assert [str(row[0]) for row in named.rows] == [str(corpus)]
    memory = open_store(trig, "memory").run(count.format(FROM=f"FROM <{corpus}>"))
    assert int(memory.rows[0][0]) == in_corpus
