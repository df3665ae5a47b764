"""Wires the stages: documents -> mentions -> entities -> RDF -> graph -> views.

``build(documents)`` returns a :class:`KnowledgeGraph`; ``build_directory`` merges documents into
a graph folder (``graph.trig``, ``graph.html``, ``entities.csv``) and writes it atomically.
"""

from __future__ import annotations

import io
import json
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import networkx as nx
from rdflib import Dataset

from kg import __version__, rdf
from kg import graph as graph_analytics
from kg.corpus import (
    BuildResult,
    CorpusBuild,
    Progress,
    StreamingBuild,
)
from kg.errors import GraphError, InputError, KGError, check_top
from kg.events import EventExtractor
from kg.extract import (
    DocumentFailed,
    check_engine,
)
from kg.graph import ENTITY_COLUMNS, entities_csv, write_analytics
from kg.index import DOCUMENTS_FILE
from kg.io import MAX_DOCUMENT_CHARS, Source, bad_input, read_sources
from kg.lock import folder_lock
from kg.model import Document, EntityType
from kg.ner.base import Extractor, load_extractors
from kg.output import atomic_write_many, remove_stale_temporaries
from kg.report import BuildReport
from kg.vocab import DEFAULT_BASE, Iris

if TYPE_CHECKING:
    import pandas as pd
    import pyoxigraph

    from kg.layout import Layout
    from kg.query import QueryResult
    from kg.store import MemoryStore, OxigraphStore

GRAPH_FILE = "graph.trig"
HTML_FILE = "graph.html"
ENTITIES_FILE = "entities.csv"
# graph.html shows at most this many entities unless --top says otherwise (the most central
# first); 20,000 nodes open in a few seconds (benchmarks/view.py).
VIEW_NODES = 20_000
# Names the temporary files of a build, so a later build can sweep up those of a killed one.
BUILD_TEMP_PREFIX = "kg-build."


@dataclass(frozen=True)
class BuildConfig:
    """Options of a build. ``ner`` names a backend of :mod:`kg.ner.base`."""

    ner: str = "crf"
    ner_model: str | None = None
    # Rule extractors run beside the NER backend (kg.ner.base.RULE_EXTRACTORS).
    rules: tuple[str, ...] = (
        "org-grammar",
        "place-names",
        "person-names",
        "acronyms",
        "cued-names",
        "list-items",
        "sports-clubs",
        "type-agreement",
    )
    base: str = DEFAULT_BASE
    # MISC spans (events, nationalities …) stay as typed mentions but do not become graph nodes.
    entity_types: frozenset[EntityType] = field(
        default=frozenset({EntityType.PERSON, EntityType.ORGANIZATION, EntityType.PLACE})
    )
    seed: int = 0
    events: bool = True  # meetings, statements, quotations, roles
    jobs: int = 1  # worker processes for extraction; the output does not depend on it
    # Where extraction runs: "local" (this machine, ``jobs`` processes) or "dask"; see ENGINES.
    engine: str = "local"
    scheduler: str | None = None  # a dask scheduler address; None starts a local cluster


