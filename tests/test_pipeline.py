from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from rdflib import Literal, URIRef
from rdflib.compare import isomorphic, to_isomorphic

from kg import rdf
from kg.model import Document
from kg.pipeline import BuildConfig, build, load
from kg.stored import read_annotated_documents
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
    # «والصفدي» is a mention of the name, with «و» glued on: not a name of its own.
    assert safadi["alt_labels"].split("|") == ["الصفدي"]
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


def _anercorp_documents(count: int, sentences_per_document: int = 5) -> list[Document]:
    """``count`` documents of real Arabic news sentences (ANERcorp), one text per document."""
    from tests.conftest import require_shared_data

    train = require_shared_data() / "anercorp" / "train.txt"
    if not train.is_file():
        pytest.skip(f"ANERcorp not available: {train} does not exist")
    sentences: list[str] = []
    words: list[str] = []
    with train.open(encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                words.append(line.split()[0])
            elif words:
                sentences.append(" ".join(words))
                words = []
            if len(sentences) == count * sentences_per_document:
                break
    return [
        Document(f"anercorp-{i:02d}", " ".join(sentences[start : start + sentences_per_document]))
        for i, start in enumerate(range(0, len(sentences), sentences_per_document))
    ]


def test_pipeline_incremental_build_with_crf_equals_full_build() -> None:
    documents = _anercorp_documents(10)
    full = build(documents)
    partial = build(documents[:7])
    merged = build(documents[7:], existing=partial.dataset)
    for graph_iri in {g.identifier for g in full.dataset.graphs()}:
        assert isomorphic(
            to_isomorphic(full.dataset.graph(graph_iri)),
            to_isomorphic(merged.dataset.graph(graph_iri)),
        ), graph_iri
    assert rdf.serialize(merged.dataset) == rdf.serialize(full.dataset)
    assert merged.entity_rows() == full.entity_rows()


def test_pipeline_incremental_folder_build_is_byte_identical(tmp_path: Path) -> None:
    from kg.pipeline import ENTITIES_FILE, GRAPH_FILE, HTML_FILE, build_directory

    documents = _anercorp_documents(10)
    # A text with line breaks: written on one line in graph.trig, it must come back intact.
    documents[9] = replace(documents[9], text=documents[9].text.replace(" . ", " .\n", 2))
    assert "\n" in documents[9].text
    first, rest, everything = tmp_path / "first.jsonl", tmp_path / "rest.jsonl", tmp_path / "all"
    for path, part in ((first, documents[:8]), (rest, documents[8:])):
        lines = (json.dumps({"id": doc.id, "text": doc.text}, ensure_ascii=False) for doc in part)
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    build_directory([first, rest], everything)
    incremental = tmp_path / "incremental"
    build_directory([first], incremental)
    build_directory([rest], incremental)
    for name in (GRAPH_FILE, ENTITIES_FILE, HTML_FILE):
        assert (incremental / name).read_bytes() == (everything / name).read_bytes(), name
    build_directory([first, rest], incremental)  # everything seen before: nothing changes
    for name in (GRAPH_FILE, ENTITIES_FILE, HTML_FILE):
        assert (incremental / name).read_bytes() == (everything / name).read_bytes(), name


def test_pipeline_multiline_text_survives_graph_trig(tmp_path: Path) -> None:
    from kg.pipeline import build_directory

    text = "عمان - وصل الوفد.\n\n    استقبل الملك الوفد في قصر.\r\nوقال: «نعم»\n\n\n"
    source = tmp_path / "multi.txt"
    source.write_text(text, encoding="utf-8", newline="")
    out = tmp_path / "out"
    build_directory([source], out)
    stored = rdf.load_dataset(out / "graph.trig", Iris())
    [annotated] = read_annotated_documents(stored, Iris())
    assert annotated.doc.text == text  # line breaks, blank lines and indentation intact
    before = (out / "graph.trig").read_bytes()
    other = tmp_path / "other.txt"
    other.write_text("زار الوزير بيروت.", encoding="utf-8")
    build_directory([other], out)  # incremental: the stored multi-line document is kept
    after_one = (out / "graph.trig").read_bytes()
    build_directory([other], out)
    assert (out / "graph.trig").read_bytes() == after_one  # no drift from build to build
    [kept] = [
        a
        for a in read_annotated_documents(rdf.load_dataset(out / "graph.trig", Iris()), Iris())
        if a.doc.id == "multi"
    ]
    assert kept.doc.text == text
    assert before != (out / "graph.trig").read_bytes()


def test_pipeline_existing_dataset_kg_did_not_write_is_refused_by_name(
    news_documents: list[Document], news_extractor: LexiconExtractor
) -> None:
    from kg.errors import GraphError
    from kg.vocab import Iris

    foreign = rdf.new_dataset(Iris())
    foreign.graph(URIRef("https://example.org/g")).add(
        (
            URIRef("https://example.org/a"),
            URIRef("https://example.org/b"),
            URIRef("https://example.org/c"),
        )
    )
    with pytest.raises(GraphError, match=r"^existing dataset: holds content kg does not write"):
        build(news_documents, extractors=[news_extractor], existing=foreign)


def test_pipeline_build_leaves_existing_dataset_unchanged(
    news_documents: list[Document], news_extractor: LexiconExtractor
) -> None:
    first = build(news_documents[:1], extractors=[news_extractor])
    before = rdf.serialize(first.dataset)
    merged = build(news_documents[1:], extractors=[news_extractor], existing=first.dataset)
    assert rdf.serialize(first.dataset) == before
    assert len(merged.entity_rows()) > len(first.entity_rows())


def test_pipeline_a_loaded_graph_reads_the_facts_its_build_noted(
    tmp_path: Path, news_documents: list[Document], news_extractor: LexiconExtractor
) -> None:
    # The view's panel lists each entity's meetings, statements and posts: a build notes them
    # from the model, a loaded graph reads them back from the stored facts; the two agree.
    built = build(news_documents, extractors=[news_extractor])
    (tmp_path / "graph.trig").write_text(rdf.serialize(built.dataset), encoding="utf-8")
    loaded = load(tmp_path)
    facts = {node: data["facts"] for node, data in built.G.nodes(data=True)}
    assert any(facts.values())
    assert {node: data["facts"] for node, data in loaded.G.nodes(data=True)} == facts
