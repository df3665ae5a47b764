"""Hostile input, faults and attacks against `kg`: runs them all and prints the README table.

    python benchmarks/reliability.py                 # everything (about 2 minutes on 2 cores)
    python benchmarks/reliability.py --fuzz 200      # fewer hypothesis examples per property
    python benchmarks/reliability.py --skip-browser  # no headless Chromium

Every check runs the real command line (``python -m kg.cli``) in a subprocess on generated
inputs (tests/hostile_data.py: synthetic Arabic news, one file per kind of bad input), and
reports what happened next to what should happen. Exit status 1 if any check failed.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.hostile_data import (  # noqa: E402
    FEED_GOOD_IDS,
    FEED_PROBLEMS,
    GOOD_TEXT,
    bad_inputs,
    write_corpus,
)

KG = [sys.executable, "-m", "kg.cli"]
OUTPUTS = (".kg-documents.jsonl", "entities.csv", "graph.html", "graph.trig")
RESUME = ".kg-resume.jsonl"  # what a stopped build leaves for the next one to resume from
Row = tuple[str, str, str, bool]


def kg(*args: str | Path, **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # type: ignore[call-overload, no-any-return]
        [*KG, *map(str, args)], capture_output=True, text=True, encoding="utf-8", cwd=ROOT, **kwargs
    )


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.name in OUTPUTS}


def parses(folder: Path) -> bool:
    from rdflib import Dataset

    try:
        Dataset().parse(folder / "graph.trig", format="trig")
    except Exception:
        return False
    return True


def last_line(text: str) -> str:
    lines = text.strip().splitlines()
    return lines[-1] if lines else "(nothing)"


def short(text: str, limit: int = 110) -> str:
    text = " ".join(text.split()).replace("|", "\\|")
    return text if len(text) <= limit else text[: limit - 1] + "…"


# ---------------------------------------------------------------------------------------- inputs


def input_rows(work: Path) -> list[Row]:
    rows: list[Row] = []
    folder = work / "inputs"
    folder.mkdir()
    for name, (content, _) in bad_inputs().items():
        (folder / name).write_bytes(content)
    (folder / "good.txt").write_text(GOOD_TEXT, encoding="utf-8")
    (folder / "utf16.txt").write_bytes("وصل الرئيس محمود عباس إلى بيروت.".encode("utf-16"))
    report_path = work / "report.json"
    result = kg("build", folder, "--out", work / "out", "--report", report_path)
    report = json.loads(report_path.read_text(encoding="utf-8"))
    problems = {(Path(p["file"]).name, p["line"]): p["problem"] for p in report["problems"]}
    for name, (_, phrase) in bad_inputs().items():
        if name == "feed.jsonl":
            continue
        got = problems.get((name, None), "(not reported)")
        rows.append(("input", f"`{name}`", f"reported: {short(got, 90)}", phrase in got))
    for line, phrase in FEED_PROBLEMS.items():
        got = problems.get(("feed.jsonl", line), "(not reported)")
        rows.append(
            (
                "input",
                f"JSONL line: {phrase}",
                f"`feed.jsonl:{line}`: {short(got, 80)}",
                phrase in got,
            )
        )
    built = report["documents_built"]
    rows.append(
        (
            "input",
            "ids `../../x`, `مسافة وعربي`, bidi controls (RLE, RLI/PDI, RLM) in text",
            f"built ({', '.join(FEED_GOOD_IDS)}); IRIs percent-encoded",
            built == 2 + len(FEED_GOOD_IDS),
        )
    )
    rows.append(
        (
            "input",
            "UTF-16 file with BOM",
            "decoded and built (BOM is unambiguous)",
            ("utf16.txt", None) not in problems,
        )
    )
    rows.append(
        (
            "input",
            f"folder of {len(bad_inputs()) + 2} files, {len(problems)} bad inputs",
            f"exit {result.returncode}; one `FILE[:LINE]: problem` line each, then "
            f"`{short(last_line(result.stderr), 60)}`; report JSON lists {report['bad_inputs']}",
            result.returncode == 1
            and report["bad_inputs"] == len(problems)
            and len(result.stderr.strip().splitlines()) == len(problems) + 1,
        )
    )
    skip = kg("build", folder, "--out", work / "out2", "--skip-bad")
    rows.append(
        (
            "input",
            "same folder, `--skip-bad`",
            f"exit {skip.returncode}, warning summary",
            skip.returncode == 0 and "kg: warning:" in skip.stderr,
        )
    )
    strict = kg("build", folder, "--out", work / "out3", "--strict")
    rows.append(
        (
            "input",
            "same folder, `--strict`",
            f"exit {strict.returncode}, nothing written: `{short(strict.stderr, 70)}`",
            strict.returncode == 1 and not (work / "out3").exists(),
        )
    )
    legacy = work / "legacy.txt"
    legacy.write_bytes("استقبل أيمن الصفدي في عمان وفدا من الأمم المتحدة.".encode("cp1256"))
    enc = kg("build", legacy, "--out", work / "out4", "--encoding", "cp1256")
    rows.append(
        (
            "input",
            "Windows-1256 file with `--encoding cp1256`",
            f"exit {enc.returncode}, built",
            enc.returncode == 0,
        )
    )
    rows.extend(big_input_rows(work))
    return rows


def big_input_rows(work: Path) -> list[Row]:
    rows: list[Row] = []
    big = work / "big.txt"
    with big.open("wb") as stream:  # 120 MB of Arabic
        chunk = ("وقال الوزير إن المحادثات مستمرة. " * 2000).encode()
        while stream.tell() < 120_000_000:
            stream.write(chunk)
    start = time.perf_counter()
    result = kg("build", big, "--out", work / "big-out")
    took = time.perf_counter() - start
    rows.append(
        (
            "input",
            "120 MB `.txt` (one document)",
            f"refused in {took:.1f} s without reading it: {short(result.stderr, 80)}",
            result.returncode == 1 and "too long" in result.stderr,
        )
    )
    feed = work / "huge-line.jsonl"
    with feed.open("wb") as stream:
        stream.write(json.dumps({"id": "ok", "text": GOOD_TEXT}, ensure_ascii=False).encode())
        stream.write(b'\n{"id": "huge", "text": "')
        while stream.tell() < 110_000_000:
            stream.write(chunk)
        stream.write(b'"}\n')
        stream.write(json.dumps({"id": "ok2", "text": GOOD_TEXT}).encode() + b"\n")
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    result = kg("build", feed, "--out", work / "huge-out")
    took = time.perf_counter() - start
    peak = max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024
    rows.append(
        (
            "input",
            "110 MB JSONL: one 110 MB line between two good ones",
            f"line 2 refused (too long), lines 1 and 3 built; {took:.1f} s, peak RSS {peak:.0f} MB",
            result.returncode == 1
            and ":2: too long" in result.stderr
            and (work / "huge-out" / "graph.trig").exists(),
        )
    )
    big.unlink()
    feed.unlink()
    return rows


# ---------------------------------------------------------------------------------------- faults


def _wait(condition: Callable[[], bool], process: subprocess.Popen[str], limit: float) -> bool:
    deadline = time.monotonic() + limit
    while not condition():
        if process.poll() is not None or time.monotonic() > deadline:
            return False
        time.sleep(0.002)
    return True


def fault_rows(work: Path) -> list[Row]:
    rows: list[Row] = []
    previous = work / "previous"
    assert (
        kg("build", write_corpus(work / "old.jsonl", 3, prefix="old"), "--out", previous).returncode
        == 0
    )
    # Big enough that the build is still extracting at the last kill (checked below).
    slow = write_corpus(work / "slow.jsonl", 600, seed=1)  # several seconds to build
    lock = ".kg-build.lock"

    def fresh_copy(name: str) -> tuple[Path, dict[str, bytes]]:
        out = work / name
        shutil.copytree(previous, out)
        return out, snapshot(out)

    for moment, delays in (("extracting", (0.3, 1.5, 3.0)), ("writing", (None,))):
        for delay in delays:
            out, before = fresh_copy(f"kill-{moment}-{delay}")
            build = subprocess.Popen(
                [*KG, "build", str(slow), "--out", str(out)],
                cwd=ROOT,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            if delay is None:
                # atomic_write_many's temporary of graph.trig: the outputs are being staged.
                staged = ".kg-build.graph.trig.*.tmp"
                reached = _wait(lambda o=out, g=staged: bool(list(o.glob(g))), build, 300)  # type: ignore[misc]
            else:
                reached = _wait((out / lock).exists, build, 60)
                time.sleep(delay)
            # A build that already finished cannot test a kill: count that as not reached.
            reached = reached and build.poll() is None
            build.send_signal(signal.SIGKILL)
            build.wait()
            intact = snapshot(out) == before and parses(out)
            again = kg("build", write_corpus(work / "one.jsonl", 1, prefix="next"), "--out", out)
            clean = sorted(p.name for p in out.iterdir()) == list(OUTPUTS)
            when = "while staging the new files" if delay is None else f"{delay} s into extraction"
            rows.append(
                (
                    "fault",
                    f"`kill -9` {when}",
                    f"previous outputs byte-identical and parse: {intact}; next build exit "
                    f"{again.returncode}, leftovers swept: {clean}",
                    reached and intact and again.returncode == 0 and clean,
                )
            )
    out, before = fresh_copy("sigint")
    build = subprocess.Popen(
        [*KG, "build", str(slow), "--out", str(out)],
        cwd=ROOT,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    _wait((out / lock).exists, build, 60)
    time.sleep(0.5)
    build.send_signal(signal.SIGINT)
    _, stderr = build.communicate()
    left = sorted(p.name for p in out.iterdir())
    ok = build.returncode == 130 and snapshot(out) == before and left == sorted([*OUTPUTS, RESUME])
    rows.append(
        (
            "fault",
            "Ctrl-C (SIGINT) mid-build",
            f"exit {build.returncode}, `{short(stderr, 60)}`; outputs intact, no lock or temp "
            f"left, {RESUME} kept",
            ok,
        )
    )
    # The same build again takes what the interrupted one extracted, and ends where a clean
    # build of the same input ends.
    resumed = kg("build", str(slow), "--out", str(out))
    clean, _ = fresh_copy("sigint-clean")
    reference = kg("build", str(slow), "--out", str(clean))
    count = next((line for line in resumed.stdout.splitlines() if "resumed" in line), "")
    rows.append(
        (
            "fault",
            "the interrupted build run again",
            f"exit {resumed.returncode}: `{count.strip('()')}`; outputs identical to an "
            f"uninterrupted build: {snapshot(out) == snapshot(clean)}",
            resumed.returncode == 0
            and reference.returncode == 0
            and bool(count)
            and snapshot(out) == snapshot(clean)
            and not (out / RESUME).exists(),
        )
    )
    out, before = fresh_copy("concurrent")
    first = subprocess.Popen(
        [*KG, "build", str(slow), "--out", str(out)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    _wait((out / lock).exists, first, 60)
    first.send_signal(signal.SIGSTOP)  # frozen while it holds the lock: no race to finish
    second = kg("build", work / "one.jsonl", "--out", out)
    first.send_signal(signal.SIGKILL)
    first.wait()
    rows.append(
        (
            "fault",
            "second `kg build` into a folder being built",
            f"exit {second.returncode}: `{short(second.stderr, 90)}`",
            second.returncode == 1 and "another kg build" in second.stderr,
        )
    )
    out, before = fresh_copy("disk-full")
    full = kg(
        "build",
        work / "one.jsonl",
        "--out",
        out,
        preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (64_000, 64_000)),
    )
    rows.append(
        (
            "fault",
            "disk full while writing (RLIMIT_FSIZE 64 KB: writes fail with EFBIG)",
            f"exit {full.returncode}: `{short(full.stderr, 80)}`; old files intact",
            full.returncode == 1
            and snapshot(out) == before
            and sorted(p.name for p in out.iterdir()) == sorted(OUTPUTS),
        )
    )
    blocker = work / "a-file"
    blocker.write_text("x")
    bad = kg("build", work / "one.jsonl", "--out", blocker / "sub")
    rows.append(
        (
            "fault",
            "output folder cannot be created (a parent is a file)",
            f"exit {bad.returncode}: `{short(bad.stderr, 80)}`",
            bad.returncode == 1 and "Traceback" not in bad.stderr,
        )
    )
    if os.geteuid() != 0:
        out, before = fresh_copy("read-only")
        out.chmod(0o555)
        ro = kg("build", work / "one.jsonl", "--out", out)
        out.chmod(0o755)
        rows.append(
            (
                "fault",
                "read-only output folder",
                f"exit {ro.returncode}: `{short(ro.stderr, 80)}`",
                ro.returncode == 1 and snapshot(out) == before,
            )
        )
    return rows


# --------------------------------------------------------------------------------------- attacks


def attack_rows(work: Path, browser: bool) -> list[Row]:
    rows: list[Row] = []
    graph = work / "previous"
    for update in (
        "INSERT DATA { <urn:a> <urn:b> <urn:c> }",
        "LOAD <file:///etc/passwd>",
        "CLEAR ALL",
        "DROP GRAPH <urn:x>",
    ):
        before = (graph / "graph.trig").read_bytes()
        result = kg("query", graph, "-e", update)
        rows.append(
            (
                "attack",
                f"`kg query -e '{update}'`",
                f"exit {result.returncode}: `{short(result.stderr, 70)}`",
                result.returncode != 0
                and "read-only" in result.stderr
                and (graph / "graph.trig").read_bytes() == before,
            )
        )
    rows.append(service_row(graph))
    rows.append(from_row(graph))
    from kg.vocab import Iris

    iris = Iris()
    hostile = ("..", "../../x", "a b", "مسافة وعربي", "?q#f")
    minted = [str(iris.document(k)) for k in hostile] + [str(iris.entity(k)) for k in hostile]
    safe = all(
        " " not in i and "/../" not in i + "/" and not i.endswith(("/.", "/..")) for i in minted
    )
    rows.append(
        (
            "attack",
            "ids/names `..`, `../../x`, spaces, Arabic, `?q#f` minted as IRIs",
            f"e.g. `{iris.document('..')}`, `{iris.document('../../x')}`",
            safe,
        )
    )
    from kg.errors import ConfigError
    from kg.serve import check_host

    try:
        check_host("0.0.0.0", public=False)
        refused = False
    except ConfigError:
        refused = True
    rows.append(
        (
            "attack",
            "`kg serve --host 0.0.0.0` without `--public`",
            "refused (binds 127.0.0.1 by default)",
            refused,
        )
    )
    if browser:
        result = run_pytest("tests/test_hostile_browser.py")
        skipped = "skipped" in result.stdout and "passed" not in result.stdout
        rows.append(
            (
                "attack",
                "names, sentences, ids with `</script>`, `<img onerror>`, "
                "`javascript:` links, `<svg onload>` → graph.html in headless Chromium",
                "skipped (no chromium)"
                if skipped
                else "no dialog, console message, request or injected element; tooltips show "
                "the markup as text",
                result.returncode == 0,
            )
        )
    return rows


def service_row(graph: Path) -> Row:
    """Does a SERVICE clause make kg query contact another endpoint? (a local socket stands in)"""
    return _remote_row(
        graph,
        "SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        "`kg query` with `SERVICE <http://…/sparql>` (federation)",
    )


def from_row(graph: Path) -> Row:
    """Does a FROM clause naming a web graph make kg query download it? (rdflib alone would)"""
    return _remote_row(
        graph,
        "SELECT * FROM <{url}> WHERE {{ ?s ?p ?o }}",
        "`kg query --store memory` with `FROM <http://…/graph>` (a graph to download)",
        "--store",
        "memory",
    )


def _remote_row(graph: Path, template: str, what: str, *options: str) -> Row:
    """Run a query that names a URL on a local socket; was the socket contacted?"""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    listener.settimeout(15)
    port = listener.getsockname()[1]
    contacted: list[bool] = []

    def accept() -> None:
        try:
            conn, _ = listener.accept()
            contacted.append(True)
            conn.close()
        except OSError:
            pass

    thread = threading.Thread(target=accept)
    thread.start()
    sparql = template.format(url=f"http://127.0.0.1:{port}/sparql")
    result = kg("query", graph, "-e", sparql, *options, timeout=60)
    listener.close()
    thread.join()
    return (
        "attack",
        what,
        f"remote endpoint contacted: {bool(contacted)}; exit {result.returncode}",
        not contacted,
    )


# ------------------------------------------------------------------------------------------ fuzz


def run_pytest(test_file: str, **environment: str) -> subprocess.CompletedProcess[str]:
    """Run one of the project's test files quietly (no cache written into the repo)."""
    quiet = ["-q", "-p", "no:warnings", "-p", "no:cacheprovider"]
    return subprocess.run(
        [sys.executable, "-m", "pytest", *quiet, test_file],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, **environment},
    )


def fuzz_rows(examples: int) -> list[Row]:
    result = run_pytest("tests/test_fuzz_inputs.py", KG_FUZZ_EXAMPLES=str(examples))
    return [
        (
            "fuzz",
            f"hypothesis, {examples} examples per property: normalise idempotent; "
            "sentence/token/date offsets inside the text; JSONL reader; SPARQL front-end",
            short(last_line(result.stdout), 60),
            result.returncode == 0,
        )
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fuzz", type=int, default=1000, help="hypothesis examples per property")
    parser.add_argument("--skip-browser", action="store_true")
    args = parser.parse_args()
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="kg-reliability-") as tmp:
        work = Path(tmp)
        for section in (
            lambda: input_rows(work),
            lambda: fault_rows(work),
            lambda: attack_rows(work, not args.skip_browser),
            lambda: fuzz_rows(args.fuzz),
        ):
            rows.extend(section())
    print("| kind | what was tried | what happened | ok |")
    print("|---|---|---|---|")
    for kind, tried, happened, ok in rows:
        print(f"| {kind} | {tried} | {happened} | {'yes' if ok else '**NO**'} |")
    failed = sum(1 for row in rows if not row[3])
    print(f"\n{len(rows) - failed} of {len(rows)} checks as expected.")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
