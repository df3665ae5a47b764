"""How `kg build` scales: throughput, parallel speed-up, memory and incremental adds.

    python benchmarks/corpus.py                      # about 6 minutes on 2 idle cores
    python benchmarks/corpus.py --base 40 --throughput-docs 200 --incremental-docs 400

Documents are made of real Arabic news sentences (ANERcorp, under ``../shared/data``), grouped
``--sentences`` at a time; past the data, texts repeat with new ids. Every build runs
``kg build`` in its own process, so its time and peak memory (``wait4``'s ``ru_maxrss``: the
largest of the process and the workers it waited for) are its own. Prints one markdown table,
with the bars the project set and whether each passes:

- ``--jobs 2`` at least 1.7× the documents/s of ``--jobs 1`` (whole builds, from start-up to
  the last file written), and the Dask engine's output identical to the local one;
- peak memory at 16× the base corpus (``--base`` documents, replicated with new ids: documents
  grow, entities do not) at most 1.5× the peak at 1×;
- adding 1 % new documents to a built graph at most 10 % of the time of a full rebuild.

Extraction alone (:func:`kg.extract.annotate_all`) is timed too, in this process, so the
table shows how much of a build is extraction.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DATA = ROOT.parent / "shared" / "data"
# News sentences, one token per line, a blank line between sentences (CoNLL).
SENTENCE_FILES = ("anercorp/train.txt", "anercorp/test.txt")
BAR_SPEEDUP = 1.7
BAR_MEMORY_RATIO = 1.5
BAR_INCREMENTAL_RATIO = 0.10
MEMORY_MULTIPLES = (1, 4, 16)


@dataclass(frozen=True)
class Run:
    """One `kg build` process: wall-clock seconds and peak resident memory in MiB."""

    seconds: float
    peak_mib: float


def read_sentences(data: Path) -> list[str]:
    """The Arabic sentences of the CoNLL files under ``data``, tokens joined by spaces."""
    sentences: list[str] = []
    for name in SENTENCE_FILES:
        path = data / name
        if not path.is_file():
            continue
        words: list[str] = []
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                words.append(line.split()[0])
            elif words:
                sentences.append(" ".join(words))
                words = []
        if words:
            sentences.append(" ".join(words))
    return sentences


def documents(
    sentences: Sequence[str],
    count: int,
    *,
    per_document: int,
    prefix: str,
    distinct: int | None = None,
) -> list[dict[str, str]]:
    """``count`` documents of ``per_document`` sentences; texts repeat past the data (or past
    the first ``distinct`` texts), ids never.

    >>> [d["text"] for d in documents(["a", "b", "c"], 4, per_document=1, prefix="x", distinct=2)]
    ['a', 'b', 'a', 'b']
    """
    texts = [
        " ".join(sentences[start : start + per_document])
        for start in range(0, len(sentences), per_document)
    ][:distinct]
    return [{"id": f"{prefix}{i:06d}", "text": texts[i % len(texts)]} for i in range(count)]


def write_jsonl(path: Path, records: Sequence[dict[str, str]]) -> Path:
    lines = (json.dumps(record, ensure_ascii=False) for record in records)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def byte_compile(checkout: Path) -> None:
    """Compile ``checkout``'s kg modules to bytecode, as pip does when it installs a package
    (a first run would too, unless PYTHONDONTWRITEBYTECODE is set, as on our CI machines: then
    every start compiles kg's sources again, 0.1 s that no installed kg spends)."""
    compileall.compile_dir(checkout / "kg", quiet=1)


def kg_build(
    inputs: Sequence[Path],
    out: Path,
    *,
    jobs: int = 1,
    engine: str = "local",
    cwd: Path = ROOT,
    cache: Path | None = None,
) -> Run:
    """Run `kg build` in a child process; its own time and peak memory. The child runs in
    ``cwd``, so the ``kg`` of the checkout there is the one it imports (byte-compiled first);
    ``cache`` is its kg cache folder (default: the user's)."""
    byte_compile(cwd)
    command = [sys.executable, "-m", "kg.cli", "build", *map(str, inputs), "--out", str(out)]
    # The build alone: the query store a build may load after it (--store auto) has its own
    # time and memory, measured by benchmarks/scale.py.
    command += ["--jobs", str(jobs), "--engine", engine, "--store", "none"]
    started = time.perf_counter()
    env = {**os.environ, **({"KG_CACHE_DIR": str(cache)} if cache is not None else {})}
    child = subprocess.Popen(
        command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    # wait4, not getrusage(RUSAGE_CHILDREN): the latter is the maximum over every child so far.
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    errors = child.stderr.read() if child.stderr else ""
    if child.returncode != 0:
        raise SystemExit(f"kg build failed ({child.returncode}): {errors.strip()}")
    return Run(seconds, usage.ru_maxrss / 1024)  # ru_maxrss is in KiB on Linux


def extraction_seconds(records: Sequence[dict[str, str]], jobs: int) -> float:
    """Time of the extraction stage alone (NER and events) over ``records``."""
    from kg.events import EventExtractor
    from kg.extract import annotate_all
    from kg.model import Document
    from kg.ner.base import load_extractor

    docs = [Document(r["id"], r["text"]) for r in records]
    extractors = [load_extractor("crf")]
    event_extractor = EventExtractor.default()
    started = time.perf_counter()
    for _ in annotate_all(docs, extractors, event_extractor, jobs=jobs):
        pass
    return time.perf_counter() - started


def tokens(records: Sequence[dict[str, str]]) -> int:
    return sum(len(r["text"].split()) for r in records)  # ANERcorp text is tokenised already


def table(rows: Iterator[tuple[str, str, str, str]]) -> str:
    lines = ["| measure | result | bar | passes |", "|---|---|---|---|"]
    lines += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DATA, help="folder holding anercorp/")
    parser.add_argument("--sentences", type=int, default=20, help="sentences per document")
    parser.add_argument("--base", type=int, default=20, help="documents at 1× for memory")
    parser.add_argument("--throughput-docs", type=int, default=1000, help="documents for speed")
    parser.add_argument(
        "--incremental-docs", type=int, default=1000, help="documents already built (1 %% added)"
    )
    parser.add_argument("--workdir", type=Path, help="keep corpora and graphs here")
    args = parser.parse_args(argv)
    if not args.data.is_dir():
        print(f"skipped: {args.data} does not exist; it holds the ANERcorp sentences this needs")
        return 0
    sentences = read_sentences(args.data)
    if not sentences:
        print(f"skipped: no sentences in {', '.join(SENTENCE_FILES)} under {args.data}")
        return 0
    work = args.workdir or Path(tempfile.mkdtemp(prefix="kg-corpus-bench."))
    work.mkdir(parents=True, exist_ok=True)
    try:
        rows = list(_measure(args, sentences, work))
    finally:
        if args.workdir is None:
            shutil.rmtree(work, ignore_errors=True)
    print(table(iter(rows)))
    return 0


def _measure(
    args: argparse.Namespace, sentences: Sequence[str], work: Path
) -> Iterator[tuple[str, str, str, str]]:
    per = args.sentences

    def corpus(count: int, prefix: str = "d", distinct: int | None = None) -> list[dict[str, str]]:
        return documents(sentences, count, per_document=per, prefix=prefix, distinct=distinct)

    # Throughput: the same corpus with one and two worker processes and on a local Dask
    # cluster of two workers, end to end; then extraction alone.
    records = corpus(args.throughput_docs)
    source = write_jsonl(work / "throughput.jsonl", records)
    n, words = len(records), tokens(records)
    speed: dict[str, float] = {}
    for name, jobs, engine in (("jobs-1", 1, "local"), ("jobs-2", 2, "local"), ("dask", 2, "dask")):
        run = kg_build([source], work / f"throughput-{name}", jobs=jobs, engine=engine)
        speed[name] = n / run.seconds
        bar, passes = "", ""
        if name == "jobs-2":
            ratio = speed[name] / speed["jobs-1"]
            bar, passes = (
                f"≥ {BAR_SPEEDUP}× `--jobs 1`",
                f"{_yes(ratio >= BAR_SPEEDUP)} ({ratio:.2f}×)",
            )
        if name == "dask":
            same = all(
                (work / "throughput-dask" / f).read_bytes()
                == (work / "throughput-jobs-1" / f).read_bytes()
                for f in ("graph.trig", "entities.csv")
            )
            bar = "output identical to `--jobs 1`"
            passes = _yes(same) + f" ({speed[name] / speed['jobs-1']:.2f}× `--jobs 1`)"
        command = "--engine dask --jobs 2" if engine == "dask" else f"--jobs {jobs}"
        yield (
            f"`kg build {command}`, {n} docs, {words:,} tokens",
            f"{n / run.seconds:.1f} docs/s, {words / run.seconds:,.0f} tokens/s",
            bar,
            passes,
        )
    extraction = {jobs: extraction_seconds(records, jobs) for jobs in (1, 2)}
    ratio = extraction[1] / extraction[2]
    for jobs in (1, 2):
        # For reference (how much of a build is extraction): the bar is on whole builds.
        yield (
            f"extraction only (`annotate_all`, jobs={jobs}), same corpus",
            f"{n / extraction[jobs]:.1f} docs/s, {words / extraction[jobs]:,.0f} tokens/s"
            + (f" ({ratio:.2f}× jobs=1)" if jobs == 2 else ""),
            "",
            "",
        )

    # Peak memory at 1×, 4× and 16× the base size, one process per build.
    peaks: dict[int, float] = {}
    for multiple in MEMORY_MULTIPLES:
        count = args.base * multiple
        # The base corpus replicated with new ids: documents grow, entities do not.
        replicated = corpus(count, distinct=args.base)
        source = write_jsonl(work / f"memory-{multiple}.jsonl", replicated)
        run = kg_build([source], work / f"memory-{multiple}")
        peaks[multiple] = run.peak_mib
        ratio = run.peak_mib / peaks[1]
        last = multiple == MEMORY_MULTIPLES[-1]
        yield (
            f"peak RSS, {multiple}× = {count} docs (`--jobs 1`)",
            f"{run.peak_mib:,.0f} MiB ({ratio:.2f}× of 1×), {run.seconds:.1f} s",
            f"≤ {BAR_MEMORY_RATIO}× of 1×" if last else "",
            _yes(ratio <= BAR_MEMORY_RATIO) if last else "",
        )

    # Incremental: add 1 % new documents to a built graph, against rebuilding everything.
    old = corpus(args.incremental_docs)
    new = corpus(max(1, args.incremental_docs // 100), prefix="new")
    old_file = write_jsonl(work / "old.jsonl", old)
    new_file = write_jsonl(work / "new.jsonl", new)
    graph = work / "incremental"
    first = kg_build([old_file], graph)
    added = kg_build([new_file], graph)
    rebuild = kg_build([old_file, new_file], work / "rebuild")
    same = (graph / "graph.trig").read_bytes() == (work / "rebuild" / "graph.trig").read_bytes()
    ratio = added.seconds / rebuild.seconds
    yield (
        f"full build, {len(old) + len(new)} docs",
        f"{rebuild.seconds:.1f} s (first build of {len(old)}: {first.seconds:.1f} s)",
        "",
        "",
    )
    yield (
        f"add {len(new)} new docs (1 %) to the built graph",
        f"{added.seconds:.1f} s ({ratio:.1%} of the rebuild); graph.trig "
        + ("identical to the rebuild" if same else "DIFFERS from the rebuild"),
        f"≤ {BAR_INCREMENTAL_RATIO:.0%} of rebuild",
        _yes(ratio <= BAR_INCREMENTAL_RATIO and same),
    )


def _yes(ok: bool) -> str:
    return "yes" if ok else "**no**"


if __name__ == "__main__":
    raise SystemExit(main())
