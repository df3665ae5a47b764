"""Documents carrying markup, built by the whole pipeline into graph.html and opened in headless
Chromium: no payload runs (no dialog, no console message, no request, no injected element).

Needs Debian's chromium (/usr/bin/chromium) and the playwright package; never downloads a browser.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kg.model import Document, EntityType
from kg.pipeline import build
from tests.conftest import LexiconExtractor
from tests.hostile_data import XSS_PAYLOADS

pytestmark = pytest.mark.browser

# Names carrying a payload each; every sentence and document id carries the others too.
NAMES = {
    f"أيمن الصفدي{XSS_PAYLOADS[0]}": EntityType.PERSON,
    f"حركة{XSS_PAYLOADS[1]} فتح": EntityType.ORGANIZATION,
    f"عمان{XSS_PAYLOADS[2]}": EntityType.PLACE,
    f"غزة {XSS_PAYLOADS[3]}": EntityType.PLACE,
}


def hostile_documents() -> list[Document]:
    names = list(NAMES)
    return [
        Document(
            f"doc-{i}{payload}",
            f"قال {names[i]} في {names[(i + 2) % 4]} إن {names[(i + 1) % 4]} {payload} "
            f"تتابع الوضع. واستقبل {names[(i + 3) % 4]} الوفد.",
            title=payload,
        )
        for i, payload in enumerate(XSS_PAYLOADS)
    ]


@pytest.fixture(scope="module")
def view(tmp_path_factory: pytest.TempPathFactory) -> Path:
    kg = build(hostile_documents(), extractors=[LexiconExtractor(NAMES)])
    labels = {data["label"] for _, data in kg.G.nodes(data=True)}
    assert any("<script>" in label for label in labels), labels  # the payloads reached the view
    path = tmp_path_factory.mktemp("xss") / "graph.html"
    path.write_text(kg.html(), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def loaded(browser: Any, view: Path) -> Iterator[tuple[Any, list[str]]]:
    events: list[str] = []
    page = browser.new_page(viewport={"width": 1100, "height": 750})
    page.on("console", lambda m: events.append(f"console {m.type}: {m.text}"))
    page.on("pageerror", lambda exc: events.append(f"pageerror: {exc}"))
    page.on("dialog", lambda d: (events.append(f"dialog: {d.message}"), d.dismiss()))
    page.on("request", lambda r: None if r.url.startswith("file:") else events.append(r.url))
    page.goto(view.as_uri())
    page.wait_for_function("window.kgReady === true", timeout=30_000)
    yield page, events
    page.close()


def test_hostile_view_runs_no_payload_on_load(loaded: tuple[Any, list[str]]) -> None:
    page, events = loaded
    page.wait_for_timeout(300)
    assert events == []
    assert page.evaluate("window.kgNodes.length") == len(NAMES)
    injected = "img, svg, iframe, object, embed, a[href^='javascript'], [onerror], [onload]"
    assert page.locator(injected).count() == 0


def test_hostile_view_tooltips_show_payloads_as_text(loaded: tuple[Any, list[str]]) -> None:
    page, events = loaded
    ids = page.evaluate("window.kgNodes.getIds()")
    shown = []
    for node in ids:
        xy = page.evaluate(
            """(id) => { const n = window.kgNetwork;
                 const r = n.body.container.getBoundingClientRect();
                 const d = n.canvasToDOM(n.getPositions([id])[id]);
                 return [r.left + d.x, r.top + d.y]; }""",
            node,
        )
        page.mouse.move(1, 1)
        page.mouse.move(xy[0], xy[1])
        tip = page.locator("div.vis-tooltip")
        tip.wait_for(state="visible", timeout=5_000)
        shown.append(tip.inner_text())
    text = "\n".join(shown)
    for payload in XSS_PAYLOADS:
        assert payload in text  # shown literally, as the document wrote it
    page.locator("#kg-search").fill("<script>")
    page.wait_for_timeout(300)
    assert events == []
    assert page.locator("img, svg, a[href^='javascript']").count() == 0
