"""The incremental index of a graph folder: what a build keeps so the next one redoes little.

A folder holds ``graph.trig`` and, beside it, ``.kg-documents.jsonl``: a header line, then one
:class:`DocumentEntry` per document in document-IRI order (the order of graph.trig's blocks).
A build that is stopped keeps its extractions in ``.kg-resume.jsonl`` (:class:`ResumeFile`);
spooled entries and blocks of the running build live in :class:`Spool` files.

Invariants (what :mod:`kg.corpus` relies on, and what the tests check by adding documents to a
built folder and comparing the result with a build of everything at once):

1. The header's ``graph_bytes`` is the size of the graph.trig written with it. When the sizes
   differ (the graph was edited or replaced), the index is not trusted and the stored documents
   are parsed from graph.trig instead (:class:`StoredIndex`); an entry's ``at`` (byte offset and
   length of its block in graph.trig) is only ever used under a matching header, and a block is
   checked to open with its own graph IRI before it is copied.
2. ``hash`` is the content hash of ``record``'s text. A document given again with the same hash
   and metadata (:func:`record_metadata`) is not extracted again, as long as the header's
   ``extraction`` (the NER backend, model, rules and kg version) is that of the running build.
3. ``anchors`` are the document's anchor keys (:meth:`kg.resolve.Resolver.anchor_keys`); the
   corpus's anchors are the union over all its documents. Linking depends on nothing else that
   is corpus-wide.
4. ``keys[i]`` and ``labels[i]`` belong to ``record["mentions"][i]`` (None: the mention names no
   entity); ``facts`` are the typed edges ``[source, target, kind, count]`` of its events,
   quotations and roles under those keys, and ``notes`` what they state of each entity for the
   view (:func:`kg.graph.fact_notes`); ``posts`` are the ``[role key, wording]`` of each
   post it states of a linked person (the corpus graph describes each org:Role once, from
   the posts of all documents); ``triples`` counts its block's distinct triples.
5. ``conditions`` are the anchor keys whose presence could change how its mentions link
   (:meth:`kg.resolve.Resolver.conditional_keys`). While none of them joins or leaves the
   corpus's anchors, and the header's ``linking`` (the resolver's fingerprint and the entity
   types) is the running build's, linking the document again would give the same keys and
   labels: its counts come from the entry alone and its block is copied.
6. Entries are JSON, never pickle: a folder may come from someone else, and reading it must
   never run code.
"""

from __future__ import annotations

import io
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any, TypedDict

from kg import rdf, records
from kg.errors import GraphError, OutputError
from kg.events import EventExtractor
from kg.extract import add_events
from kg.model import AnnotatedDocument, Document, EntityType
from kg.records import Record
from kg.resolve import Resolver
from kg.stored import read_stored_graph
from kg.vocab import Iris

DOCUMENTS_FILE = ".kg-documents.jsonl"
RESUME_FILE = ".kg-resume.jsonl"
# 2: posts (org:Role) are described in the corpus graph, no longer in each document's block;
# 3: entries keep their facts' notes for the view (kg.graph.fact_notes)
DOCUMENTS_FORMAT = 3
# The fields .kg-documents.jsonl keeps of an entry, after "at" (see DocumentEntry).
ENTRY_FIELDS = (
    "hash",
    "anchors",
    "conditions",
    "keys",
    "labels",
    "facts",
    "notes",
    "posts",
    "triples",
    "record",
)


class DocumentEntry(TypedDict, total=False):
    """One document of the index, as JSON (the invariants are in the module docstring).

    Pass 1 makes ``record``, ``hash`` and ``anchors``; pass 2 adds ``conditions``, ``keys``,
    ``labels``, ``facts``, ``notes``, ``posts`` and ``triples``; the stored file adds ``at``.
    """

    record: Record
    hash: str
    anchors: list[str]
    conditions: list[str]
    keys: list[str | None]
    labels: list[str | None]
    facts: list[list[Any]]
    notes: dict[str, list[list[str]]]
    posts: list[list[str]]
    triples: int
    at: list[int]


def entry_text(entry: DocumentEntry) -> str:
    """The JSON line the index keeps of a linked entry (its block's place is added later)."""
    kept = {name: entry[name] for name in ENTRY_FIELDS}  # type: ignore[literal-required]
    return json.dumps(kept, ensure_ascii=False)


