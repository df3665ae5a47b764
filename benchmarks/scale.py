"""How kg scales: SPARQL stores, centrality and the HTML view on synthetic corpora.

    python benchmarks/scale.py                          # 100k and 1M triples, 100k-node centrality
    python benchmarks/scale.py --triples 100000         # one size only
    python benchmarks/scale.py --skip-html --skip-centrality

The corpus is written the way ``kg build`` writes one: model objects (documents, sentences,
mentions, entities, meetings, quotations, roles) go through :func:`kg.rdf.add_document`,
:func:`kg.rdf.set_corpus_entities`, :func:`kg.rdf.set_analytics` and :func:`kg.rdf.set_links`
into a ``graph.trig``; entity popularity is Zipf-like, as in news. Each store runs in its own
process, so load time and peak memory are its own, under a time budget (a slow store prints
"over budget" instead of hanging). Query latency is the median of ``--repeat`` runs after one
warm-up, rows converted to the terms ``kg query`` prints. Generated corpora are cached under
``--workdir`` (delete it after changing the generator).
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import multiprocessing as mp
import random
import resource
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

QUERIES = ROOT / "queries"
BAR_QUERY_MS = 100.0
BAR_LOAD_S = 10.0
BAR_CENTRALITY_S = 30.0
BAR_HTML_S = 5.0
TRIPLES_PER_ENTITY = 50  # ≈ a news corpus: each entity is named in a few sentences on average
DOCUMENT_SHARE = 0.66  # of the triples: the document graphs; the corpus graph holds the rest
LETTERS = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"
WORDS = ["قال", "إن", "الوضع", "في", "مع", "بحث", "أكد", "اليوم", "الجانبين", "التعاون"]


def _name(index: int) -> str:
    """A distinct Arabic-letter name per index (base-28 digits), two words long."""
    digits = []
    index += 28 * 28  # at least three letters
    while index:
        index, digit = divmod(index, len(LETTERS))
        digits.append(LETTERS[digit])
    word = "".join(digits)
    return f"{word[:2]}{word[2:]} ال{word[::-1]}"


def generate(n_triples: int, trig: Path, *, seed: int = 0) -> int:
    """Write a kg-shaped graph.trig of about ``n_triples`` triples; return the exact count."""
    import networkx as nx
    import pyoxigraph as ox
    from rdflib import Dataset

    from kg import rdf
    from kg.model import (
        AnnotatedDocument,
        Document,
        Entity,
        EntityType,
        Event,
        EventKind,
        Mention,
        Quotation,
        Role,
        Sentence,
    )
    from kg.vocab import Iris

    rng = random.Random(seed)
    iris = Iris()
    n_entities = max(50, n_triples // TRIPLES_PER_ENTITY)
    types = [EntityType.PERSON, EntityType.ORGANIZATION, EntityType.PLACE]
    names = [_name(i) for i in range(n_entities)]
    kinds = [types[i % 3] for i in range(n_entities)]
    cum = list(_cumulative([1.0 / (rank + 1) ** 0.8 for rank in range(n_entities)]))
    mentions_of: dict[int, list[Mention]] = defaultdict(list)
    # (entity, entity, kind) -> count: the edges kg.graph.project would read from these documents
    relations: Counter[tuple[int, int, str]] = Counter()
    nquads = trig.with_suffix(".nq")
    written = 0
    # The corpus graph (entities, analytics, links) holds the rest.
    target_documents = n_triples * DOCUMENT_SHARE
    doc_index = 0
    with nquads.open("w", encoding="utf-8") as out:
        while written < target_documents:
            batch = Dataset()
            for _ in range(20):
                doc_id = f"doc-{doc_index:07d}"
                doc_index += 1
                parts: list[str] = []
                sentences: list[Sentence] = []
                mentions: list[Mention] = []
                picks: list[list[tuple[int, Mention]]] = []
                for s in range(10):
                    start = sum(len(p) for p in parts)
                    chosen = sorted(set(rng.choices(range(n_entities), cum_weights=cum, k=3)))
                    in_sentence: list[tuple[int, Mention]] = []
                    text = rng.choice(WORDS) + " "
                    for entity in chosen:
                        begin = start + len(text)
                        text += names[entity]
                        mention = Mention(
                            doc_id, begin, begin + len(names[entity]), names[entity],
                            kinds[entity], s, "crf",
                        )  # fmt: skip
                        in_sentence.append((entity, mention))
                        text += " " + rng.choice(WORDS) + " "
                    text = text.rstrip() + ". "
                    parts.append(text)
                    sentences.append(Sentence(s, start, start + len(text) - 1, ()))
                    picks.append(in_sentence)
                    for entity, mention in in_sentence:
                        mentions.append(mention)
                        mentions_of[entity].append(mention)
                    for (a, _), (b, _) in itertools.combinations(in_sentence, 2):
                        relations[a, b, "co-mention"] += 1
                body = "".join(parts)
                date = dt.date(2023, 1, 1) + dt.timedelta(days=doc_index % 365)
                first = [m for _, m in picks[0]]
                events = (
                    Event(doc_id, EventKind.MEETING, first[0].start, first[0].end, first[0].text,
                          (0,), tuple(first), None, date),
                )  # fmt: skip
                second = [m for _, m in picks[1]]
                quotes = (
                    Quotation(doc_id, sentences[1].start, sentences[1].end,
                              body[sentences[1].start : sentences[1].end], (1,),
                              second[0], tuple(second[1:])),
                )  # fmt: skip
                third = [m for _, m in picks[2]]
                roles = (
                    Role(doc_id, third[0].start, third[0].end, "رئيس المكتب", third[0], 2,
                         third[-1] if len(third) > 1 else None),
                )  # fmt: skip
                annotated = AnnotatedDocument(
                    Document(doc_id, body, date), tuple(sentences), tuple(mentions),
                    events, quotes, roles,
                )  # fmt: skip
                keys = {m: names[e] for pick in picks for e, m in pick}
                entity_of = {m: e for pick in picks for e, m in pick}
                for a, b in itertools.combinations(sorted(entity_of[m] for m in first), 2):
                    relations[a, b, "met"] += 1
                for about in second[1:]:
                    relations[entity_of[second[0]], entity_of[about], "said-about"] += 1
                if len(third) > 1:
                    relations[entity_of[third[0]], entity_of[third[-1]], "holds-role"] += 1
                rdf.add_document(batch, annotated, keys, iris)
            text = batch.serialize(format="nquads")
            written += text.count("\n")
            out.write(text)
        corpus = Dataset()
        entities = [
            Entity(names[i], kinds[i], names[i], (names[i].split()[1],), tuple(mentions_of[i]))
            for i in range(n_entities)
            if mentions_of[i]
        ]
        rdf.set_corpus_entities(corpus, entities, iris)
        G = nx.Graph()
        G.add_nodes_from(str(iris.entity(e.key)) for e in entities)
        for (a, b, kind), count in sorted(relations.items()):
            if a == b:
                continue
            source, target = str(iris.entity(names[a])), str(iris.entity(names[b]))
            if not G.has_edge(source, target):
                G.add_edge(source, target, weight=0.0, kinds={})
            data = G.edges[source, target]
            data["kinds"][kind] = data["kinds"].get(kind, 0) + count
            data["weight"] += count
        ranks = nx.pagerank(G, weight="weight")
        degrees = nx.degree_centrality(G)
        metrics = {
            node: {
                "degree": degrees[node],
                "pagerank": ranks[node],
                "betweenness": 0.0,
                "eigenvector": 0.0,
                "community": float(i % 50),
            }
            for i, node in enumerate(sorted(G))
        }
        rdf.set_analytics(corpus, metrics, iris)
        rdf.set_links(corpus, G, iris)
        text = corpus.serialize(format="nquads")
        written += text.count("\n")
        out.write(text)
    # rdflib's TriG writer takes ~25 s per million triples; Oxigraph's takes under one.
    store = ox.Store()
    store.bulk_load(path=str(nquads), format=ox.RdfFormat.N_QUADS)
    ox.serialize(store, str(trig), format=ox.RdfFormat.TRIG, prefixes=_prefixes())
    nquads.unlink()
    return len(store)


def _prefixes() -> dict[str, str]:
    from kg.vocab import prefix_iris

    return prefix_iris()


def _cumulative(weights: list[float]) -> list[float]:
    total, out = 0.0, []
    for weight in weights:
        total += weight
        out.append(total)
    return out


def corpus(n_triples: int, workdir: Path) -> tuple[Path, int]:
    """The cached graph.trig of this size, generated when missing."""
    folder = workdir / f"scale-{n_triples}"
    trig, stamp = folder / "graph.trig", folder / "triples.json"
    if trig.is_file() and stamp.is_file():
        return trig, int(json.loads(stamp.read_text())["triples"])
    folder.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    count = generate(n_triples, trig)
    stamp.write_text(json.dumps({"triples": count}))
    print(f"generated {count:,} triples in {time.perf_counter() - t0:.1f} s: {trig}", flush=True)
    return trig, count


def _peak_mb() -> float:
    """This process's peak resident memory. ru_maxrss survives exec, so a spawned child would
    report its parent's peak; VmHWM in /proc belongs to the new address space."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _cpu_s() -> float:
    """CPU seconds this process has used, all threads (Oxigraph loads on several)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _measure(backend: str, trig: str, cache: str, repeat: int, conn: Any) -> None:
    """Child process: load the graph into one store, then time every query; stream results."""
    from kg.query import QueryResult
    from kg.store import MemoryStore, OxigraphStore

    queries = {q.stem: q.read_text(encoding="utf-8") for q in sorted(QUERIES.glob("*.rq"))}
    before = _peak_mb()
    cpu0 = _cpu_s()
    t0 = time.perf_counter()
    store: MemoryStore | OxigraphStore
    if backend == "memory":
        from kg.rdf import load_dataset
        from kg.vocab import Iris

        store = MemoryStore(load_dataset(Path(trig), Iris()))
    elif backend == "oxigraph-memory":
        store = OxigraphStore.load(Path(trig))
    else:
        shutil.rmtree(cache, ignore_errors=True)  # time a cold load, not a cache hit
        OxigraphStore.open(Path(trig), cache=Path(cache))
        conn.send(("build", time.perf_counter() - t0))
        conn.send(("cpu", _cpu_s() - cpu0))
        t0 = time.perf_counter()
        store = OxigraphStore.open(Path(trig), cache=Path(cache))  # what each `kg query` pays
    conn.send(("load", time.perf_counter() - t0))
    conn.send(("memory", _peak_mb() - before))
    for name, sparql in queries.items():
        result: QueryResult = store.run(sparql)  # warm-up (rdflib: parse; Oxigraph: page cache)
        times = []
        for _ in range(repeat):
            t = time.perf_counter()
            result = store.run(sparql)
            times.append(time.perf_counter() - t)
        conn.send((f"q:{name}", (statistics.median(times), len(result.rows))))
    conn.send(("done", None))


def measure(backend: str, trig: Path, cache: Path, repeat: int, budget: float) -> dict[str, Any]:
    """Run :func:`_measure` in a fresh process; whatever is unfinished at ``budget`` s is None."""
    ctx = mp.get_context("spawn")
    parent, child = ctx.Pipe(duplex=False)
    process = ctx.Process(target=_measure, args=(backend, str(trig), str(cache), repeat, child))
    process.start()
    child.close()
    found: dict[str, Any] = {}
    deadline = time.monotonic() + budget
    while True:
        left = deadline - time.monotonic()
        if left <= 0 or not parent.poll(left):
            break
        try:
            key, value = parent.recv()
        except EOFError:
            break
        if key == "done":
            break
        found[key] = value
    if process.is_alive():
        process.terminate()
    process.join()
    return found


STORES = (
    ("memory", "rdflib memory"),
    ("oxigraph", "Oxigraph disk"),
    ("oxigraph-memory", "Oxigraph in memory"),
)


def _s(value: float | None) -> str:
    return "over budget" if value is None else f"{value:.2f} s"


def _ms(value: Any) -> str:
    return "over budget" if value is None else f"{1000 * value[0]:.1f} ms"


def rdf_table(sizes: list[tuple[int, Path]], args: argparse.Namespace) -> list[str]:
    """Load and query latency per store and size, with a last column judging the 1M bar."""
    names = [q.stem for q in sorted(QUERIES.glob("*.rq"))]
    columns: list[tuple[str, dict[str, Any]]] = []
    judged: dict[str, Any] | None = None  # Oxigraph on disk at about 1M triples
    for count, trig in sizes:
        for backend, label in STORES:
            if backend not in args.stores:
                continue
            print(f"measuring {label} on {count:,} triples …", file=sys.stderr, flush=True)
            found = measure(backend, trig, trig.parent / ".kg-oxigraph-bench", args.repeat,
                            args.budget)  # fmt: skip
            columns.append((f"{count / 1e6:.1f}M · {label}", found))
            if backend == "oxigraph" and count >= 950_000:
                judged = found
    bar_title = "bar (1M, Oxigraph disk)"
    lines = ["| | " + " | ".join(c for c, _ in columns) + f" | {bar_title} |"]
    lines.append("|---|" + "---:|" * len(columns) + "---|")
    failures: list[str] = []

    def row(title: str, cell: Any, bar: str = "") -> None:
        cells = " | ".join(cell(found) for _, found in columns)
        lines.append(f"| {title} | {cells} | {bar} |")

    def judge(name: str, value: float | None, limit: float, unit: str) -> str:
        if judged is None:
            return "not measured"
        ok = value is not None and value < limit
        if not ok:
            failures.append(name)
        return f"< {limit:g} {unit}: {'PASS' if ok else 'FAIL'}"

    load = judged.get("build") if judged else None
    row("load (disk: cold cache build)", lambda f: _s(f.get("build", f.get("load"))),
        judge("load", load, BAR_LOAD_S, "s"))  # fmt: skip
    row("CPU time of the cold load (all threads)", lambda f: _s(f["cpu"]) if "cpu" in f else "")
    row("open (disk: warm cache)", lambda f: _s(f.get("load")) if "build" in f else "")
    row("peak memory", lambda f: "" if "memory" not in f else f"+{f['memory']:,.0f} MB")
    for name in names:
        value = judged.get(f"q:{name}") if judged else None
        latency = None if value is None else 1000 * value[0]
        row(f"{name}.rq", lambda f, n=name: _ms(f.get(f"q:{n}")),
            judge(name, latency, BAR_QUERY_MS, "ms"))  # fmt: skip
    verdict = "PASS" if not failures else "FAIL (" + ", ".join(failures) + ")"
    lines.append("")
    lines.append(
        f"bar, 1M triples on Oxigraph disk: every query < {BAR_QUERY_MS:g} ms, "
        f"load < {BAR_LOAD_S:g} s: {verdict if judged else 'not measured (no 1M disk run)'}"
    )
    return lines


def centrality_table(n: int) -> list[str]:
    """kg's metric functions on a scale-free graph of ``n`` nodes (5 edges per new node)."""
    import networkx as nx

    from kg import graph as analytics

    G = nx.barabasi_albert_graph(n, 5, seed=0)
    nx.set_edge_attributes(G, 1.0, "weight")
    lines = [
        f"| centrality, {n:,} nodes / {G.number_of_edges():,} edges | time |",
        "|---|---:|",
    ]
    sample = analytics.BETWEENNESS_SAMPLE
    jobs: list[tuple[str, Any]] = [
        ("degree", analytics.degree),
        ("PageRank", analytics.pagerank),
        ("eigenvector", analytics.eigenvector),
        (f"betweenness, {sample} sampled sources (batched Brandes)", analytics.betweenness),
    ]
    total = 0.0
    for name, job in jobs:
        t = time.perf_counter()
        job(G)
        spent = time.perf_counter() - t
        total += spent
        lines.append(f"| {name} | {spent:.2f} s |")
    # networkx's own sampled betweenness is linear in the sample: time a few sources, scale up.
    sources = 4
    t = time.perf_counter()
    nx.betweenness_centrality(G, k=sources, seed=0)
    estimate = (time.perf_counter() - t) / sources * sample
    lines.append(f"| (networkx betweenness, k={sample}, from k={sources}: for comparison) "
                 f"| ≈ {estimate:.0f} s |")  # fmt: skip
    # Not part of the bar, but every build runs it: Louvain communities (compiled above the
    # networkx limit).
    t = time.perf_counter()
    analytics.communities(G)
    lines.append(f"| communities (Louvain, outside the bar) | {time.perf_counter() - t:.2f} s |")
    lines.append("")
    lines.append(
        f"bar, degree + PageRank + eigenvector + betweenness on {n:,} nodes "
        f"< {BAR_CENTRALITY_S:g} s: {total:.1f} s {'PASS' if total < BAR_CENTRALITY_S else 'FAIL'}"
    )
    return lines


