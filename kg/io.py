"""Reading documents (.txt, .jsonl, folders) and writing outputs atomically."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from kg.errors import InputError
from kg.model import Document

SUPPORTED_SUFFIXES = (".txt", ".jsonl")


def read_documents(paths: Iterable[str | os.PathLike[str]]) -> Iterator[Document]:
    """Yield the documents in ``paths`` (files or folders, searched recursively).

    Folders contribute their ``.txt`` and ``.jsonl`` files in sorted order; a file given
    explicitly must have one of those suffixes. Any unreadable input raises
    :class:`~kg.errors.InputError` naming the file.
    """
    for raw_path in paths:
        path = Path(raw_path)
        if not path.exists():
            raise InputError(f"{path}: no such file or folder")
        if path.is_dir():
            files = sorted(
                p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES
            )
            if not files:
                raise InputError(f"{path}: folder holds no .txt or .jsonl files")
            for file in files:
                yield from read_file(file)
        else:
            yield from read_file(path)


def read_file(path: Path) -> Iterator[Document]:
    """Yield the documents of one ``.txt`` (one document) or ``.jsonl`` (one per line) file."""
    suffix = path.suffix.lower()
    if suffix == ".txt":
        yield Document(id=path.stem, text=_read_text(path))
    elif suffix == ".jsonl":
        yield from _read_jsonl(path)
    else:
        raise InputError(
            f"{path}: unsupported file type {suffix or '(none)'!r}; expected .txt or .jsonl"
        )


def _read_text(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as error:
        raise InputError(f"{path}: cannot read ({error.strerror})") from error
    if b"\x00" in data:
        raise InputError(f"{path}: looks like a binary file, expected UTF-8 text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InputError(
            f"{path}: not valid UTF-8 (byte {error.start}); re-save the file as UTF-8"
        ) from error
    if not text.strip():
        raise InputError(f"{path}: file is empty")
    return text


def _read_jsonl(path: Path) -> Iterator[Document]:
    text = _read_text(path)
    seen: set[str] = set()
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{path}: line {number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            raise InputError(f"{where}: invalid JSON ({error.msg})") from error
        doc = document_from_record(record, where)
        if doc.id in seen:
            raise InputError(f"{where}: duplicate document id {doc.id!r}")
        seen.add(doc.id)
        yield doc


def document_from_record(record: object, where: str) -> Document:
    """Validate one JSONL record: ``id``, ``text`` and optional ``date``/``title``/``url``."""
    if not isinstance(record, dict):
        raise InputError(f"{where}: expected a JSON object with 'id' and 'text'")
    doc_id, text = record.get("id"), record.get("text")
    if not isinstance(doc_id, str | int) or isinstance(doc_id, bool) or str(doc_id).strip() == "":
        raise InputError(f"{where}: missing or invalid 'id' (a non-empty string)")
    if not isinstance(text, str) or not text.strip():
        raise InputError(f"{where}: missing or empty 'text'")
    optional: dict[str, str | None] = {}
    for key in ("title", "url", "source", "date"):
        value = record.get(key)
        if value is not None and not isinstance(value, str):
            raise InputError(f"{where}: {key!r} must be a string")
        optional[key] = value
    date = None
    if optional["date"]:
        try:
            date = dt.date.fromisoformat(optional["date"][:10])
        except ValueError as error:
            raise InputError(
                f"{where}: 'date' {optional['date']!r} is not an ISO date (YYYY-MM-DD)"
            ) from error
    return Document(
        id=str(doc_id),
        text=text,
        date=date,
        title=optional["title"],
        url=optional["url"],
        source=optional["source"],
    )


def atomic_write_text(path: str | os.PathLike[str], text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` via a temporary file and rename.

    Readers see either the old file or the complete new one, never a half-written file.
    """
    atomic_write_many({Path(path): text})


def atomic_write_many(outputs: dict[Path, str]) -> None:
    """Write several files so that a failure before the end leaves every old file untouched.

    All contents are written to temporary files in the target folders first; only when every one
    succeeded are they renamed into place.
    """
    staged: list[tuple[Path, Path]] = []
    try:
        for target, text in outputs.items():
            target.parent.mkdir(parents=True, exist_ok=True)
            handle, temp_name = tempfile.mkstemp(
                dir=target.parent, prefix=f".{target.name}.", suffix=".tmp"
            )
            staged.append((Path(temp_name), target))
            with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
                stream.write(text)
                stream.flush()
                os.fsync(stream.fileno())
        for temp, target in staged:
            os.replace(temp, target)
    finally:
        for temp, _ in staged:
            with contextlib.suppress(FileNotFoundError):
                temp.unlink()
