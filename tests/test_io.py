from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from kg.errors import InputError
from kg.io import atomic_write_many, read_documents


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
        ("binary.txt", b"\x89PNG\x00\x00\x01", "binary"),
        ("latin1.txt", "café مرحبا".encode("cp1256"), "not valid UTF-8"),
        ("bad.jsonl", b'{"id": "a", "text": "x"}\n{not json}\n', "line 2: invalid JSON"),
        ("noid.jsonl", '{"text": "نص"}\n'.encode(), "line 1: missing or invalid 'id'"),
        ("notext.jsonl", b'{"id": "a", "text": ""}\n', "missing or empty 'text'"),
        ("baddate.jsonl", '{"id": "a", "text": "نص", "date": "21/6/2023"}'.encode(), "ISO date"),
        ("dup.jsonl", '{"id": "a", "text": "نص"}\n{"id": "a", "text": "نص"}'.encode(), "duplicate"),
        ("doc.pdf", b"%PDF", "unsupported file type"),
    ],
)
def test_io_bad_input_names_file_and_problem(
    tmp_path: Path, name: str, content: bytes, problem: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputError, match=problem) as error:
        list(read_documents([path]))
    assert str(path) in str(error.value)


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