class KnowledgeGraph:
    """A built graph: the RDF dataset, its entities and the networkx projection with analytics.

    A graph from :func:`build` holds its rdflib dataset. One opened with :func:`load` queries
    the store :func:`kg.store.open_store` picks for the file (the Oxigraph store ``kg build``
    leaves beside a big graph), and parses the file into an rdflib ``dataset`` only when that
    attribute is first read.
    """

    def __init__(
        self,
        dataset: Dataset | None,
        iris: Iris,
        *,
        seed: int = 0,
        G: nx.Graph | None = None,
        store: MemoryStore | OxigraphStore | None = None,
        source: Path | None = None,
    ) -> None:
        """``G``: the entity graph with its metrics, as the build that wrote ``dataset`` made
        it; without it, it is projected from the store (:func:`kg.graph.project`), with the
        metrics stored there, or computed and stored when they are not. Without a
        ``dataset``, ``store`` answers queries and ``source`` (the graph.trig it holds) is
        parsed when the dataset is asked for."""
        from kg.store import MemoryStore

        if dataset is None and (store is None or source is None):
            raise ValueError("KnowledgeGraph needs a dataset, or a store and its source file")
        self._dataset = dataset
        self._source = source
        self.iris = iris
        self.store: MemoryStore | OxigraphStore = (
            store if store is not None else MemoryStore(self.dataset)
        )
        self._G = G
        self._seed = seed

    @property
    def G(self) -> nx.Graph:
        """The entity graph with its metrics (projected from the store on first use)."""
        if self._G is None:
            self._G = graph_analytics.project(self.store, self.iris)
            metrics = graph_analytics.METRICS
            stored = (metric in data for _, data in self._G.nodes(data=True) for metric in metrics)
            if not all(stored):
                self.recompute_analytics(seed=self._seed)  # not stored yet: compute them
        return self._G

    @property
    def dataset(self) -> Dataset:
        """The graph as an rdflib Dataset (a loaded graph is parsed on first use)."""
        if self._dataset is None:
            assert self._source is not None
            self._dataset = rdf.load_dataset(self._source, self.iris)
        return self._dataset

    def recompute_analytics(self, *, seed: int = 0) -> None:
        """Compute the centralities and communities again and store them in the dataset (a
        loaded graph reads them as its build stored them; this is the explicit call). Queries
        then read the changed dataset, not the file."""
        from kg.store import MemoryStore

        write_analytics(self.dataset, self.G, self.iris, seed=seed)
        self.store = MemoryStore(self.dataset)
        self._source = None  # the file no longer holds this graph

    def quads(self) -> Iterator[pyoxigraph.Quad]:
        """Every quad of the graph, as pyoxigraph terms, in graph.trig's order (graphs, then
        subjects, in IRI order): parsed from the file a loaded graph came from, which is
        several times faster than reading them back from a store."""
        import pyoxigraph as ox

        if self._source is not None:
            return iter(ox.parse(path=str(self._source), format=ox.RdfFormat.TRIG))
        return iter(ox.parse(rdf.serialize(self.dataset), format=ox.RdfFormat.TRIG))

    def query(self, sparql: str) -> pd.DataFrame:
        """Run a read-only SPARQL SELECT and return a pandas DataFrame."""
        import pandas as pd

        from kg.query import to_records  # the SPARQL engine loads only when a query runs

        result = self.run(sparql)
        return pd.DataFrame(to_records(result), columns=list(result.variables))

    def run(self, sparql: str) -> QueryResult:
        """Run a read-only SPARQL query and return the raw result."""
        return self.store.run(sparql)

    def to_networkx(self) -> nx.Graph:
        """A copy of the entity graph (nodes carry labels, types and metrics)."""
        return self.G.copy()

    def entity_rows(self) -> list[dict[str, Any]]:
        """One dict per entity, most central first: the rows of entities.csv."""
        return graph_analytics.entity_rows(self.G)

    def centrality(self) -> pd.DataFrame:
        """Entities with their degree, PageRank, betweenness, eigenvector and community.

        Indexed by entity IRI, most central (PageRank) first; the same table as entities.csv.
        """
        import pandas as pd

        return pd.DataFrame(self.entity_rows(), columns=list(ENTITY_COLUMNS)).set_index("id")

    def entities_csv(self) -> str:
        """entities.csv text."""
        return entities_csv(self.G)

    def html(self, *, top: int | None = None, title: str = "kg graph") -> str:
        """The self-contained interactive HTML view."""
        from kg.viz import render_html

        return render_html(self.G, title=title, top=top)

    def view(self, *, top: int | None = None, height: int = 650) -> InlineView:
        """Show the graph inline in Jupyter (an iframe holding the HTML view)."""
        return InlineView(self.html(top=top), height)


@dataclass(frozen=True)
class InlineView:
    """The HTML view as Jupyter shows it inline: a sandboxed iframe holding the page (its own
    document, so its script and style cannot touch the notebook's)."""

    page: str
    height: int = 650

    def _repr_html_(self) -> str:
        import html

        source = html.escape(self.page, quote=True)
        return (
            f'<iframe srcdoc="{source}" sandbox="allow-scripts" '
            f'style="width:100%;height:{self.height}px;border:0"></iframe>'
        )


