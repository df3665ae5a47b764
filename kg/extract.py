"""Running the extraction stages over documents: in this process, in worker processes, or on Dask.

:func:`annotate` is the per-document work (sentences, NER, events); the runners around it keep
input order, so the rest of a build sees the same thing whichever engine ran it.
"""

from __future__ import annotations

import contextlib
import gc
import importlib
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from dataclasses import replace
from typing import Any, TypeVar

from kg.errors import ConfigError, InputError, KGError
from kg.events import ALIAS_EXTRACTOR, ROLE_ORG_EXTRACTOR, VENUE_EXTRACTOR, EventExtractor
from kg.model import AnnotatedDocument, Document
from kg.ner.base import Extractor, complete_mentions
from kg.text import split_sentences

# Mentions the event stage makes itself; they are made again whenever events are recomputed.
DERIVED_EXTRACTORS = frozenset({ALIAS_EXTRACTOR, ROLE_ORG_EXTRACTOR, VENUE_EXTRACTOR})
DocumentFailed = Callable[[Document, Exception], None]
T = TypeVar("T")
R = TypeVar("R")
S = TypeVar("S")


#: Extraction engines by name; "dask" needs the optional extra (``pip install 'kg[dask]'``).
ENGINES = ("local", "dask")


def check_engine(name: str) -> None:
    """:class:`~kg.errors.ConfigError` naming the known engines when ``name`` is not one."""
    if name not in ENGINES:
        raise ConfigError(f"unknown engine {name!r}; known engines: {', '.join(ENGINES)}")


def annotate(
    doc: Document,
    extractors: Sequence[Extractor],
    event_extractor: EventExtractor | None = None,
) -> AnnotatedDocument:
    """Split ``doc`` into sentences, run every extractor on it, then the event extractor.

    >>> from kg.model import EntityType, Mention
    >>> class Gaza:  # a stand-in extractor: marks every «غزة»
    ...     name, labels = "demo", ("LOC",)
    ...     def __call__(self, doc, sentences):
    ...         i = doc.text.find("غزة")
    ...         return [Mention(doc.id, i, i + 3, "غزة", EntityType.PLACE, 0, self.name)]
    >>> annotate(Document("d", "وصل الوفد إلى غزة."), [Gaza()]).mentions[0].text
    'غزة'
    """
    sentences = tuple(split_sentences(doc.text))
    if not sentences:
        raise InputError(f"{doc.id}: document has no words")
    mentions = complete_mentions(doc, sentences, extractors)
    annotated = AnnotatedDocument(doc, sentences, tuple(mentions))
    return add_events(annotated, event_extractor) if event_extractor else annotated


def annotate_all(
    documents: Iterable[Document],
    extractors: Sequence[Extractor],
    event_extractor: EventExtractor | None,
    *,
    jobs: int = 1,
    on_error: DocumentFailed | None = None,
) -> Iterator[AnnotatedDocument]:
    """The annotated documents, in order, in ``jobs`` worker processes when ``jobs > 1``
    (:func:`annotate_stream` keeping whole documents). A document that fails raises, or, given
    ``on_error``, is handed to it and skipped."""
    return annotate_stream(
        documents, extractors, event_extractor, same, jobs=jobs, on_error=on_error
    )


def annotate_stream(
    documents: Iterable[Document],
    extractors: Sequence[Extractor],
    event_extractor: EventExtractor | None,
    finish: Callable[[AnnotatedDocument], T],
    *,
    jobs: int = 1,
    on_error: DocumentFailed | None = None,
) -> Iterator[T]:
    """``finish(annotate(doc))`` over a stream of any length, in input order, bounded memory.

    ``finish`` runs where the extraction ran (a worker process when ``jobs > 1``), so what
    travels back is its result (e.g. a serialised record), not the whole annotated document.
    Workers load the extractors and ``finish`` once (pool initializer) and get small chunks;
    at most two chunks per worker are in flight, so memory does not depend on the corpus size.
    """
    catch = on_error is not None
    if jobs <= 1:
        batches = (
            # One at a time: each result is spooled before the next document starts.
            (chunk, _annotate_finished(chunk, extractors, event_extractor, finish, catch))
            for chunk in chunked(documents, 1)
        )
        yield from _finished(batches, on_error)
        return
    work = parallel_map(
        _annotate_with,
        (extractors, event_extractor, finish, catch),
        chunked(documents, STREAM_CHUNK),
        jobs,
    )
    yield from _finished(work, on_error)


# What an extraction worker needs: extractors, event extractor, finish, whether to catch errors.
_Extraction = tuple[
    Sequence[Extractor], EventExtractor | None, Callable[[AnnotatedDocument], T], bool
]


