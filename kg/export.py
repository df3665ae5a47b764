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
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import networkx as nx
from rdflib import Dataset

from kg.errors import ConfigError
from kg.graph import ENTITY_COLUMNS, entity_rows
from kg.vocab import prefix_iris

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
        H.add_node(str(node), **_flat(data, skip=("examples",)))
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


def export(
    G: nx.Graph, dataset: Dataset, fmt: str, target: Path, *, base: str | None = None
) -> list[Path]:
    """Write the graph as ``fmt`` to ``target`` (a folder for ``csv``); return the files written.

    >>> import tempfile
    >>> from kg.rdf import new_dataset
    >>> from kg.vocab import Iris
    >>> G = nx.Graph([("a", "b")])
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     [p.name for p in export(G, new_dataset(Iris()), "csv", Path(tmp) / "csv")]
    ['nodes.csv', 'edges.csv']
    """
    from kg.output import atomic_write_many

    if fmt not in EXPORT_FORMATS:
        raise ConfigError(f"unknown format {fmt!r}; choose one of: {', '.join(EXPORT_FORMATS)}")
    if fmt == "csv":
        files = {target / "nodes.csv": nodes_csv(G), target / "edges.csv": edges_csv(G)}
    elif fmt in ("gexf", "graphml"):
        files = {target: _graph_text(flat_graph(G), fmt)}
    elif fmt == "nquads":
        files = {target: dataset.serialize(format="nquads")}
    else:
        context = jsonld_context(base)
        text = dataset.serialize(format="json-ld", context=context, auto_compact=True)
        files = {target: text if text.endswith("\n") else text + "\n"}
    atomic_write_many(files)
    return list(files)


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
