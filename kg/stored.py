"""Reading a built graph back: the documents of a graph.trig kg wrote, as the model holds them.

One reader (Oxigraph's parser, ≈ 10× rdflib's, then one index per document graph) serves the
incremental build (:mod:`kg.index`), which re-reads a folder without its index, and
:func:`read_annotated_documents`, which reads a dataset in memory.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rdflib import BNode, Dataset, Literal, URIRef
from rdflib.term import Node

from kg.errors import GraphError
from kg.model import AnnotatedDocument, Document, EntityType, Mention, Sentence
from kg.rdf import TYPE_OF_CLASS, Triple, content_hash, serialize
from kg.text import tokenize
from kg.vocab import ITSRDF, KGO, NIF, RDF, SDO, XSD, Iris


@dataclass(frozen=True)
class StoredDocument:
    """A document read back from a built graph, with the kgo:contentHash stored beside it."""

    annotated: AnnotatedDocument
    # kgo:contentHash; "" when missing or when the text read back is not the text it hashes
    content_hash: str


def read_stored_graph(path: Path, iris: Iris) -> list[StoredDocument] | None:
    """The documents of a graph.trig written by kg, read with Oxigraph's parser (≈ 10× rdflib's)
    without building an rdflib dataset.

    None when the file holds anything kg does not write itself (blank nodes, the default graph,
    other named graphs) or does not parse here.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    return parse_stored_graph(text, iris)


def parse_stored_graph(text: str, iris: Iris) -> list[StoredDocument] | None:
    """:func:`read_stored_graph` on the text of a graph.trig."""
    import pyoxigraph as ox

    try:
        quads = ox.parse(text, format=ox.RdfFormat.TRIG)
        graphs: dict[str, set[Triple]] = {}
        # Subjects, predicates and classes recur on many lines: convert each term once.
        terms: dict[object, Node] = {}
        for quad in quads:
            if not isinstance(quad.graph_name, ox.NamedNode):
                return None
            triple: list[Node] = []
            for term in (quad.subject, quad.predicate, quad.object):
                if not isinstance(term, ox.NamedNode | ox.Literal):
                    return None  # blank nodes or RDF-star: not a file kg wrote
                node = terms.get(term)
                if node is None:
                    converted = from_oxigraph(term)
                    if converted is None:
                        return None
                    node = terms[term] = converted
                triple.append(node)
            subject, predicate, obj = triple
            graphs.setdefault(quad.graph_name.value, set()).add((subject, predicate, obj))
    except (SyntaxError, ValueError):
        return None
    prefix = iris.document("")
    corpus = str(iris.corpus_graph())
    if any(not (name.startswith(prefix) or name == corpus) for name in graphs):
        return None
    return [
        _read_stored(_TripleIndex(URIRef(name), graphs[name]))
        for name in sorted(graphs)
        if name.startswith(prefix)
    ]


def from_oxigraph(value: Any) -> Node | None:
    """A pyoxigraph term as the rdflib term kg writes and prints (plain strings untyped).

    None stays None (an unbound variable); an RDF-star triple has no rdflib term and becomes
    a literal of its N-Triples text.
    """
    import pyoxigraph as ox

    if value is None:
        return None
    if isinstance(value, ox.NamedNode):
        return URIRef(value.value)
    if isinstance(value, ox.BlankNode):
        return BNode(value.value)
    if isinstance(value, ox.Literal):
        if value.language:
            return Literal(value.value, lang=value.language)
        datatype = value.datatype.value
        if datatype in (str(XSD.string), str(RDF.langString)):
            return Literal(value.value)
        return Literal(value.value, datatype=URIRef(datatype))
    return Literal(str(value))


def read_annotated_documents(dataset: Dataset, iris: Iris) -> list[AnnotatedDocument]:
    """The stored documents, sentences and mentions of a dataset kg built, in IRI order (read
    as a build reads a stored graph.trig: one reader of stored documents)."""
    stored = parse_stored_graph(serialize(dataset), iris)
    if stored is None:
        raise GraphError("dataset holds content kg does not write")
    return [item.annotated for item in stored]


