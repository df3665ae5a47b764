from __future__ import annotations

import datetime as dt
import json
import os
import re
from pathlib import Path

import pytest

from kg.errors import ConfigError, InputError, OutputError
from kg.io import read_documents, read_sources
from kg.output import atomic_write_many

NEWS = "قال وزير الخارجية الأردني أيمن الصفدي في عمان إن المحادثات مستمرة."


def _jsonl(*records: object) -> bytes:
    return (
        "\n".join(
            r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in records
        ).encode()
        + b"\n"
    )


def test_io_reads_txt_jsonl_and_folders_recursively(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "one.txt").write_bytes("\ufeffوصل الوفد إلى القاهرة".encode())
    records = [
        {"id": "n1", "text": "التقى الوزير السفير", "date": "2023-06-21", "title": "لقاء"},
        {"id": 7, "text": "غادر الوفد"},
    ]
    (tmp_path / "feed.jsonl").write_text(
        "\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n\n", encoding="utf-8"
    )
    docs = list(read_documents([tmp_path]))
    assert [d.id for d in docs] == ["one", "n1", "7"]
    assert docs[0].text.startswith("وصل")  # BOM dropped
    assert docs[1].date == dt.date(2023, 6, 21)
    assert docs[1].title == "لقاء"


@pytest.mark.parametrize(
    ("name", "content", "problem"),
    [
        ("empty.txt", b"  \n", "empty"),
        ("empty.jsonl", b"", "no documents"),  # as much a mistake as an empty .txt
        ("blank.jsonl", b"\n  \n", "no documents"),
        ("binary.txt", b"\x89PNG\x00\x00\x01", "binary"),
        ("latin1.txt", "café au lait, s'il vous plaît".encode("latin-1"), "not valid UTF-8"),
        ("cp1256.txt", "مرحبا بكم في القاهرة".encode("cp1256"), "looks like Windows-1256"),
        ("english.txt", b"Hello, no Arabic here.", "no Arabic letters"),
        ("bad.jsonl", _jsonl({"id": "a", "text": NEWS}, "{not json}"), ":2: invalid JSON"),
        ("deep.jsonl", _jsonl("[" * 100_000), ":1: invalid JSON (nested too deeply)"),
        ("hugeint.jsonl", _jsonl('{"id": 1' + "0" * 5000 + ', "text": "نص"}'), ":1: invalid JSON"),
        ("noid.jsonl", _jsonl({"text": "نص"}), ":1: missing or invalid 'id'"),
        ("ctrlid.jsonl", _jsonl({"id": "a\nb", "text": "نص"}), "control characters"),
        ("notext.jsonl", _jsonl({"id": "a", "text": ""}), "missing or empty 'text'"),
        ("list.jsonl", _jsonl([1, 2]), "expected a JSON object"),
        ("nul.jsonl", _jsonl({"id": "a", "text": "نص\u0000"}), "NUL"),
        ("surrogate.jsonl", _jsonl('{"id": "a", "text": "نص \\ud800"}'), "lone surrogate"),
        ("baddate.jsonl", _jsonl({"id": "a", "text": "نص", "date": "21/6/2023"}), "ISO date"),
        ("dup.jsonl", _jsonl({"id": "a", "text": "نص"}, {"id": "a", "text": "نص"}), "duplicate"),
        ("doc.pdf", b"%PDF", "unsupported file type"),
    ],
)
def test_io_bad_input_names_file_and_problem(
    tmp_path: Path, name: str, content: bytes, problem: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputError, match=re.escape(problem)) as error:
        list(read_documents([path]))
    assert str(error.value).startswith(str(path))
    assert error.value.path == str(path)


def test_io_on_error_collects_every_problem_and_keeps_the_good_lines(tmp_path: Path) -> None:
    feed = tmp_path / "feed.jsonl"
    feed.write_bytes(
        _jsonl(
            {"id": "ok-1", "text": NEWS},
            "{broken",
            {"id": "ok-1", "text": "نص مكرر"},
            {"id": "../../etc/passwd", "text": "زار الوفد غزة"},
            {"id": "english", "text": "only English"},
        )
    )
    problems: list[InputError] = []
    found = list(read_sources([feed, tmp_path / "missing.txt"], on_error=problems.append))
    assert [(str(s), d.id) for s, d in found] == [
        (f"{feed}:1", "ok-1"),
        (f"{feed}:4", "../../etc/passwd"),
    ]
    assert [(p.line, p.doc_id) for p in problems] == [
        (2, None),
        (3, "ok-1"),
        (5, "english"),
        (None, None),
    ]
    assert "first on line 1" in problems[1].problem
    assert str(problems[3]) == f"{tmp_path / 'missing.txt'}: no such file or folder"


