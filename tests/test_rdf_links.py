"""kg.rdf.set_links: the entity graph's edges as kgo:Link resources in the corpus graph."""

from __future__ import annotations

import networkx as nx
import pytest

from kg import graph as analytics
from kg import rdf
from kg.model import Document
from kg.pipeline import build
from kg.query import run_query
from kg.vocab import KGO, RDF, Iris
from tests.conftest import LexiconExtractor

# The old whole-corpus join that the precomputed links replace.
JOINED = """
SELECT ?e1 ?e2 (COUNT(DISTINCT ?sentence) AS ?n)
WHERE {
  ?m1 nif:sentence ?sentence ; itsrdf:taIdentRef ?e1 .
  ?m2 nif:sentence ?sentence ; itsrdf:taIdentRef ?e2 .
  FILTER (STR(?e1) < STR(?e2))
  ?e1 kgo:pageRank ?r1 . ?e2 kgo:pageRank ?r2 .
}
GROUP BY ?e1 ?e2
"""
COUNTS = set(rdf.LINK_COUNTS.values())
LINKED = "SELECT ?e1 ?e2 ?n WHERE { ?l kgo:source ?e1 ; kgo:target ?e2 ; kgo:sentenceCount ?n }"


def _pairs(rows: tuple[tuple[object, ...], ...]) -> set[tuple[str, str, int]]:
    return {(str(a), str(b), int(str(n))) for a, b, n in rows}


def test_rdf_links_count_what_joining_the_mentions_counts(
    news_documents: list[Document], news_extractor: LexiconExtractor
) -> None:
    kg = build(news_documents, extractors=[news_extractor])
    linked = _pairs(run_query(kg.dataset, LINKED).rows)
    assert linked and linked == _pairs(run_query(kg.dataset, JOINED).rows)
    corpus = kg.dataset.graph(kg.iris.corpus_graph())
    assert len(set(corpus.subjects(RDF.type, KGO.Link))) == kg.G.number_of_edges()


def test_rdf_links_replace_and_stay_canonical(
    news_documents: list[Document], news_extractor: LexiconExtractor
) -> None:
    kg = build(news_documents, extractors=[news_extractor])
    before = rdf.serialize(kg.dataset)
    rdf.set_links(kg.dataset, kg.G, kg.iris)  # a second call replaces, never adds
    assert rdf.serialize(kg.dataset) == before
    again = build(news_documents, extractors=[news_extractor])
    assert rdf.serialize(again.dataset) == before


def test_rdf_links_every_kind_and_no_zero_counts() -> None:
    iris = Iris("https://example.org/")
    G = nx.Graph()
    G.add_edge("https://example.org/entity/a", "https://example.org/entity/b",
               kinds={"met": 2, "said-about": 1, "holds-role": 0})  # fmt: skip
    G.add_edge("https://example.org/entity/c", "https://example.org/entity/a", weight=3.0)
    dataset = rdf.new_dataset(iris)
    rdf.set_links(dataset, G, iris)
    corpus = dataset.graph(iris.corpus_graph())
    first = iris.link("https://example.org/entity/a", "https://example.org/entity/b")
    counts = {p: int(o) for p, o in corpus.predicate_objects(first) if p in COUNTS}
    assert counts == {KGO.meetingCount: 2, KGO.quotationCount: 1}
    second = iris.link("https://example.org/entity/a", "https://example.org/entity/c")
    assert int(corpus.value(second, KGO.sentenceCount)) == 3  # no kinds: weight as co-mention
    assert str(corpus.value(second, KGO.source)).endswith("/a")


def test_rdf_links_know_every_kind_of_edge() -> None:
    assert set(rdf.LINK_COUNTS) == set(analytics.KIND_PRECEDENCE)
    G = nx.Graph()
    G.add_edge("urn:a", "urn:b", kinds={"likes": 1})
    with pytest.raises(ValueError, match="unknown kind 'likes'"):
        rdf.set_links(rdf.new_dataset(Iris()), G, Iris())
