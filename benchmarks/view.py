"""Benchmark kg.viz.render_html and the page in headless Chromium; optionally take the README shot.

    python benchmarks/view.py                       # markdown table for 1k / 5k / 20k node graphs
    python benchmarks/view.py --sizes 1000 5000     # other sizes
    python benchmarks/view.py --screenshot docs/graph-view.png   # 1400x900 small Arabic graph

Synthetic graphs are Barabási-Albert (2 edges per new node, seeded) with the attributes kg.viz
expects. "interactive" is the time from navigation to vis-network's first drawn frame
(``window.kgReady``) in headless Chromium (/usr/bin/chromium); it is skipped when Chromium or
Playwright is missing.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import networkx as nx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kg.viz import render_html

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
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


def sample_graph() -> nx.Graph:
    """A realistic small Arabic news graph (hand-made, for the README screenshot)."""
    ents: list[tuple[str, str, str, list[str]]] = [
        ("safadi", "أيمن الصفدي", "PERS", ["الصفدي"]),
        ("fatah", "حركة فتح", "ORG", ["فتح"]),
        ("gaza", "غزّة", "LOC", ["قطاع غزة"]),
        ("israel", "إسرائيل", "LOC", []),
        ("netanyahu", "بنيامين نتنياهو", "PERS", ["نتنياهو"]),
        ("un", "الأمم المتحدة", "ORG", []),
        ("guterres", "أنطونيو غوتيريش", "PERS", ["غوتيريش"]),
        ("egypt", "مصر", "LOC", []),
        ("cairo", "القاهرة", "LOC", []),
        ("sisi", "عبد الفتاح السيسي", "PERS", ["السيسي"]),
        ("qatar", "قطر", "LOC", []),
        ("doha", "الدوحة", "LOC", []),
        ("usa", "الولايات المتحدة", "LOC", ["واشنطن"]),
        ("blinken", "أنتوني بلينكن", "PERS", ["بلينكن"]),
        ("icrc", "اللجنة الدولية للصليب الأحمر", "ORG", ["الصليب الأحمر"]),
        ("rafah", "رفح", "LOC", []),
        ("khanyunis", "خان يونس", "LOC", []),
        ("unrwa", "وكالة الأونروا", "ORG", ["الأونروا"]),
        ("pa", "السلطة الفلسطينية", "ORG", []),
        ("abbas", "محمود عباس", "PERS", ["أبو مازن"]),
        ("ramallah", "رام الله", "LOC", []),
        ("unsc", "مجلس الأمن", "ORG", []),
        ("ceasefire", "اتفاق وقف إطلاق النار", "MISC", ["الهدنة"]),
        ("crossing", "معبر رفح", "MISC", []),
    ]
    sentences = {
        "safadi": (
            "aljazeera-2024-01-12",
            "قال أيمن الصفدي إن الحركة منفتحة على أي مبادرة توقف العدوان.",
        ),
        "gaza": ("bbc-ar-2024-02-03", "تواصل القصف على مدينة غزّة لليوم الثالث على التوالي."),
        "guterres": ("un-news-2024-01-20", "دعا أنطونيو غوتيريش إلى وقف فوري لإطلاق النار."),
    }
    G = nx.Graph()
    for key, label, etype, alts in ents:
        ex = sentences.get(key, (f"doc-{key}", f"ورد اسم {label} في التقرير."))
        G.add_node(
            f"http://example.org/kg/entity/{key}",
            label=label,
            type=etype,
            alt_labels=alts,
            examples=[ex],
        )
    links: list[tuple[str, str, str, float]] = [
        ("safadi", "fatah", "holds-role", 6),
        ("fatah", "gaza", "co-mention", 9),
        ("israel", "gaza", "co-mention", 10),
        ("netanyahu", "israel", "holds-role", 7),
        ("netanyahu", "fatah", "said-about", 4),
        ("safadi", "netanyahu", "said-about", 2),
        ("guterres", "un", "holds-role", 5),
        ("guterres", "gaza", "said-about", 4),
        ("un", "unsc", "co-mention", 3),
        ("unsc", "ceasefire", "co-mention", 4),
        ("ceasefire", "fatah", "co-mention", 5),
        ("ceasefire", "israel", "co-mention", 5),
        ("ceasefire", "qatar", "co-mention", 4),
        ("ceasefire", "egypt", "co-mention", 4),
        ("sisi", "egypt", "holds-role", 5),
        ("egypt", "cairo", "co-mention", 3),
        ("safadi", "cairo", "co-mention", 2),
        ("safadi", "doha", "co-mention", 3),
        ("qatar", "doha", "co-mention", 3),
        ("blinken", "usa", "holds-role", 4),
        ("blinken", "netanyahu", "met", 3),
        ("blinken", "sisi", "met", 2),
        ("usa", "israel", "co-mention", 4),
        ("icrc", "gaza", "co-mention", 3),
        ("rafah", "gaza", "co-mention", 5),
        ("crossing", "rafah", "co-mention", 4),
        ("crossing", "egypt", "co-mention", 3),
        ("khanyunis", "gaza", "co-mention", 4),
        ("khanyunis", "rafah", "co-mention", 2),
        ("unrwa", "gaza", "co-mention", 4),
        ("unrwa", "un", "co-mention", 3),
        ("abbas", "pa", "holds-role", 5),
        ("pa", "ramallah", "co-mention", 3),
        ("abbas", "blinken", "met", 2),
        ("pa", "gaza", "co-mention", 2),
        ("sisi", "abbas", "met", 1),
    ]
    for a, b, kind, w in links:
        G.add_edge(
            f"http://example.org/kg/entity/{a}",
            f"http://example.org/kg/entity/{b}",
            kind=kind,
            weight=w,
        )
    for n in G:
        G.nodes[n]["mentions"] = int(sum(d["weight"] for *_, d in G.edges(n, data=True)))
    _annotate(G)
    return G


def _chromium_available() -> bool:
    if not shutil.which("chromium") and not Path(CHROMIUM).exists():
        return False
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return False
    return True


def _time_to_interactive(browser: Any, path: Path, timeout_ms: int = 300_000) -> float:
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    try:
        t0 = time.perf_counter()
        page.goto(path.as_uri(), wait_until="load", timeout=timeout_ms)
        page.wait_for_function("window.kgReady === true", timeout=timeout_ms)
        return time.perf_counter() - t0
    finally:
        page.close()


def benchmark(sizes: list[int]) -> None:
    use_browser = _chromium_available()
    rows: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        pw_ctx: Any = None
        browser: Any = None
        if use_browser:
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
                size_mb = len(html.encode("utf-8")) / 1e6
                tti = f"{_time_to_interactive(browser, path):.2f} s" if browser else "n/a"
                rows.append(
                    f"| {n:,} | {G.number_of_edges():,} | {t_render:.2f} s"
                    f" | {size_mb:.1f} MB | {tti} |"
                )
                print(f"done {n}", file=sys.stderr, flush=True)
        finally:
            if browser is not None:
                browser.close()
                pw_ctx.stop()
    print("| nodes | edges | render_html | HTML size | interactive in headless Chromium |")
    print("|---:|---:|---:|---:|---:|")
    print("\n".join(rows))


def screenshot(out: Path) -> None:
    from playwright.sync_api import sync_playwright

    html = render_html(sample_graph(), title="غزة — خريطة الكيانات · kg graph")
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
    ap.add_argument("--screenshot", type=Path, help="write a 1400x900 PNG of a small Arabic graph")
    args = ap.parse_args()
    if args.screenshot:
        screenshot(args.screenshot)
    else:
        benchmark(args.sizes)


if __name__ == "__main__":
    main()
