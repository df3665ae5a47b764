"""Builds a graph folder from a corpus of any size in bounded memory, and adds to one.

Three passes, each over a stream:

1. **extract** (``--jobs`` worker processes): every new or changed document is annotated and
   spooled to disk as a JSON record (:mod:`kg.records`); only its *anchor keys* stay in memory,
   the one corpus-wide input of entity resolution (:meth:`kg.resolve.Resolver.anchor_keys`).
2. **link** (worker processes again): each document, stored or new, is linked to entity keys on
   its own, written as its TriG block and reduced to counts: an :class:`~kg.resolve.EntityTally`
   per entity and a :class:`~kg.graph.LinkTally` of edges. A stored document whose links did
   not change keeps its block, copied from the old graph.trig without parsing it; one whose
   links cannot have changed (none of the keys it looks up joined or left the anchors) is not
   even linked again: its counts come from its entry.
3. **merge**: entities, the entity graph, centrality and the corpus graph come from the counts;
   graph.trig is written block by block in IRI order, with the index ``.kg-documents.jsonl``
   beside it (:mod:`kg.index`: each document's record, links and block offset, and the
   invariants the next build relies on when it reads the index instead of the graph).

Memory holds keys, labels and counts (per entity and per edge) and an offset per document,
never the documents. This is kg's one build engine: :func:`kg.pipeline.build` (the Python
API) runs it in a temporary folder.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import pickle
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TextIO

import networkx as nx
from rdflib import URIRef

from kg import graph as graph_analytics
from kg import rdf, records
from kg.english import UNNAMED, EnglishNamer, fullest_name
from kg.errors import KGError
from kg.events import EventExtractor
from kg.extract import (
    BuildCollections,
    DaskRunner,
    DocumentFailed,
    annotate_dask,
    annotate_stream,
    chunked,
    parallel_map,
)
from kg.graph import (
    LinkTally,
    entity_attributes,
    entity_graph,
    fact_links,
    fact_notes,
    sentence_links,
)
from kg.index import (
    DOCUMENTS_FORMAT,
    RESUME_FILE,
    DocumentEntry,
    ResumeFile,
    Spool,
    StoredIndex,
    anchor_keys,
    document_metadata,
    entry_text,
    extracted_entry,
    record_metadata,
)
from kg.model import Document, Entity, EntityType
from kg.ner.base import Extractor
from kg.resolve import EntityTally, Resolver
from kg.turtle import TrigWriter
from kg.vocab import Iris

if TYPE_CHECKING:
    from kg.layout import Layout

# A graph this big has its view's layout worked out in a process of its own while the corpus
# graph is written; a smaller one is laid out in less time than a process takes to start (~0.2 s).
PARALLEL_VIEW_NODES = 500

LINK_CHUNK = 16  # documents per linking task

# Wraps the stream of extracted documents (a progress bar on a terminal).
Progress = Callable[[Iterable[Any]], Iterable[Any]]


class View(Protocol):
    """Draws graph.html from the entity graph (picklable): its layout apart (in another
    process, from :meth:`layout_input`), then the page, taking the layout from ``placement``
    when it needs it."""

    def layout_input(self, G: nx.Graph, metric: Callable[[str], Mapping[Any, float]]) -> nx.Graph:
        """What :meth:`layout` reads of ``G``, as a graph of its own; ``metric(name)`` gives a
        metric of every node (:func:`kg.graph.metric`), which G does not have yet."""
        ...

    def layout(self, G: nx.Graph) -> Layout: ...

    def __call__(self, G: nx.Graph, placement: Callable[[], Layout] | None = None) -> str: ...


@dataclass(frozen=True)
class CorpusBuild:
    """What a streaming build needs to know besides its documents (see :class:`StreamingBuild`)."""

    iris: Iris
    extractors: tuple[Extractor, ...]
    event_extractor: EventExtractor | None
    entity_types: frozenset[EntityType]
    jobs: int = 1
    engine: str = "local"
    scheduler: str | None = None
    seed: int = 0
    # Names the extraction settings; a killed build's extractions are resumed only under the same.
    fingerprint: str = ""


@dataclass(frozen=True)
class BuildResult:
    """A folder build's outcome: the entity graph (with metrics) and the size of graph.trig."""

    G: nx.Graph
    triples: int
    documents: int
    resumed: int = 0  # documents an interrupted build had extracted, taken from its resume file
    html: str | None = None  # the view, when the build was asked to draw one

    def entity_rows(self) -> list[dict[str, Any]]:
        return graph_analytics.entity_rows(self.G)