def html_table(sizes: list[int]) -> list[str]:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from view import measure_views  # the view benchmark's synthetic graphs and Chromium timing

    lines = [
        "| HTML view | render_html | size | interactive (headless Chromium) |",
        "|---|---:|---:|---:|",
    ]
    verdicts = []
    for t in measure_views(sizes):
        lines.append(
            f"| {t.nodes:,} nodes, {t.edges:,} edges | {t.render_s:.2f} s "
            f"| {t.size_mb:.1f} MB | {t.interactive_s:.2f} s |"
        )
        if t.nodes >= 20_000:
            ok = t.interactive_s < BAR_HTML_S
            verdicts.append(f"{'PASS' if ok else 'FAIL'} ({t.interactive_s:.2f} s)")
    lines.append("")
    lines.append(
        f"bar, 20k-node view interactive < {BAR_HTML_S:g} s: "
        + (", ".join(verdicts) or "not measured")
    )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--triples", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per query")
    parser.add_argument(
        "--stores", nargs="+", default=[b for b, _ in STORES], choices=[b for b, _ in STORES]
    )
    parser.add_argument(
        "--budget", type=float, default=300.0, help="seconds per store and size at most"
    )
    parser.add_argument("--centrality-nodes", type=int, default=100_000)
    parser.add_argument("--html-nodes", type=int, nargs="+", default=[20_000])
    parser.add_argument("--skip-centrality", action="store_true")
    parser.add_argument("--skip-html", action="store_true")
    parser.add_argument(
        "--workdir", type=Path, default=Path(tempfile.gettempdir()) / "kg-scale-bench"
    )
    args = parser.parse_args()
    sizes = [corpus(n, args.workdir)[::-1] for n in args.triples]
    report = rdf_table([(count, trig) for count, trig in sizes], args)
    if not args.skip_centrality:
        report += ["", *centrality_table(args.centrality_nodes)]
    if not args.skip_html:
        report += ["", *html_table(args.html_nodes)]
    print("\n".join(report))


if __name__ == "__main__":
    main()
