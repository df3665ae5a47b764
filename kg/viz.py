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
from importlib.resources import files
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import pyvis
from jinja2 import Environment, FileSystemLoader, select_autoescape
from pyvis.network import Network

from kg.errors import check_top
from kg.text import normalize

__all__ = ["PHYSICS_MAX_NODES", "TYPE_STYLES", "render_html", "select_top"]

#: Above this many nodes positions are always precomputed and vis-network physics stays off.
PHYSICS_MAX_NODES = 300
MIN_NODE_SIZE, MAX_NODE_SIZE = 8.0, 42.0
LABEL_GAP = 36.0  # pixels kept free between two discs so the labels under them stay readable

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
_EXTERNAL = re.compile(
    r"<script\b[^>]*\bsrc=[\"']?https?://[^>]*>\s*</script>|<link\b[^>]*\bhref=[\"']?https?://[^>]*>",
    re.IGNORECASE,
)
_SENTENCE_MAX = 280
#: Above this many nodes the click panel carries one source sentence per node, not all of them,
#: so a 20k-node page stays a few MB.
PANEL_ALL_EXAMPLES_MAX_NODES = 2000


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
) -> str:
    """Return one self-contained HTML document showing ``G``.

    ``top`` keeps only the ``top`` highest-PageRank nodes (:func:`select_top`). ``physics=True``
    lets vis-network's simulation move the nodes (only up to :data:`PHYSICS_MAX_NODES` nodes); by
    default positions come from a seeded layout, so the same input gives the same page.
    """
    if top is not None:
        G = select_top(G, top)
    ids = sorted(G.nodes, key=str)
    pos = _layout(G, ids, seed)
    use_physics = bool(physics) and len(ids) <= PHYSICS_MAX_NODES

    net = Network(
        height="100%",
        width="100%",
        directed=G.is_directed(),
        heading=title,
        cdn_resources="in_line",
    )
    # Assign the lists directly: from_nx / add_edge are O(E·(N+E)).
    net.nodes = _vis_nodes(G, ids, pos)
    net.edges = _vis_edges(G)
    net.options = _options(len(ids), use_physics, G.is_directed())
    net.templateEnv = _environment()
    net.path = _TEMPLATE
    html = str(net.generate_html())
    return _EXTERNAL.sub("", html)


