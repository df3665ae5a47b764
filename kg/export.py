"""A built graph in the formats other tools open (``kg export``).

=========  ==========================================  ==================================
format     what is written                             opens in
=========  ==========================================  ==================================
gexf       the entity graph (nodes, typed edges)       Gephi
graphml    the entity graph                            Cytoscape, yEd, Gephi, networkx
jsonld     the whole dataset, compact ``@context``     JSON-LD playground, Protégé, GraphDB
nquads     the whole dataset, one quad per line        GraphDB, Jena, Oxigraph, any store
csv        ``nodes.csv`` and ``edges.csv`` in a folder  pandas, spreadsheets, Gephi
=========  ==========================================  ==================================

Graph formats hold only scalar attributes, so lists become ``|``-joined text and the per-kind
edge counts ``kind=count`` pairs; example sentences stay in the RDF formats, where provenance
lives.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import networkx as nx

from kg.errors import ConfigError
from kg.graph import ENTITY_COLUMNS, entity_rows
from kg.vocab import RDF, XSD, prefix_iris

if TYPE_CHECKING:
    from kg.pipeline import KnowledgeGraph

__all__ = ["EXPORT_FORMATS", "SUFFIXES", "export", "flat_graph", "jsonld_context"]

EXPORT_FORMATS = ("gexf", "graphml", "jsonld", "nquads", "csv")
#: Default output name beside graph.trig, per format (csv is a folder).
SUFFIXES = {
    "gexf": "graph.gexf",
    "graphml": "graph.graphml",
    "jsonld": "graph.jsonld",
    "nquads": "graph.nq",
    "csv": "csv",
}
EDGE_COLUMNS = ("source", "target", "kind", "weight", "kinds")
_XSD_STRING = str(XSD.string)


def jsonld_context(base: str | None = None) -> dict[str, str]:
    """kg's prefixes as a JSON-LD ``@context`` (so IRIs compact to ``schema:Person``).

    >>> jsonld_context()["schema"]
    'https://schema.org/'
    """
    context = prefix_iris()
    if base:
        context["kg"] = base
    return context


def flat_graph(G: nx.Graph) -> nx.Graph:
    """A copy of ``G`` whose attributes are all str, int, float or bool (GEXF/GraphML-safe).

    >>> G = nx.Graph()
    >>> G.add_node("a", label="غزة", alt_labels=["غزه"], examples=[("d", "…")])
    >>> G.add_edge("a", "b", kind="met", weight=2.0, kinds={"met": 1, "co-mention": 1})
    >>> H = flat_graph(G)
    >>> H.nodes["a"]["alt_labels"], "examples" in H.nodes["a"], H.edges["a", "b"]["kinds"]
    ('غزه', False, 'co-mention=1|met=1')
    """
    H = nx.Graph()
    for node, data in G.nodes(data=True):
        H.add_node(str(node), **_flat(data, skip=("examples", "facts")))
    for u, v, data in G.edges(data=True):
        H.add_edge(str(u), str(v), **_flat(data))
    return H


def _flat(data: Mapping[str, Any], skip: tuple[str, ...] = ()) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in data.items():
        if key in skip or value is None:
            continue
        if isinstance(value, Mapping):
            out[key] = "|".join(f"{k}={value[k]}" for k in sorted(value))
        elif isinstance(value, list | tuple | set | frozenset):
            out[key] = "|".join(
                sorted(map(str, value)) if isinstance(value, set) else map(str, value)
            )
        elif isinstance(value, bool | int | float | str):
            out[key] = value
        else:
            out[key] = str(value)
    return out


def export(graph: KnowledgeGraph, fmt: str, target: Path) -> list[Path]:
    """Write ``graph`` as ``fmt`` to ``target`` (a folder for ``csv``); return the files written.

    The entity-graph formats are written from ``graph.G``, the RDF ones from the quads of the
    graph file (:meth:`~kg.pipeline.KnowledgeGraph.quads`): neither needs the other loaded.

    >>> import tempfile
    >>> from kg.model import Document
    >>> from kg.pipeline import build
    >>> built = build([Document("d1", "زار محمود عباس القاهرة والتقى عبد الفتاح السيسي.")])
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     [p.name for p in export(built, "csv", Path(tmp) / "csv")]
    ['nodes.csv', 'edges.csv']
    """
    import pyoxigraph as ox

    from kg.output import atomic_write_many

    if fmt not in EXPORT_FORMATS:
        raise ConfigError(f"unknown format {fmt!r}; choose one of: {', '.join(EXPORT_FORMATS)}")
    if fmt == "csv":
        files = {target / "nodes.csv": nodes_csv(graph.G), target / "edges.csv": edges_csv(graph.G)}
    elif fmt in ("gexf", "graphml"):
        files = {target: _graph_text(flat_graph(graph.G), fmt)}
    elif fmt == "nquads":
        nquads = ox.serialize(graph.quads(), format=ox.RdfFormat.N_QUADS) or b""
        files = {target: nquads.decode("utf-8")}
    else:
        files = {target: jsonld_text(graph.quads(), jsonld_context(graph.iris.base))}
    atomic_write_many(files)
    return list(files)


def jsonld_text(quads: Iterable[Any], context: Mapping[str, str]) -> str:
    """JSON-LD of pyoxigraph ``quads``, IRIs compacted by ``context`` (prefix -> namespace).

    One object per named graph, holding one node object per subject (on a line of its own),
    both in IRI order, so equal data gives equal text. ``rdf:type`` becomes ``@type``, plain
    strings stay JSON strings, other literals keep their language or datatype.

    >>> import pyoxigraph as ox
    >>> from kg.vocab import RDFS
    >>> quad = ox.Quad(ox.NamedNode("https://schema.org/x"), ox.NamedNode(str(RDFS.label)),
    ...                ox.Literal("طوكيو", language="ar"), ox.NamedNode("https://ex.org/g"))
    >>> print(jsonld_text([quad], {"schema": "https://schema.org/", "rdfs": str(RDFS)}))
    {"@context": {"schema": "https://schema.org/", "rdfs": "http://www.w3.org/2000/01/rdf-schema#"},
    "@graph": [
    {"@id": "https://ex.org/g", "@graph": [
    {"@id": "schema:x", "rdfs:label": {"@value": "طوكيو", "@language": "ar"}}
    ]}
    ]}
    """
    import pyoxigraph as ox

    compact = _Compactor(context)
    type_key = str(RDF.type)
    graphs: dict[str, dict[str, dict[str, list[Any]]]] = {}
    for quad in quads:
        graph = "" if isinstance(quad.graph_name, ox.DefaultGraph) else _node_id(quad.graph_name)
        node = graphs.setdefault(graph, {}).setdefault(compact(_node_id(quad.subject)), {})
        obj = quad.object
        if quad.predicate.value == type_key and not isinstance(obj, ox.Literal):
            node.setdefault("@type", []).append(compact(_node_id(obj)))
        else:
            node.setdefault(compact(quad.predicate.value), []).append(_value(obj, compact))

    def node_lines(nodes: dict[str, dict[str, list[Any]]]) -> list[str]:
        lines = []
        for subject in sorted(nodes):
            item: dict[str, Any] = {"@id": subject}
            for key in sorted(nodes[subject], key=lambda k: (k != "@type", k)):
                values = nodes[subject][key]
                item[key] = values[0] if len(values) == 1 else sorted(values, key=_json)
            lines.append(_json(item))
        return lines

    blocks = node_lines(graphs.pop("", {}))
    for graph in sorted(graphs):
        inner = ",\n".join(node_lines(graphs[graph]))
        blocks.append(f'{{"@id": {_json(compact(graph))}, "@graph": [\n{inner}\n]}}')
    body = ",\n".join(blocks)
    return f'{{"@context": {_json(dict(context))},\n"@graph": [\n{body}\n]}}\n'


class _Compactor:
    """IRI -> ``prefix:rest`` by the longest namespace that starts it (each IRI once)."""

    def __init__(self, context: Mapping[str, str]) -> None:
        self._namespaces = sorted(context.items(), key=lambda item: -len(item[1]))
        self._seen: dict[str, str] = {}

    def __call__(self, iri: str) -> str:
        found = self._seen.get(iri)
        if found is None:
            found = iri
            for prefix, namespace in self._namespaces:
                rest = iri[len(namespace) :]
                if iri.startswith(namespace) and rest and not rest.startswith("//"):
                    found = f"{prefix}:{rest}"
                    break
            self._seen[iri] = found
        return found


def _node_id(term: Any) -> str:
    import pyoxigraph as ox

    return f"_:{term.value}" if isinstance(term, ox.BlankNode) else str(term.value)


def _value(term: Any, compact: _Compactor) -> Any:
    import pyoxigraph as ox

    if not isinstance(term, ox.Literal):
        return {"@id": compact(_node_id(term))}
    if term.language:
        return {"@value": term.value, "@language": term.language}
    if term.datatype.value == _XSD_STRING:
        return term.value
    return {"@value": term.value, "@type": compact(term.datatype.value)}


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _graph_text(H: nx.Graph, fmt: str) -> str:
    buffer = io.BytesIO()
    if fmt == "gexf":
        nx.write_gexf(H, buffer, encoding="utf-8")
    else:
        nx.write_graphml(H, buffer, encoding="utf-8")
    return buffer.getvalue().decode("utf-8")


def nodes_csv(G: nx.Graph) -> str:
    """One row per entity, most central first: the rows of entities.csv."""
    return _csv(ENTITY_COLUMNS, entity_rows(G))


def edges_csv(G: nx.Graph) -> str:
    """One row per link: source, target, most specific kind, total weight, counts per kind."""
    rows = []
    for u, v, data in G.edges(data=True):
        a, b = sorted((str(u), str(v)))
        flat = _flat(data)
        rows.append(
            {
                "source": a,
                "target": b,
                "kind": flat.get("kind", ""),
                "weight": flat.get("weight", 1.0),
                "kinds": flat.get("kinds", ""),
            }
        )
    rows.sort(key=lambda r: (r["source"], r["target"]))
    return _csv(EDGE_COLUMNS, rows)


def _csv(columns: tuple[str, ...], rows: list[dict[str, Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()
