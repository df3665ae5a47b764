"""A canonical TriG writer: the same triples always give the same bytes.

rdflib's Turtle serialiser is the slowest stage of a build (it re-queries its store for every
subject) and its graph order depends on the process hash seed. kg writes every named graph as
one block in a fixed layout instead: subjects in IRI order, ``rdf:type`` first, then predicates
and objects sorted; one subject per paragraph. Literals are always one line (line breaks are
escaped), so a block boundary can be found by its first line alone and a block can be copied
from one file to the next verbatim.

>>> from rdflib import Literal, URIRef
>>> from kg.vocab import RDF, SDO
>>> writer = TrigWriter({"schema": str(SDO)})
>>> print(writer.block(URIRef("https://x.org/g"), [
...     (URIRef("https://x.org/a"), RDF.type, SDO.Person),
...     (URIRef("https://x.org/a"), SDO.name, Literal("سطر\\nثان", lang="ar")),
... ]))
<https://x.org/g> {
<https://x.org/a> a schema:Person ;
    schema:name "سطر\\nثان"@ar .
}
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable, Mapping
from typing import cast

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDF, XSD
from rdflib.term import Node

Triple = tuple[Node, Node, Node]

# A prefixed name's local part kept to a conservative subset of Turtle's PN_LOCAL.
_LOCAL_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
# Characters IRIREF forbids (Turtle 1.1, production 18), written as \u escapes.
_IRI_FORBIDDEN = re.compile(r'[\x00-\x20<>"{}|^`\\]')
_STRING_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"}
_STRING_SPECIAL = re.compile(r'["\\\x00-\x1f\x7f]')
# Integers written bare (Turtle's INTEGER is xsd:integer).
_INTEGER = re.compile(r"[+-]?[0-9]+")
_RDF_TYPE = str(RDF.type)
_XSD_INTEGER, _XSD_STRING = str(XSD.integer), str(XSD.string)
# The characters of a local name (_LOCAL_NAME), and those of them it cannot open with.
_NAME_CHARACTERS = string.ascii_letters + string.digits + "_-"
_NOT_OPENING = string.digits + "-"
OrderKey = tuple[int, str, str]


def escape_string(text: str) -> str:
    """``text`` as a one-line Turtle string literal body.

    >>> escape_string('قال: "نعم"\\n')
    'قال: \\\\"نعم\\\\"\\\\n'
    """
    return _STRING_SPECIAL.sub(
        lambda match: _STRING_ESCAPES.get(match.group(), f"\\u{ord(match.group()):04X}"), text
    )


class TrigWriter:
    """Writes named graphs as canonical TriG blocks under one set of prefixes."""

    def __init__(self, prefixes: Mapping[str, str]) -> None:
        # Longest namespace first, so ``kg:`` never shadows ``kgo:`` (one is a prefix of the other).
        self.prefixes = sorted(prefixes.items(), key=lambda item: (-len(item[1]), item[0]))
        self._iris: dict[str, str] = {}

    def header(self) -> str:
        """The ``@prefix`` lines, sorted by prefix."""
        return "\n".join(
            f"@prefix {prefix}: <{namespace}> ." for prefix, namespace in sorted(self.prefixes)
        )

    def document(self, blocks: Iterable[str]) -> str:
        """A whole TriG file: the header and the blocks, in the order given."""
        return self.header() + "".join(f"\n\n{block}" for block in blocks) + "\n"

    def block(self, graph: URIRef, triples: Iterable[Triple]) -> str:
        """One named graph: ``<graph> {``, its subjects, ``}`` (no trailing newline)."""
        return self.counted_block(graph, triples)[0]

    def counted_block(self, graph: URIRef, triples: Iterable[Triple]) -> tuple[str, int]:
        """:meth:`block`, and how many distinct triples it holds.

        >>> from kg.vocab import RDF, SDO
        >>> fact = (URIRef("https://x.org/a"), RDF.type, SDO.Person)
        >>> TrigWriter({}).counted_block(URIRef("https://x.org/g"), [fact, fact])[1]
        1
        """
        # Subjects that are IRIs and predicates are keyed by their plain strings: rdflib compares
        # equal terms in Python, a str in C. Objects are listed, and only a predicate with
        # several has them deduplicated: most have one, and rdflib hashes a literal in Python.
        by_subject: dict[str | Node, dict[str, list[Node]]] = {}
        only_iris = True  # every subject an IRI (keyed by its string): sorted as strings
        # Each predicate's string made once: a block has few predicates and many triples, and
        # a string per triple, kept as a key, would cost megabytes in the corpus block.
        predicate_iris: dict[Node, str] = {}
        last: Node | None = None
        predicates: dict[str, list[Node]] = {}
        for subject, predicate, obj in triples:
            if subject is not last:  # a subject's triples mostly come together, as one object
                last = subject
                if isinstance(subject, URIRef):
                    key: str | Node = str(subject)
                else:
                    key, only_iris = subject, False
                found = by_subject.get(key)
                if found is None:
                    found = by_subject[key] = {}
                predicates = found
            name_iri = predicate_iris.get(predicate)
            if name_iri is None:
                name_iri = predicate_iris[predicate] = str(predicate)
            values = predicates.get(name_iri)
            if values is None:
                predicates[name_iri] = [obj]
            else:
                values.append(obj)
        count = 0
        paragraphs = []
        term, iri = self.term, self.iri
        subjects = (
            sorted(cast(dict[str, object], by_subject))
            if only_iris
            else sorted(by_subject, key=_subject_order)
        )
        for key in subjects:
            predicates = by_subject[key]
            named = sorted(predicates.items())  # predicates are distinct: values never compared
            types = predicates.get(_RDF_TYPE)
            if types is not None and named[0][0] != _RDF_TYPE:  # rdf:type first
                named.remove((_RDF_TYPE, types))
                named.insert(0, (_RDF_TYPE, types))
            lines = []
            for name_iri, values in named:
                name = "a" if name_iri == _RDF_TYPE else iri(name_iri)
                if len(values) > 1:
                    values = sorted(set(values), key=_order)
                    count += len(values)
                    lines.append(f"{name} " + ", ".join(map(term, values)))
                else:
                    count += 1
                    lines.append(f"{name} {term(values[0])}")
            subject_text = iri(key) if type(key) is str else term(cast(Node, key))
            paragraphs.append(f"{subject_text} " + " ;\n    ".join(lines) + " .")
        text = f"<{self._iri_ref(str(graph))}> {{\n" + "\n\n".join(paragraphs) + "\n}"
        return text, count

    def term(self, node: Node) -> str:
        """The Turtle text of one term."""
        kind = type(node)
        if kind is URIRef:  # most terms: the written IRI looked up here, not in a call more
            iri = str(node)
            written = self._iris.get(iri)
            return written if written is not None else self.iri(iri)
        if kind is WrittenLiteral:
            return cast(WrittenLiteral, node).turtle
        if isinstance(node, Literal):
            return self.literal(node)
        if isinstance(node, URIRef):
            return self.iri(str(node))
        if isinstance(node, BNode):
            return f"_:{node}"
        raise TypeError(f"cannot write {node!r} in TriG")

    def iri(self, iri: str) -> str:
        """A prefixed name where one fits, else ``<iri>``."""
        written = self._iris.get(iri)
        if written is None:
            written = f"<{self._iri_ref(iri)}>"
            # A local name is a run of name characters at the end that opens with a letter or
            # «_»: most document IRIs («…#char=120,132») end in none and need no prefix tried.
            tail = iri[len(iri.rstrip(_NAME_CHARACTERS)) :]
            if tail.lstrip(_NOT_OPENING):
                for prefix, namespace in self.prefixes:
                    local = iri[len(namespace) :]
                    if iri.startswith(namespace) and _LOCAL_NAME.fullmatch(local):
                        written = f"{prefix}:{local}"
                        break
            if len(self._iris) < 100_000:  # vocabulary terms recur; document IRIs mostly do not
                self._iris[iri] = written
        return written

    def literal(self, literal: Literal) -> str:
        written = _unprefixed(literal)
        if written is not None:
            return written
        return f'"{escape_string(str(literal))}"^^{self.iri(str(literal.datatype))}'

    @staticmethod
    def _iri_ref(iri: str) -> str:
        return _IRI_FORBIDDEN.sub(lambda match: f"\\u{ord(match.group()):04X}", iri)


def _unprefixed(literal: Literal) -> str | None:
    """The Turtle text of a literal that needs no prefix (a string, with or without its
    language, or an integer written as one), else None."""
    lexical = str(literal)
    if literal.language:
        return f'"{escape_string(lexical)}"@{literal.language}'
    datatype = literal.datatype
    if datatype is None:
        return f'"{escape_string(lexical)}"'
    datatype_iri = str(datatype)
    if datatype_iri == _XSD_INTEGER and _INTEGER.fullmatch(lexical):
        return lexical
    if datatype_iri == _XSD_STRING:
        return f'"{escape_string(lexical)}"'
    return None


class WrittenLiteral(Literal):
    """An rdflib literal of a string or an integer that carries its Turtle text (``turtle``),
    worked out once, when it is made: for literals made once and written many times (offsets,
    counts, names), which :meth:`TrigWriter.term` then does not write again.

    >>> WrittenLiteral(120).turtle, WrittenLiteral("قال").turtle
    ('120', '"قال"')
    >>> WrittenLiteral(120) == Literal(120)
    True
    """

    __slots__ = ("turtle",)
    turtle: str

    def __new__(cls, value: str | int) -> WrittenLiteral:
        if isinstance(value, bool) or not isinstance(value, str | int):
            raise TypeError(f"a written literal is a string or an integer, not {value!r}")
        literal = cast(WrittenLiteral, super().__new__(cls, value))
        text = _unprefixed(literal)
        assert text is not None  # a string or an integer needs no prefix
        literal.turtle = text
        return literal


def _subject_order(key: str | Node) -> OrderKey:
    """:func:`_order` of a subject keyed by its string when it is an IRI."""
    return (0, key, "") if type(key) is str else _order(cast(Node, key))


def _order(node: Node) -> OrderKey:
    """A total order over terms: IRIs, then blank nodes, then literals (by value, then type)."""
    if type(node) is URIRef or isinstance(node, URIRef):  # the exact type first: most terms
        return (0, str(node), "")
    if isinstance(node, BNode):
        return (1, str(node), "")
    if isinstance(node, Literal):
        tag = f"@{node.language}" if node.language else str(node.datatype or "")
        return (2, str(node), tag)
    return (3, str(node), "")
