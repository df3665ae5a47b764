"""Query worker processes that a timeout really stops (``kg serve``).

Neither rdflib nor pyoxigraph can interrupt a running query from outside, so a query that runs
past its time in a thread goes on holding that thread. ``kg serve`` therefore runs queries in
worker processes, each with its own copy of the store (opened by a picklable ``opener`` when
the worker starts): a query past its timeout has its worker killed and a fresh one started in
its place, so any number of runaway queries leaves the service answering.

Workers are spawned (not forked: the server is multi-threaded), so each starts in about a second
plus the time its store takes to open; the server waits for the first ones before it listens,
and a replacement joins the pool as soon as it is ready.
"""

from __future__ import annotations

import logging
import multiprocessing
import queue
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any

from kg.errors import QueryError
from kg.query import QueryDataset, QueryResult, timed_out

LOG = logging.getLogger("kg.workers")
# How long a new worker may take to open its store before it is given up.
START_TIMEOUT = 300.0


class Busy(Exception):
    """Every worker is running a query (in a process pool or a server's threads)."""


@dataclass(eq=False)  # each worker is itself: hashed by identity
class _Worker:
    process: BaseProcess
    connection: Connection


class QueryPool:
    """``workers`` processes answering queries on stores made by ``opener``."""

    def __init__(self, opener: Callable[[], Any], workers: int) -> None:
        self._context = multiprocessing.get_context("spawn")
        self._opener = opener
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._closed = False
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        for worker in [self._start() for _ in range(workers)]:
            self._ready(worker)  # raises if the store cannot be opened: before listening

    def run(
        self, sparql: str, *, max_rows: int, timeout: float, dataset: QueryDataset | None = None
    ) -> QueryResult:
        """Answer ``sparql`` in an idle worker within ``timeout`` seconds (at most ``max_rows``
        rows); :class:`Busy` when none is idle, :class:`QueryError` when it fails or times out
        (the worker is then replaced)."""
        try:
            worker = self._idle.get_nowait()
        except queue.Empty:
            raise Busy("every query worker is busy; try again shortly") from None
        try:
            worker.connection.send((sparql, max_rows, timeout, dataset))
            if not worker.connection.poll(timeout):
                self._replace(worker)
                raise timed_out(timeout)
            kind, payload = worker.connection.recv()
        except (EOFError, OSError) as error:
            self._replace(worker)
            raise QueryError(
                f"the query worker stopped ({error or type(error).__name__})"
            ) from error
        self._idle.put(worker)
        if kind == "error":
            raise QueryError(payload)
        result: QueryResult = payload
        return result

    def close(self) -> None:
        """Stop every worker."""
        with self._lock:
            self._closed = True
            workers = list(self._all)
        for worker in workers:
            _stop(worker)

    def _start(self) -> _Worker:
        ours, theirs = self._context.Pipe()
        process = self._context.Process(
            target=_answer_queries, args=(self._opener, theirs), daemon=True, name="kg-query"
        )
        process.start()
        theirs.close()
        worker = _Worker(process, ours)
        with self._lock:
            self._all.add(worker)
        return worker

    def _ready(self, worker: _Worker) -> None:
        """Wait for a started worker to open its store, then make it idle."""
        try:
            if not worker.connection.poll(START_TIMEOUT):
                raise QueryError(f"a query worker did not open the graph in {START_TIMEOUT:g} s")
            kind, message = worker.connection.recv()
        except (EOFError, OSError) as error:
            raise QueryError(f"a query worker could not start ({error})") from error
        if kind != "ready":
            _stop(worker)
            raise QueryError(f"a query worker could not open the graph: {message}")
        self._idle.put(worker)

    def _replace(self, worker: _Worker) -> None:
        """Kill ``worker`` (it may be deep in a query) and start another in the background."""
        _stop(worker)
        with self._lock:
            self._all.discard(worker)
            if self._closed:
                return

        def restart() -> None:
            try:
                self._ready(self._start())
            except QueryError as error:
                LOG.error("%s", error)

        threading.Thread(target=restart, daemon=True, name="kg-query-restart").start()


def _stop(worker: _Worker) -> None:
    worker.process.kill()
    worker.process.join(timeout=5)
    worker.connection.close()


def _answer_queries(opener: Callable[[], Any], connection: Connection) -> None:
    """A worker's life: open the store, then answer queries until the pipe closes."""
    # Ctrl-C reaches the whole process group: the server stops its workers itself.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        store = opener()
    except Exception as error:  # reported to the server, which names it
        connection.send(("failed", f"{type(error).__name__}: {error}"))
        return
    connection.send(("ready", None))
    while True:
        try:
            sparql, max_rows, timeout, dataset = connection.recv()
        except (EOFError, OSError):
            return
        deadline = time.monotonic() + timeout
        try:
            answer = store.run(sparql, max_rows=max_rows, deadline=deadline, dataset=dataset)
            connection.send(("ok", answer))
        except QueryError as error:
            connection.send(("error", str(error)))
        except Exception as error:  # the engines raise assorted internal errors
            connection.send(("error", f"query failed while running: {type(error).__name__}"))
