"""Streaming folder builds (kg.corpus): same bytes as the in-memory build, incremental adds that
reuse stored graphs, parallel linking, and documents files that are missing, stale or foreign."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Sequence
from dataclasses import replace
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg import rdf
from kg.errors import GraphError
from kg.index import DOCUMENTS_FILE, RESUME_FILE
from kg.model import Document, EntityType, Mention, Sentence
from kg.pipeline import ENTITIES_FILE, GRAPH_FILE, HTML_FILE, BuildConfig, build, build_directory
from kg.resolve import Resolver
from kg.vocab import ITSRDF, Iris
from tests.conftest import LexiconExtractor

OUTPUTS = (GRAPH_FILE, DOCUMENTS_FILE, ENTITIES_FILE, HTML_FILE)


def write_jsonl(path: Path, documents: Sequence[Document]) -> Path:
    lines = (json.dumps({"id": d.id, "text": d.text}, ensure_ascii=False) for d in documents)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def same_outputs(a: Path, b: Path) -> None:
    for name in OUTPUTS:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


class Counting(LexiconExtractor):
    """Records which documents it was asked to tag (in this process: jobs=1)."""

    def __init__(self, phrases: LexiconExtractor) -> None:
        super().__init__(phrases.phrases)
        self.seen: list[str] = []

    def __call__(self, doc: Document, sentences: Sequence[Sentence]) -> list[Mention]:
        self.seen.append(doc.id)
        return super().__call__(doc, sentences)


def test_stream_folder_build_is_the_in_memory_build(
    tmp_path: Path, news_documents: list[Document], news_extractor: LexiconExtractor
) -> None:
    source = write_jsonl(tmp_path / "news.jsonl", news_documents)
    result = build_directory([source], tmp_path / "out", extractors=[news_extractor])
    memory = build(news_documents, extractors=[news_extractor])
    assert (tmp_path / "out" / GRAPH_FILE).read_text("utf-8") == rdf.serialize(memory.dataset)
    assert (tmp_path / "out" / ENTITIES_FILE).read_text("utf-8") == memory.entities_csv()
    assert result.triples == len(memory.dataset)
    assert result.documents == 2
    assert {row["label"] for row in result.entity_rows()} >= {"أيمن الصفدي", "القاهرة"}
    assert not list((tmp_path / "out").glob(".kg-build.*")), "spool files left behind"


def test_stream_seen_documents_are_skipped_and_changed_ones_replaced(
    tmp_path: Path, news_documents: list[Document], news_extractor: LexiconExtractor
) -> None:
    counting = Counting(news_extractor)
    out = tmp_path / "out"
    build_directory([write_jsonl(tmp_path / "a.jsonl", news_documents)], out, extractors=[counting])
    assert counting.seen == ["cairo-talks", "amman-visit"]
    changed = replace(news_documents[1], text=news_documents[1].text + " وغادر إلى غزة.")
    counting.seen.clear()
    again = [news_documents[0], changed]
    build_directory([write_jsonl(tmp_path / "b.jsonl", again)], out, extractors=[counting])
    assert counting.seen == ["amman-visit"]  # only the changed one is extracted again
    fresh = tmp_path / "fresh"
    build_directory([tmp_path / "b.jsonl"], fresh, extractors=[news_extractor])
    same_outputs(out, fresh)


def test_stream_stored_document_is_relinked_when_new_documents_change_its_entity(
    tmp_path: Path,
) -> None:
    # «وسام» is a given name, so the name lists cannot tell «وسام كيرتس» from «و» + «سام كيرتس»:
    # the «و» goes only once «سام كيرتس» is attested somewhere in the corpus.
    extractor = LexiconExtractor({"وسام كيرتس": EntityType.PERSON, "سام كيرتس": EntityType.PERSON})
    early = Document("early", "التقى الوزير وسام كيرتس في المؤتمر.")
    later = [Document("later", "وقال سام كيرتس إن المحادثات مستمرة.")]
    out = tmp_path / "out"
    early_file = write_jsonl(tmp_path / "early.jsonl", [early])
    build_directory([early_file], out, extractors=[extractor])

    def links() -> set[str]:
        graph = rdf.load_dataset(out / GRAPH_FILE, Iris()).graph(Iris().document("early"))
        return {str(o) for o in graph.objects(None, ITSRDF.taIdentRef)}

    before = links()
    news = write_jsonl(tmp_path / "news.jsonl", later)
    build_directory([news], out, extractors=[extractor])
    assert links() != before
    full = tmp_path / "full"
    build_directory([early_file, news], full, extractors=[extractor])
    same_outputs(out, full)


class RecordingLinks:
    """Wraps Resolver.link: which documents were linked (in this process: jobs=1)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.documents: list[str] = []
        original = Resolver.link

        def link(resolver: Resolver, mentions: Sequence[Mention], *args: Any, **kwargs: Any) -> Any:
            self.documents.extend(sorted({m.doc_id for m in mentions}))
            return original(resolver, mentions, *args, **kwargs)

        monkeypatch.setattr(Resolver, "link", link)


