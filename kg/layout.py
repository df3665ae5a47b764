"""Positions for the graph view: communities apart, components packed, no two nodes overlapping.

A force layout of a whole news graph is a hairball with a ring of small components around it.
This one is built in three steps, each deterministic for a given ``seed``:

1. **Communities** (the ``community`` attribute a build stores, else one per component) are laid
   out on their own (networkx's spring layout, or a grid-approximated Fruchterman-Reingold
   above :data:`SPRING_MAX_NODES` nodes) and scaled to a disc whose area fits their nodes.
2. **Discs** of one connected component are placed by a spring layout of the community graph
   (weighted by the edges between communities), then pushed apart until none overlap; the
   largest component sits in the middle and the others, largest first, in rows under it.
3. **Nodes** are pushed apart until no two are closer than their radii allow (a KD-tree finds
   the close pairs, so each pass is O(n log n)). The spacing keeps even the square hit boxes of
   vis-network apart, so a click at a node's centre finds that node.

:func:`community_discs` gives the circles the view draws behind each community.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import networkx as nx
import numpy as np

__all__ = ["Disc", "Layout", "community_discs", "grid_force_layout", "layout", "separate"]

#: Communities bigger than this are laid out by the grid-approximated force layout.
SPRING_MAX_NODES = 150
#: Up to this many nodes, close pairs are found among all pairs (no KD-tree).
SMALL_GRAPH = 300
#: Free space kept around every node (pixels at zoom 1), besides its radius.
NODE_GAP = 6.0
#: Free space kept between two community discs, and between components.
DISC_GAP = 40.0
#: A community's disc radius over the radius its nodes' areas need: room to spread them.
COMMUNITY_SPREAD = 1.3
_ROOT2 = math.sqrt(2.0)

Positions = dict[Any, tuple[float, float]]


@dataclass(frozen=True)
class Disc:
    """A circle drawn behind the nodes of one community: centre, radius, and its id."""

    x: float
    y: float
    radius: float
    community: int
    size: int


@dataclass(frozen=True)
class Layout:
    """Where each node goes, the discs behind the communities, and each node's community."""

    positions: Positions
    discs: list[Disc]
    community: dict[Any, int]


# A community's shape: its node count and its edges between member indices.
_Shape = tuple[int, tuple[tuple[int, ...], ...]]


def layout(G: nx.Graph, radii: Mapping[Any, float], *, seed: int = 0) -> Layout:
    """Positions (canvas pixels) of every node of ``G``, and the disc of each community.

    ``radii`` gives each node's drawn radius. Equal input gives equal output.

    >>> G = nx.Graph([("a", "b"), ("b", "c"), ("x", "y")])
    >>> pos = layout(G, {n: 10.0 for n in G}).positions
    >>> sorted(pos) == sorted(G)
    True
    >>> min(math.dist(pos[u], pos[v]) for u in G for v in G if u != v) > 2 * 10.0 * _ROOT2
    True
    """
    nodes = sorted(G.nodes, key=str)
    if not nodes:
        return Layout({}, [], {})
    groups = _communities(G, nodes)
    # Communities of one shape (most are pairs and triangles) share one spring layout.
    springs: dict[_Shape, np.ndarray] = {}
    local = {
        key: _community_layout(G, members, radii, seed, springs) for key, members in groups.items()
    }
    disc_radius = {key: _extent(points, radii) for key, points in local.items()}
    centres = _place_communities(G, groups, disc_radius, seed)
    pos: Positions = {}
    for key, points in local.items():
        cx, cy = centres[key]
        for node, (x, y) in points.items():
            pos[node] = (cx + x, cy + y)
    xy = separate(
        np.array([pos[n] for n in nodes], dtype=float),
        np.array([radii[n] for n in nodes], dtype=float),
    )
    final = {n: (round(float(xy[i, 0]), 1), round(float(xy[i, 1]), 1)) for i, n in enumerate(nodes)}
    community = {node: key for key, members in groups.items() for node in members}
    return Layout(final, community_discs(final, groups, radii), community)


def community_discs(
    pos: Positions, groups: Mapping[int, Sequence[Any]], radii: Mapping[Any, float]
) -> list[Disc]:
    """The smallest disc around each community of two or more nodes, centred on its mean."""
    discs = []
    for key, members in groups.items():
        if len(members) < 2:
            continue
        xs = np.array([pos[n] for n in members], dtype=float)
        centre = xs.mean(axis=0)
        reach = max(
            math.dist(centre, pos[n]) + radii[n] + NODE_GAP for n in members
        )  # every node inside
        discs.append(
            Disc(round(centre[0], 1), round(centre[1], 1), round(reach, 1), key, len(members))
        )
    return sorted(discs, key=lambda d: (-d.size, d.community))


