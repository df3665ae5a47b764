"""The canonical TriG writer: what it writes parses back to exactly the triples given."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import BNode, Dataset, Literal, URIRef
from rdflib.namespace import RDF, XSD
from rdflib.term import Node

from kg.turtle import TrigWriter, WrittenLiteral

BASE = "https://kg.example.org/"
GRAPH = URIRef(BASE + "graph/doc")
PREFIXES = {"kg": BASE + "entity/", "rdf": str(RDF), "xsd": str(XSD)}

iris = st.sampled_from(
    [
        URIRef(BASE + "entity/Ahmd_Hsn"),
        URIRef(BASE + "entity/Ahmd_Hsn_2"),
        URIRef(BASE + "doc/d1#char=0,12"),
        URIRef(BASE + "doc/d1#char=14,20"),
        URIRef("http://example.org/a b"),  # a space: written as \u0020
    ]
)
predicates = st.sampled_from([RDF.type, URIRef(BASE + "p"), URIRef(BASE + "q")])
literals = st.one_of(
    st.integers(-5, 5).map(Literal),
    st.sampled_from(["أحمد حسن", 'قال: "نعم"\nثم', "كتاب"]).map(
        lambda text: Literal(text, lang="ar")
    ),
    st.text(max_size=6).map(Literal),
    st.floats(0, 1, allow_nan=False).map(lambda value: Literal(value, datatype=XSD.double)),
)
subjects = st.one_of(iris, st.just(BNode("b1")))
triples = st.lists(st.tuples(subjects, predicates, st.one_of(iris, literals)), max_size=25)


@settings(max_examples=150, deadline=None)
@given(triples)
def test_block_parses_back_to_the_distinct_triples(facts: list[tuple[Node, Node, Node]]) -> None:
    text, count = TrigWriter(PREFIXES).counted_block(GRAPH, facts)
    header = TrigWriter(PREFIXES).header()
    parsed = Dataset()
    parsed.parse(data=f"{header}\n\n{text}\n", format="trig")
    back = {(s, p, o) for s, p, o, _ in parsed.quads((None, None, None, parsed.graph(GRAPH)))}
    # Blank nodes are renamed by the parser: compare them by position only.
    assert {_plain(fact) for fact in back} == {_plain(fact) for fact in facts}
    assert count == len(set(facts))


def test_block_is_the_same_whatever_order_the_triples_come_in() -> None:
    person = URIRef(BASE + "entity/Ahmd_Hsn")
    facts = [
        (person, URIRef(BASE + "q"), Literal(2)),
        (person, RDF.type, URIRef(BASE + "Person")),
        (person, URIRef(BASE + "p"), Literal("أحمد", lang="ar")),
        (person, URIRef(BASE + "q"), Literal(1)),
    ]
    writer = TrigWriter(PREFIXES)
    first = writer.block(GRAPH, facts)
    assert writer.block(GRAPH, list(reversed(facts))) == first
    # rdf:type first, then predicates by IRI, objects in order.
    assert first.splitlines()[1] == "kg:Ahmd_Hsn a <https://kg.example.org/Person> ;"
    assert first.splitlines()[3] == "    <https://kg.example.org/q> 1, 2 ."


def _plain(fact: tuple[Node, ...]) -> tuple[object, ...]:
    return tuple("_:" if isinstance(term, BNode) else term for term in fact)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(iris, predicates, st.one_of(st.integers(), st.text())), max_size=20))
def test_written_literals_are_written_as_the_literals_they_equal(
    facts: list[tuple[URIRef, URIRef, int | str]],
) -> None:
    # A literal that carries its text (kg.rdf's offsets and names) writes as a plain one, and
    # equals it: a block holding both holds the one triple.
    plain = [(s, p, Literal(value)) for s, p, value in facts]
    written = [(s, p, WrittenLiteral(value)) for s, p, value in facts]
    writer = TrigWriter(PREFIXES)
    assert writer.counted_block(GRAPH, written) == writer.counted_block(GRAPH, plain)
    assert writer.counted_block(GRAPH, [*plain, *written])[1] == len(set(plain))
    for (_, _, value), (_, _, literal) in zip(written, plain, strict=True):
        assert value == literal and hash(value) == hash(literal)


def test_a_written_literal_is_a_string_or_an_integer() -> None:
    with pytest.raises(TypeError, match="string or an integer"):
        WrittenLiteral(True)
    with pytest.raises(TypeError, match="string or an integer"):
        WrittenLiteral(0.5)  # type: ignore[arg-type]
