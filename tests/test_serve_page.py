"""kg serve's query page at /: bundled YASGUI, the shipped queries as examples, offline.

The HTTP checks run everywhere; the browser ones need Debian's chromium and playwright (they
skip with the reason otherwise) and run a real query through the page.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kg import rdf
from kg.model import Document
from kg.pipeline import build
from kg.querypage import STATIC_FILES, Example, page_html, read_examples, with_prefixes
from kg.serve import SparqlServer, make_server
from kg.store import open_store
from tests.conftest import LexiconExtractor
from tests.test_serve import _request

QUERIES = Path(__file__).resolve().parent.parent / "queries"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SparqlServer]:
    from tests.conftest import news_documents, news_extractor

    documents: list[Document] = news_documents.__wrapped__()  # type: ignore[attr-defined]
    extractor: LexiconExtractor = news_extractor.__wrapped__()  # type: ignore[attr-defined]
    trig = tmp_path_factory.mktemp("page") / "graph.trig"
    trig.write_text(rdf.serialize(build(documents, extractors=[extractor]).dataset), "utf-8")
    server = make_server(open_store(trig, "oxigraph"), port=0, examples=read_examples(QUERIES))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def _root(server: SparqlServer) -> str:
    return server.url.removesuffix("sparql")


def _embedded(page: str) -> list[dict[str, str]]:
    match = re.search(r'<script type="application/json" id="kg-examples">(.*?)</script>', page)
    assert match is not None
    examples: list[dict[str, str]] = json.loads(match.group(1))
    return examples


def test_page_offers_every_shipped_query_with_its_prefixes(server: SparqlServer) -> None:
    status, headers, page = _request(_root(server))
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    examples = _embedded(page)
    assert [e["name"] for e in examples] == sorted(p.stem for p in QUERIES.glob("*.rq"))
    top = next(e for e in examples if e["name"] == "top_entities")
    assert top["query"].startswith("PREFIX kgo: <https://kg.example.org/ontology#>")
    assert "PREFIX schema: <https://schema.org/>" in top["query"] and top["title"]
    # Nothing on the page points at another host: every script and style is served here.
    assert not re.search(r'(src|href)="(https?:)?//', page)


def test_page_files_are_served_from_the_package_and_nothing_else(server: SparqlServer) -> None:
    for name, media_type in STATIC_FILES.items():
        status, headers, body = _request(_root(server) + "ui/" + name)
        assert status == 200 and headers["Content-Type"].startswith(media_type), name
        assert body and headers["X-Content-Type-Options"] == "nosniff"
    yasgui = _request(_root(server) + "ui/yasgui.min.js")[2]
    assert "sourceMappingURL" not in yasgui and "Yasgui" in yasgui
    for path in ("ui/../serve.py", "ui/page.html", "ui/", "ui/LICENSES.md", "index.html"):
        assert _request(_root(server) + path)[0] == 404, path


def test_page_embeds_hostile_query_text_inert() -> None:
    page = page_html([Example("x", "</script><script>alert(1)</script>", "ASK {}")])
    examples = _embedded(page)  # the JSON block ends where it should
    assert examples[0]["title"] == "</script><script>alert(1)</script>"
    assert "<script>alert(1)" not in page


def test_with_prefixes_declares_only_what_is_used_and_missing() -> None:
    sparql = (
        "PREFIX schema: <https://schema.org/>\nSELECT ?e WHERE { ?e a schema:Person ; kgo:x 1 }"
    )
    assert with_prefixes(sparql) == f"PREFIX kgo: <https://kg.example.org/ontology#>\n\n{sparql}"
    iri_only = "SELECT * WHERE { ?s <http://ex.org/a:b> ?o } # rdfs: in a comment"
    assert with_prefixes(iri_only) == iri_only


@pytest.mark.browser
def test_page_runs_a_shipped_query_in_chromium_offline(server: SparqlServer, browser: Any) -> None:
    root = _root(server)
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on(
        "request",
        lambda r: (
            None if r.url.startswith((root, "data:")) else problems.append("request " + r.url)
        ),
    )
    try:
        page.goto(root)
        page.wait_for_function("window.kgReady === true", timeout=30_000)
        names = sorted(p.stem for p in QUERIES.glob("*.rq"))
        page.select_option("#kg-examples-menu", value=str(names.index("top_entities")))
        page.wait_for_selector(".yasr tbody tr td", timeout=30_000)
        labels = page.eval_on_selector_all(
            ".yasr tbody tr",
            "rows => rows.map(r => Array.from(r.cells, c => [c.innerText.trim(),"
            " getComputedStyle(c).direction]))",
        )
        assert len(labels) >= 3
        cells = [cell for row in labels for cell in row]
        arabic = [(text, way) for text, way in cells if re.search(r"[\u0600-\u06FF]", text)]
        assert ("عبد الفتاح السيسي", "rtl") in arabic, arabic
        assert all(way == "rtl" for _, way in arabic)
        assert any(text.startswith("https://") and way == "ltr" for text, way in cells)
        assert problems == []
    finally:
        page.close()
