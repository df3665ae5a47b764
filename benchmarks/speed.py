"""Build speed end to end: tokens per second of `kg build`, the one-document build, and where the
time goes.

    python benchmarks/speed.py                   # about 2 minutes on 2 cores
    python benchmarks/speed.py --profile         # and the wall time of each stage
    python benchmarks/speed.py --baseline DIR    # the same runs of another checkout, interleaved

The corpus is ANERcorp train (``../shared/data``) as JSONL documents of ``--sentences`` sentences
(40: 100 documents, 125,000 tokens). Every build is a `kg build --store none` process (the
query store a build may load afterwards is not build speed), timed from start-up to its last
file and run ``--runs`` times; the table shows the best run (this machine's speed drifts by
±20 % from minute to minute, so a best of several is the stable figure) and its peak memory.
``--baseline DIR`` runs a checkout of another revision (``git worktree add DIR REV``) in turn with
this one, so both are measured in the same minutes. ``--profile`` times the stages of one build
in this process: wall clock per stage, no profiler (a profiler triples the cost of Python calls
and so misstates which stage is slow).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import Run, kg_build  # noqa: E402  (the benchmarks' one way to time a build)

DATA = ROOT.parent / "shared" / "data"
TRAIN = Path("anercorp") / "train.txt"
BAR_TOKENS_PER_SECOND = 20_000
BAR_SPEEDUP = 1.7
BAR_SEED_SECONDS = 1.0


def documents(train: Path, per_document: int) -> list[dict[str, str]]:
    """ANERcorp train's sentences (tokens joined by spaces), ``per_document`` to a document."""
    from kg.ner.conll import read_conll

    sentences = [" ".join(token for token, _ in sentence) for sentence in read_conll(train)]
    return [
        {"id": f"aner-{n:04d}", "text": "\n".join(sentences[start : start + per_document])}
        for n, start in enumerate(range(0, len(sentences), per_document))
    ]


def count_tokens(records: Sequence[dict[str, str]]) -> int:
    from kg.text import split_sentences

    return sum(len(s.tokens) for r in records for s in split_sentences(r["text"]))


def timed_build(
    checkout: Path, inputs: Sequence[Path], out: Path, jobs: int = 1, cache: Path | None = None
) -> Run:
    """Seconds and peak MiB of one `kg build` of ``checkout``'s code."""
    shutil.rmtree(out, ignore_errors=True)
    return kg_build(inputs, out, jobs=jobs, cwd=checkout, cache=cache)


def best_of(runs: int, checkouts: Sequence[Path], build: Callable[[Path], Run]) -> list[Run]:
    """For each checkout, its fastest of ``runs`` builds (checkouts taken in turn)."""
    results: list[list[Run]] = [[] for _ in checkouts]
    for _ in range(runs):
        for k, checkout in enumerate(checkouts):
            results[k].append(build(checkout))
    return [min(r, key=lambda run: run.seconds) for r in results]


