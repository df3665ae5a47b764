"""kg.viz page in headless Chromium: no errors, a drawn canvas, Arabic search, type filter, no XSS.

Needs Debian's chromium (/usr/bin/chromium) and the playwright package; never downloads a browser.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

from kg.viz import render_html

pytestmark = pytest.mark.browser

E = "http://example.org/kg/entity/"
HOSTILE_SCRIPT = "</script><script>alert(1)</script>"
HOSTILE_IMG = "<img src=x onerror=alert(1)>"


def graph() -> nx.Graph:
    G = nx.Graph()
    rows = [
        ("safadi", "أيمن الصفدي", "PERS", 0.30),
        ("fatah", "حركة فتح", "ORG", 0.25),
        ("gaza", "غزّة", "LOC", 0.35),
        ("ghazal", "غزال", "PERS", 0.05),  # a prefix match that must rank below the exact one
        ("evil", "شرير " + HOSTILE_SCRIPT + HOSTILE_IMG, "MISC", 0.05),
    ]
    for key, label, etype, pr in rows:
        G.add_node(
            E + key,
            label=label,
            type=etype,
            mentions=3,
            pagerank=pr,
            alt_labels=[],
            examples=[(f"doc-{key}", f"قال {label} {HOSTILE_IMG}")],
        )
    G.add_edge(E + "safadi", E + "fatah", kind="holds-role", weight=2.0)
    G.add_edge(E + "fatah", E + "gaza", kind="co-mention", weight=4.0)
    G.add_edge(E + "gaza", E + "evil", kind="said-about", weight=1.0)
    G.add_edge(E + "gaza", E + "ghazal", kind="met", weight=1.0)
    return G


@pytest.fixture
def page(browser: Any, tmp_path: Path) -> Iterator[tuple[Any, list[str], list[str]]]:
    path = tmp_path / "view.html"
    path.write_text(render_html(graph(), title="اختبار " + HOSTILE_SCRIPT), encoding="utf-8")
    p = browser.new_page(viewport={"width": 1000, "height": 700})
    errors: list[str] = []
    dialogs: list[str] = []
    p.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    p.on("pageerror", lambda exc: errors.append(str(exc)))

    def on_dialog(d: Any) -> None:
        dialogs.append(d.message)
        d.dismiss()

    p.on("dialog", on_dialog)
    p.on(
        "request", lambda r: errors.append("request " + r.url) if r.url.startswith("http") else None
    )
    p.goto(path.as_uri())
    p.wait_for_function("window.kgReady === true", timeout=30_000)
    yield p, errors, dialogs
    p.close()


def distinct_colours(png: bytes) -> int:
    from PIL import Image  # pillow comes with matplotlib (dev dependency)

    img = Image.open(io.BytesIO(png)).convert("RGB")
    return len(img.getcolors(maxcolors=1 << 24) or [])


def test_page_draws_without_errors(page: tuple[Any, list[str], list[str]]) -> None:
    p, errors, dialogs = page
    assert p.locator("#mynetwork canvas").count() == 1
    p.wait_for_timeout(200)
    assert distinct_colours(p.screenshot()) > 50  # not blank: coloured nodes, anti-aliased text
    assert p.evaluate("window.kgNodes.length") == 5
    assert errors == []
    assert dialogs == []


def test_search_matches_normalised_arabic(page: tuple[Any, list[str], list[str]]) -> None:
    p, errors, _ = page
    p.locator("#kg-search").press_sequentially("غزة")  # no shadda, teh marbuta
    p.wait_for_function("window.kgNetwork.getSelectedNodes().length > 0", timeout=5_000)
    selected = p.evaluate("window.kgNetwork.getSelectedNodes()")
    assert selected[0] == E + "gaza"
    assert E + "safadi" not in selected
    assert errors == []


def test_type_filter_hides_nodes(page: tuple[Any, list[str], list[str]]) -> None:
    p, errors, _ = page
    p.locator('#kg-types input[data-type="PERS"]').uncheck()
    hidden = p.evaluate("window.kgNodes.get().filter(n => n.hidden).map(n => n.id).sort()")
    assert hidden == sorted([E + "safadi", E + "ghazal"])
    p.locator('#kg-types input[data-type="PERS"]').check()
    assert p.evaluate("window.kgNodes.get().filter(n => n.hidden).length") == 0
    assert errors == []


def test_hostile_text_stays_text(page: tuple[Any, list[str], list[str]]) -> None:
    p, errors, dialogs = page
    assert p.locator("img").count() == 0
    assert HOSTILE_SCRIPT in p.locator("#kg-title").inner_text()
    # Hover the hostile node: its tooltip must show the markup as text.
    xy = p.evaluate(
        """() => { const n = window.kgNetwork; const id = %r;
                   const r = n.body.container.getBoundingClientRect();
                   const d = n.canvasToDOM(n.getPositions([id])[id]);
                   return [r.left + d.x, r.top + d.y]; }"""
        % (E + "evil")
    )
    p.mouse.move(xy[0], xy[1])
    tip = p.locator("div.vis-tooltip")
    tip.wait_for(state="visible", timeout=5_000)
    assert HOSTILE_IMG in tip.inner_text()
    assert p.locator("img").count() == 0
    p.wait_for_timeout(300)
    assert dialogs == []
    assert errors == []
