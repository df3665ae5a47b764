"""Where SPARQL runs: rdflib's memory store for small graphs, Oxigraph on disk for big ones.

Both stores answer the same read-only queries with the same :class:`~kg.query.QueryResult`, so
:func:`kg.query.format_result` renders either one (table, CSV, W3C SPARQL 1.1 JSON). The
default graph is the union of the named graphs in both, as in a built ``graph.trig``. rdflib's
union is a set and Oxigraph's a bag, which agree because kg states each triple in one named
graph only (a post held in many documents is described once, in the corpus graph).

rdflib holds about 2.5 KB per triple and evaluates SPARQL in Python: fine for one article to a
few hundred thousand triples. Oxigraph (Rust, RocksDB) loads ~10× and answers ~25× faster with
a third of the memory, so :func:`open_store` picks it for big graph files. Its database is a
cache kept beside the graph (``.kg-oxigraph/``), rebuilt whenever ``graph.trig`` changes, and
opened read-only so no query can write to it.

>>> from kg.rdf import new_dataset
>>> from kg.vocab import Iris
>>> store = MemoryStore(new_dataset(Iris()))
>>> store.run("ASK { ?s ?p ?o }").rows
((rdflib.term.Literal('false', datatype=rdflib.term.URIRef('http://www.w3.org/2001/XMLSchema#boolean')),),)
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from rdflib import Dataset, Literal
from rdflib.term import Node

from kg.errors import ConfigError, GraphError, QueryError
from kg.query import (
    ASK,
    UPDATE_REFUSED,
    QueryDataset,
    QueryResult,
    check_local,
    graph_result,
    is_update,
    query_dataset,
    run_query,
    timed_out,
)
from kg.rdf import require_graph
from kg.stored import from_oxigraph
from kg.vocab import prefix_iris

if TYPE_CHECKING:
    import pyoxigraph

__all__ = [
    "AUTO_OXIGRAPH_BYTES",
    "STORES",
    "MemoryStore",
    "OxigraphStore",
    "SparqlStore",
    "choose_store",
    "open_store",
]

STORES = ("auto", "memory", "oxigraph")
#: ``auto`` picks Oxigraph for a graph.trig at least this big (≈ 8k triples of kg's TriG), and
#: ``kg build`` loads it there: rdflib's parse of a graph ten times this size takes seconds,
#: Oxigraph's cached store opens in a few hundredths.
AUTO_OXIGRAPH_BYTES = 1024 * 1024
CACHE_DIR = ".kg-oxigraph"
# Bump when the cache layout changes, so old caches are rebuilt rather than misread
# (version 2 held a copy of every triple in the default graph).
CACHE_VERSION = 3


class SparqlStore(Protocol):
    """A read-only SPARQL engine over one kg graph."""

    name: str

    def run(
        self,
        sparql: str,
        *,
        max_rows: int | None = None,
        deadline: float | None = None,
        dataset: QueryDataset | None = None,
    ) -> QueryResult:
        """Run a read-only query; keep at most ``max_rows`` rows.

        ``deadline`` (a :func:`time.monotonic` value) stops a query that is still producing
        rows after it, with :class:`~kg.errors.QueryError`. ``dataset`` (the protocol's
        ``default-graph-uri`` / ``named-graph-uri``) overrides the query's ``FROM`` clauses;
        without either, the default graph is the union of the named graphs.
        """
        ...

    def __len__(self) -> int:
        """Number of quads stored."""
        ...


class MemoryStore:
    """rdflib's in-memory dataset (the default for small graphs)."""

    name = "memory"

    def __init__(self, dataset: Dataset) -> None:
        self.dataset = dataset
        self._copy: OxigraphStore | None = None

    def run(
        self,
        sparql: str,
        *,
        max_rows: int | None = None,
        deadline: float | None = None,
        dataset: QueryDataset | None = None,
    ) -> QueryResult:
        """Run a read-only query with :func:`kg.query.run_query`.

        rdflib evaluates the whole query before returning, so ``deadline`` is only checked
        afterwards: a late answer is refused rather than cut short. A query on a dataset of its
        own (``FROM``, or ``dataset``) runs on an Oxigraph copy, because rdflib would download
        every graph it does not hold.
        """
        if dataset is not None or query_dataset(sparql) is not None:
            if self._copy is None:
                self._copy = OxigraphStore.from_dataset(self.dataset)
            return self._copy.run(sparql, max_rows=max_rows, deadline=deadline, dataset=dataset)
        result = run_query(self.dataset, sparql)
        _check_deadline(deadline)
        if max_rows is not None and len(result.rows) > max_rows:
            result = result.cut(max_rows)
        return result

    def __len__(self) -> int:
        return len(self.dataset)


