"""Every namespace kg uses, in one place.

Standard vocabularies come from rdflib where it ships them (schema.org as ``SDO``, PROV, ORG,
SKOS); NIF, ITS and our own ``kgo`` are closed :class:`~rdflib.namespace.DefinedNamespace` classes,
so a misspelt term fails at import time instead of producing a silent new IRI.
"""

from __future__ import annotations

import hashlib
from urllib.parse import quote

from camel_tools.utils.charmap import CharMapper
from rdflib import Namespace, URIRef
from rdflib.namespace import ORG, OWL, PROV, RDF, RDFS, SDO, SKOS, XSD, DefinedNamespace

__all__ = [
    "ITSRDF",
    "KGO",
    "NIF",
    "ORG",
    "OWL",
    "PROV",
    "RDF",
    "RDFS",
    "SDO",
    "SKOS",
    "XSD",
    "Iris",
    "bind_prefixes",
    "prefix_iris",
]

KGO_IRI = "https://kg.example.org/ontology#"
DEFAULT_BASE = "https://kg.example.org/"


class NIF(DefinedNamespace):
    """NLP Interchange Format core (the terms kg uses)."""

    _fail = True
    _NS = Namespace("http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#")

    Context: URIRef
    Sentence: URIRef
    Phrase: URIRef
    isString: URIRef
    anchorOf: URIRef
    beginIndex: URIRef
    endIndex: URIRef
    referenceContext: URIRef
    sentence: URIRef


class ITSRDF(DefinedNamespace):
    """Internationalization Tag Set, RDF form (entity linking of NIF phrases)."""

    _fail = True
    _NS = Namespace("http://www.w3.org/2005/11/its/rdf#")

    taIdentRef: URIRef
    taClassRef: URIRef


class KGO(DefinedNamespace):
    """kg's own ontology (see ``kg/data/kgo.ttl``)."""

    _fail = True
    _NS = Namespace(KGO_IRI)

    # event subtypes
    Meeting: URIRef
    Statement: URIRef
    Conflict: URIRef
    Demonstration: URIRef
    Visit: URIRef
    Call: URIRef
    Misc: URIRef
    # analytics on entities (corpus graph)
    degree: URIRef
    pageRank: URIRef
    betweenness: URIRef
    eigenvector: URIRef
    community: URIRef
    mentionCount: URIRef
    documentCount: URIRef
    # where an entity's English label came from (kg.english.LABEL_SOURCES)
    labelSource: URIRef
    # provenance of mentions and documents
    extractor: URIRef
    documentId: URIRef
    contentHash: URIRef
    sentenceIndex: URIRef
    # events: the words that signal them
    trigger: URIRef
    # links of the entity graph (corpus graph): precomputed so queries need not join mentions
    Link: URIRef
    source: URIRef
    target: URIRef
    sentenceCount: URIRef
    meetingCount: URIRef
    quotationCount: URIRef
    membershipCount: URIRef


PREFIXES = {
    "schema": SDO,
    "prov": PROV,
    "nif": NIF,
    "itsrdf": ITSRDF,
    "org": ORG,
    "skos": SKOS,
    "kgo": KGO,
    "owl": OWL,
    "rdfs": RDFS,
    "xsd": XSD,
}


def prefix_iris() -> dict[str, str]:
    """kg's prefixes, prefix -> namespace IRI: for SPARQL, JSON-LD contexts and serialisers.

    >>> prefix_iris()["schema"]
    'https://schema.org/'
    """
    return {prefix: str(getattr(ns, "_NS", ns)) for prefix, ns in PREFIXES.items()}


def bind_prefixes(graph: object, base: str = DEFAULT_BASE) -> None:
    """Bind kg's prefixes (and ``kg:`` for the base) on an rdflib Graph or Dataset."""
    bind = graph.bind  # type: ignore[attr-defined]
    for prefix, namespace in prefix_iris().items():
        bind(prefix, namespace, override=True)
    bind("kg", base, override=True)


