"""The `kg` command line (build, query, serve, export, view, ner); the only module that prints."""

from __future__ import annotations

import argparse
import atexit
import contextlib
import logging
import os
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, TypeVar

from kg import __version__
from kg.errors import InputError, KGError

if TYPE_CHECKING:
    from kg.corpus import BuildResult
    from kg.report import BuildReport

LOG = logging.getLogger("kg")
T = TypeVar("T")


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``kg`` console script; returns the exit code."""
    parser = _parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING, format="%(message)s"
    )
    try:
        if args.handler is _build:
            # A build makes its garbage without cycles: the cyclic collector runs on the
            # build's own schedule (kg.extract.BuildCollections), and not while kg's modules
            # and tables load either (0.15 s of every build start).
            from kg.cache import collector_paused

            with collector_paused():
                code: int = args.handler(args)
        else:
            code = args.handler(args)
    except KGError as error:
        print(f"kg: error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("kg: interrupted; outputs were left as they were", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    return code


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kg", description="Arabic news text to an entity knowledge graph."
    )
    parser.add_argument("--version", action="version", version=f"kg {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log what happens")
    commands = parser.add_subparsers(dest="command", required=True)

    build = commands.add_parser(
        "build", help="extract documents into DIR/graph.trig, graph.html, entities.csv"
    )
    build.add_argument("inputs", nargs="+", help=".txt / .jsonl files or folders")
    build.add_argument(
        "--out", required=True, help="output folder (merged with a graph already there)"
    )
    build.add_argument("--ner", default="crf", help="NER backend (crf, camel, or a plugin)")
    build.add_argument("--ner-model", help="model path for the NER backend")
    build.add_argument(
        "--rules",
        help="rule extractors to run beside the NER backend, comma-separated (org-grammar, "
        "place-names, person-names, acronyms, cued-names, list-items, sports-clubs, "
        "type-agreement), or 'none' (default: all of them)",
    )
    build.add_argument(
        "--top",
        type=_at_least(1),
        help="show only the N most central entities in graph.html (default: all up to 20,000)",
    )
    build.add_argument(
        "--jobs",
        type=_at_least(1),
        default=1,
        help="worker processes for extraction (same output)",
    )
    build.add_argument(
        "--engine",
        default="local",
        help="where extraction runs: local (--jobs processes here) or dask (needs kg[dask])",
    )
    build.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="with --engine dask: the scheduler of a running Dask cluster (e.g. tcp://host:8786); "
        "default: a local cluster of --jobs worker processes",
    )
    build.add_argument(
        "--store",
        choices=("auto", "none", "oxigraph"),
        default="auto",
        help="also load the graph into the on-disk Oxigraph store (.kg-oxigraph/) that "
        "`kg query`/`kg serve` use, so the first query does not wait for it: oxigraph always, "
        "auto (default) for a graph.trig of 1 MiB or more, none never",
    )
    bad = build.add_mutually_exclusive_group()
    bad.add_argument(
        "--skip-bad",
        action="store_true",
        help="exit 0 when some inputs are bad (they are still listed); default: build the "
        "good documents, list every bad one as FILE[:LINE]: problem and exit 1",
    )
    bad.add_argument(
        "--strict", action="store_true", help="stop at the first bad input; write nothing"
    )
    build.add_argument(
        "--report",
        metavar="FILE.json",
        help="also write a machine-readable report: counts and every bad input "
        "(file, line, id, problem)",
    )
    build.add_argument(
        "--encoding",
        metavar="NAME",
        help="decode every input with this codec (e.g. cp1256); default: UTF-8, or "
        "UTF-16/32 when the file starts with a byte-order mark",
    )
    build.add_argument(
        "--max-chars",
        type=_at_least(1),
        default=1_000_000,
        help="longest document accepted, in characters (default 1,000,000)",
    )
    build.set_defaults(handler=_build)

    query = commands.add_parser("query", help="run a read-only SPARQL query over a built graph")
    query.add_argument("graph", help="DIR or DIR/graph.trig")
    source = query.add_mutually_exclusive_group(required=True)
    source.add_argument("query_file", nargs="?", help="a .rq file")
    source.add_argument("-e", "--expression", help="SPARQL text")
    query.add_argument("--format", choices=("table", "csv", "tsv", "json", "xml"), default="table")
    query.add_argument(
        "--store",
        choices=("auto", "memory", "oxigraph"),
        default="auto",
        help="rdflib in memory, or Oxigraph on disk (auto: Oxigraph for big graphs)",
    )
    query.add_argument("--timeout", type=_seconds, help="give up after this many seconds")
    query.add_argument("--max-rows", type=_at_least(1), help="print at most this many rows")
    query.set_defaults(handler=_query)

    serve = commands.add_parser(
        "serve", help="serve a built graph as a read-only SPARQL 1.1 endpoint on loopback"
    )
    serve.add_argument("graph", help="DIR or DIR/graph.trig")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (loopback)")
    serve.add_argument("--port", type=int, default=7878, help="TCP port (0: any free port)")
    serve.add_argument(
        "--public", action="store_true", help="allow a non-loopback --host (exposes the graph)"
    )
    serve.add_argument("--store", choices=("auto", "memory", "oxigraph"), default="auto")
    serve.add_argument("--timeout", type=_seconds, default=10.0, help="seconds per query")
    serve.add_argument(
        "--max-rows", type=_at_least(1), default=10_000, help="rows per answer at most"
    )
    serve.add_argument(
        "--cors",
        metavar="ORIGIN",
        help="allow browser pages from ORIGIN only (default: any origin on loopback, "
        "none with --public)",
    )
    serve.add_argument(
        "--examples",
        metavar="DIR",
        help="the .rq queries the page at / offers (default: the repository's queries/)",
    )
    serve.set_defaults(handler=_serve)

    export = commands.add_parser(
        "export", help="write the graph as GEXF, GraphML, JSON-LD, N-Quads or CSV"
    )
    export.add_argument("graph", help="DIR or DIR/graph.trig")
    export.add_argument(
        "--format", required=True, choices=("gexf", "graphml", "jsonld", "nquads", "csv")
    )
    export.add_argument("--out", help="file (a folder for csv); default: beside the graph")
    export.set_defaults(handler=_export)

    view = commands.add_parser("view", help="(re)draw the interactive HTML view")
    view.add_argument("graph", help="DIR or DIR/graph.trig")
    view.add_argument("--out", help="HTML file (default: graph.html beside the graph)")
    view.add_argument("--top", type=_at_least(1), help="keep the N most central entities")
    view.set_defaults(handler=_view)

    ner = commands.add_parser("ner", help="tag, evaluate or train the NER model on CoNLL files")
    ner_commands = ner.add_subparsers(dest="ner_command", required=True)
    tag = ner_commands.add_parser("tag", help="print each token with its predicted BIO label")
    tag.add_argument("file", help="CoNLL file (token in the first column)")
    evaluate = ner_commands.add_parser("eval", help="entity-level P/R/F1 against gold labels")
    evaluate.add_argument("file", help="gold CoNLL file (token, label)")
    evaluate.add_argument(
        "--known",
        action="append",
        default=[],
        metavar="CONLL",
        help="labelled CoNLL file the model learnt from (repeatable): adds seen/unseen rows, "
        "scored over the entities whose text it labels / does not",
    )
    for sub in (tag, evaluate):
        sub.add_argument("--ner", default="crf", help="NER backend")
        sub.add_argument("--ner-model", help="model path for the NER backend")
    tag.set_defaults(handler=_ner_tag)
    evaluate.set_defaults(handler=_ner_eval)
    train = ner_commands.add_parser("train", help="rebuild the CRF model from ANERcorp train")
    train.add_argument(
        "--train", help="training CoNLL file (default: ../shared/data/anercorp/train.txt)"
    )
    train.add_argument("--out", help="model file (default: replace the packaged model)")
    train.add_argument(
        "--unlabelled", action="append", default=[], metavar="FILE",
        help="more unlabelled Arabic text for the word classes (CoNLL, or plain text: one "
        "sentence or paragraph a line); repeatable",
    )  # fmt: skip
    train.set_defaults(handler=_ner_train)
    return parser


def _at_least(minimum: int) -> Callable[[str], int]:
    """An argparse type: an integer of at least ``minimum``, else a one-line usage error before
    any work («--top -1» must not fail after the extraction it follows)."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be at least {minimum}, got {value}")
        return value

    return parse