@dataclass
class _Linked:
    """Pass 2's result for one document."""

    iri: str
    entry: str  # JSON: what the index keeps (kg.index.entry_text)
    block: str | None  # its TriG block when written anew
    stored_at: list[int] | None  # else where its block lies in the old graph.trig
    triples: int


@dataclass
class _Counts:
    """Entity tallies and edges of some documents, summed."""

    tallies: defaultdict[str, EntityTally] = field(default_factory=lambda: defaultdict(EntityTally))
    links: LinkTally = field(default_factory=LinkTally)
    # role key -> how often each wording names the post (see kg.rdf.role_triples)
    posts: defaultdict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))

    def add(
        self,
        tallies: Mapping[str, EntityTally],
        links: LinkTally,
        posts: Mapping[str, Counter[str]],
    ) -> None:
        for key, tally in tallies.items():
            self.tallies[key].merge(tally)
        self.links.merge(links)
        for key, wordings in posts.items():
            self.posts[key].update(wordings)


def _post_counts(posts: Iterable[Sequence[str]]) -> dict[str, Counter[str]]:
    """An entry's ``posts`` (``[role key, wording]`` pairs) as wording counts per role key."""
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for key, wording in posts:
        counts[key][wording] += 1
    return counts


@dataclass
class _LinkedChunk:
    """Pass 2's result for a chunk of documents, with their counts summed where they were
    linked: the merging process then takes one tally per entity per chunk, not per document."""

    documents: list[_Linked]
    counts: _Counts


