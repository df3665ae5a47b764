"""A read-only SPARQL 1.1 Protocol endpoint over a built graph (``kg serve``).

Any SPARQL client (YASGUI, Protégé, rdflib's SPARQLWrapper, curl) can query it, and ``/`` is a
query page (:mod:`kg.querypage`: YASGUI, bundled, with the shipped queries as examples)::

    GET  /sparql?query=...                       (URL-encoded query)
    POST /sparql  query=...                      (application/x-www-form-urlencoded)
    POST /sparql  <query text>                   (application/sparql-query)

SELECT and ASK answers come as W3C SPARQL 1.1 JSON (the default), XML, CSV or TSV, or the table
of ``kg query`` (``text/plain``); CONSTRUCT and DESCRIBE answers as Turtle (the default),
N-Triples, JSON-LD or RDF/XML. ``Accept`` is read with its q-values; when it accepts none of
these, the answer is 406. ``GET /sparql`` without a query returns the service description
(Turtle). A request may name the query's dataset (``default-graph-uri``,
``named-graph-uri``; only stored graphs are read). UPDATE requests (``update=`` or
``application/sparql-update``) are refused with 403, as is any query the store refuses. The
server binds to 127.0.0.1 unless told otherwise, caps the rows of an answer
(``X-KG-Truncated: true`` when it cut some) and stops waiting for a query after a timeout.
Browsers may call it from any page (CORS ``*``, the truncation header exposed) while it listens
on loopback only; with ``--public`` only the ``--cors`` origin may.

Queries run on a small, fixed pool of workers; a request that finds them all busy gets 503 at
once, so runaway queries cannot queue up unbounded work. ``kg serve`` gives the server worker
processes (:class:`kg.workers.QueryPool`), so a query past its timeout is killed with its worker
and the service keeps answering; a store handed over in-process (tests, a notebook) runs in
threads, where a timeout can only stop waiting (neither rdflib nor pyoxigraph can interrupt a
running query), and its worker stays busy until the query ends.
"""

from __future__ import annotations

import ipaddress
import logging
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, replace
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from kg.errors import ConfigError, QueryError
from kg.query import (
    GRAPH,
    RDF_MEDIA_TYPES,
    UPDATE_REFUSED,
    QueryDataset,
    QueryResult,
    format_result,
    serialize_graph,
    timed_out,
)
from kg.querypage import (
    CONTENT_SECURITY_POLICY,
    STATIC_FILES,
    Example,
    default_examples,
    page_html,
    static_file,
)
from kg.store import MemoryStore, OxigraphStore
from kg.workers import Busy, QueryPool

__all__ = ["ServeConfig", "SparqlServer", "check_host", "make_server", "negotiate"]

LOG = logging.getLogger("kg.serve")
PATH = "/sparql"
MAX_QUERY_BYTES = 1_000_000
# Media type -> kg.query format of SELECT / ASK answers, the default first.
MEDIA_TYPES = {
    "application/sparql-results+json": "json",
    "application/json": "json",
    "application/sparql-results+xml": "xml",
    "application/xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
    "text/plain": "table",
}
SERVICE_DESCRIPTION = """@prefix sd: <http://www.w3.org/ns/sparql-service-description#> .
@prefix fmt: <http://www.w3.org/ns/formats/> .

[] a sd:Service ;
    sd:endpoint <{url}> ;
    sd:supportedLanguage sd:SPARQL11Query ;
    sd:feature sd:UnionDefaultGraph ;
    sd:resultFormat fmt:SPARQL_Results_JSON, fmt:SPARQL_Results_XML, fmt:SPARQL_Results_CSV,
        fmt:SPARQL_Results_TSV, fmt:Turtle, fmt:N-Triples, fmt:JSON-LD, fmt:RDF_XML .
"""
UPDATE_REFUSED_HERE = (
    "SPARQL UPDATE is refused: kg serve is a read-only endpoint "
    "(SELECT, ASK, CONSTRUCT and DESCRIBE only)"
)


