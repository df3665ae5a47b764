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
from urllib.parse import urlencode

import pytest

from kg.errors import ConfigError, QueryError
from kg.query import QueryResult
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
    assert "Access-Control-Allow-Origin" not in headers  # no CORS unless asked for


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
    assert _request(server.url)[0] == 400
    assert _request(server.url.replace("/sparql", "/other"))[0] == 404
    assert _request(server.url, b"x", {"Content-Type": "text/plain"})[0] == 415


class _SlowStore:
    """A store whose query takes longer than the server waits."""

    name = "slow"

    def run(
        self, sparql: str, *, max_rows: int | None = None, deadline: float | None = None
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
