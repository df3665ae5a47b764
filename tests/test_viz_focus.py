"""The graph view as a reader uses it, in headless Chromium: clicks find the node under the
pointer, search selects, centres and explains one entity, focus veils the rest, filters re-fit.

Needs Debian's chromium and playwright (the tests skip with the reason otherwise).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

from kg.graph import analyse
from kg.pipeline import KnowledgeGraph
from kg.viz import render_html
from tests.conftest import REPO

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def seed() -> KnowledgeGraph:
    import kg

    return kg.build([REPO / "seeds"])


@contextmanager
def _opened(browser: Any, html: str, folder: Path) -> Iterator[tuple[Any, list[str]]]:
    """The page in Chromium, ready, with the errors it reports; closed afterwards (the test
    asserts no error before it returns)."""
    path = folder / "view.html"
    path.write_text(html, encoding="utf-8")
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        page.goto(path.as_uri())
        page.wait_for_function("window.kgReady === true", timeout=60_000)
        yield page, errors
    finally:
        page.close()


@pytest.fixture
def seed_page(
    browser: Any, seed: KnowledgeGraph, tmp_path: Path
) -> Iterator[tuple[Any, list[str]]]:
    with _opened(browser, seed.html(), tmp_path) as opened:
        yield opened


def _community_graph(n: int) -> nx.Graph:
    """A scale-free graph with communities, metrics and Arabic labels, as a build gives."""
    G = nx.relabel_nodes(nx.powerlaw_cluster_graph(n, 2, 0.3, seed=7), lambda i: f"e{i}")
    for i, node in enumerate(sorted(G, key=lambda v: int(v[1:]))):
        G.nodes[node].update(
            label=f"كيان رقم {i}", type=("PERS", "ORG", "LOC")[i % 3], mentions=1, alt_labels=[]
        )
    for node, values in analyse(G).items():
        G.nodes[node].update(values)
    return G


def test_view_a_click_at_any_node_finds_that_node(browser: Any, tmp_path: Path) -> None:
    with _opened(browser, render_html(_community_graph(2000)), tmp_path) as (page, errors):
        found, shown = page.evaluate(
            """() => { let ok = 0, all = 0;
                network.body.data.nodes.forEach(n => {
                  all += 1;
                  if (network.getNodeAt(network.canvasToDOM({x: n.x, y: n.y})) === n.id) ok += 1;
                });
                return [ok, all]; }"""
        )
        assert shown == 2000 and found / shown >= 0.99, (found, shown)
        assert errors == []


def test_view_search_selects_centres_and_lists_every_mention(
    seed: KnowledgeGraph, seed_page: tuple[Any, list[str]]
) -> None:
    page, errors = seed_page
    # The entity named in the most sentences, and every sentence the graph links it to.
    node = max(seed.G, key=lambda n: (len(seed.G.nodes[n]["examples"]), n))
    label = seed.G.nodes[node]["label"]
    sentences = seed.run(
        "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE "
        f"{{ ?m itsrdf:taIdentRef <{node}> ; nif:sentence ?s }}"
    )
    expected = int(sentences.rows[0][0])
    assert expected >= 2
    page.fill("#kg-search", label)
    page.keyboard.press("Enter")
    page.locator("#kg-panel").wait_for(state="visible", timeout=5_000)
    page.wait_for_timeout(600)  # the centring animation
    assert page.evaluate("network.getSelectedNodes()") == [node]
    centre = page.evaluate("network.getViewPosition()")
    at = page.evaluate(f"network.getPosition({node!r})")
    assert abs(centre["x"] - at["x"]) < 1 and abs(centre["y"] - at["y"]) < 1
    assert page.inner_text("#kg-panel-title").split(" · ")[0] == label
    assert page.locator("#kg-panel-examples li").count() == expected
    assert errors == []


def _pixel(page: Any, node: str) -> tuple[int, int, int]:
    """The colour drawn at a node's centre (a 1-pixel screenshot)."""
    from io import BytesIO

    from PIL import Image

    x, y = page.evaluate(
        """(id) => { const r = network.body.container.getBoundingClientRect();
                     const d = network.canvasToDOM(network.getPosition(id));
                     return [r.left + d.x, r.top + d.y]; }""",
        node,
    )
    png = page.screenshot(clip={"x": x, "y": y, "width": 1, "height": 1})
    red, green, blue = Image.open(BytesIO(png)).convert("RGB").getpixel((0, 0))
    return red, green, blue