def negotiate(accept: str | None, offered: Sequence[str]) -> str | None:
    """The offered media type the ``Accept`` header prefers (q-values, the most specific range
    deciding; ties go to the earlier offer), or None when it accepts none of them.

    >>> negotiate("text/csv;q=0.5, application/sparql-results+json", ["text/csv", "text/plain",
    ...     "application/sparql-results+json"])
    'application/sparql-results+json'
    >>> negotiate("text/*;q=0.2, text/plain", ["text/csv", "text/plain"])
    'text/plain'
    >>> negotiate("image/png", ["text/csv"]) is None, negotiate(None, ["text/csv"])
    (True, 'text/csv')
    """
    if not accept or not accept.strip():
        return offered[0] if offered else None
    ranges: list[tuple[str, float]] = []
    for part in accept.lower().split(","):
        media, *params = part.strip().split(";")
        quality = 1.0
        for param in params:
            key, _, value = param.strip().partition("=")
            if key.strip() == "q":
                try:
                    quality = min(max(float(value), 0.0), 1.0)
                except ValueError:
                    quality = 0.0
        if media.strip():
            ranges.append((media.strip(), quality))
    best, best_quality = None, 0.0
    for media in offered:
        matches = [
            (specificity, quality)
            for pattern, quality in ranges
            if (specificity := _match(pattern, media)) is not None
        ]
        if matches:
            quality = max(matches)[1]  # the most specific range's q-value applies
            if quality > best_quality:
                best, best_quality = media, quality
    return best


def _match(pattern: str, media: str) -> int | None:
    # How specifically ``pattern`` names ``media``: 2 exactly, 1 by its type, 0 as */*.
    if pattern == media:
        return 2
    if pattern.endswith("/*") and media.startswith(pattern[:-1]):
        return 1
    return 0 if pattern == "*/*" else None


@dataclass(frozen=True)
class ServeConfig:
    """Limits of the endpoint: seconds per query, rows per answer, concurrent queries."""

    timeout: float = 10.0
    max_rows: int = 10_000
    workers: int = 2
    # Browser pages allowed to call the endpoint ("*": any); see make_server's default.
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
        self,
        address: tuple[str, int],
        store: MemoryStore | OxigraphStore | QueryPool,
        config: ServeConfig,
        examples: Sequence[Example] = (),
    ) -> None:
        # The pool exists before the socket is bound: a busy port makes the base class close
        # the server at once, and closing shuts the pool down.
        self.store = store
        self.config = config
        self.page = page_html(list(examples))
        self.pool = ThreadPoolExecutor(max_workers=config.workers, thread_name_prefix="kg-query")
        self.slots = threading.BoundedSemaphore(config.workers)
        super().__init__(address, _Handler)

    @property
    def url(self) -> str:
        """The endpoint's URL."""
        host, port = self.server_address[:2]
        return f"http://{host!s}:{port}{PATH}"

    def answer(self, sparql: str, dataset: QueryDataset | None = None) -> tuple[QueryResult, bool]:
        """Run ``sparql`` (on ``dataset``, when the request names one) within the limits:
        (result, whether rows were cut)."""
        limit = self.config.max_rows
        if isinstance(self.store, QueryPool):
            timeout = self.config.timeout
            result = self.store.run(sparql, max_rows=limit + 1, timeout=timeout, dataset=dataset)
        else:
            result = self._in_thread(sparql, dataset)
        if len(result.rows) > limit:
            return result.cut(limit), True
        return result, False

    def _in_thread(self, sparql: str, dataset: QueryDataset | None) -> QueryResult:
        assert not isinstance(self.store, QueryPool)
        if not self.slots.acquire(blocking=False):
            raise Busy("every query worker is busy; try again shortly")
        deadline = time.monotonic() + self.config.timeout
        limit = self.config.max_rows
        try:
            future = self.pool.submit(
                self.store.run, sparql, max_rows=limit + 1, deadline=deadline, dataset=dataset
            )
        except BaseException:
            self.slots.release()
            raise
        future.add_done_callback(lambda _: self.slots.release())
        try:
            result: QueryResult = future.result(timeout=self.config.timeout)
        except FutureTimeout as error:
            raise timed_out(self.config.timeout) from error
        return result

    def server_close(self) -> None:
        super().server_close()
        self.pool.shutdown(wait=False, cancel_futures=True)
        if isinstance(self.store, QueryPool):
            self.store.close()


