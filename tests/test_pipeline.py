from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Literal, URIRef
from rdflib.compare import isomorphic, to_isomorphic

from kg import rdf
from kg.model import Document
from kg.pipeline import BuildConfig, build
from kg.vocab import ITSRDF, KGO, NIF, RDF, RDFS, SDO, SKOS, Iris
from tests.conftest import LexiconExtractor


def test_pipeline_builds_rdf_model(
    news_documents: list[Document], news_extractor: LexiconExtractor
) -> None:
    kg = build(news_documents, extractors=[news_extractor])
    iris = Iris()
    doc_graph = kg.dataset.graph(iris.document("cairo-talks"))
    context = iris.span("cairo-talks", 0, len(news_documents[0].text))
    assert (context, RDF.type, NIF.Context) in doc_graph
    assert (context, NIF.isString, Literal(news_documents[0].text)) in doc_graph

    text = news_documents[0].text
    start = text.index("عبد الفتاح السيسي")
    mention = iris.span("cairo-talks", start, start + len("عبد الفتاح السيسي"))
    assert (mention, NIF.anchorOf, Literal("عبد الفتاح السيسي")) in doc_graph
    assert (mention, ITSRDF.taClassRef, SDO.Person) in doc_graph
    sisi = doc_graph.value(mention, ITSRDF.taIdentRef)
    assert isinstance(sisi, URIRef)

    corpus = kg.dataset.graph(iris.corpus_graph())
    assert (sisi, RDF.type, SDO.Person) in corpus
    assert (sisi, RDFS.label, Literal("عبد الفتاح السيسي", lang="ar")) in corpus
    assert (sisi, SKOS.altLabel, Literal("السيسي", lang="ar")) in corpus
    assert corpus.value(sisi, KGO.pageRank) is not None


def test_pipeline_merges_entities_across_documents(
    news_documents: list[Document], news_extractor: LexiconExtractor
) -> None:
    kg = build(news_documents, extractors=[news_extractor])
    rows = {row["label"]: row for row in kg.entity_rows()}
    safadi = rows["أيمن الصفدي"]
    assert safadi["type"] == "PERS"
    assert safadi["mentions"] == 5  # «أيمن الصفدي» twice, «والصفدي» once, «الصفدي» twice
    assert "والصفدي" in safadi["alt_labels"].split("|")
    assert rows["منظمة الأمم المتحدة"]["type"] == "ORG"
    assert rows["القاهرة"]["type"] == "LOC"
    # co-mention: the two people share a sentence
    G = kg.to_networkx()
    assert G.has_edge(rows["أيمن الصفدي"]["id"], rows["عبد الفتاح السيسي"]["id"])


def test_pipeline_same_documents_twice_changes_nothing(
    news_documents: list[Document], news_extractor: LexiconExtractor
) -> None:
    first = build(news_documents, extractors=[news_extractor])
    text = rdf.serialize(first.dataset)
    again = build(news_documents, extractors=[news_extractor], existing=first.dataset)
    assert rdf.serialize(again.dataset) == text


def test_pipeline_incremental_build_equals_full_build(
    news_documents: list[Document], news_extractor: LexiconExtractor
) -> None:
    full = build(news_documents, extractors=[news_extractor])
    partial = build(news_documents[:1], extractors=[news_extractor])
    merged = build(news_documents[1:], extractors=[news_extractor], existing=partial.dataset)
    for graph_iri in {g.identifier for g in full.dataset.graphs()}:
        assert isomorphic(
            to_isomorphic(full.dataset.graph(graph_iri)),
            to_isomorphic(merged.dataset.graph(graph_iri)),
        ), graph_iri


def test_pipeline_changed_document_replaces_its_graph(news_extractor: LexiconExtractor) -> None:
    old = build([Document("d", "زار الصفدي القاهرة.")], extractors=[news_extractor])
    new = build(
        [Document("d", "زار الصفدي غزة.")], extractors=[news_extractor], existing=old.dataset
    )
    labels = {row["label"] for row in new.entity_rows()}
    assert labels == {"الصفدي", "غزة"}


def test_pipeline_unknown_backend_lists_known_ones(news_documents: list[Document]) -> None:
    from kg.errors import ConfigError

    with pytest.raises(ConfigError, match="crf"):
        build(news_documents, BuildConfig(ner="spacy"))


def test_pipeline_query_returns_dataframe(
    news_documents: list[Document], news_extractor: LexiconExtractor
) -> None:
    kg = build(news_documents, extractors=[news_extractor])
    frame = kg.query(
        (Path(__file__).parent.parent / "queries" / "top_entities.rq").read_text("utf-8")
    )
    assert list(frame.columns)[:3] == ["entity", "label", "type"]
    assert frame["pagerank"].is_monotonic_decreasing
    assert set(frame["type"]) == {"Person", "Place", "Organization"}


def test_pipeline_parallel_build_equals_serial(news_documents: list[Document]) -> None:
    # Distinct ids, real NER backend (reloaded by name in each worker process).
    documents = [
        Document(f"{doc.id}-{copy}", doc.text) for copy in range(3) for doc in news_documents
    ]
    serial = build(documents, BuildConfig(jobs=1))
    parallel = build(documents, BuildConfig(jobs=2))
    assert rdf.serialize(parallel.dataset) == rdf.serialize(serial.dataset)
    assert serial.entity_rows() == parallel.entity_rows()


def test_pipeline_extractor_without_a_name_cannot_go_to_workers(
    news_documents: list[Document], news_extractor: LexiconExtractor
) -> None:
    import pickle

    from kg.ner.base import TaggerExtractor, load_extractor

    assert pickle.loads(pickle.dumps(load_extractor("crf"))).name == "crf"
    anonymous = TaggerExtractor(load_extractor("crf").tagger)
    with pytest.raises(TypeError, match="not loaded by name"):
        pickle.dumps(anonymous)


def test_pipeline_centrality_table(
    news_documents: list[Document], news_extractor: LexiconExtractor
) -> None:
    table = build(news_documents, extractors=[news_extractor]).centrality()
    assert table.index.name == "id"
    assert table["pagerank"].is_monotonic_decreasing
    assert table.iloc[0]["label"] in {"أيمن الصفدي", "القاهرة"}  # the most connected ones
    assert {"degree", "betweenness", "eigenvector", "community"} <= set(table.columns)