def _annotate_with(documents: Sequence[Document], state: _Extraction[T]) -> list[T | Exception]:
    return _annotate_finished(documents, *state)


def _annotate_finished(
    documents: Sequence[Document],
    extractors: Sequence[Extractor],
    event_extractor: EventExtractor | None,
    finish: Callable[[AnnotatedDocument], T],
    catch: bool,
) -> list[T | Exception]:
    return [
        result if isinstance(result, Exception) else finish(result)
        for result in _annotate_chunk(documents, extractors, event_extractor, catch)
    ]


def _finished(
    batches: Iterable[tuple[Sequence[Document], list[T | Exception]]],
    on_error: DocumentFailed | None,
) -> Iterator[T]:
    for chunk, results in batches:
        for doc, result in zip(chunk, results, strict=True):
            if not isinstance(result, Exception):
                yield result
            elif on_error is not None:  # results are exceptions only when on_error was given
                on_error(doc, result)


STREAM_CHUNK = 8  # documents per task of a streaming build: small, since workers keep the model


def chunked(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """``items`` in lists of ``size`` (the last one shorter)."""
    chunk: list[T] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def ordered_map(
    pool: Executor, function: Callable[[list[T]], R], chunks: Iterable[list[T]], jobs: int
) -> Iterator[tuple[list[T], R]]:
    """``(chunk, function(chunk))`` in input order, with ``2 * jobs`` chunks in flight at most."""
    pending: deque[tuple[list[T], Future[R]]] = deque()
    for chunk in chunks:
        pending.append((chunk, pool.submit(function, chunk)))
        if len(pending) >= 2 * jobs:
            done, future = pending.popleft()
            yield done, future.result()
    while pending:
        done, future = pending.popleft()
        yield done, future.result()


def parallel_map(
    function: Callable[[list[T], S], R], state: S, chunks: Iterable[list[T]], jobs: int
) -> Iterator[tuple[list[T], R]]:
    """``(chunk, function(chunk, state))`` in input order, over ``jobs`` worker processes.

    ``state`` (the NER model, a linker with its anchor keys…) goes to each worker once, when it
    starts, rather than with every chunk; ``function`` must be a module-level function.
    """
    with ProcessPoolExecutor(
        max_workers=jobs, initializer=_set_worker_state, initargs=(function, state)
    ) as pool:
        yield from ordered_map(pool, _run_in_worker, chunks, jobs)


# What a worker process of parallel_map was given at start: set once by the pool's
# initializer, before any task runs, and never changed afterwards.
_WORKER: dict[str, Any] = {}


def _set_worker_state(function: Callable[[list[Any], Any], Any], state: Any) -> None:
    # The collector as in the build that started the worker (BuildCollections, counting the
    # worker's own documents); the worker's models and lexicons are frozen out of it.
    _WORKER.update(function=function, state=state, collections=BuildCollections().__enter__())


# Documents a build links between two runs of the cyclic garbage collector.
COLLECT_EVERY_DOCUMENTS = 1_000


class BuildCollections:
    """The cyclic garbage collector during a build: run every :data:`COLLECT_EVERY_DOCUMENTS`
    documents (:meth:`documents_done`) instead of whenever enough objects were allocated.

    A build allocates millions of objects and frees nearly all of them by reference counting
    (over ANERcorp train the collector finds some 1,600 objects in cycles), yet at Python's
    pace it walks every object that survives a while (tallies, word tables) again and again:
    0.3 s of a 7 s build. Switched off for the build and run every 1,000 documents, it costs
    almost nothing and still bounds what cycles can hold. What exists when the build starts (the
    models and lexicons, millions of objects) is frozen out of those runs for the duration
    (it is still freed by reference counting), unless the process froze objects itself: those
    are left as they are.

    >>> import gc
    >>> with BuildCollections() as collections:
    ...     gc.isenabled()
    False
    >>> gc.isenabled()
    True
    """

    def __init__(self) -> None:
        self._pending = 0
        self._was_enabled = True
        self._froze = False

    def __enter__(self) -> BuildCollections:
        self._was_enabled = gc.isenabled()
        self._froze = gc.get_freeze_count() == 0
        if self._froze:
            gc.freeze()
        gc.disable()
        return self

    def documents_done(self, count: int) -> None:
        """Count ``count`` documents linked; collect once enough have been."""
        self._pending += count
        if self._pending >= COLLECT_EVERY_DOCUMENTS:
            self._pending = 0
            gc.collect()

    def __exit__(self, *exc: object) -> None:
        if self._froze:
            gc.unfreeze()
        if self._was_enabled:
            gc.enable()


def _run_in_worker(chunk: list[Any]) -> Any:
    done = _WORKER["function"](chunk, _WORKER["state"])
    _WORKER["collections"].documents_done(len(chunk))
    return done


class DaskRunner:
    """A Dask client for one build: ordered maps of chunks over the cluster, a bag at a time.

    ``scheduler`` is the address of a running cluster; without it a local cluster of
    ``workers`` processes lives as long as the runner (a context manager). Chunks go in bags of
    a bounded size, one after the other, and results come back in input order, so memory stays
    bounded and a Dask build sees exactly what a local one sees.
    """

    def __init__(self, scheduler: str | None = None, workers: int = 1) -> None:
        try:
            # By name: dask is an optional extra, so it may be absent for the type checker.
            self._bag: Any = importlib.import_module("dask.bag")
            distributed: Any = importlib.import_module("distributed")
        except ImportError as error:
            raise ConfigError(
                "the dask engine needs dask and distributed: pip install 'kg[dask]'"
            ) from error
        self.workers = max(1, workers)
        self._stack = contextlib.ExitStack()
        if scheduler is None:
            cluster = distributed.LocalCluster(n_workers=self.workers, threads_per_worker=1)
            self.client = self._stack.enter_context(
                distributed.Client(self._stack.enter_context(cluster))
            )
        else:
            self.client = self._stack.enter_context(distributed.Client(scheduler))

    def __enter__(self) -> DaskRunner:
        return self

    def __exit__(self, *exc: object) -> None:
        self._stack.close()

    def map(
        self, function: Callable[..., R], chunks: Iterable[list[T]], *args: Any
    ) -> Iterator[tuple[list[T], R]]:
        """``(chunk, function(chunk, *args))`` in input order, one bag of chunks at a time."""
        for batch in chunked(chunks, DASK_TASKS_PER_WORKER * self.workers):
            # Lists, never tuples: dask reads a tuple that starts with a callable as a task.
            extra = [list(a) if isinstance(a, tuple) else a for a in args]
            bag = self._bag.from_sequence(batch, npartitions=len(batch)).map(function, *extra)
            yield from zip(batch, self.client.compute(bag, sync=True), strict=True)


def annotate_dask(
    documents: Iterable[Document],
    extractors: Sequence[Extractor],
    event_extractor: EventExtractor | None,
    finish: Callable[[AnnotatedDocument], T],
    *,
    runner: DaskRunner,
    on_error: DocumentFailed | None = None,
) -> Iterator[T]:
    """:func:`annotate_stream` on a Dask cluster: the same per-document work over dask.bags."""
    work = runner.map(
        _annotate_finished,
        chunked(documents, STREAM_CHUNK),
        list(extractors),
        event_extractor,
        finish,
        on_error is not None,
    )
    yield from _finished(work, on_error)


DASK_TASKS_PER_WORKER = 16  # tasks of STREAM_CHUNK documents per worker in each bag


def same(annotated: AnnotatedDocument) -> AnnotatedDocument:
    """The ``finish`` of runners whose caller wants the annotated documents themselves."""
    return annotated


def _annotate_chunk(
    documents: Sequence[Document],
    extractors: Sequence[Extractor],
    event_extractor: EventExtractor | None,
    catch: bool = False,
) -> list[AnnotatedDocument | Exception]:
    return [_annotate_one(doc, extractors, event_extractor, catch=catch) for doc in documents]


def _annotate_one(
    doc: Document,
    extractors: Sequence[Extractor],
    event_extractor: EventExtractor | None,
    *,
    catch: bool,
) -> AnnotatedDocument | Exception:
    try:
        return annotate(doc, extractors, event_extractor)
    except Exception as error:  # one hostile document must not sink the others
        if not catch:
            raise
        if isinstance(error, KGError):
            return error
        # It may travel back from a worker process: keep only what surely pickles.
        return RuntimeError(f"{type(error).__name__}: {error}")


def add_events(annotated: AnnotatedDocument, event_extractor: EventExtractor) -> AnnotatedDocument:
    """(Re)compute events, quotations, roles and role aliases from the document's NER mentions.

    Mentions the event stage made itself (aliases, venues) are dropped and made again, so this is
    the same for a fresh document and for one read back from a stored graph.
    """
    named = tuple(m for m in annotated.mentions if m.extractor not in DERIVED_EXTRACTORS)
    found = event_extractor(annotated.doc, annotated.sentences, named)
    mentions = sorted({*named, *found.alias_mentions}, key=lambda m: (m.start, m.end, m.extractor))
    return replace(
        annotated,
        mentions=tuple(mentions),
        events=found.events,
        quotations=found.quotations,
        roles=found.roles,
        aliases=found.aliases,
    )
