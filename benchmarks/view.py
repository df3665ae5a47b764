"""Benchmark kg.viz.render_html and the page in headless Chromium; optionally take the README shot.

    python benchmarks/view.py                       # markdown table for 1k / 5k / 20k node graphs
    python benchmarks/view.py --sizes 1000 5000     # other sizes
    python benchmarks/view.py --screenshots docs  # the README's pictures, from an ANERcorp build

Synthetic graphs are Barabási-Albert (2 edges per new node, seeded) with the attributes kg.viz
expects. "interactive" is the time from navigation to vis-network's first drawn frame
(``window.kgReady``) in headless Chromium (/usr/bin/chromium); it is skipped when Chromium or
Playwright is missing.
"""

from __future__ import annotations

import argparse
import math
import random
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import networkx as nx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from kg.viz import render_html
from tests.browser import CHROMIUM, CHROMIUM_ARGS, unavailable_reason

TYPES = ["PERS", "ORG", "LOC", "MISC"]
SYLLABLES = [
    "عبد",
    "الله",
    "محمد",
    "سعيد",
    "نور",
    "حسن",
    "كريم",
    "فرح",
    "ليلى",
    "جمال",
    "رشيد",
    "هدى",
]


def _annotate(G: nx.Graph) -> None:
    pr = nx.pagerank(G)
    deg = nx.degree_centrality(G)
    for n in G:
        G.nodes[n].setdefault("mentions", 1 + G.degree(n))
        G.nodes[n].update(pagerank=pr[n], degree=deg[n], betweenness=0.0)
        G.nodes[n].setdefault("community", 0)
        G.nodes[n].setdefault("alt_labels", [])


def synthetic_graph(n: int, seed: int = 1) -> nx.Graph:
    """A Barabási-Albert graph with IRIs, Arabic-looking labels, types and example sentences."""
    rng = random.Random(seed)
    base = nx.barabasi_albert_graph(n, 2, seed=seed)
    G = nx.Graph()
    for i in base:
        label = " ".join(rng.choice(SYLLABLES) for _ in range(2)) + f" {i}"
        G.add_node(
            f"http://example.org/kg/entity/{i}",
            label=label,
            type=TYPES[i % 4],
            examples=[(f"doc-{i % 97}", f"قال {label} إن الوضع صعب.")],
        )
    for u, v in base.edges():
        G.add_edge(
            f"http://example.org/kg/entity/{u}",
            f"http://example.org/kg/entity/{v}",
            kind="co-mention",
            weight=float(rng.randint(1, 5)),
        )
    _annotate(G)
    return G


def _chromium_available() -> bool:
    return unavailable_reason() is None


def _time_to_interactive(browser: Any, path: Path, timeout_ms: int = 300_000) -> float:
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    try:
        t0 = time.perf_counter()
        page.goto(path.as_uri(), wait_until="load", timeout=timeout_ms)
        page.wait_for_function("window.kgReady === true", timeout=timeout_ms)
        return time.perf_counter() - t0
    finally:
        page.close()


@dataclass(frozen=True)
class ViewTiming:
    nodes: int
    edges: int
    render_s: float
    size_mb: float
    interactive_s: float  # NaN when Chromium is not available


def measure_views(sizes: list[int]) -> list[ViewTiming]:
    """Render synthetic graphs of ``sizes`` nodes and time them in headless Chromium."""
    timings: list[ViewTiming] = []
    with tempfile.TemporaryDirectory() as tmp:
        pw_ctx: Any = None
        browser: Any = None
        if _chromium_available():
            from playwright.sync_api import sync_playwright

            pw_ctx = sync_playwright().start()
            browser = pw_ctx.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for n in sizes:
                G = synthetic_graph(n)
                t0 = time.perf_counter()
                html = render_html(G, title=f"synthetic {n}")
                t_render = time.perf_counter() - t0
                path = Path(tmp) / f"view-{n}.html"
                path.write_text(html, encoding="utf-8")
                tti = _time_to_interactive(browser, path) if browser else math.nan
                size_mb = len(html.encode("utf-8")) / 1e6
                timings.append(ViewTiming(n, G.number_of_edges(), t_render, size_mb, tti))
                print(f"done {n}", file=sys.stderr, flush=True)
        finally:
            if browser is not None:
                browser.close()
                pw_ctx.stop()
    return timings


def benchmark(sizes: list[int]) -> None:
    print("| nodes | edges | render_html | HTML size | interactive in headless Chromium |")
    print("|---:|---:|---:|---:|---:|")
    for t in measure_views(sizes):
        tti = "n/a" if math.isnan(t.interactive_s) else f"{t.interactive_s:.2f} s"
        print(f"| {t.nodes:,} | {t.edges:,} | {t.render_s:.2f} s | {t.size_mb:.1f} MB | {tti} |")


