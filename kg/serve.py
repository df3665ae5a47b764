"""A read-only SPARQL 1.1 Protocol endpoint over a built graph (``kg serve``).

Any SPARQL client (YASGUI, Protégé, rdflib's SPARQLWrapper, curl) can query it::

    GET  /sparql?query=...                       (URL-encoded query)
    POST /sparql  query=...                      (application/x-www-form-urlencoded)
    POST /sparql  <query text>                   (application/sparql-query)

Results are W3C SPARQL 1.1 JSON by default; ``Accept: text/csv`` gives CSV and ``text/plain`` the
table of ``kg query``. UPDATE requests (``update=`` or ``application/sparql-update``) are refused
with 403, as is any query the store refuses. The server binds to 127.0.0.1 unless told
otherwise, caps the rows of an answer (``X-KG-Truncated: true`` when it cut some) and stops
waiting for a query after a timeout.

Why a timeout can only stop waiting: neither rdflib nor pyoxigraph can interrupt a running
query from outside. Queries run on a small, fixed pool of workers; a request that finds them all
busy gets 503 at once, so a few runaway queries cannot queue up unbounded work.
"""

from __future__ import annotations

import ipaddress
import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from kg.errors import ConfigError, QueryError
from kg.query import UPDATE_REFUSED, QueryResult, format_result
from kg.store import MemoryStore, OxigraphStore

__all__ = ["ServeConfig", "SparqlServer", "check_host", "make_server"]

LOG = logging.getLogger("kg.serve")
PATH = "/sparql"
MAX_QUERY_BYTES = 1_000_000
# Media type -> kg.query format. The first is the default when Accept names none of them.
MEDIA_TYPES = {
    "application/sparql-results+json": "json",
    "application/json": "json",
    "text/csv": "csv",
    "text/plain": "table",
}


@dataclass(frozen=True)
class ServeConfig:
    """Limits of the endpoint: seconds per query, rows per answer, concurrent queries."""

    timeout: float = 10.0
    max_rows: int = 10_000
    workers: int = 2
    cors_origin: str | None = None

    def __post_init__(self) -> None:
        if self.timeout <= 0:
            raise ConfigError(f"--timeout must be positive, got {self.timeout:g}")
        if self.max_rows < 1:
            raise ConfigError(f"--max-rows must be at least 1, got {self.max_rows}")
        if self.workers < 1:
            raise ConfigError(f"workers must be at least 1, got {self.workers}")


def check_host(host: str, *, public: bool = False) -> str:
    """Refuse a non-loopback address unless ``public`` is set: the graph may be private.

    >>> check_host("127.0.0.1")
    '127.0.0.1'
    >>> check_host("0.0.0.0")
    Traceback (most recent call last):
    ...
    kg.errors.ConfigError: --host 0.0.0.0 is not a loopback address; add --public ...
    """
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError as error:
        raise ConfigError(f"--host {host!r} is not an IP address or 'localhost'") from error
    if not loopback and not public:
        raise ConfigError(
            f"--host {host} is not a loopback address; add --public to expose the graph to "
            "the network"
        )
    return host


class SparqlServer(ThreadingHTTPServer):
    """An HTTP server holding one store, its limits and its worker pool."""

    daemon_threads = True

    def __init__(
        self, address: tuple[str, int], store: MemoryStore | OxigraphStore, config: ServeConfig
    ) -> None:
        super().__init__(address, _Handler)
        self.store = store
        self.config = config
        self.pool = ThreadPoolExecutor(max_workers=config.workers, thread_name_prefix="kg-query")
        self.slots = threading.BoundedSemaphore(config.workers)

    @property
    def url(self) -> str:
        """The endpoint's URL."""
        host, port = self.server_address[:2]
        return f"http://{host!s}:{port}{PATH}"

    def answer(self, sparql: str) -> tuple[QueryResult, bool]:
        """Run ``sparql`` within the limits: (result, whether rows were cut)."""
        if not self.slots.acquire(blocking=False):
            raise _Busy("every query worker is busy; try again shortly")
        deadline = time.monotonic() + self.config.timeout
        limit = self.config.max_rows
        try:
            future = self.pool.submit(self.store.run, sparql, max_rows=limit + 1, deadline=deadline)
        except BaseException:
            self.slots.release()
            raise
        future.add_done_callback(lambda _: self.slots.release())
        try:
            result = future.result(timeout=self.config.timeout)
        except FutureTimeout as error:
            raise QueryError(
                f"query timed out after {self.config.timeout:g} s; narrow it down or add a LIMIT"
            ) from error
        if len(result.rows) > limit:
            return QueryResult(result.variables, result.rows[:limit]), True
        return result, False

    def server_close(self) -> None:
        super().server_close()
        self.pool.shutdown(wait=False, cancel_futures=True)


