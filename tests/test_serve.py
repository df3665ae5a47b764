"""kg serve: a read-only SPARQL 1.1 Protocol endpoint on loopback, with limits.

Every test binds 127.0.0.1 on an ephemeral port, sends a few requests with short timeouts and
shuts the server down; nothing leaves the machine.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest

from kg.errors import ConfigError, QueryError
from kg.query import QueryDataset, QueryResult
from kg.serve import ServeConfig, SparqlServer, check_host, make_server
from kg.store import OxigraphStore

NQUADS = "".join(
    f'<http://ex.org/e{i}> <http://www.w3.org/2000/01/rdf-schema#label> "كيان {i}"@ar '
    "<http://ex.org/g> .\n"
    for i in range(20)
)
SELECT = "SELECT ?e ?label WHERE { ?e rdfs:label ?label } ORDER BY ?e"


def _serve(server: SparqlServer) -> Iterator[SparqlServer]:
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture
def server() -> Iterator[SparqlServer]:
    store = OxigraphStore.from_nquads(NQUADS)
    yield from _serve(make_server(store, port=0, config=ServeConfig(max_rows=5, timeout=5)))


def _request(
    url: str, data: bytes | None = None, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], str]:
    request = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode("utf-8")


def test_serve_get_returns_w3c_json(server: SparqlServer) -> None:
    assert server.url.startswith("http://127.0.0.1:")
    status, headers, body = _request(server.url + "?" + urlencode({"query": SELECT}))
    assert status == 200
    assert headers["Content-Type"].startswith("application/sparql-results+json")
    document = json.loads(body)
    assert document["head"]["vars"] == ["e", "label"]
    first = document["results"]["bindings"][0]["label"]
    assert first == {"type": "literal", "value": "كيان 0", "xml:lang": "ar"}
    # On loopback, pages from any origin may ask, and may read the truncation header.
    assert headers["Access-Control-Allow-Origin"] == "*"
    assert headers["Access-Control-Expose-Headers"] == "X-KG-Truncated"


def test_serve_post_forms_and_csv(server: SparqlServer) -> None:
    form = urlencode({"query": "ASK { ?s ?p ?o }"}).encode()
    status, _, body = _request(
        server.url, form, {"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert status == 200 and json.loads(body) == {"head": {}, "boolean": True}
    status, headers, body = _request(
        server.url,
        SELECT.encode(),
        {"Content-Type": "application/sparql-query", "Accept": "text/csv"},
    )
    assert status == 200 and headers["Content-Type"].startswith("text/csv")
    assert body.splitlines()[0] == "e,label"


def test_serve_caps_rows(server: SparqlServer) -> None:
    status, headers, body = _request(server.url + "?" + urlencode({"query": SELECT}))
    assert status == 200 and headers["X-KG-Truncated"] == "true"
    assert len(json.loads(body)["results"]["bindings"]) == 5


@pytest.mark.parametrize(
    ("data", "headers", "query"),
    [
        (None, {}, {"update": "CLEAR ALL"}),
        (None, {}, {"query": "DELETE WHERE { ?s ?p ?o }"}),
        (b"CLEAR ALL", {"Content-Type": "application/sparql-update"}, None),
        (
            urlencode({"update": "DROP ALL"}).encode(),
            {"Content-Type": "application/x-www-form-urlencoded"},
            None,
        ),
    ],
)
def test_serve_refuses_updates(
    server: SparqlServer,
    data: bytes | None,
    headers: dict[str, str],
    query: dict[str, str] | None,
) -> None:
    url = server.url + ("?" + urlencode(query) if query else "")
    status, _, body = _request(url, data, headers)
    assert status == 403 and "UPDATE is refused" in body
    status, _, body = _request(server.url + "?" + urlencode({"query": "ASK { ?s ?p ?o }"}))
    assert status == 200 and '"boolean": true' in body  # still there, unchanged


def test_serve_bad_requests(server: SparqlServer) -> None:
    assert _request(server.url + "?" + urlencode({"query": "SELEC"}))[0] == 400
    two = urlencode([("query", "ASK {}"), ("query", "ASK {}")])
    assert _request(server.url + "?" + two)[0] == 400
    assert _request(server.url.replace("/sparql", "/other"))[0] == 404
    assert _request(server.url, b"x", {"Content-Type": "text/plain"})[0] == 415


class _SlowStore:
    """A store whose query takes longer than the server waits."""

    name = "slow"

    def run(
        self,
        sparql: str,
        *,
        max_rows: int | None = None,
        deadline: float | None = None,
        dataset: QueryDataset | None = None,
    ) -> QueryResult:
        time.sleep(1.5)
        raise QueryError("never reached in time")

    def __len__(self) -> int:
        return 0


def test_serve_times_out_and_sheds_load() -> None:
    config = ServeConfig(timeout=0.3, workers=1, cors_origin="*")
    server = make_server(_SlowStore(), port=0, config=config)  # type: ignore[arg-type]
    for running in _serve(server):
        url = running.url + "?" + urlencode({"query": "ASK {}"})
        status, headers, body = _request(url)
        assert status == 503 and "timed out" in body
        assert headers["Access-Control-Allow-Origin"] == "*"
        status, _, body = _request(url)  # the one worker is still busy with the first query
        assert status == 503 and "busy" in body


def test_serve_refuses_public_hosts_and_bad_limits() -> None:
    assert check_host("::1") == "::1"
    with pytest.raises(ConfigError, match="--public"):
        check_host("0.0.0.0")
    with pytest.raises(ConfigError, match="not an IP address"):
        check_host("example.org")
    with pytest.raises(ConfigError, match="--timeout"):
        ServeConfig(timeout=0)
    with pytest.raises(ConfigError, match="--max-rows"):
        ServeConfig(max_rows=0)


def test_serve_describes_itself_without_a_query(server: SparqlServer) -> None:
    status, headers, body = _request(server.url)
    assert status == 200 and headers["Content-Type"].startswith("text/turtle")
    assert "sd:Service" in body and f"sd:endpoint <{server.url}>" in body


@pytest.mark.parametrize(
    ("accept", "media_type", "first_line"),
    [
        (
            "application/sparql-results+xml",
            "application/sparql-results+xml",
            '<?xml version="1.0"?>',
        ),
        ("text/tab-separated-values", "text/tab-separated-values", "?e\t?label"),
        # q-values decide, not the order: CSV at 0.5 loses to JSON at 1.
        ("text/csv;q=0.5, application/sparql-results+json", "application/sparql-results+json", "{"),
        ("text/*;q=0.1, text/csv", "text/csv", "e,label"),
        ("*/*", "application/sparql-results+json", "{"),
    ],
)
def test_serve_negotiates_result_formats(
    server: SparqlServer, accept: str, media_type: str, first_line: str
) -> None:
    status, headers, body = _request(
        server.url + "?" + urlencode({"query": SELECT}), headers={"Accept": accept}
    )
    assert status == 200 and headers["Content-Type"].startswith(media_type)
    assert body.splitlines()[0] == first_line


def test_serve_refuses_formats_it_cannot_give(server: SparqlServer) -> None:
    url = server.url + "?" + urlencode({"query": SELECT})
    status, _, body = _request(url, headers={"Accept": "image/png"})
    assert status == 406 and "application/sparql-results+json" in body
    construct = urlencode({"query": "CONSTRUCT WHERE { ?e rdfs:label ?l }"})
    status, _, body = _request(server.url + "?" + construct, headers={"Accept": "text/csv"})
    assert status == 406 and "text/turtle" in body


@pytest.mark.parametrize(
    ("accept", "media_type"),
    [
        (None, "text/turtle"),
        ("application/n-triples", "application/n-triples"),
        ("application/ld+json", "application/ld+json"),
        ("application/rdf+xml", "application/rdf+xml"),
    ],
)
def test_serve_construct_and_describe_as_rdf(
    server: SparqlServer, accept: str | None, media_type: str
) -> None:
    from rdflib import Graph

    query = "CONSTRUCT { ?e rdfs:label ?l } WHERE { ?e rdfs:label ?l }"
    headers = {"Accept": accept} if accept else {}
    status, got, body = _request(server.url + "?" + urlencode({"query": query}), headers=headers)
    assert status == 200 and got["Content-Type"].startswith(media_type)
    parsed = Graph().parse(data=body, format=media_type)
    assert len(parsed) == 5 and got["X-KG-Truncated"] == "true"  # the row cap holds for triples
    labels = {str(o) for o in parsed.objects()}
    assert all(label.startswith("كيان ") for label in labels)  # Arabic survives every format
    status, got, body = _request(
        server.url + "?" + urlencode({"query": "DESCRIBE ?e WHERE { ?e rdfs:label ?l } LIMIT 1"}),
        headers=headers,
    )
    assert status == 200 and len(Graph().parse(data=body, format=media_type)) >= 1


def test_serve_negotiate_prefers_the_most_specific_range() -> None:
    from kg.serve import negotiate

    offered = ["application/sparql-results+json", "text/csv", "text/plain"]
    # text/csv is named outright at q=0; the text/* range must not revive it.
    assert negotiate("text/*;q=0.9, text/csv;q=0", offered) == "text/plain"
    assert negotiate("text/csv;q=0, */*;q=0.1", offered) == "application/sparql-results+json"
    assert negotiate("application/xml", offered) is None


def test_serve_public_endpoint_allows_only_the_named_origin() -> None:
    store = OxigraphStore.from_nquads(NQUADS)
    ask = "?" + urlencode({"query": "ASK { ?s ?p ?o }"})
    for config, allowed in (
        (ServeConfig(), None),
        (ServeConfig(cors_origin="https://a.org"), "https://a.org"),
    ):
        for server in _serve(make_server(store, port=0, config=config, public=True)):
            _, headers, _ = _request(server.url + ask)
            assert headers.get("Access-Control-Allow-Origin") == allowed


def test_serve_xml_results_parse_with_their_terms(server: SparqlServer) -> None:
    from xml.etree import ElementTree

    _, _, body = _request(
        server.url + "?" + urlencode({"query": SELECT}),
        headers={"Accept": "application/sparql-results+xml"},
    )
    ns = {"r": "http://www.w3.org/2005/sparql-results#"}
    root = ElementTree.fromstring(body)
    names = [v.get("name") for v in root.findall("r:head/r:variable", ns)]
    assert names == ["e", "label"]
    literal = root.find("r:results/r:result/r:binding[@name='label']/r:literal", ns)
    assert literal is not None and literal.text == "كيان 0"
    assert literal.get("{http://www.w3.org/XML/1998/namespace}lang") == "ar"


def test_serve_busy_port_is_one_clear_error() -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(ConfigError, match=f"cannot listen on 127.0.0.1:{port}"):
            make_server(OxigraphStore.from_nquads(NQUADS), port=port)


TRIG = (
    "<http://ex.org/g> {\n"
    + "".join(
        f'<http://ex.org/e{i}> <http://www.w3.org/2000/01/rdf-schema#label> "كيان {i}"@ar .\n'
        for i in range(20)
    )
    + "}\n"
)
# Five patterns over 20 triples: 3.2 million combinations, minutes for rdflib.
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?p ?o }"


def test_serve_worker_processes_outlive_runaway_queries(tmp_path: Path) -> None:
    """kg serve's workers are processes: a query past its timeout is killed with its worker,
    a new worker takes its place, and the endpoint answers again within seconds."""
    from functools import partial

    from kg.store import open_store
    from kg.workers import QueryPool

    trig = tmp_path / "graph.trig"
    trig.write_text(TRIG, encoding="utf-8")
    pool = QueryPool(partial(open_store, trig, "memory"), workers=1)
    config = ServeConfig(timeout=1, workers=1)
    for server in _serve(make_server(pool, port=0, config=config)):
        timed_out = 0
        for _ in range(3):
            status, _, body = _request(server.url + "?" + urlencode({"query": RUNAWAY}))
            assert status == 503 and ("timed out" in body or "busy" in body)  # busy: restarting
            timed_out += "timed out" in body
            time.sleep(0.5)
        assert timed_out >= 1
        started = time.monotonic()
        while True:  # the replacement worker is starting: busy until then, then answers
            status, _, body = _request(server.url + "?" + urlencode({"query": "ASK { ?s ?p ?o }"}))
            if status == 200 or time.monotonic() - started > 30:
                break
            assert status == 503 and "busy" in body
            time.sleep(0.2)
        assert status == 200 and '"boolean": true' in body
        assert time.monotonic() - started < 10
