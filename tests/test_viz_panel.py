"""kg.viz click panel and minimum-centrality filter, in headless Chromium and in the page data."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

from kg.viz import render_html

E = "http://example.org/kg/entity/"
HOSTILE = "</script><script>alert(1)</script><img src=x onerror=alert(1)>"


def graph() -> nx.Graph:
    G = nx.Graph()
    for i, (etype, pr) in enumerate([("PERS", 0.4), ("ORG", 0.3), ("LOC", 0.2), ("PERS", 0.1)]):
        G.add_node(
            f"{E}n{i}",
            label=f"كيان {i}",
            type=etype,
            mentions=i + 1,
            pagerank=pr,
            alt_labels=[],
            examples=[(f"doc-{i}<b>", f"جملة أولى {HOSTILE}"), (f"doc-{i}b", "جملة ثانية.")],
        )
    G.add_edges_from([(f"{E}n0", f"{E}n1"), (f"{E}n1", f"{E}n2"), (f"{E}n2", f"{E}n3")])
    return G


def _nodes(html: str) -> list[dict[str, Any]]:
    match = re.search(r"new vis\.DataSet\((\[.*?\])\);", html, re.DOTALL)
    assert match is not None
    nodes: list[dict[str, Any]] = json.loads(match.group(1))
    return nodes


def _sentences(html: str) -> list[list[str]]:
    match = re.search(r"var sentences = (\[.*?\]);  //", html)
    assert match is not None
    sentences: list[list[str]] = json.loads(match.group(1))
    return sentences


def test_viz_nodes_carry_rank_mentions_and_examples() -> None:
    html = render_html(graph())
    nodes = {n["id"]: n for n in _nodes(html)}
    sentences = _sentences(html)
    first = nodes[E + "n0"]
    assert first["pr"] == 0.4 and first["mentions"] == 1
    assert [sentences[i] for i in first["ex"]] == [
        ["doc-0<b>", f"جملة أولى {HOSTILE}"],
        ["doc-0b", "جملة ثانية."],
    ]
    assert "<img" not in html.split("new vis.DataSet(")[1]  # escaped inside the script
    assert 'id="kg-rank"' in html and 'id="kg-panel"' in html


def test_viz_big_graphs_keep_every_example_and_each_sentence_once() -> None:
    G = nx.path_graph(2500)
    for n in G:
        G.nodes[n].update(label=f"n{n}", type="ORG", examples=[("d", "a"), ("d", f"b{n % 7}")])
    html = render_html(G)
    assert {len(n["ex"]) for n in _nodes(html)} == {2}
    assert len(_sentences(html)) == 8  # "a" and seven others, shared by the nodes naming them


@pytest.fixture
def page(browser: Any, tmp_path: Path) -> Iterator[tuple[Any, list[str]]]:
    path = tmp_path / "view.html"
    path.write_text(render_html(graph()), encoding="utf-8")
    p = browser.new_page(viewport={"width": 1000, "height": 700})
    errors: list[str] = []
    p.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    p.on("pageerror", lambda exc: errors.append(str(exc)))
    p.on("dialog", lambda d: (errors.append("dialog " + d.message), d.dismiss()))
    p.goto(path.as_uri())
    p.wait_for_function("window.kgReady === true", timeout=30_000)
    yield p, errors
    p.close()


def _click_node(p: Any, node: str) -> None:
    xy = p.evaluate(
        """(id) => { const n = window.kgNetwork;
                     const r = n.body.container.getBoundingClientRect();
                     const d = n.canvasToDOM(n.getPositions([id])[id]);
                     return [r.left + d.x, r.top + d.y]; }""",
        node,
    )
    p.mouse.click(xy[0], xy[1])


@pytest.mark.browser
def test_viz_click_shows_mentions_as_text(page: tuple[Any, list[str]]) -> None:
    p, errors = page
    assert p.locator("#kg-panel").is_hidden()
    _click_node(p, E + "n0")
    p.locator("#kg-panel").wait_for(state="visible", timeout=5_000)
    assert p.locator("#kg-panel-title").inner_text() == "كيان 0"
    items = p.locator("#kg-panel-examples li")
    assert items.count() == 2
    assert HOSTILE in items.nth(0).inner_text() and "doc-0<b>" in items.nth(0).inner_text()
    assert p.locator("img").count() == 0 and p.locator("#kg-panel b").count() == 0
    p.locator("#kg-panel-close").click()
    assert p.locator("#kg-panel").is_hidden()
    assert errors == []


@pytest.mark.browser
def test_viz_min_centrality_and_type_filters_combine(page: tuple[Any, list[str]]) -> None:
    p, errors = page
    hidden = "window.kgNodes.get().filter(n => n.hidden).map(n => n.id).sort()"
    p.locator("#kg-rank").fill("50")  # the top half by PageRank
    assert p.evaluate(hidden) == [E + "n2", E + "n3"]
    assert "· 2" in p.locator("#kg-rank-value").inner_text()
    p.locator('#kg-types input[data-type="PERS"]').uncheck()  # and no people
    assert p.evaluate(hidden) == [E + "n0", E + "n2", E + "n3"]
    p.locator("#kg-rank").fill("0")
    p.locator('#kg-types input[data-type="PERS"]').check()
    assert p.evaluate(hidden) == []
    assert errors == []