def linked_when_adding(
    tmp_path: Path,
    stored: Sequence[Document],
    extractor: LexiconExtractor,
    monkeypatch: pytest.MonkeyPatch,
    *,
    other_linking: bool = False,
) -> list[str]:
    """Build ``stored``, add a document naming «السيسي» and «مصر», check the result against a
    full build, and return the documents linked while adding (sorted)."""
    out = tmp_path / "out"
    first = write_jsonl(tmp_path / "stored.jsonl", stored)
    build_directory([first], out, extractors=[extractor])
    if other_linking:  # as if an older kg (other lexicons) had written the folder
        documents_file = out / DOCUMENTS_FILE
        header, *entries = documents_file.read_text("utf-8").splitlines()
        other = {**json.loads(header), "linking": "other lexicons"}
        documents_file.write_text("\n".join([json.dumps(other), *entries]) + "\n", "utf-8")
    recording = RecordingLinks(monkeypatch)
    extra = write_jsonl(tmp_path / "extra.jsonl", [Document("extra", "زار السيسي مصر أمس.")])
    build_directory([extra], out, extractors=[extractor])
    linked = sorted(recording.documents)
    full = tmp_path / "full"
    build_directory([first, extra], full, extractors=[extractor])
    same_outputs(out, full)
    return linked