def test_io_decodes_utf16_with_bom_and_an_explicit_encoding(tmp_path: Path) -> None:
    (tmp_path / "u16.txt").write_bytes("وصل الرئيس إلى بيروت.".encode("utf-16"))
    (tmp_path / "u16.jsonl").write_bytes(
        _jsonl({"id": "x", "text": NEWS}).decode().encode("utf-16")
    )
    (tmp_path / "legacy.txt").write_bytes("وصل الوفد إلى القاهرة".encode("cp1256"))
    texts = {d.id: d.text for d in read_documents([tmp_path / "u16.txt", tmp_path / "u16.jsonl"])}
    assert texts == {"u16": "وصل الرئيس إلى بيروت.", "x": NEWS}
    [legacy] = read_documents([tmp_path / "legacy.txt"], encoding="cp1256")
    assert legacy.text == "وصل الوفد إلى القاهرة"
    with pytest.raises(ConfigError, match="unknown encoding"):
        list(read_documents([tmp_path / "legacy.txt"], encoding="klingon"))


def test_io_jsonl_keeps_line_separators_inside_strings(tmp_path: Path) -> None:
    # U+2028 and form feed are legal raw inside JSON strings: only \n ends a JSONL record.
    text = "قال الوزير\u2028إن الوفد\x0cوصل"
    feed = tmp_path / "feed.jsonl"
    feed.write_bytes(json.dumps({"id": "a", "text": text}, ensure_ascii=False).encode() + b"\n")
    [doc] = read_documents([feed])
    assert doc.text == text


def test_io_overlong_documents_are_refused_without_reading_them_whole(tmp_path: Path) -> None:
    line = json.dumps({"id": "long", "text": "نص " * 5000}, ensure_ascii=False)
    feed = tmp_path / "feed.jsonl"
    feed.write_bytes((line + "\n" + json.dumps({"id": "short", "text": NEWS}) + "\n").encode())
    problems: list[InputError] = []
    docs = list(read_documents([feed], on_error=problems.append, max_chars=1000))
    assert [d.id for d in docs] == ["short"]
    assert problems[0].line == 1 and "too long" in problems[0].problem
    (tmp_path / "big.txt").write_text("كلمة " * 5000, encoding="utf-8")
    with pytest.raises(InputError, match="too long"):
        list(read_documents([tmp_path / "big.txt"], max_chars=1000))


def test_io_missing_path_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        list(read_documents([tmp_path / "nope.txt"]))


def test_io_atomic_write_keeps_old_files_on_failure(tmp_path: Path) -> None:
    first, second = tmp_path / "graph.trig", tmp_path / "entities.csv"
    first.write_text("old", encoding="utf-8")

    with pytest.raises(TypeError):  # the second output fails after the first was staged
        atomic_write_many({first: "new", second: 42})  # type: ignore[dict-item]
    assert first.read_text(encoding="utf-8") == "old"
    assert not second.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["graph.trig"]  # no temp files left


def test_io_disk_full_is_an_output_error_and_leaves_old_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = tmp_path / "graph.trig", tmp_path / "entities.csv"
    first.write_text("old", encoding="utf-8")
    real_fsync = os.fsync
    calls: list[int] = []

    def full_disk(fd: int) -> None:
        calls.append(fd)
        if len(calls) == 2:  # the second staged file hits a full disk
            raise OSError(28, "No space left on device")
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", full_disk)
    with pytest.raises(OutputError, match=r"No space left on device.*left as they were"):
        atomic_write_many({first: "new", second: "rows"})
    assert first.read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["graph.trig"]


def test_io_outputs_get_ordinary_permissions(tmp_path: Path) -> None:
    target = tmp_path / "graph.trig"
    atomic_write_many({target: "x"})
    umask = os.umask(0o022)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask


def test_io_interrupted_multi_file_commit_is_rolled_forward(tmp_path: Path) -> None:
    import json as json_module

    from kg.output import JOURNAL_NAME, remove_stale_temporaries

    prefix = "kg-build."
    trig, csv_file = tmp_path / "graph.trig", tmp_path / "entities.csv"
    trig.write_text("old graph", encoding="utf-8")
    csv_file.write_text("old table", encoding="utf-8")
    temps = [tmp_path / f".{prefix}graph.trig.1.tmp", tmp_path / f".{prefix}entities.csv.2.tmp"]
    temps[0].write_text("new graph", encoding="utf-8")
    temps[1].write_text("new table", encoding="utf-8")
    journal = tmp_path / f".{prefix}{JOURNAL_NAME}"
    journal.write_text(
        json_module.dumps([[str(temps[0]), str(trig)], [str(temps[1]), str(csv_file)]]),
        encoding="utf-8",
    )
    temps[0].replace(trig)  # the writer was killed after its first rename
    remove_stale_temporaries(tmp_path, prefix)
    assert trig.read_text(encoding="utf-8") == "new graph"
    assert csv_file.read_text(encoding="utf-8") == "new table"  # not left half old, half new
    assert sorted(p.name for p in tmp_path.iterdir()) == ["entities.csv", "graph.trig"]