def build(
    documents: Iterable[Document],
    config: BuildConfig = BuildConfig(),
    *,
    existing: Dataset | None = None,
    progress: Progress | None = None,
    extractors: Sequence[Extractor] | None = None,
    on_error: DocumentFailed | None = None,
) -> KnowledgeGraph:
    """Extract ``documents`` and merge them with ``existing`` (a dataset kg built), in memory.

    The same engine as :func:`build_directory` (a :class:`~kg.corpus.StreamingBuild` in a
    temporary folder), so the two give the same graph by construction. A document whose id is
    already stored replaces its named graph; entities, aliases and analytics are recomputed over
    everything stored, so building the same input twice gives the same graph. ``extractors``
    overrides the backend named by ``config.ner``. A document that cannot be extracted raises,
    or, given ``on_error``, is handed to it and left out. ``existing`` is not changed.
    """
    pending: dict[str, Document] = {}
    for doc in documents:
        if doc.id in pending:
            raise InputError(f"{doc.id}: two input documents have this id; ids must be unique")
        pending[doc.id] = doc
    corpus_build = _corpus_build(config, extractors)
    with tempfile.TemporaryDirectory(prefix=BUILD_TEMP_PREFIX) as folder:
        out = Path(folder)
        trig = out / GRAPH_FILE
        if existing is not None:
            trig.write_text(rdf.serialize(existing), encoding="utf-8")
        try:
            with StreamingBuild(
                out, trig, corpus_build, temp_prefix=BUILD_TEMP_PREFIX
            ) as streaming:
                result = streaming.run(pending.values(), progress=progress, on_error=on_error)
                text = io.StringIO()
                streaming.write_graph(text)
        except GraphError as error:  # about the temporary copy: name what the caller gave
            raise GraphError(str(error).replace(str(trig), "existing dataset")) from error
    dataset = rdf.new_dataset(corpus_build.iris)
    dataset.parse(data=text.getvalue(), format="trig")
    return KnowledgeGraph(dataset, corpus_build.iris, seed=config.seed, G=result.G)


def _corpus_build(config: BuildConfig, extractors: Sequence[Extractor] | None) -> CorpusBuild:
    """What every build of ``config`` runs: its extractors, linking settings and fingerprint."""
    check_engine(config.engine)
    if extractors is None:
        extractors = load_extractors(config.ner, config.ner_model, config.rules)
    return CorpusBuild(
        iris=Iris(config.base),
        extractors=tuple(extractors),
        event_extractor=EventExtractor.default() if config.events else None,
        entity_types=config.entity_types,
        jobs=config.jobs,
        engine=config.engine,
        scheduler=config.scheduler,
        seed=config.seed,
        fingerprint=json.dumps(
            [
                __version__,
                config.ner,
                config.ner_model,
                list(config.rules),
                config.events,
                sorted(config.entity_types),
            ]
        ),
    )


def graph_file(path: str | os.PathLike[str]) -> Path:
    """``DIR`` or ``DIR/graph.trig`` -> the graph.trig path."""
    path = Path(path)
    return path / GRAPH_FILE if path.is_dir() or path.suffix != ".trig" else path


def load(
    path: str | os.PathLike[str], *, base: str = DEFAULT_BASE, seed: int = 0, store: str = "auto"
) -> KnowledgeGraph:
    """Open a built graph (``DIR`` or ``DIR/graph.trig``) on the store named (see
    :func:`kg.store.open_store`: ``auto`` takes the Oxigraph store a build left beside a big
    graph, rdflib's memory store for a small one)."""
    from kg.store import MemoryStore, open_store

    trig = rdf.require_graph(graph_file(path))
    iris = Iris(base)
    opened = open_store(trig, store)
    if isinstance(opened, MemoryStore):
        return KnowledgeGraph(opened.dataset, iris, seed=seed, store=opened, source=trig)
    return KnowledgeGraph(None, iris, seed=seed, store=opened, source=trig)