def separate(xy: np.ndarray, radii: np.ndarray, *, max_passes: int = 500) -> np.ndarray:
    """Move points apart until every pair is at least ``√2·(rᵢ + rⱼ) + NODE_GAP`` apart.

    √2 keeps the squares around the discs (vis-network's hit boxes) from overlapping too. Each
    pass moves both points of every close pair half the missing distance, as found by a
    KD-tree, so a pass costs O(n log n).

    >>> out = separate(np.zeros((3, 2)), np.array([5.0, 5.0, 5.0]))
    >>> gaps = [np.linalg.norm(out[i] - out[j]) for i in range(3) for j in range(i)]
    >>> bool(min(gaps) >= 5 * 2 * _ROOT2)
    True
    """
    xy = np.array(xy, dtype=float, copy=True)
    n = len(xy)
    if n < 2:
        return xy
    reach = 2.0 * _ROOT2 * float(radii.max()) + NODE_GAP
    rng = np.random.default_rng(0)
    # Coincident points get a fixed direction each, so the result stays deterministic.
    jitter = rng.uniform(-1.0, 1.0, size=(n, 2))
    for _ in range(max_passes):
        pairs = _close_pairs(xy, reach)
        if len(pairs) == 0:
            break
        i, j = pairs[:, 0], pairs[:, 1]
        needed = _ROOT2 * (radii[i] + radii[j]) + NODE_GAP
        delta = xy[i] - xy[j]
        distance = np.sqrt((delta * delta).sum(axis=1))
        short = distance < needed - 1e-6
        if not short.any():
            break
        i, j, needed, delta, distance = (a[short] for a in (i, j, needed, delta, distance))
        tiny = distance < 1e-9
        delta[tiny] = jitter[i[tiny]] - jitter[j[tiny]]
        distance = np.sqrt((delta * delta).sum(axis=1))
        # Pushing 15 % past the spacing settles a crowded cluster in far fewer passes.
        push = (delta / distance[:, None]) * ((1.15 * needed - distance) / 2.0)[:, None]
        ends = np.concatenate([i, j])
        moves = np.stack(
            [np.bincount(ends, weights=np.concatenate([push[:, k], -push[:, k]]), minlength=n)
             for k in (0, 1)],
            axis=1,
        )  # fmt: skip
        # A node in many close pairs moves less than the sum of its pushes (no overshoot).
        count = np.bincount(ends, minlength=n).astype(float)
        xy += moves / np.maximum(count, 1.0)[:, None] ** 0.5
    return xy


def _close_pairs(xy: np.ndarray, reach: float) -> np.ndarray:
    """Index pairs (i < j) of points closer than ``reach``: all pairs at once for a small
    graph (no KD-tree to import: a one-article build starts faster), a KD-tree above."""
    if len(xy) > SMALL_GRAPH:
        from scipy.spatial import cKDTree

        return np.asarray(cKDTree(xy).query_pairs(reach, output_type="ndarray"))
    i, j = np.triu_indices(len(xy), k=1)
    delta = xy[i] - xy[j]
    close = (delta * delta).sum(axis=1) < reach * reach
    return np.stack([i[close], j[close]], axis=1)


def _communities(G: nx.Graph, nodes: list[Any]) -> dict[int, list[Any]]:
    """Community -> members (sorted), from the nodes' ``community`` attribute; nodes without
    one, or communities spanning components, are split by connected component."""
    component_of = {}
    for index, component in enumerate(
        sorted(nx.connected_components(G), key=lambda c: (-len(c), min(map(str, c))))
    ):
        for node in component:
            component_of[node] = index
    keyed: dict[tuple[int, Hashable], list[Any]] = defaultdict(list)
    for node in nodes:
        community = G.nodes[node].get("community")
        keyed[component_of[node], -1 if community is None else int(community)].append(node)
    ordered = sorted(keyed, key=lambda k: (k[0], -len(keyed[k]), str(keyed[k][0])))
    return {index: keyed[key] for index, key in enumerate(ordered)}


def _community_layout(
    G: nx.Graph,
    members: list[Any],
    radii: Mapping[Any, float],
    seed: int,
    springs: dict[_Shape, np.ndarray],
) -> Positions:
    """Positions of one community around (0, 0), spaced for its nodes' sizes; ``springs``
    keeps the spring layout of each shape (node count and edges) met before."""
    if len(members) == 1:
        return {members[0]: (0.0, 0.0)}
    H = G.subgraph(members)
    index = {node: i for i, node in enumerate(members)}
    n = len(members)
    # The community's edges between member indices, each once, in order: its shape.
    pairs = tuple(sorted({tuple(sorted((index[u], index[v]))) for u, v in H.edges() if u != v}))
    if n <= SPRING_MAX_NODES:
        # The layout depends on the shape alone (the adjacency matrix, in member order).
        shape = (n, pairs)
        if shape not in springs:
            simple = nx.Graph()
            simple.add_nodes_from(range(n))
            simple.add_edges_from(pairs)
            raw = nx.spring_layout(simple, k=1.0 / math.sqrt(n), iterations=60, seed=seed)
            springs[shape] = np.array([raw[i] for i in range(n)], dtype=float)
        xy = springs[shape].copy()
    else:
        xy = grid_force_layout(n, np.array(pairs, dtype=np.int64).reshape(-1, 2), seed)
    xy -= xy.mean(axis=0)
    # Force layouts crowd the centre: even the density out along each node's ray (the k-th
    # nearest to the centre moves to radius ∝ √k, so equal rings hold equal counts), then
    # scale so the community's disc holds its nodes' areas with room for the spacing.
    distance = np.sqrt((xy * xy).sum(axis=1))
    rank = np.empty(n)
    rank[np.argsort(distance, kind="stable")] = np.arange(n)
    even = np.sqrt((rank + 0.5) / n)
    xy = xy / np.maximum(distance, 1e-12)[:, None] * even[:, None]
    sizes = np.array([_ROOT2 * radii[m] + NODE_GAP for m in members])
    xy *= COMMUNITY_SPREAD * math.sqrt(float((sizes * sizes).sum()))
    return {m: (float(xy[i, 0]), float(xy[i, 1])) for i, m in enumerate(members)}