class OxigraphStore:
    """An Oxigraph (pyoxigraph) store: on disk and read-only, or in memory.

    >>> store = OxigraphStore.from_nquads(
    ...     '<https://ex.org/a> <https://schema.org/name> "غزة"@ar <https://ex.org/g> .'
    ... )
    >>> result = store.run("SELECT ?name WHERE { ?s schema:name ?name }")
    >>> result.variables, str(result.rows[0][0]), result.rows[0][0].language
    (('name',), 'غزة', 'ar')
    >>> store.run("DELETE WHERE { ?s ?p ?o }")
    Traceback (most recent call last):
    ...
    kg.errors.QueryError: SPARQL UPDATE is refused: kg query and kg serve are read-only ...
    """

    name = "oxigraph"

    def __init__(self, store: pyoxigraph.Store) -> None:
        self._store = store
        self._prefixes = prefix_iris()

    @classmethod
    def from_nquads(cls, text: str) -> OxigraphStore:
        """An in-memory store holding N-Quads ``text`` (handy for tests and small data)."""
        import pyoxigraph as ox

        store = ox.Store()
        store.load(text, format=ox.RdfFormat.N_QUADS)
        return cls(store)

    @classmethod
    def load(cls, trig: Path) -> OxigraphStore:
        """An in-memory store of ``trig``: no cache on disk, faster queries, reloaded each time."""
        import pyoxigraph as ox

        store = ox.Store()
        _bulk_load(store, trig)
        return cls(store)

    @classmethod
    def from_dataset(cls, dataset: Dataset) -> OxigraphStore:
        """An in-memory Oxigraph copy of an rdflib dataset."""
        return cls.from_nquads(dataset.serialize(format="nquads"))

    @classmethod
    def open(cls, trig: Path, *, cache: Path | None = None) -> OxigraphStore:
        """Open ``trig`` through its on-disk cache, (re)building the cache when stale.

        The cache goes to ``cache`` (default: ``.kg-oxigraph/`` beside the file). When it
        cannot be written (a read-only folder), the graph is loaded into memory instead.
        """
        import pyoxigraph as ox

        folder = cache if cache is not None else trig.parent / CACHE_DIR
        stamp = _stamp(trig)
        try:
            if _read_stamp(folder) != stamp:
                _rebuild_cache(trig, folder, stamp)
            return cls(ox.Store.read_only(str(folder / "db")))
        except PermissionError:
            return cls.load(trig)
        except OSError as error:
            raise GraphError(f"{folder}: cannot open the Oxigraph store ({error})") from error

    def run(
        self,
        sparql: str,
        *,
        max_rows: int | None = None,
        deadline: float | None = None,
        dataset: QueryDataset | None = None,
    ) -> QueryResult:
        """Run a read-only query; rows stream, so ``max_rows`` and ``deadline`` cut it short."""
        import pyoxigraph as ox

        check_local(sparql)
        chosen = dataset if dataset is not None else query_dataset(sparql)
        if chosen is None:
            graphs: dict[str, Any] = {"use_default_graph_as_union": True}
        else:  # the graphs named, stated outright: an unknown IRI is an empty graph
            try:
                graphs = {
                    "default_graph": [ox.NamedNode(iri) for iri in chosen.default],
                    "named_graphs": [ox.NamedNode(iri) for iri in chosen.named],
                }
            except ValueError as error:
                raise QueryError(
                    f"a graph of the query's dataset is not an IRI ({error})"
                ) from error
        try:
            answer: Any = self._store.query(sparql, prefixes=self._prefixes, **graphs)
        except SyntaxError as error:
            if is_update(sparql):
                raise QueryError(UPDATE_REFUSED) from error
            message = " ".join(str(error).split())
            raise QueryError(f"invalid SPARQL: {message}") from error
        except OSError as error:
            raise QueryError(f"query failed while running: {error}") from error
        try:
            if isinstance(answer, ox.QueryBoolean):
                return QueryResult(("ask",), ((Literal(bool(answer)),),), ASK)
            if not isinstance(answer, ox.QuerySolutions):  # CONSTRUCT or DESCRIBE: triples
                return self._triples(answer, max_rows, deadline)
            variables = tuple(v.value for v in answer.variables)
            width = range(len(variables))
            rows = _stream(answer, lambda s: [s[i] for i in width], max_rows, deadline)
            return QueryResult(variables, tuple(rows))
        finally:
            # pyoxigraph's answers belong to the thread that made them: drop this one here,
            # not wherever an error raised past its deadline ends up (a server's main thread).
            answer = None

    @staticmethod
    def _triples(answer: Any, max_rows: int | None, deadline: float | None) -> QueryResult:
        def parts(triple: Any) -> list[Any]:
            return [triple.subject, triple.predicate, triple.object]

        return graph_result(_stream(answer, parts, max_rows, deadline))  # type: ignore[arg-type]

    def __len__(self) -> int:
        return len(self._store)


