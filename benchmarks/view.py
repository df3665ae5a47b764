"""Benchmark kg.viz.render_html and the page in headless Chromium; optionally take the README shot.

    python benchmarks/view.py                       # markdown table for 1k / 5k / 20k node graphs
    python benchmarks/view.py --sizes 1000 5000     # other sizes
    python benchmarks/view.py --screenshot docs/graph-view.png   # 1400x900 view of seeds/

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


def screenshot(out: Path) -> None:
    from playwright.sync_api import sync_playwright

    from kg.io import read_documents
    from kg.pipeline import build

    # The README picture is what a user gets from the example article, not a hand-made graph.
    graph = build(read_documents([Path(__file__).resolve().parent.parent / "seeds"]))
    html = graph.html(title="seeds/ · kg graph")
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as pw:
        path = Path(tmp) / "sample.html"
        path.write_text(html, encoding="utf-8")
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.goto(path.as_uri())
        page.wait_for_function("window.kgReady === true")
        page.wait_for_timeout(300)
        out.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(out))
        browser.close()
    print(f"wrote {out}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000, 20000])
    ap.add_argument("--screenshot", type=Path, help="1400x900 PNG of the seeds/ graph")
    args = ap.parse_args()
    if args.screenshot:
        screenshot(args.screenshot)
    else:
        benchmark(args.sizes)


if __name__ == "__main__":
    main()
