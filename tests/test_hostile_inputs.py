"""`kg build` over a folder of hostile inputs: every bad one reported, the good ones built.

Also: ids that are unsafe in IRIs or paths, documents with bidi controls, and --encoding.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from rdflib import Dataset, URIRef

from kg.io import Source, read_documents
from kg.model import EntityType
from kg.pipeline import build
from kg.stored import read_annotated_documents
from kg.vocab import DEFAULT_BASE, Iris
from tests.conftest import LexiconExtractor
from tests.hostile_data import FEED_GOOD_IDS, FEED_PROBLEMS, GOOD_TEXT, bad_inputs
from tests.test_cli import run

# Characters RFC 3987 never allows unescaped in an IRI.
IRI_FORBIDDEN = re.compile(r'[\x00-\x20<>"{}|\\^`\x7f-\x9f]')


@pytest.fixture(scope="module")
def hostile_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("hostile") / "inputs"
    folder.mkdir()
    for name, (content, _) in bad_inputs().items():
        (folder / name).write_bytes(content)
    (folder / "good.txt").write_text(GOOD_TEXT, encoding="utf-8")
    (folder / "sub").mkdir()
    (folder / "sub" / "good.txt").write_text("وصل الوفد إلى بيروت.", encoding="utf-8")  # same id
    return folder


@pytest.fixture(scope="module")
def hostile_build(hostile_folder: Path) -> tuple[Path, Path, str]:
    out = hostile_folder.parent / "out"
    report = hostile_folder.parent / "report.json"
    result = run("build", hostile_folder, "--out", out, "--report", report)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    return out, report, result.stderr


def test_hostile_build_lists_every_bad_input_once(
    hostile_folder: Path, hostile_build: tuple[Path, Path, str]
) -> None:
    _, _, stderr = hostile_build
    lines = stderr.strip().splitlines()
    assert lines[-1].startswith("kg: error: ") and "bad inputs, listed above" in lines[-1]
    problems = lines[:-1]
    for name, (_, phrase) in bad_inputs().items():
        if name == "feed.jsonl":
            continue
        [line] = [p for p in problems if p.startswith(f"{hostile_folder / name}: ")]
        assert phrase in line, line
    feed = hostile_folder / "feed.jsonl"
    for number, phrase in FEED_PROBLEMS.items():
        [line] = [p for p in problems if p.startswith(f"{feed}:{number}: ")]
        assert phrase in line, line
    dup = [p for p in problems if p.startswith(f"{hostile_folder / 'sub' / 'good.txt'}: ")]
    assert len(dup) == 1 and f"first in {hostile_folder / 'good.txt'}" in dup[0]
    expected = len(bad_inputs()) - 1 + len(FEED_PROBLEMS) + 1
    assert len(problems) == expected


def test_hostile_report_is_machine_readable_and_complete(
    hostile_build: tuple[Path, Path, str],
) -> None:
    _, report_path, stderr = hostile_build
    report = json.loads(report_path.read_text(encoding="utf-8"))
    assert report["status"] == "bad-input" and report["outputs_written"] is True
    assert report["documents_built"] == 1 + len(FEED_GOOD_IDS)
    assert report["bad_inputs"] == len(report["problems"]) == len(stderr.splitlines()) - 1
    lines = {(p["file"].rsplit("/", 1)[-1], p["line"]) for p in report["problems"]}
    assert ("feed.jsonl", 6) in lines and ("cp1256.txt", None) in lines
    dup = next(p for p in report["problems"] if p["line"] == 6)
    assert dup["id"] == "ok-1" and dup["problem"].startswith("duplicate document id")


def test_hostile_good_documents_are_built_with_safe_iris(
    hostile_build: tuple[Path, Path, str],
) -> None:
    out, _, _ = hostile_build
    dataset = Dataset()
    dataset.parse(out / "graph.trig", format="trig")
    iris = Iris()
    ids = {a.doc.id for a in read_annotated_documents(dataset, iris)}
    assert ids == {"good", *FEED_GOOD_IDS}
    for doc_id in ids:
        assert dataset.graph(iris.document(doc_id)), doc_id
    names = {str(g.identifier) for g in dataset.graphs()}
    for term in {t for quad in dataset.quads() for t in quad[:3]} | {URIRef(n) for n in names}:
        if isinstance(term, URIRef) and str(term).startswith(DEFAULT_BASE):
            _assert_inside_base(str(term))


@pytest.mark.parametrize(
    "key", ["..", ".", "../../x", "a b/c", "مسافة وعربي", "?q=1#f", "%2e%2e", "\u202eغزة"]
)
def test_hostile_iris_are_valid_and_stay_in_the_base(key: str) -> None:
    iris = Iris()
    for iri in (iris.document(key), iris.entity(key), iris.role(key), iris.span(key, 0, 3)):
        _assert_inside_base(str(iri))


def _assert_inside_base(iri: str) -> None:
    assert not IRI_FORBIDDEN.search(iri), iri
    parts, base = urlsplit(iri), urlsplit(DEFAULT_BASE)
    assert (parts.scheme, parts.netloc) == (base.scheme, base.netloc), iri
    # Nothing for dot-segment removal (browsers, IRI resolvers) to climb out of its folder with.
    segments = parts.path.split("/")
    assert "." not in segments and ".." not in segments, iri
    assert parts.path.startswith(
        ("/doc/", "/entity/", "/role/", "/link/", "/graph/", "/ontology")
    ), iri
    if parts.path.startswith("/doc/"):
        assert len(segments) == 3, iri  # one segment per document id, however hostile


def test_hostile_skip_bad_exits_zero_and_strict_stops_at_the_first(
    hostile_folder: Path, tmp_path: Path
) -> None:
    skipped = run("build", hostile_folder, "--out", tmp_path / "a", "--skip-bad")
    assert skipped.returncode == 0, skipped.stderr
    assert skipped.stderr.strip().splitlines()[-1].startswith("kg: warning: ")
    assert (tmp_path / "a" / "graph.trig").is_file()
    strict = run("build", hostile_folder, "--out", tmp_path / "b", "--strict")
    assert strict.returncode == 1
    [line] = strict.stderr.strip().splitlines()
    first = hostile_folder / "bad-utf16.txt"  # folders are read in sorted order
    assert line == (
        f"kg: error: {first}: starts with a UTF-16 byte-order mark but is not valid utf-16"
    )
    assert not (tmp_path / "b").exists()


def test_hostile_all_bad_writes_nothing_even_with_skip_bad(
    hostile_folder: Path, tmp_path: Path
) -> None:
    only_bad = tmp_path / "bad"
    only_bad.mkdir()
    for name in ("empty.txt", "binary.txt", "english.txt"):
        shutil.copy(hostile_folder / name, only_bad / name)
    result = run("build", only_bad, "--out", tmp_path / "out", "--skip-bad")
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1].endswith("(nothing written)")
    assert not (tmp_path / "out").exists()


def test_hostile_encoding_option_decodes_windows_1256(tmp_path: Path) -> None:
    legacy = tmp_path / "legacy.txt"
    legacy.write_bytes("استقبل أيمن الصفدي في عمان وفدا من الأمم المتحدة.".encode("cp1256"))
    refused = run("build", legacy, "--out", tmp_path / "a")
    assert refused.returncode == 1 and "pass --encoding cp1256" in refused.stderr
    built = run("build", legacy, "--out", tmp_path / "b", "--encoding", "cp1256")
    assert built.returncode == 0, built.stderr
    assert "الصفدي" in (tmp_path / "b" / "entities.csv").read_text(encoding="utf-8")
    unknown = run("build", legacy, "--out", tmp_path / "c", "--encoding", "klingon")
    assert unknown.returncode == 1 and "unknown encoding 'klingon'" in unknown.stderr


def test_hostile_bidi_controls_keep_offsets_inside_the_text(tmp_path: Path) -> None:
    text = "\u202bاستقبل \u2067أيمن الصفدي\u2069 في \u200fعمان\u202c وفدا من الأمم المتحدة."
    feed = tmp_path / "bidi.jsonl"
    feed.write_text(json.dumps({"id": "bidi", "text": text}) + "\n", encoding="utf-8")
    extractor = LexiconExtractor({"أيمن الصفدي": EntityType.PERSON, "عمان": EntityType.PLACE})
    kg = build(read_documents([feed]), extractors=[extractor])
    [annotated] = read_annotated_documents(kg.dataset, kg.iris)
    assert annotated.doc.text == text
    for sentence in annotated.sentences:
        assert 0 <= sentence.start < sentence.end <= len(text)
    for mention in annotated.mentions:
        assert text[mention.start : mention.end] == mention.text
    assert {m.text for m in annotated.mentions} >= {"أيمن الصفدي", "عمان"}


def test_hostile_source_prints_file_and_line() -> None:
    assert str(Source("a/b.jsonl", 3)) == "a/b.jsonl:3"
    assert str(Source("a/b.txt")) == "a/b.txt"