@dataclass
class _Linker:
    """Pass 2 for one document: links, counts and (unless the stored one holds) its block.

    ``changed`` are the anchor keys that joined or left the anchors since the stored build
    (None: every stored document is linked again). A stored document none of whose
    :meth:`~kg.resolve.Resolver.conditional_keys` changed links as before: its counts come from
    its entry, without linking it or rebuilding its model.
    """

    iris: Iris
    entity_types: frozenset[EntityType]
    anchors: frozenset[str]
    resolver: Resolver = field(default_factory=Resolver.default)
    changed: frozenset[str] | None = None
    writer: TrigWriter = field(init=False)

    def __post_init__(self) -> None:
        self.writer = rdf.trig_writer(rdf.new_dataset(self.iris))

    def __call__(self, entry: DocumentEntry | str, counts: _Counts) -> _Linked:
        """Link one document (a stored entry, or a new document's line); add its counts."""
        if isinstance(entry, str):  # a new document's line: parsed here, not where it was read
            entry = json.loads(entry)
            assert isinstance(entry, dict)
        stored_at: list[int] | None = entry.get("at")
        if (
            stored_at is not None
            and self.changed is not None
            and "conditions" in entry
            and self.changed.isdisjoint(entry["conditions"])
        ):
            return self._as_stored(entry, stored_at, counts)
        annotated = records.decode(entry["record"])
        mentions = [m for m in annotated.mentions if m.type in self.entity_types]
        links = self.resolver.link(mentions, self.anchors, same_as=dict(annotated.aliases))
        keys = [links[m][0] if m in links else None for m in annotated.mentions]
        tallies: dict[str, EntityTally] = defaultdict(EntityTally)
        for mention, (key, label) in links.items():
            tallies[key].add(mention, label)
        for tally in tallies.values():
            tally.close_documents()
        entity_of = {m: str(self.iris.entity(key)) for m, (key, _) in links.items()}
        iri = str(self.iris.document(annotated.doc.id))
        block = None
        if stored_at is None or entry.get("keys") != keys:
            # New, changed, or relinked by new documents: its graph is written anew.
            entity_keys = {m: key for m, (key, _) in links.items()}
            triples = rdf.document_triples(annotated, entity_keys, self.iris)
            block, count = self.writer.counted_block(URIRef(iri), triples)
            entry = {**entry, "keys": keys, "triples": count}
            stored_at = None
        entry["labels"] = [links[m][1] if m in links else None for m in annotated.mentions]
        entry["conditions"] = sorted(self.resolver.conditional_keys(mentions))
        notes = fact_notes(annotated, entity_of, self.iris)
        facts = fact_links(notes)
        entry["facts"] = [[*edge, count] for edge, count in sorted(facts.items())]
        entry["notes"] = {node: [list(note) for note in notes[node]] for node in sorted(notes)}
        entry["posts"] = [list(post) for post in rdf.held_posts(annotated, links)]
        by_sentence: dict[int, set[str]] = defaultdict(set)
        for mention, entity in entity_of.items():
            by_sentence[mention.sentence].add(entity)
        counts.add(tallies, self._links(entry, by_sentence), _post_counts(entry["posts"]))
        return _Linked(iri, entry_text(entry), block, stored_at, entry["triples"])

    def _as_stored(self, entry: DocumentEntry, stored_at: list[int], counts: _Counts) -> _Linked:
        """A stored document that links as before: its counts from the entry alone."""
        record = entry["record"]
        doc_id = record["id"]
        tallies: dict[str, EntityTally] = defaultdict(EntityTally)
        by_sentence: dict[int, set[str]] = defaultdict(set)
        named = zip(records.mention_fields(record), entry["keys"], entry["labels"], strict=True)
        for mention, key, label in named:
            if key is not None:
                tallies[key].add_name(EntityType(mention.type), mention.text, label)
                by_sentence[mention.sentence].add(str(self.iris.entity(key)))
        for tally in tallies.values():
            tally.add_documents(1)
        counts.add(tallies, self._links(entry, by_sentence), _post_counts(entry["posts"]))
        iri = str(self.iris.document(doc_id))
        return _Linked(iri, entry_text(entry), None, stored_at, entry["triples"])

    def _links(self, entry: DocumentEntry, by_sentence: Mapping[int, set[str]]) -> LinkTally:
        """The document's edges: co-mentions per sentence, and its facts' typed edges."""
        record = entry["record"]
        spans = [(start, end) for start, end in record["sentences"]]
        links = sentence_links(record["id"], record["text"], spans, by_sentence, self.iris)
        links.relations.update({(s, t, kind): n for s, t, kind, n in entry["facts"]})
        notes = {node: [tuple(note) for note in found] for node, found in entry["notes"].items()}
        links.add_notes(str(self.iris.document(record["id"])), notes)
        return links


def _english_form(entity: Entity) -> str:
    """The Arabic form an entity's English name is made from: a person's fullest name."""
    if entity.type == EntityType.PERSON:
        return fullest_name(entity.label, entity.alt_labels)
    return entity.label


def _lay_out(view: View, graph: bytes) -> Layout:
    """``view``'s layout of a pickled graph (:meth:`View.layout_input`), in the helper process."""
    return view.layout(pickle.loads(graph))


def _link_with(entries: list[DocumentEntry | str], linker: _Linker) -> _LinkedChunk:
    counts = _Counts()
    return _LinkedChunk([linker(entry, counts) for entry in entries], counts)