def table(header: Sequence[str], rows: Iterator[Sequence[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def profile(corpus: Path, work: Path) -> list[tuple[str, float]]:
    """Wall seconds per stage of one `kg build --jobs 1` of ``corpus`` in this process."""
    started = time.perf_counter()
    import kg.cli
    import kg.corpus
    import kg.events.extractor
    import kg.events.tokens
    import kg.extract
    import kg.ner.base
    import kg.ner.crf
    import kg.ner.decode
    import kg.rdf
    import kg.turtle
    from kg.ner.base import RULE_EXTRACTORS

    imported = time.perf_counter() - started
    totals: dict[str, float] = defaultdict(float)

    def wrap(owner: Any, name: str, stage: str) -> None:
        inner = getattr(owner, name)

        def timed(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return inner(*args, **kwargs)
            finally:
                totals[stage] += time.perf_counter() - start

        setattr(owner, name, timed)

    wrap(kg.ner.base, "load_extractors", "load extractors and lexicons")
    wrap(kg.extract, "split_sentences", "sentences and tokens")
    wrap(kg.ner.decode.CRFDecoder, "_flush", "NER: CRF new word forms scored")
    wrap(kg.ner.decode.CRFDecoder, "tag_with_stems", "NER: CRF labels (all but consistency)")
    wrap(kg.ner.crf, "propagate", "NER: document consistency")
    wrap(kg.ner.crf.CRFTagger, "tag", "NER: CRF in all")
    for target in RULE_EXTRACTORS.values():
        module_name, _, factory = target.partition(":")
        class_name = factory.split(".")[0]
        module = sys.modules.get(module_name) or __import__(module_name, fromlist=["_"])
        cls = getattr(module, class_name)
        method = "complete" if "complete" in vars(cls) else "__call__"
        wrap(cls, method, "NER: rule extractors")
    wrap(kg.events.tokens.DocView, "build", "events: token readings")
    wrap(kg.events.extractor, "DateScan", "events: dates")
    wrap(kg.extract, "add_events", "events in all")
    wrap(kg.rdf, "document_triples", "RDF: document triples")
    wrap(kg.turtle.TrigWriter, "counted_block", "RDF: TriG text")
    wrap(kg.corpus.StreamingBuild, "_merge", "merge: centrality, communities, view")
    out = work / "profile-graph"
    shutil.rmtree(out, ignore_errors=True)
    # main, not the console script's run: that ends the process.
    kg.cli.main(["build", str(corpus), "--out", str(out), "--jobs", "1", "--store", "none"])
    total = time.perf_counter() - started
    return [("imports", imported), *sorted(totals.items()), ("whole build", total)]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DATA, help="folder holding anercorp/")
    parser.add_argument("--sentences", type=int, default=40, help="sentences per document")
    parser.add_argument("--runs", type=int, default=3, help="builds of each kind; best shown")
    parser.add_argument("--baseline", type=Path, help="a checkout of another revision to compare")
    parser.add_argument("--profile", action="store_true", help="also time each stage")
    args = parser.parse_args(argv)
    train = args.data / TRAIN
    if not train.is_file():
        print(f"skipped: {train} does not exist; the corpus is ANERcorp train")
        return 0
    records = documents(train, args.sentences)
    tokens = count_tokens(records)
    work = Path(tempfile.mkdtemp(prefix="kg-speed."))
    try:
        corpus = work / "corpus.jsonl"
        corpus.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records))
        checkouts = [ROOT, *([args.baseline.resolve()] if args.baseline else [])]
        names = ["this checkout", *([str(args.baseline)] if args.baseline else [])]
        seeds = sorted((ROOT / "seeds").glob("*.txt"))

        # Each checkout keeps its own kg cache: builds of two revisions taken in turn would
        # otherwise replace each other's compiled tables and spelled names at every run. One
        # untimed build fills each (a user's second build finds its cache filled too), and
        # kg_build byte-compiles each checkout's modules (as an installed kg's are).
        caches = {c: work / f"cache-{k}" for k, c in enumerate(checkouts)}

        def build(inputs: Sequence[Path], jobs: int = 1) -> list[Run]:
            out = work / "graph"
            return best_of(
                args.runs, checkouts, lambda c: timed_build(c, inputs, out, jobs, caches[c])
            )

        for checkout in checkouts:
            timed_build(checkout, [corpus], work / "graph", 1, caches[checkout])
        one = build([corpus])
        two = build([corpus], jobs=2)
        seed = build(seeds)
        rows = []
        for name, single, double, alone in zip(names, one, two, seed, strict=True):
            rate1, rate2 = tokens / single.seconds, tokens / double.seconds
            rows.append(
                (
                    name,
                    f"{single.seconds:.2f} s · **{rate1:,.0f}** tokens/s"
                    f" · {single.peak_mib:.0f} MiB",
                    f"{double.seconds:.2f} s · {rate2:,.0f} tokens/s ({rate2 / rate1:.2f}×)"
                    f" · {double.peak_mib:.0f} MiB",
                    f"{alone.seconds:.2f} s · {alone.peak_mib:.0f} MiB",
                )
            )
        print(
            f"ANERcorp train as {len(records)} documents of {args.sentences} sentences, "
            f"{tokens:,} tokens; best of {args.runs} runs; {os.cpu_count()} cores\n"
        )
        print(
            table(
                ("code", "`kg build --jobs 1`", "`--jobs 2`", "seed (one document)"),
                iter(rows),
            )
        )
        print(
            f"\nbars: --jobs 1 ≥ {BAR_TOKENS_PER_SECOND:,} tokens/s, --jobs 2 ≥ {BAR_SPEEDUP}× "
            f"that, seed < {BAR_SEED_SECONDS} s"
        )
        if args.profile:
            # In this process, with this checkout's cache as the timed builds left it: the
            # user's own may hold another revision's tables and names (filling it is no stage).
            os.environ["KG_CACHE_DIR"] = str(caches[ROOT])
            stages = profile(corpus, work)
            print()
            print(
                table(
                    ("stage (one `--jobs 1` build, in-process)", "seconds"),
                    ((name, f"{seconds:.2f}") for name, seconds in stages),
                )
            )
            print(
                "\nStages nest: 'NER: CRF in all' holds the other CRF rows, "
                "'events in all' the events rows; the rest of a build is linking and writing."
            )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
