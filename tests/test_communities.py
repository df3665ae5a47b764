"""Community detection at both sizes: networkx's Louvain on small graphs, the compiled one above."""

from __future__ import annotations

import networkx as nx

from kg import graph


def test_communities_large_graph_finds_planted_groups() -> None:
    # 12 groups of 200 nodes, dense inside, sparse between: above the networkx limit.
    G = nx.planted_partition_graph(12, 200, 0.1, 0.0005, seed=3)
    assert len(G) > graph.NETWORKX_LOUVAIN_LIMIT
    found = graph.communities(G, seed=0)
    assert set(found) == set(G)
    # Nearly every planted group lands in one community.
    for group in G.graph["partition"]:
        labels = [found[node] for node in group]
        assert max(labels.count(label) for label in set(labels)) >= 0.9 * len(group)
    assert found == graph.communities(G, seed=0)  # seeded: the same numbering again
    sizes = [list(found.values()).count(c) for c in range(max(found.values()) + 1)]
    assert sizes == sorted(sizes, reverse=True)  # numbered by decreasing size


def test_communities_large_graph_without_edges_puts_each_node_alone() -> None:
    G = nx.empty_graph(graph.NETWORKX_LOUVAIN_LIMIT + 5)
    found = graph.communities(G)
    assert sorted(found.values()) == list(range(len(G)))