def test_stream_stored_document_whose_links_hold_is_not_linked_again(
    tmp_path: Path,
    news_documents: list[Document],
    news_extractor: LexiconExtractor,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # «amman-visit» names nothing the new document makes link differently.
    stored = news_documents[1:]
    assert linked_when_adding(tmp_path, stored, news_extractor, monkeypatch) == ["extra"]


def test_stream_stored_documents_are_linked_again_under_other_linking_settings(
    tmp_path: Path,
    news_documents: list[Document],
    news_extractor: LexiconExtractor,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    linked = linked_when_adding(
        tmp_path, news_documents, news_extractor, monkeypatch, other_linking=True
    )
    assert linked == ["amman-visit", "cairo-talks", "extra"]


def test_stream_parallel_build_is_byte_identical(
    tmp_path: Path, news_documents: list[Document]
) -> None:
    # The real NER backend, reloaded by name in each worker process; ids differ, texts repeat.
    documents = [Document(f"{d.id}-{n}", d.text) for n in range(6) for d in news_documents]
    source = write_jsonl(tmp_path / "news.jsonl", documents)
    build_directory([source], tmp_path / "one", BuildConfig(jobs=1))
    build_directory([source], tmp_path / "two", BuildConfig(jobs=2))
    same_outputs(tmp_path / "one", tmp_path / "two")


def test_stream_graph_without_documents_file_is_read_from_the_graph(
    tmp_path: Path, news_documents: list[Document], news_extractor: LexiconExtractor
) -> None:
    out = tmp_path / "out"
    first = write_jsonl(tmp_path / "first.jsonl", news_documents[:1])
    build_directory([first], out, extractors=[news_extractor])
    (out / DOCUMENTS_FILE).unlink()  # a folder written by an older kg
    rest = write_jsonl(tmp_path / "rest.jsonl", news_documents[1:])
    build_directory([rest], out, extractors=[news_extractor])
    full = tmp_path / "full"
    build_directory([first, rest], full, extractors=[news_extractor])
    same_outputs(out, full)


def test_stream_stale_documents_file_is_not_trusted(
    tmp_path: Path, news_documents: list[Document], news_extractor: LexiconExtractor
) -> None:
    out = tmp_path / "out"
    source = write_jsonl(tmp_path / "news.jsonl", news_documents)
    build_directory([source], out, extractors=[news_extractor])
    graph = out / GRAPH_FILE
    # graph.trig changed after the build (same documents, one more blank line at the end):
    # the recorded block offsets no longer describe it, so the graph itself is read.
    graph.write_text(graph.read_text("utf-8") + "\n", encoding="utf-8")
    build_directory([source], out, extractors=[news_extractor])
    fresh = tmp_path / "fresh"
    build_directory([source], fresh, extractors=[news_extractor])
    same_outputs(out, fresh)


def test_stream_foreign_graph_is_a_clear_error_and_left_alone(
    tmp_path: Path, news_documents: list[Document], news_extractor: LexiconExtractor
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    foreign = "<https://example.org/a> <https://example.org/b> <https://example.org/c> .\n"
    (out / GRAPH_FILE).write_text(foreign, encoding="utf-8")
    source = write_jsonl(tmp_path / "news.jsonl", news_documents)
    with pytest.raises(GraphError, match="content kg does not write"):
        build_directory([source], out, extractors=[news_extractor])
    assert (out / GRAPH_FILE).read_text("utf-8") == foreign
    assert sorted(p.name for p in out.iterdir()) == [GRAPH_FILE]


def test_stream_spool_files_of_a_killed_build_are_swept(
    tmp_path: Path, news_documents: list[Document], news_extractor: LexiconExtractor
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    stale = out / ".kg-build.extracted.abc123.tmp"
    stale.write_text("half a record", encoding="utf-8")
    source = write_jsonl(tmp_path / "news.jsonl", news_documents)
    build_directory([source], out, extractors=[news_extractor])
    assert not stale.exists()
    assert sorted(p.name for p in out.iterdir()) == sorted(OUTPUTS)


def test_stream_interrupted_build_resumes_without_extracting_again(
    tmp_path: Path, news_documents: list[Document], news_extractor: LexiconExtractor
) -> None:
    class Interrupted(LexiconExtractor):
        def __call__(self, doc: Document, sentences: Sequence[Sentence]) -> list[Mention]:
            if doc.id == "amman-visit":
                raise KeyboardInterrupt
            return super().__call__(doc, sentences)

    out = tmp_path / "out"
    source = write_jsonl(tmp_path / "news.jsonl", news_documents)
    with pytest.raises(KeyboardInterrupt):
        build_directory([source], out, extractors=[Interrupted(news_extractor.phrases)])
    resume = out / RESUME_FILE
    assert not (out / GRAPH_FILE).exists()
    with resume.open("a", encoding="utf-8") as stream:
        stream.write('{"record": {"id": "amman-vi')  # torn by a kill mid-line
    counting = Counting(news_extractor)
    result = build_directory([source], out, extractors=[counting])
    assert counting.seen == ["amman-visit"]  # cairo-talks comes from the resume file
    assert result.resumed == 1
    assert not resume.exists()
    fresh = tmp_path / "fresh"
    build_directory([source], fresh, extractors=[news_extractor])
    same_outputs(out, fresh)


def test_stream_view_of_a_huge_graph_keeps_the_most_central(
    tmp_path: Path,
    news_documents: list[Document],
    news_extractor: LexiconExtractor,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from kg import pipeline
    from tests.test_viz import embedded

    monkeypatch.setattr(pipeline, "VIEW_NODES", 3)  # the real limit is 20,000
    source = write_jsonl(tmp_path / "news.jsonl", news_documents)
    result = build_directory([source], tmp_path / "out", extractors=[news_extractor])
    shown = {n["id"] for n in embedded((tmp_path / "out" / HTML_FILE).read_text("utf-8"), "nodes")}
    ranked = [row["id"] for row in result.entity_rows()]
    assert len(ranked) > 3
    assert shown == set(ranked[:3])
    build_directory([source], tmp_path / "all", extractors=[news_extractor], top=10)
    everything = embedded((tmp_path / "all" / HTML_FILE).read_text("utf-8"), "nodes")
    assert len(everything) == len(ranked)  # an explicit --top wins


def test_corpus_documents_given_again_are_extracted_again_under_other_settings(
    tmp_path: Path,
) -> None:
    from kg.pipeline import BuildConfig, build_directory

    text = "أعلنت وزارة الزراعة الفنلندية خطة جديدة."
    source = tmp_path / "in"
    source.mkdir()
    (source / "a.txt").write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    build_directory([source], out, BuildConfig(rules=()))
    bare = {
        row["label"] for row in build_directory([source], out, BuildConfig(rules=())).entity_rows()
    }
    # The same text under other rules is not taken from the folder: it is extracted again.
    ruled = {row["label"] for row in build_directory([source], out, BuildConfig()).entity_rows()}
    assert bare == set() and ruled == {"وزارة الزراعة الفنلندية"}  # found by the phrase grammar
    fresh = tmp_path / "fresh"
    build_directory([source], fresh, BuildConfig())
    assert (out / "graph.trig").read_bytes() == (fresh / "graph.trig").read_bytes()


# Short invented news items for the property test: surnames alone in some, so whether a
# bare «الصفدي» links to «أيمن الصفدي» depends on what else the corpus holds (anchors).
_POOL = {
    "d1": "استقبل الرئيس المصري عبد الفتاح السيسي في القاهرة وزير الخارجية الأردني أيمن الصفدي.",
    "d2": "وقال الصفدي إن الأردن يدعم جهود مصر.",
    "d3": "وصل أيمن الصفدي إلى عمان قادما من القاهرة.",
    "d4": "وأكد السيسي أن منظمة الأمم المتحدة تتابع الوضع في غزة.",
    "d5": "زار الصفدي غزة والتقى وفدا من منظمة الأمم المتحدة.",
}
_CHANGED = ("d2", "وقال الصفدي في عمان إن الأردن يدعم جهود مصر والسيسي.")


@settings(max_examples=12, deadline=None)
@given(
    order=st.permutations(sorted(_POOL)),
    cuts=st.lists(st.integers(min_value=1, max_value=4), max_size=2, unique=True),
    change=st.booleans(),
)
def test_stream_adding_in_any_batches_equals_one_full_build(
    order: list[str], cuts: list[int], change: bool
) -> None:
    """Property: building documents in batches into one folder (the index carrying each build
    to the next) gives the bytes of one build of them all; so does replacing one later."""
    extractor = LexiconExtractor(
        {
            "عبد الفتاح السيسي": EntityType.PERSON,
            "السيسي": EntityType.PERSON,
            "أيمن الصفدي": EntityType.PERSON,
            "الصفدي": EntityType.PERSON,
            "القاهرة": EntityType.PLACE,
            "غزة": EntityType.PLACE,
            "الأردن": EntityType.PLACE,
            "عمان": EntityType.PLACE,
            "منظمة الأمم المتحدة": EntityType.ORGANIZATION,
        }
    )
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        bounds = [0, *sorted(cuts), len(order)]
        batches = [order[a:b] for a, b in pairwise(bounds) if a < b]
        final = dict(_POOL)
        if change:
            final[_CHANGED[0]] = _CHANGED[1]
            batches.append([_CHANGED[0]])
        added = work / "added"
        for n, batch in enumerate(batches):
            texts = {**_POOL, **(dict([_CHANGED]) if change and n == len(batches) - 1 else {})}
            docs = [Document(i, texts[i]) for i in batch]
            build_directory(
                [write_jsonl(work / f"batch{n}.jsonl", docs)], added, extractors=[extractor]
            )
        everything = [Document(i, final[i]) for i in sorted(final)]
        full = work / "full"
        build_directory([write_jsonl(work / "all.jsonl", everything)], full, extractors=[extractor])
        same_outputs(added, full)