class StreamingBuild:
    """One streaming folder build (:func:`kg.pipeline.build_directory` drives it).

    Use as a context manager: its spool files live in the output folder (named with
    ``temp_prefix``, so the next build sweeps up those of a killed one) and go on exit.
    """

    def __init__(self, out: Path, trig: Path, build: CorpusBuild, *, temp_prefix: str) -> None:
        self.out, self.trig, self.build = out, trig, build
        self.iris = build.iris
        self.stored = StoredIndex(out, trig, self.iris, build.event_extractor)
        self._extracted = ResumeFile(out / RESUME_FILE, build.fingerprint)
        self._entries = Spool(out, f".{temp_prefix}entries.")
        self._blocks = Spool(out, f".{temp_prefix}blocks.")
        # Per document (by IRI): its entry in _entries, and its block (new, or in the old graph).
        self._documents: dict[str, tuple[tuple[int, int], bool, tuple[int, int]]] = {}
        self._counts = _Counts()  # every document's, summed
        self._triples = 0
        self._graph_bytes = 0
        self._written: dict[str, tuple[int, int]] = {}
        self._header = ""
        self._corpus_block: str | None = None
        self._resumed = 0
        self._linking = ""  # names the linking settings (see StoredIndex.linking)
        self._collections = BuildCollections()

    def __enter__(self) -> StreamingBuild:
        self._collections.__enter__()
        return self

    def __exit__(self, kind: type[BaseException] | None, *exc: object) -> None:
        self._collections.__exit__(None, None, None)
        self.stored.close()
        if kind is not None and issubclass(kind, KGError):
            # A clean failure (bad input under --strict, full disk): the folder is left as it
            # was. Only an interruption or a crash keeps the extractions for the next build.
            self._extracted.discard()
        else:
            self._extracted.close()
        for spool in (self._entries, self._blocks):
            spool.close()

    def committed(self) -> None:
        """Call once the outputs are in place: the extractions need not be resumed."""
        self._extracted.discard()

    def run(
        self,
        documents: Iterable[Document],
        *,
        progress: Progress | None = None,
        on_error: DocumentFailed | None = None,
        view: View | None = None,
    ) -> BuildResult:
        """Passes 1–3; the outputs are then written with :meth:`write_graph` and
        :meth:`write_documents`. ``view`` draws the result's ``html``."""
        resolver = Resolver.default()
        types = self.build.entity_types
        self._linking = f"{resolver.fingerprint()} {','.join(sorted(t.value for t in types))}"
        # One pass over the stored documents for what pass 1 needs to skip them, and their
        # anchor keys counted: a replaced document's are taken back below, not re-read from all.
        seen: dict[str, tuple[str, list[Any]]] = {}
        stored_anchors: Counter[str] = Counter()
        for entry in self.stored.entries():
            seen[entry["record"]["id"]] = (entry["hash"], record_metadata(entry["record"]))
            if "anchors" not in entry:  # parsed from a graph.trig without its documents file
                annotated = records.decode(entry["record"])
                entry["anchors"] = anchor_keys(annotated, resolver, types)
            stored_anchors.update(entry["anchors"])
        stored_before = {key for key, count in stored_anchors.items() if count > 0}
        anchors: set[str] = set()
        replaced: set[str] = set()
        extracted: list[tuple[int, int]] = []
        with contextlib.ExitStack() as stack:
            # One Dask client for both passes; None runs them in local worker processes.
            runner = (
                stack.enter_context(DaskRunner(self.build.scheduler, self.build.jobs))
                if self.build.engine == "dask"
                else None
            )
            # Under other extraction settings (NER backend, rules, kg version) a document given
            # again is extracted again, though its text is unchanged.
            reusable = seen if self.stored.extraction == self.build.fingerprint else {}
            for doc_id, at, doc_anchors in self._extract(
                documents, reusable, resolver, runner, progress, on_error
            ):
                anchors.update(doc_anchors)
                replaced.add(doc_id)
                extracted.append(at)
            if not replaced.isdisjoint(seen):  # changed stored documents: their old keys go
                for entry in self.stored.entries():
                    if entry["record"]["id"] in replaced:
                        stored_anchors.subtract(entry["anchors"])
            anchors.update(key for key, count in stored_anchors.items() if count > 0)
            # Stored documents link as before unless a key they look up changed status.
            changed = None
            if self.stored.linking == self._linking:
                changed = frozenset(anchors.symmetric_difference(stored_before))
            linker = _Linker(self.iris, types, frozenset(anchors), resolver, changed)
            stored: Iterator[DocumentEntry | str] = (
                e for e in self.stored.entries() if e["record"]["id"] not in replaced
            )
            to_link = itertools.chain(stored, (self._extracted.read(at) for at in extracted))
            for linked in self._link(linker, to_link, runner):
                self._add(linked)
        return self._merge(view)

    def _add(self, chunk: _LinkedChunk) -> None:
        """Spool a chunk of linked documents and add their counts."""
        for linked in chunk.documents:
            entry_at = self._entries.append(linked.entry)
            if linked.block is not None:
                self._documents[linked.iri] = (entry_at, True, self._blocks.append(linked.block))
            else:
                assert linked.stored_at is not None
                offset, length = linked.stored_at
                self._documents[linked.iri] = (entry_at, False, (offset, length))
            self._triples += linked.triples
        self._counts.add(chunk.counts.tallies, chunk.counts.links, chunk.counts.posts)
        self._collections.documents_done(len(chunk.documents))

    def _extract(
        self,
        documents: Iterable[Document],
        seen: Mapping[str, tuple[str, list[Any]]],
        resolver: Resolver,
        runner: DaskRunner | None,
        progress: Progress | None,
        on_error: DocumentFailed | None,
    ) -> Iterator[tuple[str, tuple[int, int], list[str]]]:
        """Pass 1: (doc id, where its line is, anchor keys) of each new or changed document;
        those a killed build already extracted are taken from the resume file."""
        resumed: list[tuple[str, tuple[int, int], list[str]]] = []

        def pending() -> Iterator[Document]:
            for doc in documents:
                state = (rdf.content_hash(doc.text), document_metadata(doc))
                if seen.get(doc.id) == state:
                    continue
                earlier = self._extracted.index.get(doc.id)
                if earlier is not None and (earlier[0], earlier[1]) == state:
                    resumed.append((doc.id, earlier[3], earlier[2]))
                    continue
                yield doc

        build = self.build
        finish = partial(extracted_entry, resolver, build.entity_types)
        work = (pending(), build.extractors, build.event_extractor, finish)
        if runner is not None:
            results = annotate_dask(*work, runner=runner, on_error=on_error)
        else:
            results = annotate_stream(*work, jobs=build.jobs, on_error=on_error)
        for doc_id, line, anchors in progress(results) if progress else results:
            yield doc_id, self._extracted.append(line), anchors
        self._resumed = len(resumed)
        yield from resumed

    def _link(
        self,
        linker: _Linker,
        entries: Iterator[DocumentEntry | str],
        runner: DaskRunner | None,
    ) -> Iterator[_LinkedChunk]:
        """Pass 2 over ``entries``, in order: here, in worker processes or on Dask."""
        jobs = self.build.jobs
        chunks = chunked(entries, LINK_CHUNK)
        if runner is not None:
            for _, linked in runner.map(_link_with, chunks, linker):
                yield linked
        elif jobs <= 1:
            for chunk in chunks:
                yield _link_with(chunk, linker)
        else:
            for _, linked in parallel_map(_link_with, linker, chunks, jobs):
                yield linked

    def _merge(self, view: View | None) -> BuildResult:
        tallies = self._counts.tallies
        entities = [tallies[key].entity(key) for key in sorted(tallies)]
        seed = self.build.seed
        with contextlib.ExitStack() as stack:
            # English names are spelled (mostly in the romanizer's model, which lets go of the
            # GIL) while the entity graph and its centralities are computed.
            naming = stack.enter_context(ThreadPoolExecutor(max_workers=1))
            spelling = naming.submit(
                EnglishNamer.default().names,
                [(_english_form(e), e.type) for e in entities],
            )
            iris = [str(self.iris.entity(e.key)) for e in entities]
            nodes = {
                iri: entity_attributes(e, UNNAMED) for iri, e in zip(iris, entities, strict=True)
            }
            G = entity_graph(nodes, self._counts.links)
            # The view's layout reads a few metrics (PageRank, the communities): worked out
            # first, the layout can start in another process (whatever --jobs says: that counts
            # extraction workers) while this one computes the other centralities, the corpus
            # graph and the rest of the page. It gets a graph of its own (layout_input), since G
            # changes here meanwhile, pickled at once: the pool would keep the graph itself until
            # the layout is done (7 MiB more at the build's peak for ANERcorp train).
            known: dict[str, dict[Any, float]] = {}

            def metric(name: str) -> dict[Any, float]:
                if name not in known:
                    known[name] = graph_analytics.metric(G, name, seed=seed)
                return known[name]

            placed: Future[Layout] | None = None
            if view is not None and (os.cpu_count() or 1) > 1 and len(G) >= PARALLEL_VIEW_NODES:
                pool = stack.enter_context(ProcessPoolExecutor(max_workers=1))
                drawn = pickle.dumps(view.layout_input(G, metric), pickle.HIGHEST_PROTOCOL)
                placed = pool.submit(_lay_out, view, drawn)
            metrics = graph_analytics.analyse(G, seed=seed, known=known)
            named = spelling.result()
            english = {e.key: name for e, name in zip(entities, named, strict=True)}
            for iri, name in zip(iris, named, strict=True):
                G.nodes[iri].update(label_en=name.label, label_source=name.source)
            # Straight to text: an rdflib store of the corpus graph would cost more than the rest.
            posts = self._counts.posts
            corpus = rdf.corpus_triples(entities, metrics, G, self.iris, posts, english)
            writer = rdf.trig_writer(rdf.new_dataset(self.iris))
            self._header = writer.header()
            block, count = writer.counted_block(self.iris.corpus_graph(), corpus)
            if count:
                self._corpus_block = block
            html = None
            if view is not None:
                html = view(G, placed.result if placed is not None else None)
        triples = self._triples + count
        return BuildResult(G, triples, len(self._documents), self._resumed, html)

    def write_graph(self, stream: TextIO) -> None:
        """graph.trig: the header, then every block in IRI order (as :func:`kg.rdf.serialize`)."""
        position = self._write(stream, self._header, 0)
        corpus_iri = str(self.iris.corpus_graph())
        names = [*self._documents, *([corpus_iri] if self._corpus_block is not None else [])]
        for iri in sorted(names):
            if iri == corpus_iri and self._corpus_block is not None:
                block = self._corpus_block
            else:
                _, new, at = self._documents[iri]
                block = self._blocks.read(at) if new else self.stored.block(iri, at)
            position = self._write(stream, "\n\n", position)
            start = position
            position = self._write(stream, block, position)
            self._written[iri] = (start, position - start)
        self._graph_bytes = self._write(stream, "\n", position)

    def write_documents(self, stream: TextIO) -> None:
        """``.kg-documents.jsonl``: a header, then each document's entry in IRI order."""
        header = {
            "format": DOCUMENTS_FORMAT,
            "base": self.iris.base,
            "graph_bytes": self._graph_bytes,
            "linking": self._linking,
            "extraction": self.build.fingerprint,
        }
        stream.write(json.dumps(header) + "\n")
        for iri in sorted(self._documents):
            entry_at = self._documents[iri][0]
            at = list(self._written[iri])
            # The entry is a JSON object: put "at" in front without parsing it again.
            stream.write(f'{{"at": {json.dumps(at)}, ' + self._entries.read(entry_at)[1:] + "\n")

    @staticmethod
    def _write(stream: TextIO, text: str, position: int) -> int:
        stream.write(text)
        return position + len(text.encode("utf-8"))
