"""The canonical TriG writer: what it writes parses back to exactly the triples given."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import BNode, Dataset, Literal, URIRef
from rdflib.namespace import RDF, XSD
from rdflib.term import Node

from kg.turtle import TrigWriter

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
