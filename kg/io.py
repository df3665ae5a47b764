"""Reading documents (.txt, .jsonl, folders); outputs are written by :mod:`kg.output`.

Every problem with an input names the file (and the line, for JSONL) and says what to do. Readers
either raise the first :class:`~kg.errors.InputError` or, given ``on_error``, hand each one over
and go on with the next document, so a build can report every bad document at once.

Encodings: UTF-8 (with or without BOM) by default; a UTF-16 or UTF-32 byte-order mark is
unambiguous, so such files are decoded too. Anything else that is not UTF-8 is an error, and text
that reads as Arabic in Windows-1256 (the usual legacy Arabic encoding) is named as such; the
caller may then pass ``encoding="cp1256"`` (``kg build --encoding cp1256``).
"""

from __future__ import annotations

import codecs
import datetime as dt
import json
import os
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from kg.errors import ConfigError, InputError
from kg.model import Document

SUPPORTED_SUFFIXES = (".txt", ".jsonl")
#: Longest document accepted, in characters: far beyond a news article (a few thousand), small
#: enough that one stray huge file cannot stall a build for hours or exhaust memory.
MAX_DOCUMENT_CHARS = 1_000_000
#: UTF-8 needs at most 4 bytes a character; JSON escapes (\uXXXX) up to 12 for a surrogate pair.
_BYTES_PER_CHAR = 12
MAX_ID_CHARS = 512
_SNIFF_BYTES = 1 << 16
_ARABIC_LETTER = re.compile(
    r"[\u0620-\u064a\u0671-\u06d3\u06fa-\u06fc\u0750-\u077f\ufb50-\ufdff\ufe70-\ufefc]"
)
_CONTROL_IN_ID = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

OnError = Callable[[InputError], None]


@dataclass(frozen=True)
class Source:
    """Where a document came from: its file and, for JSONL, its 1-based line."""

    path: str
    line: int | None = None

    def __str__(self) -> str:
        return self.path if self.line is None else f"{self.path}:{self.line}"


def bad_input(source: Source, problem: str, doc_id: str | None = None) -> InputError:
    """An :class:`InputError` reading ``FILE[:LINE]: problem``, with its parts kept apart."""
    return InputError(
        f"{source}: {problem}", path=source.path, line=source.line, problem=problem, doc_id=doc_id
    )


def check_encoding(name: str | None) -> str | None:
    """``name`` if Python knows the codec (``cp1256``, ``utf-16`` …); else a ConfigError."""
    if name is None:
        return None
    try:
        return codecs.lookup(name).name
    except LookupError as error:
        raise ConfigError(f"unknown encoding {name!r}; try utf-8, cp1256 or utf-16") from error


def read_documents(
    paths: Iterable[str | os.PathLike[str]],
    *,
    encoding: str | None = None,
    on_error: OnError | None = None,
    max_chars: int = MAX_DOCUMENT_CHARS,
) -> Iterator[Document]:
    """Yield the documents in ``paths`` (files or folders, searched recursively).

    Folders contribute their ``.txt`` and ``.jsonl`` files in sorted order; a file given
    explicitly must have one of those suffixes. An unusable input raises
    :class:`~kg.errors.InputError` naming the file, or is passed to ``on_error`` when given.
    """
    for _, doc in read_sources(paths, encoding=encoding, on_error=on_error, max_chars=max_chars):
        yield doc


def read_sources(
    paths: Iterable[str | os.PathLike[str]],
    *,
    encoding: str | None = None,
    on_error: OnError | None = None,
    max_chars: int = MAX_DOCUMENT_CHARS,
) -> Iterator[tuple[Source, Document]]:
    """Like :func:`read_documents`, with where each document came from."""
    encoding = check_encoding(encoding)
    for raw_path in paths:
        path = Path(raw_path)
        try:
            files = _input_files(path)
        except InputError as error:
            _report(error, on_error)
            continue
        for file in files:
            yield from _read_file(file, encoding, on_error, max_chars)


def read_file(path: Path, *, encoding: str | None = None) -> Iterator[Document]:
    """Yield the documents of one ``.txt`` (one document) or ``.jsonl`` (one per line) file."""
    for _, doc in _read_file(path, check_encoding(encoding), None, MAX_DOCUMENT_CHARS):
        yield doc


def _report(error: InputError, on_error: OnError | None) -> None:
    if on_error is None:
        raise error
    on_error(error)


def _input_files(path: Path) -> list[Path]:
    source = Source(_display(str(path)))
    if not path.exists():
        raise bad_input(source, "no such file or folder")
    if not path.is_dir():
        if path.suffix.lower() not in SUPPORTED_SUFFIXES:
            suffix = path.suffix.lower() or "(none)"
            raise bad_input(source, f"unsupported file type {suffix!r}; expected .txt or .jsonl")
        return [path]
    files = sorted(
        p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES
    )
    if not files:
        raise bad_input(source, "folder holds no .txt or .jsonl files")
    return files