class Iris:
    """Mints the IRIs of documents, sentences, mentions and entities under one base.

    >>> iris = Iris("https://example.org/")
    >>> iris.entity("اسماعيل هنيه")
    rdflib.term.URIRef('https://example.org/entity/AsmAEyl_hnyh')
    >>> iris.span("doc 1", 0, 12)
    rdflib.term.URIRef('https://example.org/doc/doc%201#char=0,12')
    """

    def __init__(self, base: str = DEFAULT_BASE) -> None:
        self.base = base if base.endswith(("/", "#")) else base + "/"
        self._transliterate = CharMapper.builtin_mapper("ar2safebw")
        self._documents: dict[str, URIRef] = {}  # doc id -> IRI: each span of a document needs it
        # key -> IRI: transliterating is slow, and a build mints each entity's IRI many times
        self._entities: dict[str, URIRef] = {}

    def document(self, doc_id: str) -> URIRef:
        """The document, which is also the name of its named graph."""
        iri = self._documents.get(doc_id)
        if iri is None:
            if len(self._documents) > 10_000:  # spans of one document are minted together
                self._documents.clear()
            iri = self._documents[doc_id] = URIRef(f"{self.base}doc/{_segment(doc_id, safe='')}")
        return iri

    def span(self, doc_id: str, start: int, end: int) -> URIRef:
        """A character span (RFC 5147 style) of a document: context, sentence or mention."""
        return URIRef(f"{self.document(doc_id)}#char={start},{end}")

    def entity(self, key: str) -> URIRef:
        """A stable, readable entity IRI: the key in Safe Buckwalter transliteration."""
        iri = self._entities.get(key)
        if iri is None:
            if len(self._entities) > 1_000_000:  # a bound, not an expected size
                self._entities.clear()
            iri = self._entities[key] = self._named("entity", key)
        return iri

    def event(self, doc_id: str, kind: str, start: int) -> URIRef:
        """An event, named by its kind and the offset of its trigger word."""
        return URIRef(f"{self.document(doc_id)}#event={kind.lower()},{start}")

    def quotation(self, doc_id: str, start: int, end: int) -> URIRef:
        """A quotation, named by its character span."""
        return URIRef(f"{self.document(doc_id)}#quote={start},{end}")

    def membership(self, doc_id: str, start: int, end: int) -> URIRef:
        """An org:Membership stated by the role phrase at this span."""
        return URIRef(f"{self.document(doc_id)}#role={start},{end}")

    def role(self, key: str) -> URIRef:
        """An org:Role shared by everyone who holds a post of this (normalised) name."""
        return self._named("role", key)

    def _named(self, folder: str, key: str) -> URIRef:
        # Safe Buckwalter is one-to-one on Arabic letters, so distinct keys keep distinct IRIs;
        # anything else (Latin, digits, punctuation) is percent-encoded and cannot leave the base.
        readable = self._transliterate(key).replace(" ", "_")
        return URIRef(f"{self.base}{folder}/{_segment(readable, safe='_-.~')}")

    def corpus_graph(self) -> URIRef:
        """The named graph of corpus-level facts (merged entities, analytics)."""
        return URIRef(f"{self.base}graph/corpus")

    def link(self, source: str, target: str) -> URIRef:
        """The link between two entities (by IRI), the same whichever comes first.

        >>> iris = Iris("https://example.org/")
        >>> a, b = iris.entity("غزة"), iris.entity("حماس")
        >>> iris.link(a, b) == iris.link(b, a)
        True
        >>> str(iris.link(a, b)).startswith("https://example.org/link/")
        True
        """
        # A digest of both IRIs: fixed length, and no separator that an IRI could contain.
        pair = "\n".join(sorted((str(source), str(target))))
        return URIRef(f"{self.base}link/{hashlib.sha256(pair.encode()).hexdigest()[:24]}")


def _segment(text: str, *, safe: str) -> str:
    """``text`` as one percent-encoded IRI path segment that cannot leave its folder.

    ``quote`` never encodes dots, and a segment of only ``.`` or ``..`` would be a dot-segment
    that IRI resolution removes (``…/doc/..`` *is* the base), so those dots are encoded.

    >>> _segment("..", safe="")
    '%2E%2E'
    >>> _segment("../x y", safe="")
    '..%2Fx%20y'
    """
    segment = quote(text, safe=safe)
    return segment.replace(".", "%2E") if segment in {".", ".."} else segment
