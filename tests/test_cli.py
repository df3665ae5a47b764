"""The command line, end to end, with the shipped NER model on real Arabic text."""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import SEEDS, fresh_python

KG = [sys.executable, "-m", "kg.cli"]


def run(
    *args: str | Path, cwd: Path | None = None, hash_seed: int | None = None
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONHASHSEED": str(hash_seed)} if hash_seed is not None else None
    return subprocess.run(
        [*KG, *map(str, args)],
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=cwd,
        timeout=300,
    )


@pytest.fixture(scope="module")
def seed_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("seed") / "out"
    result = run("build", SEEDS, "--out", out, hash_seed=1)
    assert result.returncode == 0, result.stderr
    assert "top entities by PageRank" in result.stdout
    return out


def _entities(out: Path) -> dict[str, dict[str, str]]:
    with (out / "entities.csv").open(encoding="utf-8") as stream:
        return {row["label"]: row for row in csv.DictReader(stream)}


def test_cli_build_writes_all_outputs(seed_build: Path) -> None:
    assert sorted(p.name for p in seed_build.iterdir()) == [
        ".kg-documents.jsonl",  # what the next build reads instead of parsing graph.trig
        "entities.csv",
        "graph.html",
        "graph.trig",
    ]
    rows = _entities(seed_build)
    assert rows, "the seed article must yield entities"
    header = next(csv.reader((seed_build / "entities.csv").open(encoding="utf-8")))
    assert header[:7] == ["id", "label", "type", "mentions", "degree", "pagerank", "betweenness"]


def test_cli_build_finds_the_seed_people_places_and_organisations(seed_build: Path) -> None:
    rows = _entities(seed_build)
    by_type: dict[str, set[str]] = {}
    for label, row in rows.items():
        by_type.setdefault(row["type"], set()).add(label)
    # The seed's people, organisation and places (read by a person), with their types.
    assert any("هنية" in label for label in by_type.get("PERS", set()))
    assert any("الخامنئي" in label for label in by_type.get("PERS", set()))
    assert any("حماس" in label for label in by_type.get("ORG", set()))
    places = by_type.get("LOC", set())
    for place in ("جنين", "فلسطين"):
        assert any(place in label for label in places), (place, places)
    # partial name linked to the full name, titles stripped from the label
    haniyeh = [row for label, row in rows.items() if "هنية" in label]
    assert len(haniyeh) == 1 and haniyeh[0]["label"] == "إسماعيل هنية"


def test_cli_same_build_twice_changes_nothing(seed_build: Path) -> None:
    before = {p.name: p.read_bytes() for p in seed_build.iterdir()}
    # another hash seed: set and dict order must not leak into the files
    result = run("build", SEEDS, "--out", seed_build, hash_seed=2)
    assert result.returncode == 0, result.stderr
    assert {p.name: p.read_bytes() for p in seed_build.iterdir()} == before


@pytest.mark.parametrize(
    "query", sorted((Path(__file__).parent.parent / "queries").glob("*.rq")), ids=lambda p: p.stem
)
def test_cli_every_shipped_query_runs(seed_build: Path, query: Path) -> None:
    result = run("query", seed_build, query, "--format", "json")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["results"]["bindings"], f"{query.name} returned no rows on the seed"


def test_cli_query_formats(seed_build: Path) -> None:
    sparql = "SELECT ?label WHERE { ?e a schema:Person ; rdfs:label ?label } ORDER BY ?label"
    table = run("query", seed_build / "graph.trig", "-e", sparql)
    assert table.returncode == 0 and "label" in table.stdout and "rows)" in table.stdout
    as_csv = run("query", seed_build, "-e", sparql, "--format", "csv")
    assert as_csv.stdout.splitlines()[0] == "label"
    assert "إسماعيل هنية" in as_csv.stdout


@pytest.mark.parametrize(
    "update",
    ["INSERT DATA { <urn:a> <urn:b> <urn:c> }", "DELETE WHERE { ?s ?p ?o }", "CLEAR ALL"],
)
def test_cli_query_refuses_update(seed_build: Path, update: str) -> None:
    before = (seed_build / "graph.trig").read_bytes()
    result = run("query", seed_build, "-e", update)
    assert result.returncode != 0
    assert "read-only" in result.stderr and "Traceback" not in result.stderr
    assert (seed_build / "graph.trig").read_bytes() == before


def test_cli_view_redraws_html(seed_build: Path, tmp_path: Path) -> None:
    target = tmp_path / "top.html"
    result = run("view", seed_build, "--out", target, "--top", "3")
    assert result.returncode == 0, result.stderr
    assert target.read_text(encoding="utf-8").lstrip().lower().startswith("<!doctype html")


@pytest.mark.parametrize(
    ("name", "content", "problem"),
    [
        ("empty.txt", b"", "empty"),
        ("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00", "binary"),
        ("cp1256.txt", "مرحبا بالعالم".encode("cp1256"), "UTF-8"),
        ("broken.jsonl", b'{"id": "a", "text": "\xd9\x86\xd8\xb5"}\n{"id": 2,\n', ".jsonl:2: "),
    ],
)
def test_cli_bad_input_one_line_error_nothing_written(
    tmp_path: Path, name: str, content: bytes, problem: str
) -> None:
    bad = tmp_path / name
    bad.write_bytes(content)
    out = tmp_path / "out"
    result = run("build", bad, "--out", out, "--strict")  # --strict: stop at the first
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and str(bad) in lines[0] and problem in lines[0], result.stderr
    assert not out.exists()


def test_cli_bad_input_leaves_previous_graph_intact(seed_build: Path, tmp_path: Path) -> None:
    copy = tmp_path / "graph"
    shutil.copytree(seed_build, copy)
    before = {p.name: p.read_bytes() for p in copy.iterdir()}
    good = tmp_path / "good.txt"
    good.write_text("وصل الوفد إلى بيروت.", encoding="utf-8")
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\xff\xfe\x00")
    result = run("build", good, bad, "--out", copy, "--strict")
    assert result.returncode != 0
    assert {p.name: p.read_bytes() for p in copy.iterdir()} == before


def test_cli_missing_paths_and_unknown_backend(tmp_path: Path) -> None:
    missing = run("build", tmp_path / "nope", "--out", tmp_path / "out")
    assert missing.returncode != 0 and "no such file" in missing.stderr
    no_graph = run("query", tmp_path, "-e", "SELECT * WHERE { ?s ?p ?o }")
    assert no_graph.returncode != 0 and "kg build" in no_graph.stderr
    backend = run("build", SEEDS, "--out", tmp_path / "o", "--ner", "bogus")
    assert backend.returncode != 0 and "crf" in backend.stderr
    for result in (missing, no_graph, backend):
        assert "Traceback" not in result.stderr


def test_cli_jsonl_with_dates(tmp_path: Path) -> None:
    feed = tmp_path / "feed.jsonl"
    feed.write_text(
        json.dumps(
            {
                "id": "n1",
                "text": "قال وزير الخارجية المصري سامح شكري في القاهرة إن المحادثات مستمرة.",
                "date": "2023-05-15",
            },
            ensure_ascii=False,
        )
        + "\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    assert run("build", feed, "--out", out).returncode == 0
    result = run(
        "query",
        out,
        "-e",
        'SELECT ?d WHERE { ?c kgo:documentId "n1" ; schema:datePublished ?d }',
        "--format",
        "csv",
    )
    assert result.stdout.splitlines()[1] == "2023-05-15"


def test_cli_query_runtime_failure_is_one_line(seed_build: Path) -> None:
    # rdflib cannot evaluate GROUP_CONCAT(DISTINCT ...) over an unbound variable
    sparql = (
        "SELECT (GROUP_CONCAT(DISTINCT ?x) AS ?y) "
        "WHERE { ?s a nif:Context OPTIONAL { ?s <urn:none> ?x } }"
    )
    result = run("query", seed_build, "-e", sparql)
    assert result.returncode != 0
    assert result.stderr.startswith("kg: error: query failed") and "Traceback" not in result.stderr


def test_cli_seed_meeting_roles_and_quotes(seed_build: Path) -> None:
    meetings = run("query", seed_build, Path("queries") / "meetings.rq", "--format", "csv")
    rows = list(csv.DictReader(meetings.stdout.splitlines()))
    assert len(rows) == 1 and rows[0]["date"] == "2023-06-21"
    assert "إسماعيل هنية" in rows[0]["attendees"] and "الخامنئي" in rows[0]["attendees"]
    roles = run("query", seed_build, Path("queries") / "roles.rq", "--format", "csv")
    held = {
        (r["person"], r["role"], r["organization"])
        for r in csv.DictReader(roles.stdout.splitlines())
    }
    assert ("إسماعيل هنية", "رئيس المكتب السياسي", "حماس") in held
    statements = run("query", seed_build, Path("queries") / "statements.rq", "--format", "csv")
    speakers = {row["speaker"] for row in csv.DictReader(statements.stdout.splitlines())}
    assert {"إسماعيل هنية", "الخامنئي"} <= speakers


def test_cli_query_refuses_federation(seed_build: Path) -> None:
    # Loopback only, even in a test that must never connect: the query is refused before it runs.
    sparql = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"
    result = run("query", seed_build, "-e", sparql)
    assert result.returncode != 0
    assert "SERVICE" in result.stderr and "refused" in result.stderr


def test_cli_build_unknown_engine_lists_known_ones(tmp_path: Path) -> None:
    result = run("build", SEEDS, "--out", tmp_path / "out", "--engine", "spark")
    assert result.returncode == 1
    assert result.stderr.strip().count("\n") == 0, result.stderr  # one line
    assert "local" in result.stderr and "dask" in result.stderr
    assert not (tmp_path / "out" / "graph.trig").exists()


def test_cli_build_rules_choose_the_rule_extractors(tmp_path: Path) -> None:
    bad = run("build", SEEDS, "--out", tmp_path / "bad", "--rules", "org-grammar,spelling")
    assert bad.returncode == 1
    assert bad.stderr.strip().count("\n") == 0, bad.stderr  # one line
    assert "'spelling'" in bad.stderr and "place-names" in bad.stderr
    assert not (tmp_path / "bad" / "graph.trig").exists()
    feed = tmp_path / "feed.txt"
    feed.write_text("وقالت وزارة الزراعة الفنلندية إن المحصول تحسن.\n", encoding="utf-8")

    def extractors(rules: str) -> set[str]:
        out = tmp_path / rules
        assert run("build", feed, "--out", out, "--rules", rules).returncode == 0
        graph = (out / "graph.trig").read_text(encoding="utf-8")
        return {line.split('"')[1] for line in graph.splitlines() if "kgo:extractor" in line}

    assert "org-grammar" in extractors("org-grammar")
    assert "org-grammar" not in extractors("none")


def test_cli_query_row_limit_and_timeout(seed_build: Path) -> None:
    sparql = "SELECT ?m WHERE { ?m a nif:Phrase } ORDER BY ?m"
    limited = run("query", seed_build, "-e", sparql, "--format", "csv", "--max-rows", "2")
    assert limited.returncode == 0 and len(limited.stdout.splitlines()) == 3  # header + 2 rows
    late = run("query", seed_build, "-e", sparql, "--store", "oxigraph", "--timeout", "1e-9")
    assert late.returncode != 0 and "timed out" in late.stderr and "Traceback" not in late.stderr


def test_cli_build_can_load_the_oxigraph_store(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run("build", SEEDS, "--out", out, "--store", "oxigraph")
    assert result.returncode == 0, result.stderr
    stamp = out / ".kg-oxigraph" / "stamp.json"
    assert json.loads(stamp.read_text("utf-8"))["size"] == (out / "graph.trig").stat().st_size
    loaded = stamp.stat().st_mtime_ns
    sparql = "SELECT (COUNT(*) AS ?n) WHERE { ?e a <https://schema.org/Person> }"
    answer = run("query", out, "-e", sparql, "--store", "oxigraph", "--format", "json")
    assert answer.returncode == 0, answer.stderr
    assert int(json.loads(answer.stdout)["results"]["bindings"][0]["n"]["value"]) > 0
    assert stamp.stat().st_mtime_ns == loaded  # the query used the store the build loaded


def test_ner_eval_splits_scores_by_names_seen_in_training(tmp_path: Path) -> None:
    gold = tmp_path / "gold.txt"
    gold.write_text(
        "قال O\nالرئيس O\nالمصري O\nحسني B-PERS\nمبارك I-PERS\nفي O\nالقاهرة B-LOC\n. O\n\n"
        "وزار O\nماتيو B-PERS\nشرودر I-PERS\nمدينة O\nلشبونة B-LOC\n. O\n",
        encoding="utf-8",
    )
    known = tmp_path / "known.txt"
    known.write_text("استقبل O\nحسني B-PERS\nمبارك I-PERS\nفي O\nالقاهرة B-LOC\n", encoding="utf-8")
    result = run("ner", "eval", gold, "--known", known)
    assert result.returncode == 0, result.stderr
    rows = {line.split()[0]: line.split() for line in result.stdout.splitlines()[1:]}
    assert int(rows["overall"][4]) == 4
    assert int(rows["seen"][4]) == 2 and int(rows["unseen"][4]) == 2
    # The shipped model knows the president and the capital from ANERcorp.
    assert float(rows["seen"][3]) == 100.0

    missing = run("ner", "eval", gold, "--known", tmp_path / "nope.txt")
    assert missing.returncode != 0
    assert "nope.txt" in missing.stderr and "Traceback" not in missing.stderr


def test_ner_train_names_a_missing_unlabelled_file_before_training(tmp_path: Path) -> None:
    corpus = tmp_path / "train.txt"
    corpus.write_text("قال O\nالرئيس O\nحسني B-PERS\nمبارك I-PERS\n", encoding="utf-8")
    out = tmp_path / "m.crfsuite"
    result = run(
        "ner", "train", "--train", corpus, "--out", out, "--unlabelled", tmp_path / "gigaword.txt"
    )
    assert result.returncode != 0
    assert "gigaword.txt" in result.stderr and "Traceback" not in result.stderr
    assert not out.exists()


@pytest.mark.parametrize(
    "args",
    [
        ("view", "GRAPH", "--top", "-1"),
        ("view", "GRAPH", "--top", "0"),
        ("build", "INPUT", "--out", "OUT", "--top", "-1"),
        ("build", "INPUT", "--out", "OUT", "--jobs", "0"),
        ("query", "GRAPH", "-e", "ASK {}", "--max-rows", "many"),
        ("serve", "GRAPH", "--timeout", "0"),
    ],
)
def test_cli_bad_numbers_are_usage_errors_before_any_work(
    args: tuple[str, ...], seed_build: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    named = {"GRAPH": str(seed_build), "INPUT": str(SEEDS), "OUT": str(out)}
    result = run(*(named.get(arg, arg) for arg in args))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "error: argument --" in result.stderr.splitlines()[-1]
    assert not out.exists()  # nothing started, nothing left behind


def test_cli_query_formats_are_the_query_modules() -> None:
    # The CLI lists them itself, so that `kg --help` need not import the SPARQL engine.
    import argparse

    from kg.cli import _parser
    from kg.query import FORMATS

    commands = next(a for a in _parser()._actions if isinstance(a, argparse._SubParsersAction))
    query = commands.choices["query"]
    fmt = next(a for a in query._actions if a.dest == "format")
    assert tuple(fmt.choices) == FORMATS


def test_cli_exit_runs_exit_handlers_flushes_output_and_keeps_the_code(seed_build: Path) -> None:
    # The console script ends with os._exit (no heap teardown): what atexit was given must
    # still run, and buffered output (a pipe, PYTHONUNBUFFERED unset) reach the reader, with
    # main's exit code.
    code = (
        "import atexit, sys\n"
        "from kg.cli import run\n"
        "atexit.register(lambda: print('handler ran', file=sys.stderr))\n"
        f"sys.argv = ['kg', 'query', {str(seed_build)!r}, '-e', sys.argv[1], '--format', 'csv']\n"
        "run()\n"
    )
    buffered = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}

    done = fresh_python(code, "SELECT ?person WHERE { ?person a schema:Person }", env=buffered)
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip() == "handler ran"
    rows = done.stdout.splitlines()
    assert rows[0] == "person" and len(rows) > 1
    assert all(row.startswith("http") for row in rows[1:])
    failed = fresh_python(code, "SELECT WHERE {", env=buffered)
    assert failed.returncode == 1
    assert failed.stderr.startswith("kg: error:")
    assert failed.stderr.rstrip().endswith("handler ran")
