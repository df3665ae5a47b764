"""Querying a built graph: `kg query`, `kg export`, `kg view`, `kg.load` and `kg serve` after
`kg build`, each timed as a user runs it (a new process, start-up included).

    python benchmarks/serve.py                 # builds ANERcorp train (100 documents), ~2 min
    python benchmarks/serve.py --graph out     # an existing graph folder instead

The corpus is ANERcorp train (``../shared/data``) as 100 JSONL documents of 40 sentences, built
with `kg build --jobs 2` as a user would (the default ``--store auto`` leaves the Oxigraph store
beside the graph). Each command runs ``--runs`` times and the best wall time is shown (this
machine's speed drifts by ±20 %). The service check starts `kg serve --timeout 2`, sends five
runaway queries (a count over a triple cross product) and times a simple query after each.
The 1M-triple bars (query latency in the store, cold load) are `python benchmarks/scale.py`'s.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from speed import DATA, TRAIN, documents  # noqa: E402  (the benchmarks' ANERcorp documents)

QUERIES = sorted((ROOT / "queries").glob("*.rq"))
EXPORT_FORMATS = ("gexf", "graphml", "jsonld", "nquads", "csv")
BAR_QUERY = 1.0
BAR_FIRST_QUERY = 1.5
BAR_EXPORT = 3.0
BAR_AFTER_RUNAWAY = 3.0
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"

Row = tuple[str, str, str, str]


def kg(*args: str) -> float:
    """Seconds one `kg` command takes, process start included (it must succeed)."""
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "kg.cli", *args], cwd=ROOT, capture_output=True, text=True
    )
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"kg {' '.join(args)} failed: {result.stderr.strip()}")
    return seconds


def best(runs: int, *args: str) -> float:
    return min(kg(*args) for _ in range(runs))


def python_seconds(code: str) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, capture_output=True)
    return time.perf_counter() - started


def verdict(seconds: float, bar: float) -> str:
    return "PASS" if seconds < bar else "FAIL"


def build_graph(folder: Path) -> tuple[Path, float]:
    corpus = folder / "aner40.jsonl"
    with corpus.open("w", encoding="utf-8") as stream:
        for record in documents(DATA / TRAIN, 40):
            stream.write(json.dumps(record, ensure_ascii=False) + "\n")
    out = folder / "out"
    return out, kg("build", str(corpus), "--out", str(out), "--jobs", "2")


def command_rows(graph: Path, runs: int, work: Path) -> list[Row]:
    rows: list[Row] = []
    first = kg("query", str(graph), str(QUERIES[0]))
    rows.append(
        (f"first `kg query` after the build ({QUERIES[0].name})", f"{first:.2f} s", "< 1.5 s",
         verdict(first, BAR_FIRST_QUERY))
    )  # fmt: skip
    for query in QUERIES:
        seconds = best(runs, "query", str(graph), str(query))
        rows.append(
            (f"`kg query` {query.name}", f"{seconds:.2f} s", "< 1 s", verdict(seconds, BAR_QUERY))
        )
    for fmt in EXPORT_FORMATS:
        target = work / f"export.{fmt}"
        seconds = best(runs, "export", str(graph), "--format", fmt, "--out", str(target))
        rows.append(
            (f"`kg export --format {fmt}`", f"{seconds:.2f} s", "< 3 s",
             verdict(seconds, BAR_EXPORT))
        )  # fmt: skip
    seconds = best(runs, "view", str(graph), "--top", "200", "--out", str(work / "view.html"))
    rows.append(("`kg view --top 200`", f"{seconds:.2f} s", "< 3 s", verdict(seconds, BAR_EXPORT)))
    load = min(
        python_seconds(f"import kg; g = kg.load({str(graph)!r}); g.G; g.query('ASK {{}}')")
        for _ in range(runs)
    )
    rows.append(("`kg.load` + entity graph + a query (Python)", f"{load:.2f} s", "", ""))
    return rows


def service_rows(graph: Path) -> list[Row]:
    server = subprocess.Popen(
        [sys.executable, "-m", "kg.cli", "serve", str(graph), "--port", "0", "--timeout", "2"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert server.stdout is not None
        line = server.stdout.readline()
        url = line.rsplit(" ", 1)[-1].strip()
        if not url.startswith("http"):
            raise SystemExit(
                f"kg serve did not start: {line}{server.stderr.read() if server.stderr else ''}"
            )
        page = _get(url.removesuffix("sparql"))[1]
        statuses, after = [], []
        for _ in range(5):
            statuses.append(_get(url + "?" + urlencode({"query": RUNAWAY}))[0])
            status, seconds = _get(url + "?" + urlencode({"query": "ASK { ?s ?p ?o }"}))
            after.append(seconds if status == 200 else float("inf"))
    finally:
        server.terminate()
        server.wait(timeout=30)
    worst = max(after)
    return [
        ("`kg serve` query page at / (bundled YASGUI)", f"{page:.2f} s", "", ""),
        ("5 runaway queries under `--timeout 2`: their answers", " ".join(map(str, statuses)),
         "503 each", "PASS" if set(statuses) == {503} else "FAIL"),
        ("a simple query after each runaway one (slowest)", f"{worst:.2f} s", "< 3 s",
         verdict(worst, BAR_AFTER_RUNAWAY)),
    ]  # fmt: skip


def _get(url: str) -> tuple[int, float]:
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            response.read()
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    return status, time.perf_counter() - started


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--graph", type=Path, help="a built graph folder (default: build one)")
    parser.add_argument("--runs", type=int, default=3, help="runs per command; the best is shown")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="kg-serve-bench.") as folder:
        work = Path(folder)
        rows: list[Row] = []
        graph = args.graph
        if graph is None:
            if not (DATA / TRAIN).is_file():
                raise SystemExit(f"{DATA / TRAIN}: ANERcorp is not here; give --graph DIR")
            graph, seconds = build_graph(work)
            rows.append(
                ("`kg build --jobs 2` (100 documents, for reference)", f"{seconds:.1f} s", "", "")
            )
        size = (graph / "graph.trig").stat().st_size / 2**20
        rows += command_rows(graph, args.runs, work)
        rows += service_rows(graph)
    print(f"graph.trig: {size:.1f} MiB; best of {args.runs} runs\n")
    print("| measured | time | bar | |")
    print("|---|---:|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    return 0 if all(row[3] != "FAIL" for row in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