def record_metadata(record: Record) -> list[Any]:
    """The metadata of a record that, with its content hash, says whether it changed."""
    return [record["date"], record["title"], record["url"], record["source"]]


def document_metadata(doc: Document) -> list[Any]:
    """:func:`record_metadata` of an input document."""
    return [doc.date.isoformat() if doc.date else None, doc.title, doc.url, doc.source]


def anchor_keys(
    annotated: AnnotatedDocument, resolver: Resolver, entity_types: frozenset[EntityType]
) -> list[str]:
    """This document's share of the corpus-wide anchor keys, sorted."""
    return sorted(resolver.anchor_keys(m for m in annotated.mentions if m.type in entity_types))


def extracted_entry(
    resolver: Resolver, entity_types: frozenset[EntityType], annotated: AnnotatedDocument
) -> tuple[str, str, list[str]]:
    """Pass 1's output for one document, made where it was extracted: (id, line, anchors)."""
    anchors = anchor_keys(annotated, resolver, entity_types)
    entry: DocumentEntry = {
        "record": records.encode(annotated),
        "hash": rdf.content_hash(annotated.doc.text),
        "anchors": anchors,
    }
    return annotated.doc.id, json.dumps(entry, ensure_ascii=False), anchors


class AppendFile:
    """An append-only file of text items, one per line, each read back by (offset, length)."""

    def __init__(self, path: Path, file: IO[bytes], end: int = 0) -> None:
        self.path, self._file, self._end = path, file, end

    def append(self, text: str) -> tuple[int, int]:
        """Write ``text`` and a line break; where ``text`` is, in bytes."""
        data = text.encode("utf-8")
        try:
            self._file.seek(self._end)
            self._file.write(data + b"\n")
            self._file.flush()  # a full disk shows here, and a kill loses at most this item
        except OSError as error:
            raise OutputError(
                f"{self.path}: cannot write ({error.strerror or error}); "
                "the previous outputs were left as they were"
            ) from error
        at = (self._end, len(data))
        self._end += len(data) + 1
        return at

    def read(self, at: tuple[int, int]) -> str:
        self._file.seek(at[0])
        return self._file.read(at[1]).decode("utf-8")

    def close(self) -> None:
        self._file.close()


class Spool(AppendFile):
    """A temporary :class:`_AppendFile` in ``folder``, removed on close."""

    def __init__(self, folder: Path, prefix: str) -> None:
        handle, name = tempfile.mkstemp(dir=folder, prefix=prefix, suffix=".tmp")
        super().__init__(Path(name), os.fdopen(handle, "w+b"))

    def close(self) -> None:
        super().close()
        self.path.unlink(missing_ok=True)


class ResumeFile(AppendFile):
    """Pass 1's lines, kept in ``.kg-resume.jsonl`` until a build commits its outputs.

    A build that is killed or interrupted leaves its extracted documents here; the next build
    of the folder (same extraction settings: ``fingerprint``) takes them instead of extracting
    them again, so a long build resumes where it stopped. A torn last line is cut off.
    """

    def __init__(self, path: Path, fingerprint: str) -> None:
        # doc id -> (content hash, metadata, anchors, where its line is)
        self.index: dict[str, tuple[str, list[Any], list[str], tuple[int, int]]] = {}
        self._header = (
            json.dumps({"format": DOCUMENTS_FORMAT, "extraction": fingerprint}) + "\n"
        ).encode("utf-8")
        self._opened = False
        super().__init__(path, io.BytesIO())
        if path.is_file():  # a stopped build's: read what it extracted
            self._open()
            self._end = self._read(self._header)

    def _open(self) -> None:
        try:
            file = open(self.path, "r+b" if self.path.is_file() else "w+b")  # noqa: SIM115
        except OSError as error:
            raise OutputError(f"{self.path}: cannot write ({error.strerror or error})") from error
        self._file, self._opened = file, True

    def append(self, text: str) -> tuple[int, int]:
        if not self._opened:  # created with the first document, so a failed start leaves none
            self._open()
            self._end = self._restart(self._header)
        return super().append(text)

    def _read(self, header: bytes) -> int:
        self._file.seek(0)
        if self._file.readline() != header:
            return self._restart(header)
        end = len(header)
        for line in iter(self._file.readline, b""):
            try:
                entry = json.loads(line)
                record = entry["record"]
                found = (entry["hash"], record_metadata(record), entry["anchors"])
                doc_id = record["id"]
            except (ValueError, KeyError, TypeError):
                break  # torn by a kill mid-write: everything before it is whole
            if not line.endswith(b"\n"):
                break
            self.index[doc_id] = (*found, (end, len(line) - 1))
            end += len(line)
        self._file.truncate(end)
        return end

    def _restart(self, header: bytes) -> int:
        self._file.seek(0)
        self._file.truncate()
        self._file.write(header)
        return len(header)

    def discard(self) -> None:
        """The build committed (or failed cleanly): nothing is left to resume."""
        self.close()
        if self._opened:
            self.path.unlink(missing_ok=True)