def _seconds(text: str) -> float:
    """An argparse type: a positive number of seconds."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be more than 0 seconds, got {text}")
    return value


def _progress(items: Iterable[T]) -> Iterable[T]:
    """A progress bar over extracted documents, on a terminal only."""
    if not sys.stderr.isatty():
        return items
    from tqdm import tqdm

    return tqdm(items, desc="documents", unit="doc", file=sys.stderr)  # type: ignore[no-any-return]


def _build(args: argparse.Namespace) -> int:
    from kg.extract import check_engine
    from kg.io import check_encoding
    from kg.ner.base import check_rules
    from kg.output import atomic_write_text
    from kg.pipeline import BuildConfig, build_directory
    from kg.report import BuildReport

    check_encoding(args.encoding)  # an unknown codec is a usage error, before any work
    check_engine(args.engine)
    if args.scheduler is not None and args.engine != "dask":
        raise InputError("--scheduler is an address of a Dask scheduler: add --engine dask")
    rules = BuildConfig.rules
    if args.rules is not None:
        rules = tuple(name.strip() for name in args.rules.split(",") if name.strip() != "none")
        check_rules(rules)  # a usage error, before any work
    config = BuildConfig(
        ner=args.ner,
        ner_model=args.ner_model,
        rules=rules,
        jobs=args.jobs,
        engine=args.engine,
        scheduler=args.scheduler,
    )
    report = BuildReport(inputs=[str(i) for i in args.inputs], out=str(args.out))
    try:
        kg = build_directory(
            args.inputs,
            args.out,
            config,
            progress=_progress,
            top=args.top,
            encoding=args.encoding,
            max_chars=args.max_chars,
            report=None if args.strict else report,
        )
    except InputError as error:
        if args.report and args.strict:
            report.add(error)
            atomic_write_text(args.report, report.to_json())
        raise
    if args.report:
        atomic_write_text(args.report, report.to_json())
    if report.written:
        if args.store != "none":
            from kg.pipeline import GRAPH_FILE
            from kg.store import OxigraphStore, choose_store

            trig = Path(args.out) / GRAPH_FILE
            if args.store == "oxigraph" or choose_store(trig) == "oxigraph":
                OxigraphStore.open(trig)  # builds the cache when stale
        _print_build_summary(kg, Path(args.out), args.top)
    # Last, so that on a terminal the problems are what the user sees.
    return _bad_input_summary(report, skip_bad=args.skip_bad)


def _print_build_summary(result: BuildResult, out: Path, top: int | None) -> None:
    from kg.pipeline import VIEW_NODES

    rows = result.entity_rows()
    edges = result.G.number_of_edges()
    print(
        f"{result.documents} documents, {len(rows)} entities, {edges} links, "
        f"{result.triples} triples"
    )
    if result.resumed:
        print(f"({result.resumed} extracted by an interrupted build, resumed)")
    print("top entities by PageRank:")
    for row in rows[:10]:
        pagerank, kind, label = row["pagerank"], row["type"], row["label"]
        print(f"  {pagerank:.4f}  {kind:<4}  {label}  ({row['mentions']} mentions)")
    print(f"graph:    {out / 'graph.trig'}")
    print(f"entities: {out / 'entities.csv'}")
    print(f"view:     {(out / 'graph.html').resolve()}")
    if top is None and len(rows) > VIEW_NODES:
        print(f"          (the {VIEW_NODES:,} most central of {len(rows):,} entities; --top N)")


def _bad_input_summary(report: BuildReport, *, skip_bad: bool) -> int:
    """Print every bad input on stderr; the exit code of the build (0, or 1 for bad input)."""
    if report.ok:
        return 0
    lines = report.lines()
    # Bad input is only accepted (--skip-bad) when something good was built from the rest.
    fatal = not skip_bad or report.documents == 0
    level = "error" if fatal else "warning"
    built = f"{report.documents} good document{'s' if report.documents != 1 else ''} built"
    if not report.written:
        built = "nothing written"
    if len(lines) == 1:
        print(f"kg: {level}: {lines[0]} ({built})", file=sys.stderr)
    else:
        for line in lines:
            print(line, file=sys.stderr)
        print(f"kg: {level}: {len(lines)} bad inputs, listed above ({built})", file=sys.stderr)
    return 1 if fatal else 0


def _query(args: argparse.Namespace) -> int:
    from kg.pipeline import graph_file
    from kg.query import format_result
    from kg.store import open_store

    if args.expression is not None:
        sparql = args.expression
    else:
        path = Path(args.query_file)
        try:
            sparql = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise InputError(f"{path}: cannot read query ({error})") from error
    trig = graph_file(args.graph)
    store = open_store(trig, args.store)
    deadline = None if args.timeout is None else time.monotonic() + args.timeout
    # Queries read stored analytics, so no projection or recomputation is needed here.
    result = store.run(sparql, max_rows=args.max_rows, deadline=deadline)
    sys.stdout.write(format_result(result, args.format))
    return 0


def _serve(args: argparse.Namespace) -> int:
    from kg.pipeline import graph_file
    from kg.querypage import read_examples
    from kg.rdf import require_graph
    from kg.serve import ServeConfig, check_host, make_server
    from kg.store import OxigraphStore, choose_store, open_store
    from kg.workers import QueryPool

    check_host(args.host, public=args.public)
    examples = read_examples(Path(args.examples)) if args.examples else None
    config = ServeConfig(timeout=args.timeout, max_rows=args.max_rows, cors_origin=args.cors)
    trig = require_graph(graph_file(args.graph))
    name = choose_store(trig, args.store)
    if name == "oxigraph":
        OxigraphStore.open(trig)  # its cache built once here, not by every worker at once
    # Each worker process opens the store itself; a runaway query's timeout kills and replaces it.
    pool = QueryPool(partial(open_store, trig, name), config.workers)
    try:
        server = make_server(
            pool,
            host=args.host,
            port=args.port,
            config=config,
            public=args.public,
            examples=examples,
        )
    except BaseException:
        pool.close()
        raise
    print(f"SPARQL endpoint ({name} store, read-only): {server.url}", flush=True)
    print(f"query page: {server.url.removesuffix('sparql')}", flush=True)
    print("press Ctrl-C to stop", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        print("kg serve: stopped", file=sys.stderr)
    finally:
        server.server_close()
    return 0


def _export(args: argparse.Namespace) -> int:
    from kg.export import SUFFIXES, export
    from kg.pipeline import graph_file, load

    kg = load(args.graph)
    target = Path(args.out) if args.out else graph_file(args.graph).parent / SUFFIXES[args.format]
    if args.format == "csv" and target.exists() and not target.is_dir():
        raise InputError(f"{target}: --out must be a folder for --format csv")
    if args.format != "csv" and target.is_dir():
        raise InputError(f"{target}: --out must be a file for --format {args.format}")
    for path in export(kg, args.format, target):
        print(f"{args.format}: {path.resolve()}")
    return 0


def _view(args: argparse.Namespace) -> int:
    from kg.output import atomic_write_text
    from kg.pipeline import HTML_FILE, graph_file, load

    kg = load(args.graph)
    target = Path(args.out) if args.out else graph_file(args.graph).parent / HTML_FILE
    atomic_write_text(target, kg.html(top=args.top))
    print(f"view: {target.resolve()}")
    return 0


def _read_tokens(path: str) -> list[list[str]]:
    from kg.ner.conll import read_conll

    return [[token for token, _ in sentence] for sentence in read_conll(path)]


def _ner_tag(args: argparse.Namespace) -> int:
    from kg.ner.base import load_tagger

    tagger = load_tagger(args.ner, args.ner_model)
    sentences = _read_tokens(args.file)
    lines: list[str] = []
    for tokens, labels in zip(sentences, tagger.tag(sentences), strict=True):
        lines.extend(f"{token}\t{label}" for token, label in zip(tokens, labels, strict=True))
        lines.append("")
    sys.stdout.write("\n".join(lines) + ("\n" if lines else ""))
    return 0


def _ner_eval(args: argparse.Namespace) -> int:
    from kg.ner.base import load_tagger
    from kg.ner.conll import entity_texts, evaluate, evaluate_novelty, read_conll

    gold = read_conll(args.file)
    known: set[str] = set().union(*(entity_texts(read_conll(path)) for path in args.known))
    tagger = load_tagger(args.ner, args.ner_model)
    tokens = [[token for token, _ in sentence] for sentence in gold]
    predicted = tagger.tag(tokens)
    labels = [[label for _, label in sentence] for sentence in gold]
    scores = evaluate(labels, predicted)
    if args.known:
        scores.update(evaluate_novelty(tokens, labels, predicted, known))
    print(f"{'type':<8} {'precision':>9} {'recall':>9} {'f1':>9} {'support':>8}")
    for name, score in sorted(scores.items(), key=lambda item: (item[0] != "overall", item[0])):
        print(
            f"{name:<8} {100 * score.precision:9.2f} {100 * score.recall:9.2f} "
            f"{100 * score.f1:9.2f} {score.support:8d}"
        )
    return 0


def _ner_train(args: argparse.Namespace) -> int:
    from kg.ner import train as training

    train_path = Path(args.train) if args.train else training.default_train_path()
    if train_path is None:
        raise InputError(
            "no training data found: pass --train PATH (ANERcorp train.txt, CAMeL Lab split)"
        )
    scores = training.train_default(train_path, args.out, [Path(p) for p in args.unlabelled])
    print(f"model written to {args.out or training.shipped_model_path()}")
    for name, score in sorted(scores.items()):
        p, r, f1 = 100 * score.precision, 100 * score.recall, 100 * score.f1
        print(f"dev {name:<8} P {p:.2f}  R {r:.2f}  F1 {f1:.2f}")
    return 0


def run() -> None:
    """The ``kg`` console script: :func:`main`, then exit with its code."""
    code = main()
    end_process(code)


def end_process(code: int) -> NoReturn:
    """Exit now with ``code``, after the exit handlers (``atexit``, which also ends logging)
    and a flush of stdout and stderr, without tearing the heap down object by object.

    A build leaves millions of objects alive (models, tables, tallies). The interpreter's own
    exit would free each one, and walk them all in a last collection: 0.1 s after ANERcorp
    train, more after a big corpus. The outputs are already in place (each written to a temporary
    file and renamed), so nothing is lost; the operating system takes the memory back at once.
    """
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        # A reader that went away (`kg query | head`) is no error, as in main.
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    os._exit(code)


if __name__ == "__main__":
    run()