def test_view_focus_veils_what_is_not_linked_and_escape_clears(
    seed: KnowledgeGraph, seed_page: tuple[Any, list[str]]
) -> None:
    page, errors = seed_page
    focus = max(seed.G, key=lambda n: (seed.G.degree(n), n))
    apart = [n for n in seed.G if n != focus and not seed.G.has_edge(focus, n)]
    assert apart, "the seed has entities not linked to its most linked one"
    before = _pixel(page, apart[0])
    page.evaluate(f"kgFocus({focus!r})")
    page.wait_for_timeout(500)
    veiled = _pixel(page, apart[0])
    assert sum(veiled) > sum(before) + 60  # paler: the veil is over it
    assert page.evaluate("network.getSelectedNodes()") == [focus]
    page.keyboard.press("Escape")
    page.wait_for_timeout(200)
    assert page.evaluate("network.getSelectedNodes()") == []
    assert page.locator("#kg-panel").is_hidden()
    assert errors == []


def test_view_filters_refit_the_view_to_what_is_left(browser: Any, tmp_path: Path) -> None:
    with _opened(browser, render_html(_community_graph(600)), tmp_path) as (page, errors):
        page.locator("#kg-rank").fill("95")
        page.dispatch_event("#kg-rank", "change")
        page.wait_for_timeout(300)
        box = page.evaluate(
            """() => { const r = network.body.container.getBoundingClientRect();
                const xs = [], ys = [];
                network.body.data.nodes.forEach(n => { if (n.hidden) return;
                  const d = network.canvasToDOM({x: n.x, y: n.y}); xs.push(d.x); ys.push(d.y); });
                return {w: r.width, h: r.height, n: xs.length, x0: Math.min(...xs),
                        x1: Math.max(...xs), y0: Math.min(...ys), y1: Math.max(...ys)}; }"""
        )
        assert 20 <= box["n"] <= 40
        inside = min(box["x0"], box["y0"]) >= 0 and box["x1"] <= box["w"] and box["y1"] <= box["h"]
        spread = max((box["x1"] - box["x0"]) / box["w"], (box["y1"] - box["y0"]) / box["h"])
        assert inside and spread > 0.5, box
        assert errors == []


def test_view_switches_to_english_labels_and_finds_english_names(
    seed: KnowledgeGraph, seed_page: tuple[Any, list[str]]
) -> None:
    page, errors = seed_page
    known = [
        n for n, data in seed.G.nodes(data=True) if data.get("label_source") == "wikipedia-title"
    ]
    assert known, "the seed names someone or somewhere Wikipedia knows"
    node = sorted(known)[0]
    english = seed.G.nodes[node]["label_en"]
    page.click("#kg-language")
    assert page.evaluate("kgLabelField()") == "en"
    assert page.inner_text("#kg-language") == "عربي"
    page.fill("#kg-search", english.lower())
    page.keyboard.press("Enter")
    page.locator("#kg-panel").wait_for(state="visible", timeout=5_000)
    assert page.evaluate("network.getSelectedNodes()") == [node]
    assert english in page.inner_text("#kg-panel-title")
    page.click("#kg-language")
    assert page.evaluate("kgLabelField()") == "name"
    assert errors == []


def test_view_panel_lists_meetings_statements_and_posts_with_dates(
    seed: KnowledgeGraph, seed_page: tuple[Any, list[str]]
) -> None:
    page, errors = seed_page
    met = [(n, f) for n, d in seed.G.nodes(data=True) for f in d["facts"] if f[0] == "met"]
    assert met, "the seed reports a meeting"
    node, fact = sorted(met)[0]
    page.evaluate(f"kgFocus({node!r})")
    page.locator("#kg-panel").wait_for(state="visible", timeout=5_000)
    facts = page.inner_text("#kg-panel-facts")
    assert "meetings" in facts and fact[1] in facts and fact[2] in facts
    assert all(seed.G.nodes[other]["label"] in facts for other in fact[4:])
    kinds = {f[0] for f in seed.G.nodes[node]["facts"]}
    assert ("statements" in facts) == ("said" in kinds) and ("posts" in facts) == ("post" in kinds)
    assert errors == []