def make_server(
    store: MemoryStore | OxigraphStore | QueryPool,
    *,
    host: str = "127.0.0.1",
    port: int = 7878,
    config: ServeConfig = ServeConfig(),
    public: bool = False,
    examples: Sequence[Example] | None = None,
) -> SparqlServer:
    """A ready :class:`SparqlServer` (call ``serve_forever()``); ``port=0`` picks a free port.
    The query page at ``/`` offers ``examples`` (default: the repository's ``queries/``).

    Without a ``config.cors_origin``, pages from any origin may query an endpoint on loopback
    (it serves only this machine), none a public one."""
    check_host(host, public=public)
    if config.cors_origin is None and not public:
        config = replace(config, cors_origin="*")
    if not 0 <= port <= 65535:
        raise ConfigError(f"--port must be between 0 and 65535, got {port}")
    try:
        if examples is None:
            examples = default_examples()
        return SparqlServer((host, port), store, config, examples)
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
        if url.path == "/":
            self._send_page(self.server.page.encode("utf-8"), "text/html")
            return
        if url.path.startswith("/ui/") and url.path[4:] in STATIC_FILES:
            name = url.path[4:]
            self._send_page(static_file(name), STATIC_FILES[name])
            return
        if url.path != PATH:
            self._error(HTTPStatus.NOT_FOUND, f"the SPARQL endpoint is at {PATH}")
            return
        params = parse_qs(url.query)
        if "update" in params:
            self._error(HTTPStatus.FORBIDDEN, UPDATE_REFUSED_HERE)
            return
        queries = params.get("query", [])
        if not queries:
            self._describe_service()
            return
        if len(queries) != 1:
            self._error(HTTPStatus.BAD_REQUEST, "give exactly one query= parameter")
            return
        self._run(queries[0], params)

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
            self._error(HTTPStatus.FORBIDDEN, UPDATE_REFUSED_HERE)
            return
        if content_type == "application/sparql-query":
            self._run(body, parse_qs(urlsplit(self.path).query))
            return
        if content_type == "application/x-www-form-urlencoded":
            params = parse_qs(body)
            if "update" in params:
                self._error(HTTPStatus.FORBIDDEN, UPDATE_REFUSED_HERE)
                return
            queries = params.get("query", [])
            if len(queries) == 1:
                self._run(queries[0], params)
                return
            self._error(HTTPStatus.BAD_REQUEST, "give exactly one query= parameter")
            return
        self._error(
            HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
            "POST application/sparql-query or application/x-www-form-urlencoded",
        )

    def _run(self, sparql: str, params: dict[str, list[str]]) -> None:
        """Answer one query; ``params`` may name its dataset (``default-graph-uri``,
        ``named-graph-uri``: SPARQL 1.1 Protocol §2.1.4, over the query's own FROM)."""
        accept = self.headers.get("Accept")
        dataset = None
        if "default-graph-uri" in params or "named-graph-uri" in params:
            dataset = QueryDataset(
                tuple(params.get("default-graph-uri", [])), tuple(params.get("named-graph-uri", []))
            )
        if negotiate(accept, [*MEDIA_TYPES, *RDF_MEDIA_TYPES]) is None:
            offered = ", ".join([*MEDIA_TYPES, *RDF_MEDIA_TYPES])
            self._error(
                HTTPStatus.NOT_ACCEPTABLE, f"no acceptable result format; kg serves {offered}"
            )
            return
        try:
            result, truncated = self.server.answer(sparql, dataset)
        except Busy as error:
            self._error(HTTPStatus.SERVICE_UNAVAILABLE, str(error))
            return
        except QueryError as error:
            message = str(error)
            if message == UPDATE_REFUSED:
                status, message = HTTPStatus.FORBIDDEN, UPDATE_REFUSED_HERE
            elif "timed out" in message:
                status = HTTPStatus.SERVICE_UNAVAILABLE
            else:
                status = HTTPStatus.BAD_REQUEST
            self._error(status, message)
            return
        graph = result.form == GRAPH
        formats = RDF_MEDIA_TYPES if graph else MEDIA_TYPES
        media_type = negotiate(accept, list(formats))
        if media_type is None:
            kind = "graph" if graph else "table"
            message = f"a {kind} answer comes as {', '.join(formats)}"
            self._error(HTTPStatus.NOT_ACCEPTABLE, message)
            return
        render = serialize_graph if graph else format_result
        self._send(render(result, formats[media_type]), media_type, truncated)

    def _send_page(self, body: bytes, media_type: str) -> None:
        """The query page or one of its files: same-origin only, nothing from other hosts."""
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", f"{media_type}; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Cache-Control", "no-cache")
        self.end_headers()
        self.wfile.write(body)

    def _describe_service(self) -> None:
        self._send(SERVICE_DESCRIPTION.format(url=self.server.url), "text/turtle", False)

    def _send(self, text: str, media_type: str, truncated: bool) -> None:
        body = text.encode("utf-8")
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", f"{media_type}; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-KG-Truncated", "true" if truncated else "false")
        self.send_header("Vary", "Accept")
        self._cors()
        self.end_headers()
        self.wfile.write(body)

    def _cors(self) -> None:
        if self.server.config.cors_origin:
            self.send_header("Access-Control-Allow-Origin", self.server.config.cors_origin)
            self.send_header("Access-Control-Expose-Headers", "X-KG-Truncated")

    def _error(self, status: HTTPStatus, message: str) -> None:
        body = (message + "\n").encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self._cors()
        self.end_headers()
        self.wfile.write(body)
