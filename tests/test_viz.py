"""Unit tests for kg.viz: offline page, legend, Arabic labels, escaping, top-N, determinism."""

from __future__ import annotations

import itertools
import json
import re

import networkx as nx
import pytest

from kg.errors import ConfigError
from kg.layout import Layout
from kg.viz import render_html, select_top
from tests.conftest import fresh_output

HOSTILE_SCRIPT = "</script><script>alert(1)</script>"
HOSTILE_IMG = "<img src=x onerror=alert(1)>"
E = "http://example.org/kg/entity/"


def small_graph() -> nx.Graph:
    G = nx.Graph()
    rows = [
        ("safadi", "أيمن الصفدي", "PERS", 0.30, ["الصفدي"]),
        ("fatah", "حركة فتح", "ORG", 0.25, ["فتح"]),
        ("gaza", "غزّة", "LOC", 0.35, ["قطاع غزة"]),
        ("ceasefire", "وقف إطلاق النار", "MISC", 0.10, []),
    ]
    for key, label, etype, pr, alts in rows:
        G.add_node(
            E + key,
            label=label,
            type=etype,
            mentions=7,
            pagerank=pr,
            degree=0.5,
            betweenness=0.1,
            community=0,
            alt_labels=alts,
            examples=[(f"doc-{key}", f"جملة عن {label}.")],
        )
    G.add_edge(E + "safadi", E + "fatah", kind="holds-role", weight=3.0)
    G.add_edge(E + "fatah", E + "gaza", kind="co-mention", weight=5.0)
    G.add_edge(E + "gaza", E + "ceasefire", kind="something-new", weight=1.0)
    return G


def hostile_graph() -> nx.Graph:
    G = small_graph()
    G.add_node(
        E + "evil",
        label="شرير " + HOSTILE_SCRIPT,
        type="PERS",
        mentions=1,
        pagerank=0.2,
        alt_labels=[HOSTILE_IMG],
        examples=[("doc-<evil>", "قال " + HOSTILE_IMG + " " + HOSTILE_SCRIPT)],
    )
    G.add_edge(E + "evil", E + "gaza", kind="said-about", weight=1.0)
    return G


def embedded(html: str, name: str) -> list[dict[str, object]]:
    m = re.search(rf"var {name} = new vis\.DataSet\((.*?)\);\n", html)
    assert m, name
    data: list[dict[str, object]] = json.loads(m.group(1))
    return data


def test_self_contained() -> None:
    html = render_html(small_graph())
    assert html.lstrip().lower().startswith("<!doctype html>")
    assert not re.search(r"(src|href)=[\"']?https?://", html, re.IGNORECASE)
    assert "vis.Network" in html  # vis-network is inlined
    assert "bootstrap" not in html.lower()
    assert '<meta charset="utf-8">' in html


def test_legend_and_labels() -> None:
    html = render_html(small_graph(), title="أخبار غزة")
    for text in ("شخص", "Person", "منظمة", "Organization", "مكان", "Place", "Misc", "co-mention"):
        assert text in html
    for label in ("أيمن الصفدي", "حركة فتح", "غزّة"):
        assert label in html
    assert "<title>أخبار غزة</title>" in html
    assert 'dir="rtl"' in html
    nodes = {n["id"]: n for n in embedded(html, "nodes")}
    gaza = nodes[E + "gaza"]
    assert gaza["group"] == "LOC"
    assert gaza["keys"] == ["غزه", "قطاع غزه"]  # normalised search keys
    title = str(gaza["title"])
    assert "mentions: 7" in title and "PageRank: 0.3500" in title and "doc-gaza" in title
    # bigger PageRank, bigger node
    assert float(str(gaza["size"])) > float(str(nodes[E + "ceasefire"]["size"]))


def test_edges_styled_by_kind() -> None:
    edges = {
        frozenset((e["from"], e["to"])): e for e in embedded(render_html(small_graph()), "edges")
    }
    assert len(edges) == 3
    role = edges[frozenset((E + "fatah", E + "safadi"))]
    mention = edges[frozenset((E + "gaza", E + "fatah"))]
    unknown = edges[frozenset((E + "ceasefire", E + "gaza"))]
    assert role["color"] != mention["color"] != unknown["color"]
    assert "something-new" in str(unknown["title"])


def test_hostile_text_is_escaped() -> None:
    G = hostile_graph()
    html = render_html(G, title=HOSTILE_SCRIPT)
    assert HOSTILE_SCRIPT not in html
    assert HOSTILE_IMG not in html
    assert "<img" not in html
    clean = render_html(small_graph())
    for tag in ("</script", "<script", "<img"):  # hostile text adds no tags
        assert html.lower().count(tag) == clean.lower().count(tag)
    # The data still carries the text (as text), decoded intact.
    nodes = {n["id"]: n for n in embedded(html, "nodes")}
    assert HOSTILE_SCRIPT in str(nodes[E + "evil"]["name"])
    assert HOSTILE_IMG in str(nodes[E + "evil"]["title"])