def build_directory(
    inputs: Sequence[str | os.PathLike[str]],
    out_dir: str | os.PathLike[str],
    config: BuildConfig = BuildConfig(),
    *,
    progress: Progress | None = None,
    top: int | None = None,
    encoding: str | None = None,
    max_chars: int = MAX_DOCUMENT_CHARS,
    report: BuildReport | None = None,
    extractors: Sequence[Extractor] | None = None,
) -> BuildResult:
    """Build ``inputs`` into ``out_dir``, merging with a graph already there, in bounded memory.

    Documents stream through :class:`kg.corpus.StreamingBuild`; a document whose content hash
    and metadata match a stored one is not extracted again. Every output is staged and renamed
    only when all are ready: a failure leaves the previous graph folder untouched. The folder
    is locked (:func:`kg.lock.folder_lock`) for the whole build, so a second build of the same
    folder fails at once with a BusyError.

    Without ``report`` the first bad input raises its InputError and nothing is written. With a
    :class:`~kg.report.BuildReport`, every bad document is recorded there and the good ones are
    built; outputs are written only when at least one good document was read.
    """
    check_engine(config.engine)
    check_top(top)  # before any work, not after the extraction
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise InputError(f"{out}: --out must be a folder")
    corpus_build = _corpus_build(config, extractors)
    with folder_lock(out):
        # Temporaries of a build that was killed mid-write: nobody else can be writing them now.
        remove_stale_temporaries(out, BUILD_TEMP_PREFIX)
        sources = read_sources(
            inputs,
            encoding=encoding,
            on_error=report.add if report is not None else None,
            max_chars=max_chars,
        )
        where: dict[str, Source] = {}
        documents = _unique_documents(sources, where, report)

        def document_failed(doc: Document, error: Exception) -> None:
            assert report is not None  # only installed when a report collects the problems
            report.documents -= 1
            problem = str(error).removeprefix(f"{doc.id}: ")
            if not isinstance(error, KGError):
                problem = f"extraction failed ({problem}); please report this as a bug"
            report.add(bad_input(where.get(doc.id, Source("(input)")), problem, doc.id))

        trig = out / GRAPH_FILE
        with StreamingBuild(out, trig, corpus_build, temp_prefix=BUILD_TEMP_PREFIX) as streaming:
            result = streaming.run(
                documents,
                progress=progress,
                on_error=document_failed if report is not None else None,
                view=BuildView(top),
            )
            if report is not None and report.documents == 0 and not report.ok:
                return result  # nothing good was read: keep whatever the folder holds
            assert result.html is not None
            atomic_write_many(
                {
                    trig: streaming.write_graph,
                    out / DOCUMENTS_FILE: streaming.write_documents,
                    out / ENTITIES_FILE: entities_csv(result.G),
                    out / HTML_FILE: result.html,
                },
                temp_prefix=BUILD_TEMP_PREFIX,
            )
            streaming.committed()
        if report is not None:
            report.written = True
    return result


@dataclass(frozen=True)
class BuildView:
    """graph.html of a build: every entity, or for a huge graph the VIEW_NODES most central
    (``top``: the most central ``top``). Its layout may be worked out apart (in another process,
    while the build writes its graph) and handed to the page when it needs it."""

    top: int | None = None

    def layout_input(self, G: nx.Graph, metric: Callable[[str], Mapping[Any, float]]) -> nx.Graph:
        from kg.viz import layout_input

        return layout_input(G, metric)

    def layout(self, G: nx.Graph) -> Layout:
        from kg.viz import view_layout

        return view_layout(G, top=self._top(G))

    def __call__(self, G: nx.Graph, placement: Callable[[], Layout] | None = None) -> str:
        from kg.viz import render_html

        return render_html(G, title="kg graph", top=self._top(G), placement=placement)

    def _top(self, G: nx.Graph) -> int | None:
        return VIEW_NODES if self.top is None and len(G) > VIEW_NODES else self.top


def _unique_documents(
    sources: Iterator[tuple[Source, Document]],
    where: dict[str, Source],
    report: BuildReport | None,
) -> Iterator[Document]:
    """The documents, minus (and reporting) any whose id an earlier input already used."""
    for source, doc in sources:
        if doc.id in where:
            error = bad_input(
                source, f"duplicate document id {doc.id!r} (first in {where[doc.id]})", doc.id
            )
            if report is None:
                raise error
            report.add(error)
            continue
        where[doc.id] = source
        if report is not None:
            report.documents += 1
        yield doc
