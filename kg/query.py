"""Read-only SPARQL over a built graph, and the result formats of `kg query`."""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass

from pyparsing import ParseException
from rdflib import BNode, Dataset, Literal, URIRef
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.parser import parseUpdate
from rdflib.term import Node

from kg.errors import QueryError
from kg.vocab import prefix_iris

FORMATS = ("table", "csv", "json")
UPDATE_REFUSED = "SPARQL UPDATE is refused: kg query is read-only (use SELECT or ASK)"
ONLY_SELECT_ASK = "only SELECT and ASK queries are supported by kg query"
SERVICE_REFUSED = "SERVICE (federated query to a remote endpoint) is refused: kg queries are local"


@dataclass(frozen=True)
class QueryResult:
    """Variables and rows of a SELECT query (``None`` for an unbound cell)."""

    variables: tuple[str, ...]
    rows: tuple[tuple[Node | None, ...], ...]


def run_query(dataset: Dataset, sparql: str) -> QueryResult:
    """Run a read-only SELECT or ASK query; kg's prefixes are predeclared.

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
    if prepared.algebra.name not in ("SelectQuery", "AskQuery"):
        raise QueryError(ONLY_SELECT_ASK)
    try:
        result = dataset.query(prepared)
        if prepared.algebra.name == "AskQuery":
            return QueryResult(("ask",), ((Literal(bool(result.askAnswer)),),))
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
    return bool(_SERVICE.search(_LITERALS_AND_COMMENTS.sub(" ", sparql)))


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
    """Render a result as an aligned ``table``, ``csv`` or W3C SPARQL 1.1 JSON (``json``)."""
    if fmt == "csv":
        return _to_csv(result)
    if fmt == "json":
        return _to_json(result)
    if fmt == "table":
        return _to_table(result)
    raise QueryError(f"unknown format {fmt!r}; choose one of: {', '.join(FORMATS)}")


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


def _to_json(result: QueryResult) -> str:
    if result.variables == ("ask",) and len(result.rows) == 1:
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