class _Busy(Exception):
    pass


def make_server(
    store: MemoryStore | OxigraphStore,
    *,
    host: str = "127.0.0.1",
    port: int = 7878,
    config: ServeConfig = ServeConfig(),
    public: bool = False,
) -> SparqlServer:
    """A ready :class:`SparqlServer` (call ``serve_forever()``); ``port=0`` picks a free port."""
    check_host(host, public=public)
    if not 0 <= port <= 65535:
        raise ConfigError(f"--port must be between 0 and 65535, got {port}")
    try:
        return SparqlServer((host, port), store, config)
    except OSError as error:
        raise ConfigError(f"cannot listen on {host}:{port} ({error.strerror or error})") from error


class _Handler(BaseHTTPRequestHandler):
    server: SparqlServer
    server_version = "kg-sparql"

    def log_message(self, format: str, *args: object) -> None:
        LOG.info("%s %s", self.address_string(), format % args)

    def do_OPTIONS(self) -> None:  # CORS preflight (only when an origin is allowed)
        self.send_response(HTTPStatus.NO_CONTENT)
        self._cors()
        self.send_header("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
        self.send_header("Access-Control-Allow-Headers", "Content-Type, Accept")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        if url.path != PATH:
            self._error(HTTPStatus.NOT_FOUND, f"the SPARQL endpoint is at {PATH}")
            return
        params = parse_qs(url.query)
        if "update" in params:
            self._error(HTTPStatus.FORBIDDEN, UPDATE_REFUSED)
            return
        queries = params.get("query", [])
        if len(queries) != 1:
            self._error(HTTPStatus.BAD_REQUEST, "give exactly one query= parameter")
            return
        self._run(queries[0])

    def do_POST(self) -> None:
        if urlsplit(self.path).path != PATH:
            self._error(HTTPStatus.NOT_FOUND, f"the SPARQL endpoint is at {PATH}")
            return
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_QUERY_BYTES:
            self._error(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "query is too long")
            return
        body = self.rfile.read(length).decode("utf-8", errors="replace")
        content_type = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if content_type == "application/sparql-update":
            self._error(HTTPStatus.FORBIDDEN, UPDATE_REFUSED)
            return
        if content_type == "application/sparql-query":
            self._run(body)
            return
        if content_type == "application/x-www-form-urlencoded":
            params = parse_qs(body)
            if "update" in params:
                self._error(HTTPStatus.FORBIDDEN, UPDATE_REFUSED)
                return
            queries = params.get("query", [])
            if len(queries) == 1:
                self._run(queries[0])
                return
            self._error(HTTPStatus.BAD_REQUEST, "give exactly one query= parameter")
            return
        self._error(
            HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
            "POST application/sparql-query or application/x-www-form-urlencoded",
        )

    def _run(self, sparql: str) -> None:
        media_type, fmt = self._negotiate()
        try:
            result, truncated = self.server.answer(sparql)
        except _Busy as error:
            self._error(HTTPStatus.SERVICE_UNAVAILABLE, str(error))
            return
        except QueryError as error:
            message = str(error)
            if message == UPDATE_REFUSED:
                status = HTTPStatus.FORBIDDEN
            elif "timed out" in message:
                status = HTTPStatus.SERVICE_UNAVAILABLE
            else:
                status = HTTPStatus.BAD_REQUEST
            self._error(status, message)
            return
        body = format_result(result, fmt).encode("utf-8")
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", f"{media_type}; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-KG-Truncated", "true" if truncated else "false")
        self._cors()
        self.end_headers()
        self.wfile.write(body)

    def _negotiate(self) -> tuple[str, str]:
        accept = (self.headers.get("Accept") or "").lower()
        for part in accept.split(","):
            media_type = part.split(";")[0].strip()
            if media_type in MEDIA_TYPES:
                return media_type, MEDIA_TYPES[media_type]
        return "application/sparql-results+json", "json"

    def _cors(self) -> None:
        if self.server.config.cors_origin:
            self.send_header("Access-Control-Allow-Origin", self.server.config.cors_origin)

    def _error(self, status: HTTPStatus, message: str) -> None:
        body = (message + "\n").encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self._cors()
        self.end_headers()
        self.wfile.write(body)
