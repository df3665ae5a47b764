"""Faults during `kg build`: kill -9, Ctrl-C, a second build, a full disk, an unusable folder.

After each, the previous outputs are byte-identical and parse, no temporary or lock file is
left behind (or, after kill -9, the next build sweeps them up), and errors are one clear line.
"""

from __future__ import annotations

import os
import resource
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from rdflib import Dataset

from kg.errors import BusyError
from kg.index import RESUME_FILE
from kg.lock import LOCK_FILE, folder_lock
from tests.hostile_data import write_corpus
from tests.test_cli import KG, run

OUTPUTS = (".kg-documents.jsonl", "entities.csv", "graph.html", "graph.trig")


@pytest.fixture(scope="module")
def previous(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A built graph folder: the 'previous output' every fault must leave intact."""
    root = tmp_path_factory.mktemp("faults")
    out = root / "previous"
    result = run("build", write_corpus(root / "small.jsonl", 3, prefix="old"), "--out", out)
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture(scope="module")
def slow_input(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Enough news for a build of several seconds, so a fault can land mid-way."""
    return write_corpus(tmp_path_factory.mktemp("slow") / "feed.jsonl", 60, seed=1)


def snapshot(folder: Path) -> dict[str, bytes]:
    """The folder's files, except the resume file a stopped build leaves for the next one (the
    query store's folder, derived from graph.trig, is not a file)."""
    return {
        p.name: p.read_bytes()
        for p in sorted(folder.iterdir())
        if p.is_file() and p.name != RESUME_FILE
    }


def assert_intact(folder: Path, before: dict[str, bytes]) -> None:
    assert snapshot(folder) == before
    Dataset().parse(folder / "graph.trig", format="trig")  # still valid RDF


def start_build(*args: str | Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [*KG, "build", *map(str, args)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )


def wait_for(condition: Callable[[], bool], process: subprocess.Popen[str], limit: float) -> None:
    deadline = time.monotonic() + limit
    while not condition():
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the build never reached the point to fault it"
        time.sleep(0.002)


@pytest.mark.parametrize("moment", ["extracting", "writing"])
def test_faults_kill_9_leaves_previous_outputs_intact(
    previous: Path, slow_input: Path, tmp_path: Path, moment: str
) -> None:
    out = tmp_path / "graph"
    shutil.copytree(previous, out)
    before = snapshot(out)
    build = start_build(slow_input, "--out", out)
    if moment == "extracting":
        wait_for((out / LOCK_FILE).exists, build, 60)
        time.sleep(0.5)
    else:  # the moment the new files are being staged next to the old ones
        wait_for(lambda: bool(list(out.glob(".kg-build.graph.trig.*.tmp"))), build, 120)
    build.send_signal(signal.SIGKILL)
    build.communicate()
    leftovers = [p for p in out.iterdir() if p.name not in (*OUTPUTS, RESUME_FILE)]
    assert {p.name for p in out.iterdir()} >= set(OUTPUTS)
    assert_intact(out, {**before, **{p.name: p.read_bytes() for p in leftovers}})
    # The OS released the lock: the next build runs, sweeps the leftovers and adds the news.
    again = run("build", write_corpus(tmp_path / "next.jsonl", 1, prefix="next"), "--out", out)
    assert again.returncode == 0, again.stderr
    assert sorted(p.name for p in out.iterdir()) == list(OUTPUTS)


def test_faults_ctrl_c_leaves_previous_outputs_intact(
    previous: Path, slow_input: Path, tmp_path: Path
) -> None:
    out = tmp_path / "graph"
    shutil.copytree(previous, out)
    before = snapshot(out)
    build = start_build(slow_input, "--out", out)
    wait_for((out / LOCK_FILE).exists, build, 60)
    time.sleep(0.3)
    build.send_signal(signal.SIGINT)
    _, stderr = build.communicate(timeout=60)
    assert build.returncode == 130
    assert stderr.strip() == "kg: interrupted; outputs were left as they were"
    assert_intact(out, before)  # and no lock or temporary file left


def test_faults_interrupted_build_resumes_where_it_stopped(
    previous: Path, slow_input: Path, tmp_path: Path
) -> None:
    out = tmp_path / "graph"
    shutil.copytree(previous, out)
    build = start_build(slow_input, "--out", out)
    resume = out / RESUME_FILE
    # Stopped once a few documents are extracted (each is one line after the header).
    wait_for(lambda: resume.exists() and resume.read_bytes().count(b"\n") > 4, build, 120)
    build.send_signal(signal.SIGKILL)
    build.communicate()
    done = resume.read_bytes().count(b"\n") - 1
    assert done >= 4
    again = run("build", slow_input, "--out", out)
    assert again.returncode == 0, again.stderr
    assert f"{done} extracted by an interrupted build, resumed" in again.stdout
    assert not resume.exists()  # committed: nothing left to resume
    fresh = tmp_path / "fresh"
    shutil.copytree(previous, fresh)
    assert run("build", slow_input, "--out", fresh).returncode == 0
    assert snapshot(out) == snapshot(fresh)


def test_faults_second_build_of_the_same_folder_is_refused(
    previous: Path, slow_input: Path, tmp_path: Path
) -> None:
    out = tmp_path / "graph"
    shutil.copytree(previous, out)
    first = start_build(slow_input, "--out", out)
    try:
        # The lock file is created, then locked, then given the holder's pid: wait for the pid.
        wait_for(lambda: _lock_holder(out) == str(first.pid), first, 60)
        first.send_signal(signal.SIGSTOP)  # frozen while it holds the lock: no race to finish
        second = run("build", write_corpus(tmp_path / "next.jsonl", 1, prefix="next"), "--out", out)
    finally:
        first.send_signal(signal.SIGKILL)
        first.communicate()
    assert second.returncode == 1
    [line] = second.stderr.strip().splitlines()
    assert line.startswith(f"kg: error: {out}: another kg build (process {first.pid})"), line


def _lock_holder(folder: Path) -> str:
    try:
        return (folder / LOCK_FILE).read_text().strip()
    except OSError:
        return ""


def test_faults_lock_is_exclusive_and_removed_afterwards(tmp_path: Path) -> None:
    out = tmp_path / "new"
    with folder_lock(out) as lock, pytest.raises(BusyError, match=str(out)):
        assert lock.read_text() == f"{os.getpid()}\n"
        with folder_lock(out):
            pass  # pragma: no cover - never reached
    assert not out.exists()  # created for the lock, left empty: removed again
    out.mkdir()
    (out / "keep.txt").write_text("x")
    with folder_lock(out):
        pass
    assert sorted(p.name for p in out.iterdir()) == ["keep.txt"]


def _limit_file_size() -> None:
    # Writes past 64 KB fail with EFBIG, as on a nearly full disk (Python ignores SIGXFSZ).
    resource.setrlimit(resource.RLIMIT_FSIZE, (64_000, 64_000))


def test_faults_disk_full_is_a_clear_error_with_nothing_half_written(
    previous: Path, tmp_path: Path
) -> None:
    out = tmp_path / "graph"
    shutil.copytree(previous, out)
    before = snapshot(out)
    feed = write_corpus(tmp_path / "feed.jsonl", 2, prefix="new")
    result = subprocess.run(
        [*KG, "build", str(feed), "--out", str(out)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        preexec_fn=_limit_file_size,
        timeout=300,
    )
    assert result.returncode == 1
    [line] = result.stderr.strip().splitlines()
    assert line.startswith(f"kg: error: {out}/") and "File too large" in line, line
    assert line.endswith("the previous outputs were left as they were")
    assert_intact(out, before)


def test_faults_unusable_output_folder_is_a_clear_error(tmp_path: Path) -> None:
    feed = write_corpus(tmp_path / "feed.jsonl", 1)
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    for out, phrase in ((blocker, "--out must be a folder"), (blocker / "x", "Not a directory")):
        result = run("build", feed, "--out", out)
        assert result.returncode == 1
        [line] = result.stderr.strip().splitlines()
        assert line.startswith(f"kg: error: {out}") and phrase in line, line


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores folder permissions")
def test_faults_read_only_output_folder_is_a_clear_error(previous: Path, tmp_path: Path) -> None:
    out = tmp_path / "graph"
    shutil.copytree(previous, out)
    before = snapshot(out)
    out.chmod(0o555)
    try:
        result = run("build", write_corpus(tmp_path / "feed.jsonl", 1), "--out", out)
    finally:
        out.chmod(0o755)
    assert result.returncode == 1 and "not writable" in result.stderr
    assert_intact(out, before)


def test_faults_python_is_the_interpreter_under_test() -> None:
    assert KG[0] == sys.executable