def _read_file(
    path: Path, encoding: str | None, on_error: OnError | None, max_chars: int
) -> Iterator[tuple[Source, Document]]:
    source = Source(_display(str(path)))
    try:
        if path.suffix.lower() == ".jsonl":
            yield from _read_jsonl(path, encoding, on_error, max_chars)
            return
        # A .txt file is one document named after the file.
        if path.stat().st_size > max_chars * _BYTES_PER_CHAR:
            raise bad_input(source, _too_long(path.stat().st_size, "bytes", max_chars))
        if _has_surrogate(path.stem):
            raise bad_input(source, "file name is not valid UTF-8; rename the file")
        text = decode(path.read_bytes(), source, encoding)
        yield source, checked_document(Document(id=path.stem, text=text), source, max_chars)
    except InputError as error:
        _report(error, on_error)
    except OSError as error:
        _report(bad_input(source, f"cannot read ({error.strerror or error})"), on_error)


def _too_long(size: int, unit: str, max_chars: int) -> str:
    return (
        f"too long ({size:,} {unit}); a document may hold at most {max_chars:,} characters "
        "— split it into several documents"
    )


def decode(data: bytes, source: Source, encoding: str | None = None) -> str:
    """The text of ``data``: UTF-8 (BOM allowed), UTF-16/32 with a BOM, or ``encoding``.

    >>> decode("غزة".encode("utf-16"), Source("a.txt"))
    'غزة'
    >>> decode("غزة اليوم".encode("cp1256"), Source("a.txt"))
    Traceback (most recent call last):
    kg.errors.InputError: a.txt: not UTF-8; it looks like Windows-1256 (Arabic) — ... cp1256
    """
    if encoding is not None:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as error:
            raise bad_input(source, f"not valid {encoding} (byte {error.start})") from error
        return text.removeprefix("\ufeff")
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(codec).removeprefix("\ufeff")
            except UnicodeDecodeError as error:
                raise bad_input(
                    source,
                    f"starts with a {codec.upper()} byte-order mark but is not valid {codec}",
                ) from error
    if b"\x00" in data:
        raise bad_input(source, "binary data (NUL bytes), not a text document")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise bad_input(source, _not_utf8(data, error.start)) from error


def _not_utf8(data: bytes, start: int) -> str:
    if _looks_cp1256(data):
        return (
            "not UTF-8; it looks like Windows-1256 (Arabic) — "
            "re-save it as UTF-8 or pass --encoding cp1256"
        )
    return f"not valid UTF-8 (byte {start}); re-save it as UTF-8 or pass --encoding NAME"


def _looks_cp1256(data: bytes) -> bool:
    # cp1256 maps almost every byte, so "it decodes" proves nothing; Arabic letters being most of
    # the letters does (Latin-1 text read as cp1256 gives mostly Latin letters and symbols).
    text = data[:_SNIFF_BYTES].decode("cp1256", errors="replace")
    letters = [char for char in text if char.isalpha()]
    arabic = sum(1 for char in letters if _ARABIC_LETTER.match(char))
    return bool(letters) and arabic >= 0.6 * len(letters)


def checked_document(
    doc: Document, source: Source, max_chars: int = MAX_DOCUMENT_CHARS
) -> Document:
    """``doc`` if kg can use it; else an InputError saying why (empty, too long, not Arabic …)."""
    text = doc.text
    if not text.strip():
        raise bad_input(source, "document is empty", doc.id)
    if len(text) > max_chars:
        raise bad_input(source, _too_long(len(text), "characters", max_chars), doc.id)
    for name, value in (
        ("text", text),
        ("title", doc.title),
        ("url", doc.url),
        ("source", doc.source),
        ("id", doc.id),
    ):
        if value is None:
            continue
        if "\x00" in value:
            raise bad_input(source, f"{name!r} holds NUL characters (U+0000)", doc.id)
        if _has_surrogate(value):
            raise bad_input(source, f"{name!r} holds a lone surrogate (invalid Unicode)", doc.id)
    if not _ARABIC_LETTER.search(text):
        raise bad_input(
            source,
            "no Arabic letters: kg reads Arabic text (is it mis-encoded, or another language?)",
            doc.id,
        )
    return doc


def _has_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _display(text: str) -> str:
    """``text`` safe to print and to write as UTF-8 (file names may hold undecodable bytes)."""
    try:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:
        return text.encode("utf-8", "backslashreplace").decode("utf-8")


def _read_jsonl(
    path: Path, encoding: str | None, on_error: OnError | None, max_chars: int
) -> Iterator[tuple[Source, Document]]:
    # Lines are streamed, so a 100 MB feed never sits in memory whole, and a bad line costs only
    # that document.
    source = Source(_display(str(path)))
    first_line: dict[str, int] = {}
    lines = 0
    with path.open("rb") as stream:
        for number, line in _jsonl_lines(stream, source, encoding, max_chars):
            lines += 1
            where = Source(source.path, number)
            try:
                if isinstance(line, InputError):
                    raise line
                doc = checked_document(
                    document_from_record(_parse_json(line, where), where), where, max_chars
                )
                if doc.id in first_line:
                    problem = (
                        f"duplicate document id {doc.id!r} (first on line {first_line[doc.id]})"
                    )
                    raise bad_input(where, problem, doc.id)
                first_line[doc.id] = number
            except InputError as error:
                _report(error, on_error)
                continue
            yield where, doc
    if not lines:
        # Like an empty .txt file: a build of nothing is a mistake to say, not an empty graph.
        _report(bad_input(source, "no documents: the JSONL file has no lines"), on_error)