class _TripleIndex:
    """The two look-ups reading a document needs, over one graph's triples.

    Indexing once is much faster than asking a context of a large rdflib Dataset, whose every
    look-up checks the triple's contexts.
    """

    def __init__(self, identifier: Node, triples: Iterable[Triple]) -> None:
        self.identifier = identifier
        self._objects: dict[tuple[Node, Node], list[Node]] = {}
        self._subjects: dict[tuple[Node, Node], list[Node]] = {}
        for subject, predicate, obj in triples:
            self._objects.setdefault((subject, predicate), []).append(obj)
            if predicate == RDF.type:
                self._subjects.setdefault((predicate, obj), []).append(subject)

    def value(self, subject: Node, predicate: Node) -> Node | None:
        values = self._objects.get((subject, predicate))
        return values[0] if values else None

    def subjects(self, predicate: Node, obj: Node) -> list[Node]:
        """Subjects of ``predicate`` ``obj``; only rdf:type is indexed this way."""
        return self._subjects.get((predicate, obj), [])


def _read_stored(graph: _TripleIndex) -> StoredDocument:
    annotated = _read_document(graph)
    context = graph.subjects(RDF.type, NIF.Context)[0]
    stored_hash = str(graph.value(context, KGO.contentHash) or "")
    # The hash stands for the text only if the text came back intact (a hand-edited file, or
    # one written by an older kg, may have altered it): otherwise the document is re-extracted.
    intact = stored_hash == content_hash(annotated.doc.text)
    return StoredDocument(annotated, stored_hash if intact else "")


def _read_document(graph: _TripleIndex) -> AnnotatedDocument:
    context = next(iter(graph.subjects(RDF.type, NIF.Context)), None)
    if context is None:
        raise GraphError(f"named graph {graph.identifier} has no nif:Context")
    text = str(_one(graph, context, NIF.isString))
    date_value = graph.value(context, SDO.datePublished)
    doc = Document(
        id=str(_one(graph, context, KGO.documentId)),
        text=text,
        date=_optional_date(date_value),
        title=_optional_str(graph.value(context, SDO.headline)),
        url=_optional_str(graph.value(context, SDO.url)),
        source=_optional_str(graph.value(context, SDO.publisher)),
    )
    spans = sorted(
        (_int(graph, s, NIF.beginIndex), _int(graph, s, NIF.endIndex), s)
        for s in graph.subjects(RDF.type, NIF.Sentence)
    )
    sentences = [_sentence(text, index, start, end) for index, (start, end, _) in enumerate(spans)]
    index_of = {node: index for index, (_, _, node) in enumerate(spans)}
    mentions = []
    for node in graph.subjects(RDF.type, NIF.Phrase):
        start, end = _int(graph, node, NIF.beginIndex), _int(graph, node, NIF.endIndex)
        class_iri = graph.value(node, ITSRDF.taClassRef)
        mention = Mention(
            doc_id=doc.id,
            start=start,
            end=end,
            text=text[start:end],
            type=TYPE_OF_CLASS.get(URIRef(str(class_iri)), EntityType.MISC),
            sentence=index_of[_one(graph, node, NIF.sentence)],
            extractor=str(graph.value(node, KGO.extractor) or ""),
        )
        mentions.append(mention)
    mentions.sort(key=lambda m: (m.start, m.end))
    return AnnotatedDocument(doc, tuple(sentences), tuple(mentions))


def _sentence(text: str, index: int, start: int, end: int) -> Sentence:
    return Sentence(index, start, end, tuple(tokenize(text, start, end)))


def _one(graph: _TripleIndex, subject: Node, predicate: URIRef) -> Node:
    value = graph.value(subject, predicate)
    if value is None:
        raise GraphError(f"named graph {graph.identifier}: {subject} lacks {predicate}")
    return value


def _int(graph: _TripleIndex, subject: Node, predicate: URIRef) -> int:
    return int(str(_one(graph, subject, predicate)))


def _optional_date(value: Node | None) -> dt.date | None:
    python_value = value.toPython() if isinstance(value, Literal) else None
    return python_value if isinstance(python_value, dt.date) else None


def _optional_str(value: Node | None) -> str | None:
    return None if value is None else str(value)


#: The count each kind of edge of the entity graph (see :func:`kg.graph.project`) gives a link.