def _environment() -> Environment:
    """Jinja environment with our template first and pyvis' (for the inlined lib/) second."""
    ours = Path(str(files("kg") / "data" / "viz"))
    pyvis_templates = Path(pyvis.__file__).parent / "templates"
    env = Environment(
        loader=FileSystemLoader([str(ours), str(pyvis_templates)]),
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
    lines = [
        str(attrs.get("label", node)),
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


def _panel_examples(attrs: dict[str, Any], limit: int | None) -> list[dict[str, str]]:
    """(document id, sentence) pairs for the click panel; the page shows them as text only."""
    examples = list(attrs.get("examples", []) or [])[:limit]
    return [{"doc": str(doc_id), "text": _sentence(text)} for doc_id, text in examples]


def _vis_nodes(
    G: nx.Graph, ids: list[Any], pos: dict[Any, tuple[float, float]]
) -> list[dict[str, Any]]:
    ranks = [float(G.nodes[n].get("pagerank", 0.0)) for n in ids]
    top_rank = _top_rank(G)
    limit = None if len(ids) <= PANEL_ALL_EXAMPLES_MAX_NODES else 1
    out: list[dict[str, Any]] = []
    for n, pr in zip(ids, ranks, strict=True):
        attrs = G.nodes[n]
        etype = _type_of(attrs)
        label = str(attrs.get("label", n))
        keys = [_key(label)] + [_key(str(a)) for a in attrs.get("alt_labels", []) or []]
        x, y = pos[n]
        out.append(
            {
                "id": str(n),
                "label": label,
                "group": etype,
                "title": _tooltip(n, attrs, etype),
                "size": _node_size(pr, top_rank),
                "keys": list(dict.fromkeys(k for k in keys if k)),
                "pr": round(pr, 8),
                "mentions": int(attrs.get("mentions", 0)),
                "examples": _panel_examples(attrs, limit),
                "x": x,
                "y": y,
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


def _layout(G: nx.Graph, ids: list[Any], seed: int) -> dict[Any, tuple[float, float]]:
    """Deterministic positions in vis-network pixels, independent of node insertion order."""
    n = len(ids)
    if n == 0:
        return {}
    index = {node: i for i, node in enumerate(ids)}
    pairs = sorted({tuple(sorted((index[u], index[v]))) for u, v in G.edges() if u != v})
    if n <= PHYSICS_MAX_NODES:
        H = nx.Graph()
        H.add_nodes_from(range(n))
        H.add_edges_from(pairs)
        raw = nx.spring_layout(H, k=2.0 / math.sqrt(n), iterations=100, seed=seed)
        xy = np.array([raw[i] for i in range(n)], dtype=float)
    else:
        edges = np.array(pairs, dtype=np.int64).reshape(-1, 2)
        xy = _grid_force_layout(n, edges, seed)
    xy -= xy.mean(axis=0)
    radius = float(np.abs(xy).max()) or 1.0
    scale = 150.0 + 50.0 * math.sqrt(n)
    xy = xy / radius * scale
    if n <= PHYSICS_MAX_NODES:
        top_rank = _top_rank(G)
        radii = [_node_size(float(G.nodes[i].get("pagerank", 0.0)), top_rank) for i in ids]
        xy = _separate(xy, np.array(radii))
    return {
        node: (round(float(xy[i, 0]), 1), round(float(xy[i, 1]), 1)) for node, i in index.items()
    }


def _top_rank(G: nx.Graph) -> float:
    return max((float(r) for _, r in G.nodes(data="pagerank", default=0.0)), default=0.0)


def _node_size(rank: float, top_rank: float) -> float:
    """Node radius in pixels: the square root of PageRank relative to the largest one."""
    relative = math.sqrt(rank / top_rank) if top_rank > 0 and rank > 0 else 0.0
    return round(MIN_NODE_SIZE + (MAX_NODE_SIZE - MIN_NODE_SIZE) * relative, 2)


def _separate(xy: np.ndarray, radii: np.ndarray, iterations: int = 200) -> np.ndarray:
    """Push apart nodes whose discs (plus room for a label) overlap; small graphs only (O(n²))."""
    xy = xy.copy()
    needed = radii[:, None] + radii[None, :] + LABEL_GAP
    np.fill_diagonal(needed, 0.0)
    for _ in range(iterations):
        delta = xy[:, None, :] - xy[None, :, :]
        distance = np.sqrt((delta**2).sum(axis=2))
        overlap = np.clip(needed - distance, 0.0, None)
        np.fill_diagonal(overlap, 0.0)
        if not overlap.any():
            break
        # Coincident points get a fixed direction so the result stays deterministic.
        direction = np.where(
            distance[..., None] > 1e-9, delta / np.maximum(distance, 1e-9)[..., None], 1.0
        )
        xy += 0.5 * (overlap[..., None] * direction).sum(axis=1) / len(xy) ** 0.5
    return xy


def _grid_force_layout(
    n: int, edges: np.ndarray[Any, Any], seed: int, iterations: int = 80
) -> np.ndarray[Any, np.dtype[np.float64]]:
    """Fruchterman-Reingold with repulsion approximated through a grid of cell centroids.

    Far field: each occupied cell pushes every other cell (cells² pairs); near field: each node is
    pushed away from its own cell's centroid. O(iterations · (cells² + n + E)) instead of
    O(iterations · n²), so 20k nodes take a few seconds, with a seeded, repeatable result.
    """
    rng = np.random.default_rng(seed)
    pos = rng.uniform(-1.0, 1.0, size=(n, 2))
    k = 2.0 / math.sqrt(n)  # ideal edge length in a 2 × 2 square
    g = int(min(40, max(8, math.sqrt(n) / 2)))
    soft = (0.5 * k) ** 2
    temp0 = 0.2
    u = edges[:, 0] if len(edges) else np.zeros(0, dtype=np.int64)
    v = edges[:, 1] if len(edges) else np.zeros(0, dtype=np.int64)
    for it in range(iterations):
        lo = pos.min(axis=0)
        span = float((pos.max(axis=0) - lo).max()) or 1.0
        cell = np.clip(((pos - lo) / span * g).astype(np.int64), 0, g - 1)
        cid = cell[:, 0] * g + cell[:, 1]
        local = np.unique(cid, return_inverse=True)[1]
        m = np.bincount(local).astype(float)
        cent = np.stack(
            [np.bincount(local, weights=pos[:, 0]) / m, np.bincount(local, weights=pos[:, 1]) / m],
            axis=1,
        )
        d = cent[:, None, :] - cent[None, :, :]
        dist2 = (d * d).sum(axis=2) + soft
        np.fill_diagonal(dist2, np.inf)
        far = (d * (k * k * m[None, :] / dist2)[:, :, None]).sum(axis=1)
        near = pos - cent[local]
        disp = far[local] + near * (k * k * m[local] / ((near * near).sum(axis=1) + soft))[:, None]
        if len(u):
            delta = pos[u] - pos[v]
            dist = np.sqrt((delta * delta).sum(axis=1)) + 1e-9
            pull = delta * (dist / k)[:, None]
            for axis in (0, 1):
                disp[:, axis] += np.bincount(v, weights=pull[:, axis], minlength=n)
                disp[:, axis] -= np.bincount(u, weights=pull[:, axis], minlength=n)
        disp -= pos * (0.1 * k * math.sqrt(n))  # gravity keeps loose components near the centre
        length = np.sqrt((disp * disp).sum(axis=1)) + 1e-9
        temp = temp0 * (1.0 - it / iterations) + 1e-3
        pos += disp * (np.minimum(length, temp) / length)[:, None]
    return pos