def _jsonl_lines(
    stream: BinaryIO, source: Source, encoding: str | None, max_chars: int
) -> Iterator[tuple[int, str | InputError]]:
    """Numbered, decoded, non-blank lines, or the InputError that makes a line unreadable.

    Problems of the whole file (binary, Windows-1256) are raised instead of repeated per line.
    """
    head = stream.read(_SNIFF_BYTES)
    stream.seek(0)
    codec = encoding
    if codec is None:
        codec = next((name for bom, name in _BOMS if head.startswith(bom)), None)
    if codec is not None and codecs.lookup(codec).name.startswith(("utf-16", "utf-32")):
        # Newlines of UTF-16/32 are not single bytes: decode the whole file (rare, and bounded).
        data = stream.read(max_chars * _BYTES_PER_CHAR + 1)
        if len(data) > max_chars * _BYTES_PER_CHAR:
            raise bad_input(source, "UTF-16/32 JSONL file over the size limit; re-save it as UTF-8")
        for number, line in enumerate(decode(data, source, codec).split("\n"), start=1):
            if line.strip():
                yield number, line
        return
    if codec is None:
        if b"\x00" in head:
            raise bad_input(source, "binary data (NUL bytes), not a JSONL text file")
        try:
            head.decode("utf-8")
        except UnicodeDecodeError as error:
            # A multi-byte character cut at the end of the sample is no evidence.
            if error.start < len(head) - 4 and _looks_cp1256(head):
                raise bad_input(source, _not_utf8(head, error.start)) from error
    limit = max_chars * _BYTES_PER_CHAR
    number = 0
    while raw := stream.readline(limit + 1):
        number += 1
        where = Source(source.path, number)
        if len(raw) > limit and not raw.endswith(b"\n"):
            size = len(raw) + _skip_rest_of_line(stream, limit)
            yield number, bad_input(where, _too_long(size, "bytes", max_chars))
            continue
        if number == 1:
            raw = raw.removeprefix(codecs.BOM_UTF8)
        if not raw.strip():
            continue
        try:
            yield number, decode(raw, where, codec)
        except InputError as error:
            yield number, error


def _skip_rest_of_line(stream: BinaryIO, chunk: int) -> int:
    skipped = 0
    while piece := stream.readline(chunk):
        skipped += len(piece)
        if piece.endswith(b"\n"):
            break
    return skipped


def _parse_json(line: str, where: Source) -> object:
    try:
        return json.loads(line)
    except json.JSONDecodeError as error:
        raise bad_input(where, f"invalid JSON ({error.msg}, column {error.colno})") from error
    except RecursionError as error:
        raise bad_input(where, "invalid JSON (nested too deeply)") from error
    except ValueError as error:  # e.g. an integer of more than 4300 digits
        raise bad_input(where, f"invalid JSON ({error})") from error


def document_from_record(record: object, where: Source | str) -> Document:
    """Validate one JSONL record: ``id``, ``text`` and optional ``date``/``title``/``url``."""
    source = where if isinstance(where, Source) else Source(where)
    if not isinstance(record, dict):
        raise bad_input(source, "expected a JSON object with 'id' and 'text'")
    doc_id, text = record.get("id"), record.get("text")
    if not isinstance(doc_id, str | int) or isinstance(doc_id, bool) or str(doc_id).strip() == "":
        raise bad_input(source, "missing or invalid 'id' (a non-empty string)")
    doc_id = str(doc_id)
    if len(doc_id) > MAX_ID_CHARS or _CONTROL_IN_ID.search(doc_id):
        raise bad_input(
            source, f"'id' must be at most {MAX_ID_CHARS} characters, without control characters"
        )
    if not isinstance(text, str) or not text.strip():
        raise bad_input(source, "missing or empty 'text'", doc_id)
    optional: dict[str, str | None] = {}
    for key in ("title", "url", "source", "date"):
        value = record.get(key)
        if value is not None and not isinstance(value, str):
            raise bad_input(source, f"{key!r} must be a string", doc_id)
        optional[key] = value
    date = None
    if optional["date"]:
        try:
            date = dt.date.fromisoformat(optional["date"][:10])
        except ValueError as error:
            problem = f"'date' {optional['date'][:40]!r} is not an ISO date (YYYY-MM-DD)"
            raise bad_input(source, problem, doc_id) from error
    return Document(
        id=doc_id,
        text=text,
        date=date,
        title=optional["title"],
        url=optional["url"],
        source=optional["source"],
    )
