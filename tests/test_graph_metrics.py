"""kg.graph metrics: the batched betweenness estimator gives networkx's numbers."""

from __future__ import annotations

import networkx as nx
import pytest

from kg import graph as analytics


def _graphs() -> list[tuple[str, nx.Graph, int | None]]:
    scale_free = nx.barabasi_albert_graph(300, 3, seed=1)
    scattered = nx.Graph([("a", "b"), ("b", "c"), ("c", "a"), ("c", "d"), ("x", "y"), ("d", "d")])
    scattered.add_node("alone")  # isolated node, second component, self-loop
    return [
        ("scale-free, sampled", scale_free, 50),
        ("karate, exact", nx.karate_club_graph(), None),
        ("components and a self-loop, sampled", scattered, 4),
        ("components and a self-loop, exact", scattered, None),
    ]


@pytest.mark.parametrize(
    ("name", "G", "k"), _graphs(), ids=lambda v: v if isinstance(v, str) else ""
)
def test_graph_sampled_betweenness_matches_networkx(name: str, G: nx.Graph, k: int | None) -> None:
    ours = analytics.sampled_betweenness(G, k=k, seed=3)
    theirs = nx.betweenness_centrality(G, k=k, seed=3)
    assert ours.keys() == theirs.keys()
    for node, value in theirs.items():
        assert ours[node] == pytest.approx(value, rel=1e-5, abs=1e-9), node


def test_graph_betweenness_samples_above_the_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    G = nx.barabasi_albert_graph(120, 2, seed=0)
    monkeypatch.setattr(analytics, "EXACT_BETWEENNESS_LIMIT", 100)
    monkeypatch.setattr(analytics, "BETWEENNESS_SAMPLE", 30)
    sampled = analytics.betweenness(G, seed=7)
    expected = nx.betweenness_centrality(G, k=30, seed=7)
    assert sampled == pytest.approx(expected, rel=1e-5, abs=1e-9)
    assert sampled != pytest.approx(nx.betweenness_centrality(G), rel=1e-3)


def test_graph_sampled_betweenness_small_batches_agree(monkeypatch: pytest.MonkeyPatch) -> None:
    G = nx.barabasi_albert_graph(200, 2, seed=2)
    whole = analytics.sampled_betweenness(G, k=40)
    monkeypatch.setattr(analytics, "BATCH_CELLS", 200 * 3)  # batches of 3 sources
    assert analytics.sampled_betweenness(G, k=40) == pytest.approx(whole, rel=1e-5, abs=1e-9)


def test_metrics_worked_out_apart_are_taken_as_they_are() -> None:
    G = nx.relabel_nodes(nx.powerlaw_cluster_graph(60, 2, 0.3, seed=2), lambda i: f"n{i}")
    known = {name: analytics.metric(G, name, seed=4) for name in ("pagerank", "community")}
    assert analytics.analytics(G, seed=4, known=known) == analytics.analytics(G, seed=4)
    marked = {**known, "pagerank": {n: 0.5 for n in G}}  # not computed again: kept as given
    assert {values["pagerank"] for values in analytics.analytics(G, known=marked).values()} == {0.5}
    with pytest.raises(ValueError, match="unknown metric 'closeness'"):
        analytics.metric(G, "closeness")
