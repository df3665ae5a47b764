"""kg/data/kgo.ttl (the published ontology) and kg.vocab.KGO (the terms the code writes) agree."""

from __future__ import annotations

from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF

from kg.resources import data_path
from kg.vocab import KGO, KGO_IRI

DECLARED_AS = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)


def _declared() -> set[str]:
    ontology = Graph().parse(data_path("kgo.ttl"), format="turtle")
    return {
        str(term)[len(KGO_IRI) :]
        for kind in DECLARED_AS
        for term in ontology.subjects(RDF.type, kind)
        if isinstance(term, URIRef) and str(term).startswith(KGO_IRI)
    }


def test_ontology_declares_every_term_the_code_writes() -> None:
    used = set(KGO.__annotations__)
    assert used - _declared() == set(), "terms kg writes that kgo.ttl does not declare"


def test_ontology_declares_nothing_the_code_lacks() -> None:
    assert _declared() - set(KGO.__annotations__) == set(), "kgo.ttl terms unknown to kg.vocab"