def test_select_top() -> None:
    G = small_graph()
    top = select_top(G, 2)
    assert set(top) == {E + "gaza", E + "safadi"}
    assert top.has_node(E + "gaza") and top.nodes[E + "gaza"]["label"] == "غزّة"
    assert set(select_top(G, 10)) == set(G)
    with pytest.raises(ConfigError, match="--top must be at least 1"):
        select_top(G, 0)  # a view of no entities is never what was asked for
    with pytest.raises(ConfigError, match="got -1"):
        select_top(G, -1)
    # ties broken by label, not by insertion order
    H = nx.Graph()
    H.add_node("x", label="ب", pagerank=0.5)
    H.add_node("y", label="أ", pagerank=0.5)
    assert list(select_top(H, 1)) == ["y"]
    html = render_html(G, top=2)
    assert {n["id"] for n in embedded(html, "nodes")} == {E + "gaza", E + "safadi"}


def test_deterministic() -> None:
    G = small_graph()
    H = nx.Graph()  # same graph, other insertion order
    H.add_nodes_from(reversed(list(G.nodes(data=True))))
    H.add_edges_from(reversed(list(G.edges(data=True))))
    assert render_html(G) == render_html(G) == render_html(H)
    assert render_html(G, seed=1) != render_html(G, seed=0)


def test_physics_option() -> None:
    assert '"physics": {"enabled": false}' in render_html(small_graph())
    assert '"physics": {"enabled": true' in render_html(small_graph(), physics=True)


def test_large_graph_has_positions_and_no_physics() -> None:
    G = nx.relabel_nodes(nx.barabasi_albert_graph(400, 2, seed=3), lambda i: f"n{i}")
    for n in G:
        G.nodes[n].update(label=f"كيان {n}", type="ORG", pagerank=1 / 400)
    html = render_html(G, physics=True)
    assert '"physics": {"enabled": false}' in html
    nodes = embedded(html, "nodes")
    assert len(nodes) == 400
    assert len({(n["x"], n["y"]) for n in nodes}) == 400
    # No two discs (nor the square hit boxes around them) overlap: a click finds its node.
    for a, b in itertools.combinations(nodes, 2):
        reach = float(str(a["size"])) + float(str(b["size"]))
        dx = abs(float(str(a["x"])) - float(str(b["x"])))
        dy = abs(float(str(a["y"])) - float(str(b["y"])))
        assert dx >= reach or dy >= reach, (a["id"], b["id"])


def test_empty_graph() -> None:
    html = render_html(nx.Graph())
    assert "no entities" in html and "لا توجد كيانات" in html
    assert embedded(html, "nodes") == []


def test_viz_page_with_its_layout_worked_out_apart_is_the_same_page() -> None:
    from kg.viz import view_layout

    G = small_graph()
    asked: list[str] = []

    def placement() -> Layout:
        asked.append("layout")
        return view_layout(G, top=2, seed=3)

    assert render_html(G, top=2, seed=3, placement=placement) == render_html(G, top=2, seed=3)
    assert asked == ["layout"]
    assert render_html(G, placement=lambda: view_layout(G)) != render_html(G, top=2)


@pytest.mark.parametrize("top", [None, 30])
def test_layout_of_the_layout_input_is_the_layout_of_the_graph(top: int | None) -> None:
    from kg.graph import metric
    from kg.viz import layout_input, view_layout

    G = nx.relabel_nodes(nx.powerlaw_cluster_graph(120, 2, 0.3, seed=5), lambda i: f"n{i}")
    for u, v in G.edges:
        G.edges[u, v].update(weight=float(1 + (len(u) + len(v)) % 3), kind="co-mention")
    for n in G:
        G.nodes[n].update(label=f"كيان {int(n[1:]) % 40}", type="ORG", examples=[("d", "جملة")])
    # PageRank to two decimals: ties at the cut, which select_top breaks by label.
    rank = {n: round(value, 2) for n, value in metric(G, "pagerank").items()}
    metrics = {"pagerank": rank, "community": metric(G, "community")}
    H = layout_input(G, metrics.__getitem__)
    for name, values in metrics.items():
        nx.set_node_attributes(G, values, name)
    assert view_layout(H, top=top) == view_layout(G, top=top)
    assert "examples" not in H.nodes["n0"]  # the texts stay behind


def test_a_layout_alone_imports_neither_pyvis_nor_jinja() -> None:
    # The build's helper process only lays the view out: the page's libraries (≈ 0.07 s to
    # import) stay out of it, and out of the main process until it writes the page.
    code = (
        "import sys, networkx as nx\n"
        "from kg.viz import view_layout\n"
        "G = nx.path_graph(['أ', 'ب', 'ج'])\n"
        "assert sorted(view_layout(G).positions) == sorted(G)\n"
        "print(sorted(m for m in ('pyvis', 'jinja2', 'IPython') if m in sys.modules))\n"
    )
    assert fresh_output(code) == "[]"
