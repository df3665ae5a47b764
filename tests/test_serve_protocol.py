"""kg serve as real clients see it: the read-only cases of the SPARQL 1.1 Protocol (after the
W3C test suite's query cases, https://www.w3.org/2009/sparql/docs/tests/data-sparql11/protocol/,
W3C Test Suite Licence) and SPARQLWrapper, a widely used client."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from urllib.parse import urlencode

import pytest

from kg.serve import ServeConfig, SparqlServer, make_server
from kg.store import OxigraphStore
from tests.test_serve import NQUADS, _serve

ASK = "ASK { ?s ?p ?o }"
SELECT = "SELECT ?label WHERE { ?e rdfs:label ?label } ORDER BY ?label LIMIT 3"


def _endpoint(nquads: str) -> Iterator[SparqlServer]:
    store = OxigraphStore.from_nquads(nquads)
    yield from _serve(make_server(store, port=0, config=ServeConfig(max_rows=100, timeout=5)))


@pytest.fixture(scope="module")
def endpoint() -> Iterator[SparqlServer]:
    yield from _endpoint(NQUADS)


def _call(
    url: str,
    *,
    method: str = "GET",
    data: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, str, bytes]:
    request = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers.get("Content-Type", ""), response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Content-Type", ""), error.read()


# Protocol cases: query via GET, via URL-encoded POST, via direct POST; each query form answers
# in a content type of its kind.
@pytest.mark.parametrize(
    ("query", "content_type"),
    [
        (SELECT, "application/sparql-results+json"),  # query_content_type_select
        (ASK, "application/sparql-results+json"),  # query_content_type_ask
        ("DESCRIBE <http://ex.org/e1>", "text/turtle"),  # query_content_type_describe
        ("CONSTRUCT WHERE { ?s ?p ?o }", "text/turtle"),  # query_content_type_construct
    ],
)
def test_protocol_query_forms_answer_in_their_content_types(
    endpoint: SparqlServer, query: str, content_type: str
) -> None:
    status, got, _ = _call(endpoint.url + "?" + urlencode({"query": query}))  # query_get
    assert status == 200 and got.startswith(content_type)
    form = urlencode({"query": query}).encode()  # query_post_form
    status, got, _ = _call(
        endpoint.url,
        method="POST",
        data=form,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert status == 200 and got.startswith(content_type)
    status, got, _ = _call(  # query_post_direct
        endpoint.url,
        method="POST",
        data=query.encode(),
        headers={"Content-Type": "application/sparql-query"},
    )
    assert status == 200 and got.startswith(content_type)


def test_protocol_bad_requests_are_refused(endpoint: SparqlServer) -> None:
    url = endpoint.url
    # bad_multiple_queries
    assert _call(url + "?" + urlencode([("query", ASK), ("query", ASK)]))[0] == 400
    # bad_query_wrong_media_type
    assert (
        _call(url, method="POST", data=ASK.encode(), headers={"Content-Type": "text/plain"})[0]
        == 415
    )
    # bad_query_syntax
    assert _call(url + "?" + urlencode({"query": "SELECT * WHERE {"}))[0] == 400
    # bad_query_method: neither GET nor POST
    assert _call(url + "?" + urlencode({"query": ASK}), method="PUT")[0] in (400, 405, 501)
    # an update sent as a query, via GET and via POST, is refused: the endpoint is read-only
    assert _call(url + "?" + urlencode({"update": "CLEAR ALL"}))[0] == 403
    update = urlencode({"update": "CLEAR ALL"}).encode()
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    assert _call(url, method="POST", data=update, headers=form)[0] == 403
    # the data is still there
    status, _, body = _call(url + "?" + urlencode({"query": ASK}))
    assert status == 200 and json.loads(body)["boolean"] is True


def test_protocol_sparqlwrapper_reads_select_ask_and_construct(endpoint: SparqlServer) -> None:
    from SPARQLWrapper import JSON, TURTLE, SPARQLWrapper

    client = SPARQLWrapper(endpoint.url)
    client.setQuery(SELECT)
    client.setReturnFormat(JSON)
    rows = client.query().convert()["results"]["bindings"]  # type: ignore[index]
    assert [row["label"]["value"] for row in rows] == ["كيان 0", "كيان 1", "كيان 10"]
    assert rows[0]["label"]["xml:lang"] == "ar"
    client.setQuery(ASK)
    assert client.query().convert()["boolean"] is True  # type: ignore[index]
    client.setQuery("CONSTRUCT { ?e rdfs:label ?l } WHERE { ?e rdfs:label ?l }")
    client.setReturnFormat(TURTLE)
    graph = client.queryAndConvert()
    text = graph.decode("utf-8") if isinstance(graph, bytes) else graph.serialize(format="turtle")
    assert "كيان 5" in text


LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"
TWO_GRAPHS = (
    f'<http://ex.org/e1> {LABEL} "القاهرة"@ar <http://ex.org/g1> .\n'
    f'<http://ex.org/e2> {LABEL} "عمّان"@ar <http://ex.org/g2> .\n'
)
LABELS = "SELECT ?label WHERE { ?e rdfs:label ?label } ORDER BY ?label"
NAMED = "SELECT ?g ?label WHERE { GRAPH ?g { ?e rdfs:label ?label } } ORDER BY ?g"


@pytest.fixture(scope="module")
def two_graphs() -> Iterator[SparqlServer]:
    yield from _endpoint(TWO_GRAPHS)


def _values(body: bytes) -> list[list[str]]:
    answer = json.loads(body)
    names = answer["head"]["vars"]
    return [[b[n]["value"] for n in names if n in b] for b in answer["results"]["bindings"]]


def test_protocol_dataset_parameters_choose_the_graphs(two_graphs: SparqlServer) -> None:
    url = two_graphs.url
    # no dataset: the union of the named graphs
    assert _values(_call(url + "?" + urlencode({"query": LABELS}))[2]) == [["القاهرة"], ["عمّان"]]
    # query_dataset_default_graph
    one = urlencode({"query": LABELS, "default-graph-uri": "http://ex.org/g1"})
    assert _values(_call(url + "?" + one)[2]) == [["القاهرة"]]
    # query_dataset_default_graphs_get: the default graph is the merge of those named
    both = urlencode(
        [("query", LABELS), ("default-graph-uri", "http://ex.org/g1"),
         ("default-graph-uri", "http://ex.org/g2")]
    )  # fmt: skip
    assert _values(_call(url + "?" + both)[2]) == [["القاهرة"], ["عمّان"]]
    # query_dataset_named_graphs_post: GRAPH sees only the named graphs given
    form = urlencode({"query": NAMED, "named-graph-uri": "http://ex.org/g2"}).encode()
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    body = _call(url, method="POST", data=form, headers=headers)[2]
    assert _values(body) == [["http://ex.org/g2", "عمّان"]]
    # query_multiple_dataset: the protocol's dataset wins over the query's FROM
    sparql = "SELECT ?label FROM <http://ex.org/g1> WHERE { ?e rdfs:label ?label }"
    direct = url + "?" + urlencode({"default-graph-uri": "http://ex.org/g2"})
    body = _call(
        direct, method="POST", data=sparql.encode(),
        headers={"Content-Type": "application/sparql-query"},
    )[2]  # fmt: skip
    assert _values(body) == [["عمّان"]]
    # the query's own FROM, and a graph kg does not hold (empty, never fetched)
    assert _values(_call(url + "?" + urlencode({"query": sparql}))[2]) == [["القاهرة"]]
    far = urlencode({"query": LABELS, "default-graph-uri": "http://127.0.0.1:9/elsewhere"})
    status, _, body = _call(url + "?" + far)
    assert status == 200 and _values(body) == []
    bad = urlencode({"query": LABELS, "default-graph-uri": "not an iri"})
    assert _call(url + "?" + bad)[0] == 400
