"""Interactive HTML view of an entity graph (pyvis / vis-network), one self-contained file.

The page works offline: vis-network and its CSS are inlined (``cdn_resources="in_line"``) into our
own template (``kg/data/viz/view.html.j2``), which links nothing external. Nodes are coloured by
entity type and sized by PageRank; the legend filters by type and by a minimum PageRank, and a
click opens a panel listing the node's source sentences and document ids (set as
textContent). Labels are Arabic, tooltips are plain text (vis-network 9 sets
them with ``innerText``) and the node/edge data are embedded with Jinja's ``tojson``, which escapes
``<``, ``>``, ``&`` and ``'``, so no document text can become markup or close the ``<script>``.
Positions are computed here, deterministically, and physics is off unless asked for (and never on
above :data:`PHYSICS_MAX_NODES` nodes, where vis-network's O(n²) simulation never settles).

This is the only module of the package that imports pyvis. It writes no files: callers do.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, Any

import networkx as nx

from kg.errors import check_top
from kg.graph import EXAMPLES_PER_NODE
from kg.layout import Disc, Layout, layout
from kg.text import normalize

if TYPE_CHECKING:
    from jinja2 import Environment
    from markupsafe import Markup

__all__ = [
    "PHYSICS_MAX_NODES",
    "TYPE_STYLES",
    "layout_input",
    "render_html",
    "select_top",
    "view_layout",
]

#: Above this many nodes positions are always precomputed and vis-network physics stays off.
PHYSICS_MAX_NODES = 300
MIN_NODE_SIZE, MAX_NODE_SIZE = 8.0, 42.0

#: Entity type -> (colour, Arabic name, English name). Unknown types are drawn as MISC.
TYPE_STYLES: dict[str, tuple[str, str, str]] = {
    "PERS": ("#e15759", "شخص", "Person"),
    "ORG": ("#4e79a7", "منظمة", "Organization"),
    "LOC": ("#59a14f", "مكان", "Place"),
    "MISC": ("#b07aa1", "متفرقات", "Misc"),
}

#: Edge kind -> (Arabic name, vis-network edge style). Unknown kinds get ``_DEFAULT_EDGE``.
EDGE_STYLES: dict[str, tuple[str, dict[str, Any]]] = {
    "co-mention": ("ذكر مشترك", {"color": {"color": "#9aa0a6", "opacity": 0.6}, "dashes": False}),
    "met": ("لقاء", {"color": {"color": "#1f77b4", "opacity": 0.9}, "dashes": False}),
    "said-about": ("تصريح عن", {"color": {"color": "#f28e2b", "opacity": 0.9}, "dashes": True}),
    "holds-role": ("يشغل منصبًا", {"color": {"color": "#2ca02c", "opacity": 0.9}, "dashes": [2, 5]}),
}
_DEFAULT_EDGE: tuple[str, dict[str, Any]] = (
    "أخرى",
    {"color": {"color": "#c7c7c7", "opacity": 0.8}, "dashes": [8, 4]},
)

_FONT = "Noto Sans Arabic, Noto Naskh Arabic, DejaVu Sans, Segoe UI, Tahoma, sans-serif"
_TEMPLATE = "view.html.j2"
VIS_LIBRARY = "lib/vis-9.1.2"  # in pyvis' templates folder
_EXTERNAL = re.compile(
    r"<script\b[^>]*\bsrc=[\"']?https?://[^>]*>\s*</script>|<link\b[^>]*\bhref=[\"']?https?://[^>]*>",
    re.IGNORECASE,
)
_SENTENCE_MAX = 280
# Light tints for the discs behind communities (the nodes keep their type colours).
_DISC_COLOURS = ("#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1",
                 "#ff9da7", "#9c755f", "#bab0ac")  # fmt: skip


def select_top(G: nx.Graph, top: int) -> nx.Graph:
    """Return the subgraph induced by the ``top`` nodes with the highest PageRank.

    Ties are broken by label, then by node id, so the choice is deterministic.

    >>> G = nx.Graph()
    >>> G.add_node("a", label="ب", pagerank=0.5)
    >>> G.add_node("b", label="أ", pagerank=0.5)
    >>> G.add_node("c", label="ج", pagerank=0.9)
    >>> sorted(select_top(G, 2).nodes)
    ['b', 'c']
    """
    check_top(top)
    ranked = sorted(
        G.nodes(data=True),
        key=lambda nd: (
            -float(nd[1].get("pagerank", 0.0)),
            str(nd[1].get("label", "")),
            str(nd[0]),
        ),
    )
    keep = [n for n, _ in ranked[:top]]
    sub: nx.Graph = G.subgraph(keep).copy()
    return sub


def render_html(
    G: nx.Graph,
    *,
    title: str = "kg graph",
    top: int | None = None,
    physics: bool | None = None,
    seed: int = 0,
    placement: Callable[[], Layout] | None = None,
) -> str:
    """Return one self-contained HTML document showing ``G``.

    ``top`` keeps only the ``top`` highest-PageRank nodes (:func:`select_top`), and the page says
    so. ``physics=True`` lets vis-network's simulation move the nodes (only up to
    :data:`PHYSICS_MAX_NODES` nodes); by default positions come from :func:`kg.layout.layout`,
    seeded, so the same input gives the same page. ``placement`` gives that layout when the page
    needs it (:func:`view_layout` of the same graph, ``top`` and ``seed``, worked out elsewhere
    meanwhile); by default it is worked out here.
    """
    total = G.number_of_nodes()
    if top is not None:
        G = select_top(G, top)
    ids = sorted(G.nodes, key=str)
    radii = _radii(G, ids)
    use_physics = bool(physics) and len(ids) <= PHYSICS_MAX_NODES
    sentences = _SentenceTable()
    # pyvis and Jinja (≈ 0.07 s to import) only where a page is written: a layout worked out
    # in another process (view_layout) needs neither.
    from pyvis.network import Network

    net = Network(
        height="100%",
        width="100%",
        directed=G.is_directed(),
        heading=title,
        cdn_resources="in_line",
    )
    # Assign the lists directly: from_nx / add_edge are O(E·(N+E)).
    net.nodes = _vis_nodes(G, ids, radii, sentences)
    net.edges = _vis_edges(G)
    placed = placement() if placement is not None else layout(G, radii, seed=seed)
    for node in net.nodes:
        node["x"], node["y"] = placed.positions[node["ref"]]
        node["cm"] = placed.community[node.pop("ref")]
    net.options = _options(len(ids), use_physics, G.is_directed())
    nodes, edges, heading, _, _, options = net.get_network_data()
    html = (
        _environment()
        .get_template(_TEMPLATE)
        .render(
            nodes=nodes,
            edges=edges,
            heading=heading,
            options=options,
            sentences=sentences.rows,
            discs=[_disc_data(disc) for disc in placed.discs],
            shown=len(ids),
            total=total,
            sentences_kept=EXAMPLES_PER_NODE,
            vis_js=_pyvis_library("vis-network.min.js"),
            vis_css=_pyvis_library("vis-network.css"),
        )
    )
    return _EXTERNAL.sub("", html)


def view_layout(G: nx.Graph, *, top: int | None = None, seed: int = 0) -> Layout:
    """The layout :func:`render_html` gives ``G`` with these ``top`` and ``seed`` (the costly
    part of a page: another process may work it out while the page is written)."""
    if top is not None:
        G = select_top(G, top)
    return layout(G, _radii(G, sorted(G.nodes, key=str)), seed=seed)


def layout_input(G: nx.Graph, metric: Callable[[str], Mapping[Any, float]]) -> nx.Graph:
    """What :func:`view_layout` reads of ``G``, as a graph of its own: every node with its
    label (if any), its PageRank (sizes) and community (discs), as ``metric(name)`` gives them
    (:func:`kg.graph.metric`), and every edge with its weight. It can be laid out while ``G``
    goes on changing, and is a fraction of ``G``'s size to send to another process.

    >>> G = nx.Graph()
    >>> G.add_edge("a", "b", weight=2.0, kind="co-mention")
    >>> G.nodes["a"]["examples"] = ["a sentence"]
    >>> metrics = {"pagerank": {"a": 0.5, "b": 0.5}, "community": {"a": 0.0, "b": 0.0}}
    >>> H = layout_input(G, metrics.__getitem__)
    >>> H.nodes["a"], H.edges["a", "b"]
    ({'pagerank': 0.5, 'community': 0.0}, {'weight': 2.0})
    """
    rank, community = metric("pagerank"), metric("community")
    H = nx.Graph()
    for node, data in G.nodes(data=True):
        H.add_node(node, pagerank=rank[node], community=community[node])
        if "label" in data:  # select_top breaks ties by it
            H.nodes[node]["label"] = data["label"]
    H.add_edges_from((u, v, {"weight": w}) for u, v, w in G.edges(data="weight", default=1.0))
    return H


def _radii(G: nx.Graph, ids: list[Any]) -> dict[Any, float]:
    top_rank = _top_rank(G)
    return {n: _node_size(float(G.nodes[n].get("pagerank", 0.0)), top_rank) for n in ids}


class _SentenceTable:
    """Each (document, sentence) once for the whole page; nodes refer to them by index."""

    def __init__(self) -> None:
        self.rows: list[list[str]] = []
        self._index: dict[tuple[str, str], int] = {}

    def add(self, doc_id: str, text: str) -> int:
        key = (doc_id, text)
        index = self._index.get(key)
        if index is None:
            index = self._index[key] = len(self.rows)
            self.rows.append([doc_id, text])
        return index


def _disc_data(disc: Disc) -> dict[str, Any]:
    # A light tint per community, from a fixed palette: neighbouring communities differ.
    colour = _DISC_COLOURS[disc.community % len(_DISC_COLOURS)]
    return {"x": disc.x, "y": disc.y, "r": disc.radius, "c": colour, "k": disc.community}


@lru_cache(maxsize=2)
def _pyvis_library(name: str) -> Markup:
    """A file of the vis-network release pyvis ships, as the page inlines it (text of our own
    choosing, not the documents': no escaping)."""
    import pyvis
    from markupsafe import Markup

    text = (Path(pyvis.__file__).parent / "templates" / VIS_LIBRARY / name).read_text("utf-8")
    return Markup(text.removesuffix("\n"))  # as a Jinja include renders it


def _environment() -> Environment:
    """Jinja environment of our template."""
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    ours = Path(str(files("kg") / "data" / "viz"))
    env = Environment(
        loader=FileSystemLoader([str(ours)]),
        autoescape=select_autoescape(default=True, default_for_string=True),
    )
    # Keep Arabic readable in the page; tojson still escapes < > & ' as \u003c etc.
    env.policies["json.dumps_kwargs"] = {"sort_keys": True, "ensure_ascii": False}
    return env


def _type_of(attrs: dict[str, Any]) -> str:
    t = str(attrs.get("type", "MISC"))
    return t if t in TYPE_STYLES else "MISC"


def _key(text: str) -> str:
    return " ".join(normalize(text).lower().split())


def _tooltip(node: Any, attrs: dict[str, Any], etype: str) -> str:
    _, ar, en = TYPE_STYLES[etype]
    raw_type = str(attrs.get("type", etype))
    english = attrs.get("label_en")
    lines = [
        str(attrs.get("label", node)),
        *([f"English: {english} ({attrs.get('label_source', '')})"] if english else []),
        f"النوع · type: {ar} · {en}" + ("" if raw_type == etype else f" ({raw_type})"),
        f"الذكر · mentions: {int(attrs.get('mentions', 0))}",
        f"PageRank: {float(attrs.get('pagerank', 0.0)):.4f}",
    ]
    alts = [str(a) for a in attrs.get("alt_labels", []) or []]
    if alts:
        lines.append("أسماء أخرى · also: " + "، ".join(alts[:5]))
    examples = attrs.get("examples", []) or []
    if examples:
        doc_id, sentence = examples[0]
        lines.append(f"«{_sentence(sentence)}»")
        lines.append(f"المصدر · doc: {doc_id}")
    return "\n".join(lines)


def _sentence(text: Any) -> str:
    sentence = " ".join(str(text).split())
    return sentence if len(sentence) <= _SENTENCE_MAX else sentence[: _SENTENCE_MAX - 1] + "…"


def _vis_nodes(
    G: nx.Graph,
    ids: list[Any],
    radii: dict[Any, float],
    sentences: _SentenceTable,
) -> list[dict[str, Any]]:
    """The nodes as vis-network data, but for their place (``ref`` says which node each is,
    for the layout to fill in ``x``, ``y`` and the community ``cm``). The name is kept out of
    ``label``: the page draws the labels itself, as many as fit at each zoom (vis-network would
    draw every one)."""
    out: list[dict[str, Any]] = []
    for n in ids:
        attrs = G.nodes[n]
        etype = _type_of(attrs)
        name = str(attrs.get("label", n))
        english = str(attrs.get("label_en", "") or "")
        alternatives = [str(a) for a in attrs.get("alt_labels", []) or []]
        keys = [_key(name), *map(_key, alternatives), *([_key(english)] if english else [])]
        examples = attrs.get("examples", []) or []
        out.append(
            {
                "ref": n,
                "id": str(n),
                "name": name,
                "en": english or name,
                "group": etype,
                "title": _tooltip(n, attrs, etype),
                "size": radii[n],
                "keys": list(dict.fromkeys(k for k in keys if k)),
                "pr": round(float(attrs.get("pagerank", 0.0)), 8),
                "mentions": int(attrs.get("mentions", 0)),
                "ex": [sentences.add(str(doc), _sentence(text)) for doc, text in examples],
                "fx": [list(map(str, fact)) for fact in attrs.get("facts", []) or []],
            }
        )
    return out


def _vis_edges(G: nx.Graph) -> list[dict[str, Any]]:
    directed = G.is_directed()
    seen: set[tuple[str, str, str]] = set()
    rows: list[tuple[str, str, str, float]] = []
    for u, v, attrs in G.edges(data=True):
        a, b = str(u), str(v)
        if not directed and b < a:
            a, b = b, a
        kind = str(attrs.get("kind", "co-mention"))
        if (a, b, kind) in seen:
            continue
        seen.add((a, b, kind))
        rows.append((a, b, kind, float(attrs.get("weight", 1.0))))
    rows.sort()
    out: list[dict[str, Any]] = []
    for i, (a, b, kind, weight) in enumerate(rows):
        ar, style = EDGE_STYLES.get(kind, _DEFAULT_EDGE)
        edge: dict[str, Any] = {
            "id": f"e{i}",
            "from": a,
            "to": b,
            "kind": kind,
            "w": weight,
            "title": f"{ar} · {kind} · weight {weight:g}",
            "width": round(1.0 + math.log1p(max(weight, 0.0)), 2),
            **style,
        }
        out.append(edge)
    return out


def _options(n: int, physics: bool, directed: bool) -> dict[str, Any]:
    groups = {
        t: {
            "color": {
                "background": colour,
                "border": "#33333380",
                "highlight": {"background": colour, "border": "#000000"},
                "hover": {"background": colour, "border": "#000000"},
            },
        }
        for t, (colour, _, _) in TYPE_STYLES.items()
    }
    big = n > 1000
    return {
        "groups": groups,
        "nodes": {
            "shape": "dot",
            "borderWidth": 1,
            "borderWidthSelected": 4,
            "font": {"face": _FONT, "size": 16, "color": "#222222", "strokeWidth": 3},
        },
        "edges": {
            "smooth": False if big or not physics else {"enabled": True, "type": "continuous"},
            "arrows": {"to": {"enabled": directed, "scaleFactor": 0.5}},
            "selectionWidth": 2,
        },
        "interaction": {
            "dragNodes": physics,  # the layout is the picture: nodes stay where it put them
            "hover": not big,
            "tooltipDelay": 150,
            "hideEdgesOnDrag": big,
            "hideEdgesOnZoom": big,
            "navigationButtons": False,
        },
        "layout": {"improvedLayout": False, "randomSeed": 0},
        "physics": (
            {
                "enabled": True,
                "solver": "barnesHut",
                "stabilization": {"enabled": True, "iterations": 300, "fit": True},
            }
            if physics
            else {"enabled": False}
        ),
    }


def _top_rank(G: nx.Graph) -> float:
    return max((float(r) for _, r in G.nodes(data="pagerank", default=0.0)), default=0.0)


def _node_size(rank: float, top_rank: float) -> float:
    """Node radius in pixels: the square root of PageRank relative to the largest one."""
    relative = math.sqrt(rank / top_rank) if top_rank > 0 and rank > 0 else 0.0
    return round(MIN_NODE_SIZE + (MAX_NODE_SIZE - MIN_NODE_SIZE) * relative, 2)