def screenshots(graph_dir: Path | None, out: Path) -> None:
    """The README's pictures, from the graph.html a real build wrote (ANERcorp train as 100
    documents unless ``graph_dir`` names a built folder): the whole view, a search, a focus and
    a filter at 1400×900, and what the bar of the view checks, printed as a table."""
    from playwright.sync_api import sync_playwright
    from serve import build_graph

    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as pw:
        if graph_dir is None:
            graph_dir, _ = build_graph(Path(tmp))
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        started = time.perf_counter()
        page.goto((graph_dir / "graph.html").as_uri())
        page.wait_for_function("window.kgReady === true", timeout=120_000)
        ready = time.perf_counter() - started
        page.wait_for_timeout(300)
        out.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(out / "view-whole.png"))
        hits, shown, overlaps = page.evaluate(
            """() => { let ok = 0, all = 0, overlapping = 0; const list = [];
                network.body.data.nodes.forEach(n => {
                  if (n.hidden) return;
                  all += 1;
                  list.push(n);
                  const at = network.canvasToDOM({x: n.x, y: n.y});
                  if (network.getNodeAt(at) === n.id) ok += 1; });
                list.sort((a, b) => a.x - b.x);
                for (let i = 0; i < list.length; i++) {
                  for (let j = i + 1; j < list.length && list[j].x - list[i].x < 100; j++) {
                    const a = list[i], b = list[j];
                    if (Math.hypot(a.x - b.x, a.y - b.y) < a.size + b.size) overlapping += 1; } }
                return [ok, all, overlapping]; }"""
        )
        # The most central person, searched by name as a reader would type it.
        person = page.evaluate(
            """() => network.body.data.nodes.get({filter: n => n.group === "PERS"})
                .sort((a, b) => b.pr - a.pr)[0]"""
        )
        page.fill("#kg-search", person["name"])
        page.keyboard.press("Enter")
        page.wait_for_timeout(800)
        selected = page.evaluate("network.getSelectedNodes()")
        listed = page.locator("#kg-panel-examples li").count()
        page.screenshot(path=str(out / "view-search.png"))
        page.keyboard.press("Escape")
        # A focus: the most central organisation, clicked.
        org = page.evaluate(
            """() => network.body.data.nodes.get({filter: n => n.group === "ORG"})
                .sort((a, b) => b.pr - a.pr)[0].id"""
        )
        x, y = page.evaluate(
            """(id) => { const r = network.body.container.getBoundingClientRect();
                network.focus(id, {scale: 0.6});
                const d = network.canvasToDOM(network.getPosition(id));
                return [r.left + d.x, r.top + d.y]; }""",
            org,
        )
        page.mouse.click(x, y)
        page.wait_for_timeout(800)
        focused = page.evaluate("network.getSelectedNodes()") == [org]
        page.screenshot(path=str(out / "view-focus.png"))
        page.keyboard.press("Escape")
        page.locator("#kg-rank").fill("90")
        page.dispatch_event("#kg-rank", "change")
        page.locator('#kg-types input[data-type="MISC"]').uncheck()
        page.wait_for_timeout(500)
        page.screenshot(path=str(out / "view-filter.png"))
        browser.close()
    print("| the view of ANERcorp train (100 documents) in headless Chromium | measured |")
    print("|---|---|")
    print(f"| interactive after | {ready:.2f} s |")
    print(f"| `getNodeAt` at a node's own centre finds it | {hits:,} of {shown:,} nodes |")
    print(f"| overlapping node pairs | {overlaps} |")
    found = selected == [person["id"]]
    panel = f"panel: {listed} sentences, {person['mentions']} mentions"
    print(f"| search «{person['name']}» selects it | {found} ({panel}) |")
    print(f"| a click on «{org.rsplit('/', 1)[-1]}» focuses it | {focused} |")
    print(f"| page errors | {len(errors)} |")
    for name in ("view-whole", "view-search", "view-focus", "view-filter"):
        _shrink(out / f"{name}.png")
    print(f"wrote {out}/view-whole.png, view-search.png, view-focus.png, view-filter.png")


def _shrink(png: Path) -> None:
    """A 256-colour PNG: a quarter of the bytes, no visible change to a flat-coloured page."""
    from PIL import Image

    with Image.open(png) as image:
        small = image.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT)
    small.save(png, optimize=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000, 20000])
    ap.add_argument(
        "--screenshots", type=Path, metavar="DIR", help="write the README's 1400x900 pictures here"
    )
    ap.add_argument("--graph", type=Path, help="a built folder to picture (default: build one)")
    args = ap.parse_args()
    if args.screenshots:
        screenshots(args.graph, args.screenshots)
    else:
        benchmark(args.sizes)


if __name__ == "__main__":
    main()