class StoredIndex:
    """The documents of the folder's previous build: its ``.kg-documents.jsonl``, or, for a
    graph.trig without a matching one (written by an older kg), the documents parsed from it."""

    def __init__(self, out: Path, trig: Path, iris: Iris, events: EventExtractor | None) -> None:
        self.trig, self.iris = trig, iris
        self.path = out / DOCUMENTS_FILE
        self.linking: str | None = None  # how the stored documents were linked (see kg.corpus)
        # The extraction settings of the build that wrote them (BuildSettings.fingerprint).
        self.extraction: str | None = None
        self._parsed: list[DocumentEntry] | None = None
        self._graph: IO[bytes] | None = None
        if not trig.is_file():
            self._parsed = []
        elif not self._sidecar_matches():
            self._parsed = self._parse_graph(events)

    def entries(self) -> Iterator[DocumentEntry]:
        """One dict per stored document: record, hash, anchors, keys, triples and ``at`` (where
        its block lies in graph.trig: byte offset and length)."""
        if self._parsed is not None:
            yield from self._parsed
            return
        try:
            with open(self.path, encoding="utf-8") as stream:
                next(stream)  # the header line
                for number, line in enumerate(stream, start=2):
                    try:
                        yield json.loads(line)
                    except ValueError as error:
                        raise GraphError(
                            f"{self.path}:{number}: not a JSON line ({error})"
                        ) from error
        except OSError as error:
            raise GraphError(f"{self.path}: cannot read ({error.strerror or error})") from error

    def block(self, iri: str, at: tuple[int, int]) -> str:
        """The text of ``iri``'s block in the old graph.trig, checked to be that block."""
        if self._graph is None:
            self._graph = open(self.trig, "rb")  # noqa: SIM115 (closed by close())
        self._graph.seek(at[0])
        block = self._graph.read(at[1]).decode("utf-8", errors="replace")
        if not block.startswith(f"<{iri}> {{\n") or not block.endswith("\n}"):
            raise GraphError(f"{self.trig}: changed during the build (block of {iri} moved)")
        return block

    def close(self) -> None:
        if self._graph is not None:
            self._graph.close()

    def _sidecar_matches(self) -> bool:
        try:
            with open(self.path, encoding="utf-8") as stream:
                header = json.loads(stream.readline())
        except (OSError, ValueError):
            return False
        if not (
            isinstance(header, dict)
            and header.get("format") == DOCUMENTS_FORMAT
            and header.get("base") == self.iris.base
            and header.get("graph_bytes") == self.trig.stat().st_size
        ):
            return False
        self.linking = header.get("linking")
        self.extraction = header.get("extraction")
        return True

    def _parse_graph(self, events: EventExtractor | None) -> list[DocumentEntry]:
        stored = read_stored_graph(self.trig, self.iris)
        if stored is None:
            raise GraphError(
                f"{self.trig}: holds content kg does not write (or does not parse); build into "
                "a new folder"
            )
        entries: list[DocumentEntry] = []
        for item in stored:
            annotated = add_events(item.annotated, events) if events else item.annotated
            # No "at": every graph is written anew, in this kg's layout.
            entries.append({"record": records.encode(annotated), "hash": item.content_hash})
        return entries
