"""Read-only SPARQL over a built graph, and the result formats of `kg query`."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace

from pyparsing import ParseException
from rdflib import BNode, Dataset, Literal, URIRef
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.parser import parseUpdate
from rdflib.term import Node

from kg.errors import QueryError
from kg.vocab import prefix_iris

FORMATS = ("table", "csv", "tsv", "json", "xml")
UPDATE_REFUSED = (
    "SPARQL UPDATE is refused: kg query and kg serve are read-only "
    "(use SELECT, ASK, CONSTRUCT or DESCRIBE)"
)


def timed_out(seconds: float | None = None) -> QueryError:
    """The error of a query stopped at its time limit (``seconds`` when known)."""
    after = f" after {seconds:g} s" if seconds is not None else ""
    return QueryError(f"query timed out{after}; narrow it down or add a LIMIT")


# The query forms, as QueryResult.form names them.
SELECT, ASK, GRAPH = "select", "ask", "graph"
SERVICE_REFUSED = "SERVICE (federated query to a remote endpoint) is refused: kg queries are local"


@dataclass(frozen=True)
class QueryResult:
    """Variables and rows of a query (``None`` for an unbound cell). ``form`` says which: a
    SELECT's solutions, an ASK's one boolean (variable ``ask``), or the triples a CONSTRUCT or
    DESCRIBE made (``graph``: variables subject, predicate, object, one row a triple)."""

    variables: tuple[str, ...]
    rows: tuple[tuple[Node | None, ...], ...]
    form: str = SELECT

    def cut(self, max_rows: int) -> QueryResult:
        """The first ``max_rows`` rows (solutions or triples)."""
        return replace(self, rows=self.rows[:max_rows])


TRIPLE_VARIABLES = ("subject", "predicate", "object")


def graph_result(triples: Iterable[tuple[Node, Node, Node]]) -> QueryResult:
    """A CONSTRUCT or DESCRIBE answer, its triples in a fixed order (by their N-Triples text)."""
    rows = sorted(triples, key=lambda t: tuple(term.n3() for term in t))
    return QueryResult(TRIPLE_VARIABLES, tuple(rows), GRAPH)


def run_query(dataset: Dataset, sparql: str) -> QueryResult:
    """Run a read-only SELECT, ASK, CONSTRUCT or DESCRIBE query; kg's prefixes are predeclared.

    UPDATE requests (INSERT, DELETE, LOAD, CLEAR …) and federated queries (SERVICE) raise
    :class:`~kg.errors.QueryError`.
    """
    check_local(sparql)
    try:
        prepared = prepareQuery(sparql, initNs=prefix_iris())
    except ParseException as error:
        if is_update(sparql):
            raise QueryError(UPDATE_REFUSED) from error
        raise QueryError(
            f"invalid SPARQL: {error.msg} at line {error.lineno}, col {error.col}"
        ) from error
    except Exception as error:  # rdflib reports unknown prefixes etc. with various types
        raise QueryError(f"invalid SPARQL: {error}") from error
    try:
        result = dataset.query(prepared)
        if prepared.algebra.name == "AskQuery":
            return QueryResult(("ask",), ((Literal(bool(result.askAnswer)),),), ASK)
        if prepared.algebra.name in ("ConstructQuery", "DescribeQuery"):
            return graph_result(result.graph or ())
        variables = tuple(str(v) for v in result.vars or ())
        rows = tuple(tuple(row) for row in result)  # type: ignore[arg-type]
    except Exception as error:  # rdflib's evaluator raises assorted internal errors
        raise QueryError(f"query failed while running: {type(error).__name__}: {error}") from error
    return QueryResult(variables, rows)


# String literals and comments may mention SERVICE harmlessly; the keyword itself may not.
_LITERALS_AND_COMMENTS = re.compile(
    r'"""(?:.|\n)*?"""|\'\'\'(?:.|\n)*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^>\s]*>|#[^\n]*'
)
_SERVICE = re.compile(r"\bSERVICE\b", re.IGNORECASE)


def uses_federation(sparql: str) -> bool:
    """Whether a query asks for a remote endpoint (``SERVICE``), which kg never contacts.

    >>> uses_federation("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }")
    True
    >>> uses_federation('SELECT * WHERE { ?s ?p "SERVICE" } # SERVICE in a comment')
    False
    """
    return bool(_SERVICE.search(without_literals(sparql)))


def without_literals(sparql: str) -> str:
    """``sparql`` with its strings, IRIs and comments blanked: what is left are keywords,
    variables and prefixed names, which a scan for a keyword or prefix can trust.

    >>> without_literals('SELECT * WHERE { ?s <http://ex.org/a#b> "FROM" } # FROM')
    'SELECT * WHERE { ?s   }  '
    """
    return _LITERALS_AND_COMMENTS.sub(" ", sparql)


_FROM = re.compile(r"\bFROM\b", re.IGNORECASE)


@dataclass(frozen=True)
class QueryDataset:
    """The RDF dataset a query runs on, when it names one: the graphs merged into its default
    graph and the graphs ``GRAPH`` may match (``FROM`` / ``FROM NAMED`` in the query, or the
    SPARQL Protocol's ``default-graph-uri`` / ``named-graph-uri``, which take precedence).

    Only graphs kg stores are read: an IRI it does not hold names an empty graph, never a
    download (rdflib would fetch it from the web; kg's stores never do).
    """

    default: tuple[str, ...] = ()
    named: tuple[str, ...] = ()


def query_dataset(sparql: str) -> QueryDataset | None:
    """The dataset ``sparql``'s ``FROM`` and ``FROM NAMED`` clauses name, or None without any
    (then the default graph is the union of every named graph).

    >>> query_dataset("SELECT * FROM <https://ex.org/g> FROM NAMED schema:d1 WHERE { ?s ?p ?o }")
    QueryDataset(default=('https://ex.org/g',), named=('https://schema.org/d1',))
    >>> query_dataset("SELECT * WHERE { ?s ?p 'FROM' }") is None
    True
    """
    if not _FROM.search(without_literals(sparql)):
        return None
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery

    try:
        clauses = translateQuery(parseQuery(sparql), initNs=prefix_iris()).algebra.datasetClause
    except Exception:  # not a query kg can run: its store reports why
        return None
    default = tuple(str(c["default"]) for c in clauses or () if "default" in c)
    named = tuple(str(c["named"]) for c in clauses or () if "named" in c)
    return QueryDataset(default, named) if default or named else None


def check_local(sparql: str) -> None:
    """Refuse federated queries: a graph built from news must not make kg call out."""
    if uses_federation(sparql):
        raise QueryError(SERVICE_REFUSED)


def is_update(sparql: str) -> bool:
    """Whether ``sparql`` parses as a SPARQL 1.1 UPDATE request (so it must be refused)."""
    try:
        parseUpdate(sparql)
    except Exception:
        return False
    return True


def format_result(result: QueryResult, fmt: str) -> str:
    """Render a result as an aligned ``table``, or in a W3C SPARQL 1.1 results format: ``csv``,
    ``tsv``, ``json`` or ``xml`` (a graph result as its subject, predicate, object rows)."""
    writers = {"csv": _to_csv, "tsv": _to_tsv, "json": _to_json, "xml": _to_xml}
    if fmt in writers:
        return writers[fmt](result)
    if fmt == "table":
        return _to_table(result)
    raise QueryError(f"unknown format {fmt!r}; choose one of: {', '.join(FORMATS)}")


# RDF formats of a graph result: media type -> rdflib serializer.
RDF_MEDIA_TYPES = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/ld+json": "json-ld",
    "application/rdf+xml": "xml",
}


def serialize_graph(result: QueryResult, rdflib_format: str) -> str:
    """A graph result as RDF text (``turtle``, ``nt``, ``json-ld``, ``xml``), kg's prefixes
    bound."""
    from rdflib import Graph

    graph = Graph()
    for prefix, namespace in prefix_iris().items():
        graph.bind(prefix, namespace)
    for row in result.rows:
        subject, predicate, obj = row
        graph.add((subject, predicate, obj))  # type: ignore[arg-type]
    return graph.serialize(format=rdflib_format)


def _cell(value: Node | None) -> str:
    return "" if value is None else str(value)


def _to_csv(result: QueryResult) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(result.variables)
    writer.writerows([_cell(v) for v in row] for row in result.rows)
    return buffer.getvalue()


def _to_table(result: QueryResult) -> str:
    cells = [list(result.variables)] + [[_cell(v) for v in row] for row in result.rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(result.variables))]
    lines = [" | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in cells]
    lines.insert(1, "-+-".join("-" * w for w in widths))
    lines.append(f"({len(result.rows)} rows)")
    return "\n".join(line.rstrip() for line in lines) + "\n"


def _json_term(value: Node) -> dict[str, str]:
    if isinstance(value, URIRef):
        return {"type": "uri", "value": str(value)}
    if isinstance(value, BNode):
        return {"type": "bnode", "value": str(value)}
    term: dict[str, str] = {"type": "literal", "value": str(value)}
    if isinstance(value, Literal):
        if value.language:
            term["xml:lang"] = value.language
        elif value.datatype:
            term["datatype"] = str(value.datatype)
    return term


def _to_tsv(result: QueryResult) -> str:
    # SPARQL 1.1 TSV: variables with their «?», terms in their Turtle form, unbound empty.
    lines = ["\t".join(f"?{v}" for v in result.variables)]
    lines += ["\t".join("" if v is None else v.n3() for v in row) for row in result.rows]
    return "\n".join(lines) + "\n"


def _to_xml(result: QueryResult) -> str:
    from xml.sax.saxutils import escape, quoteattr

    out = ['<?xml version="1.0"?>', '<sparql xmlns="http://www.w3.org/2005/sparql-results#">']
    if result.form == ASK:
        out += ["  <head/>", f"  <boolean>{str(bool(result.rows[0][0])).lower()}</boolean>"]
        return "\n".join([*out, "</sparql>"]) + "\n"
    out.append("  <head>")
    out += [f"    <variable name={quoteattr(v)}/>" for v in result.variables]
    out += ["  </head>", "  <results>"]
    for row in result.rows:
        out.append("    <result>")
        for var, value in zip(result.variables, row, strict=True):
            if value is None:
                continue
            term = _json_term(value)
            kind = {"uri": "uri", "bnode": "bnode"}.get(term["type"], "literal")
            attrs = ""
            if "xml:lang" in term:
                attrs = f" xml:lang={quoteattr(term['xml:lang'])}"
            elif "datatype" in term:
                attrs = f" datatype={quoteattr(term['datatype'])}"
            text = escape(term["value"])
            binding = f"<{kind}{attrs}>{text}</{kind}>"
            out.append(f"      <binding name={quoteattr(var)}>{binding}</binding>")
        out.append("    </result>")
    out += ["  </results>", "</sparql>"]
    return "\n".join(out) + "\n"


def _to_json(result: QueryResult) -> str:
    if result.form == ASK:
        return json.dumps({"head": {}, "boolean": bool(result.rows[0][0])}) + "\n"
    bindings = [
        {
            var: _json_term(value)
            for var, value in zip(result.variables, row, strict=True)
            if value is not None
        }
        for row in result.rows
    ]
    document = {"head": {"vars": list(result.variables)}, "results": {"bindings": bindings}}
    return json.dumps(document, ensure_ascii=False, indent=1) + "\n"


def _python_value(value: Node | None) -> object:
    return value.toPython() if isinstance(value, Literal | URIRef | BNode) else None


def to_records(result: QueryResult) -> list[dict[str, object]]:
    """Rows as dicts of Python values (for pandas)."""
    return [
        {var: _python_value(v) for var, v in zip(result.variables, row, strict=True)}
        for row in result.rows
    ]