def _extent(points: Positions, radii: Mapping[Any, float]) -> float:
    return max(math.hypot(x, y) + _ROOT2 * radii[n] + NODE_GAP for n, (x, y) in points.items())


def _place_communities(
    G: nx.Graph,
    groups: Mapping[int, list[Any]],
    disc_radius: Mapping[int, float],
    seed: int,
) -> dict[int, tuple[float, float]]:
    """Centres of the community discs: components laid out apart, then packed on a spiral."""
    of = {node: key for key, members in groups.items() for node in members}
    linked: dict[tuple[int, int], float] = defaultdict(float)
    for u, v, weight in G.edges(data="weight", default=1.0):
        a, b = of[u], of[v]
        if a != b:
            linked[min(a, b), max(a, b)] += float(weight)
    C = nx.Graph()
    C.add_nodes_from(groups)
    C.add_weighted_edges_from((a, b, w) for (a, b), w in sorted(linked.items()))
    blocks: list[tuple[float, dict[int, tuple[float, float]]]] = []
    for component in sorted(nx.connected_components(C), key=lambda c: (-len(c), min(c))):
        keys = sorted(component)
        if len(keys) == 1:
            centres = {keys[0]: (0.0, 0.0)}
        else:
            raw = nx.spring_layout(C.subgraph(keys), weight="weight", seed=seed, iterations=80)
            xy = np.array([raw[k] for k in keys], dtype=float)
            xy -= xy.mean(axis=0)
            radii = np.array([disc_radius[k] + DISC_GAP / 2 for k in keys])
            # Spread so the discs' total area would just fit; pushing apart does the rest.
            spread = float(np.sqrt((xy * xy).sum(axis=1)).max()) or 1.0
            xy *= 1.1 * math.sqrt(float((radii * radii).sum())) / spread
            xy = _separate_discs(xy, radii)
            centres = {k: (float(xy[i, 0]), float(xy[i, 1])) for i, k in enumerate(keys)}
        reach = max(math.hypot(*centres[k]) + disc_radius[k] for k in keys)
        blocks.append((reach, centres))
    return _pack(blocks)


def _separate_discs(xy: np.ndarray, radii: np.ndarray, passes: int = 500) -> np.ndarray:
    """Push discs apart until none overlap (few discs: all pairs at once)."""
    xy = xy.copy()
    rng = np.random.default_rng(0)
    for _ in range(passes):
        delta = xy[:, None, :] - xy[None, :, :]
        distance = np.sqrt((delta**2).sum(axis=2))
        needed = radii[:, None] + radii[None, :]
        np.fill_diagonal(needed, 0.0)
        overlap = np.clip(needed - distance, 0.0, None)
        if not (overlap > 1e-6).any():
            break
        coincident = distance < 1e-9
        np.fill_diagonal(coincident, False)
        if coincident.any():
            xy += rng.uniform(-1.0, 1.0, size=xy.shape) * coincident.any(axis=1)[:, None]
            continue
        direction = delta / np.maximum(distance, 1e-9)[..., None]
        xy += 0.5 * (overlap[..., None] * direction).sum(axis=1)
    return xy


def _pack(
    blocks: list[tuple[float, dict[int, tuple[float, float]]]],
) -> dict[int, tuple[float, float]]:
    """Place blocks (radius, centres around (0, 0)): the largest at the origin, the others,
    largest first, in rows under it (shelf packing), as wide as the largest is (or as the
    square the rest need, when wider), so small components sit in a compact block instead of
    a ring around the big one."""
    out: dict[int, tuple[float, float]] = {}
    if not blocks:
        return out
    first_reach, first = blocks[0]
    out.update(first)
    rest = blocks[1:]
    area = sum((2 * reach + DISC_GAP) ** 2 for reach, _ in rest)
    width = max(2 * first_reach, math.sqrt(area))
    left = -width / 2
    x, top, row_height = left, first_reach + 2 * DISC_GAP, 0.0
    for reach, centres in rest:
        size = 2 * reach + DISC_GAP
        if x > left and x + size > left + width:  # next row
            x, top, row_height = left, top + row_height, 0.0
        cx, cy = x + reach, top + reach
        for key, (dx, dy) in centres.items():
            out[key] = (cx + dx, cy + dy)
        x += size
        row_height = max(row_height, size)
    return out


def grid_force_layout(
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