def _stream(
    answer: Any,
    terms: Callable[[Any], list[Any]],
    max_rows: int | None,
    deadline: float | None,
) -> list[tuple[Node | None, ...]]:
    """Rows of an Oxigraph answer (solutions or triples: ``terms`` of each, as rdflib terms),
    read lazily so that ``max_rows`` and ``deadline`` cut a long answer short."""
    rows: list[tuple[Node | None, ...]] = []
    # Answers repeat their terms (predicates, entities, small counts): convert each once.
    converted: dict[Any, Node | None] = {}

    def convert(term: Any) -> Node | None:
        node = converted.get(term, converted)
        if node is converted:
            node = converted[term] = from_oxigraph(term)
        return node  # type: ignore[return-value]

    try:
        for item in answer:
            if max_rows is not None and len(rows) >= max_rows:
                break
            if deadline is not None and len(rows) % 1024 == 0:
                _check_deadline(deadline)
            rows.append(tuple(map(convert, terms(item))))
    except OSError as error:
        raise QueryError(f"query failed while running: {error}") from error
    _check_deadline(deadline)
    return rows


def choose_store(trig: Path, store: str = "auto") -> str:
    """Resolve ``auto``: Oxigraph when ``trig`` has an up-to-date Oxigraph cache (``kg build``
    leaves one beside a graph of AUTO_OXIGRAPH_BYTES or more) or is that big; else memory.

    >>> choose_store(Path("graph.trig"), "memory")
    'memory'
    >>> choose_store(Path("graph.trig"), "disk")
    Traceback (most recent call last):
    ...
    kg.errors.ConfigError: unknown store 'disk'; choose one of: auto, memory, oxigraph
    """
    if store not in STORES:
        raise ConfigError(f"unknown store {store!r}; choose one of: {', '.join(STORES)}")
    if store != "auto":
        return store
    size = trig.stat().st_size if trig.is_file() else 0
    if size >= AUTO_OXIGRAPH_BYTES or (size and has_fresh_cache(trig)):
        return "oxigraph"
    return "memory"


def has_fresh_cache(trig: Path) -> bool:
    """Whether the Oxigraph cache beside ``trig`` was loaded from it as it is now."""
    return _read_stamp(trig.parent / CACHE_DIR) == _stamp(trig)


def open_store(trig: Path, store: str = "auto") -> MemoryStore | OxigraphStore:
    """Open a built graph file with the store named (``auto`` chooses by file size)."""
    require_graph(trig)
    if choose_store(trig, store) == "oxigraph":
        return OxigraphStore.open(trig)
    from kg.rdf import load_dataset
    from kg.vocab import Iris

    return MemoryStore(load_dataset(trig, Iris()))


def _check_deadline(deadline: float | None) -> None:
    if deadline is not None and time.monotonic() > deadline:
        raise timed_out()


def _stamp(trig: Path) -> dict[str, Any]:
    info = trig.stat()
    return {
        "version": CACHE_VERSION,
        "source": str(trig.resolve()),
        "size": info.st_size,
        "mtime_ns": info.st_mtime_ns,
    }


def _read_stamp(folder: Path) -> dict[str, Any] | None:
    try:
        stamp: dict[str, Any] = json.loads((folder / "stamp.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return stamp


def _bulk_load(store: pyoxigraph.Store, trig: Path) -> None:
    """Load ``trig`` with Oxigraph's bulk loader, straight from the file.

    Queries read the union of the named graphs (``use_default_graph_as_union``) rather than a
    copy of every triple in the default graph: the copy doubled the quads to index and made a
    cold load of a million triples take over 30 s instead of under 10.
    """
    import pyoxigraph as ox

    try:
        store.bulk_load(path=str(trig), format=ox.RdfFormat.TRIG)
    except SyntaxError as error:
        message = " ".join(str(error).split())
        raise GraphError(f"{trig}: cannot parse as TriG ({message})") from error


def _rebuild_cache(trig: Path, folder: Path, stamp: dict[str, Any]) -> None:
    """Bulk-load ``trig`` into a fresh database beside ``folder``, then swap it in.

    Building aside and renaming means a reader never sees a half-loaded store, and a failed
    load leaves the previous cache as it was.
    """
    import pyoxigraph as ox

    staging = folder.with_name(f"{folder.name}.tmp-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    try:
        store = ox.Store(str(staging / "db"))
        _bulk_load(store, trig)
        store.flush()
        del store  # releases RocksDB's lock before the folder moves
        (staging / "stamp.json").write_text(json.dumps(stamp), encoding="utf-8")
        if folder.exists():
            shutil.rmtree(folder)
        staging.rename(folder)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
