"""The model -> RDF triples (the only module that builds triples), and back.

Layout (see ``docs/rdf-model.md`` of the project): one named graph per document, named by the
document IRI, holding its nif:Context, sentences and mentions; one corpus graph holding merged
entities, their analytics and links, and the posts (org:Role) the documents name.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from rdflib import Dataset, Literal, URIRef
from rdflib.term import Node

from kg.errors import GraphError
from kg.model import (
    AnnotatedDocument,
    Document,
    Entity,
    EntityType,
    Event,
    Mention,
    Quotation,
    Role,
)
from kg.text import normalize
from kg.turtle import TrigWriter, WrittenLiteral
from kg.vocab import (
    ITSRDF,
    KGO,
    NIF,
    ORG,
    PREFIXES,
    PROV,
    RDF,
    RDFS,
    SDO,
    SKOS,
    XSD,
    Iris,
    bind_prefixes,
)

if TYPE_CHECKING:
    import networkx as nx

    from kg.english import EnglishName

ENTITY_CLASSES: Mapping[EntityType, URIRef] = {
    EntityType.PERSON: SDO.Person,
    EntityType.ORGANIZATION: SDO.Organization,
    EntityType.PLACE: SDO.Place,
    EntityType.MISC: KGO.Misc,
}
TYPE_OF_CLASS = {iri: entity_type for entity_type, iri in ENTITY_CLASSES.items()}
ARABIC = "ar"
ENGLISH = "en"


def content_hash(text: str) -> str:
    """SHA-256 of a document's text, to recognise a document seen before."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def add_document(
    dataset: Dataset,
    annotated: AnnotatedDocument,
    entity_keys: Mapping[Mention, str],
    iris: Iris,
) -> None:
    """Replace the named graph of ``annotated.doc`` with its context, sentences and mentions."""
    graph_iri = iris.document(annotated.doc.id)
    dataset.remove_graph(graph_iri)
    graph = dataset.graph(graph_iri)
    graph.addN((s, p, o, graph) for s, p, o in document_triples(annotated, entity_keys, iris))


class _Triples(list[tuple[Node, Node, Node]]):
    """A list of triples with rdflib's ``add``, to collect a graph without a store."""

    def add(self, triple: tuple[Node, Node, Node]) -> None:
        self.append(triple)


def document_triples(
    annotated: AnnotatedDocument,
    entity_keys: Mapping[Mention, str],
    iris: Iris,
) -> list[tuple[Node, Node, Node]]:
    """The triples of ``annotated.doc``'s named graph: context, sentences, mentions and facts.

    ``entity_keys`` links mentions to entities (by key); mentions without one stay unlinked.
    """
    doc = annotated.doc
    graph = _Triples()
    add = graph.add
    context = iris.span(doc.id, 0, len(doc.text))
    _add_document_context(graph, context, doc)
    # The terms of every sentence and mention, looked up once (a namespace attribute builds
    # a new term each time).
    a, anchor_of, begin, end = RDF.type, NIF.anchorOf, NIF.beginIndex, NIF.endIndex
    reference, in_sentence = NIF.referenceContext, NIF.sentence
    # Each sentence's IRI made once: its mentions and facts point to it too.
    sentence_nodes = [iris.span(doc.id, s.start, s.end) for s in annotated.sentences]
    for sentence, node in zip(annotated.sentences, sentence_nodes, strict=True):
        add((node, a, NIF.Sentence))
        add((node, reference, context))
        add((node, begin, _integer(sentence.start)))
        add((node, end, _integer(sentence.end)))
        add((node, anchor_of, Literal(doc.text[sentence.start : sentence.end])))
        add((node, KGO.sentenceIndex, _integer(sentence.index)))
    phrase, class_ref, extractor = NIF.Phrase, ITSRDF.taClassRef, KGO.extractor
    ident_ref = ITSRDF.taIdentRef
    for mention in annotated.mentions:
        node = iris.span(doc.id, mention.start, mention.end)
        add((node, a, phrase))
        add((node, anchor_of, _text(mention.text)))
        add((node, begin, _integer(mention.start)))
        add((node, end, _integer(mention.end)))
        add((node, reference, context))
        add((node, in_sentence, sentence_nodes[mention.sentence]))
        add((node, class_ref, ENTITY_CLASSES[mention.type]))
        add((node, extractor, _text(mention.extractor)))
        if mention in entity_keys:
            add((node, ident_ref, iris.entity(entity_keys[mention])))
    facts = _Facts(graph, annotated, entity_keys, iris, sentence_nodes)
    for event in annotated.events:
        facts.add_event(event)
    for quotation in annotated.quotations:
        facts.add_quotation(quotation)
    for role in annotated.roles:
        facts.add_role(role)
    return graph


class _Facts:
    """Writes the events, quotations and roles of one document into its named graph."""

    def __init__(
        self,
        graph: _Triples,
        annotated: AnnotatedDocument,
        entity_keys: Mapping[Mention, str],
        iris: Iris,
        sentence_nodes: Sequence[URIRef],
    ) -> None:
        self.graph, self.annotated, self.entity_keys, self.iris = (
            graph,
            annotated,
            entity_keys,
            iris,
        )
        self.sentence_nodes = sentence_nodes
        self.doc = annotated.doc
        self.context = iris.span(self.doc.id, 0, len(self.doc.text))

    def entity(self, mention: Mention | None) -> URIRef | None:
        if mention is None or mention not in self.entity_keys:
            return None
        return self.iris.entity(self.entity_keys[mention])

    def derived_from(self, node: URIRef, sentence_indexes: Iterable[int]) -> None:
        for index in sentence_indexes:
            self.graph.add((node, PROV.wasDerivedFrom, self.sentence_nodes[index]))

    def span(self, node: URIRef, start: int, end: int) -> None:
        """Offsets of a fact's own words, so it can be traced to the characters that state it."""
        self.graph.add((node, NIF.referenceContext, self.context))
        self.graph.add((node, NIF.beginIndex, _integer(start)))
        self.graph.add((node, NIF.endIndex, _integer(end)))
        self.graph.add((node, NIF.anchorOf, Literal(self.doc.text[start:end])))

    def add_event(self, event: Event) -> None:
        node = self.iris.event(self.doc.id, event.kind.value, event.trigger_start)
        self.graph.add((node, RDF.type, SDO.Event))
        self.graph.add((node, RDF.type, KGO[event.kind.value]))
        trigger = self.iris.span(self.doc.id, event.trigger_start, event.trigger_end)
        self.graph.add((node, KGO.trigger, trigger))
        self.span(trigger, event.trigger_start, event.trigger_end)
        for participant in event.participants:
            attendee = self.entity(participant)
            if attendee is not None:
                self.graph.add((node, SDO.attendee, attendee))
        place = self.entity(event.place)
        if place is not None:
            self.graph.add((node, SDO.location, place))
        if event.date is not None:
            self.graph.add((node, SDO.startDate, Literal(event.date, datatype=XSD.date)))
        self.derived_from(node, event.sentences)

    def add_quotation(self, quotation: Quotation) -> None:
        node = self.iris.quotation(self.doc.id, quotation.start, quotation.end)
        self.graph.add((node, RDF.type, SDO.Quotation))
        self.graph.add((node, SDO.text, Literal(quotation.text, lang=ARABIC)))
        self.span(node, quotation.start, quotation.end)
        speaker = self.entity(quotation.speaker)
        if speaker is not None:
            self.graph.add((node, SDO.creator, speaker))
        for mention in quotation.about:
            about = self.entity(mention)
            if about is not None:
                self.graph.add((node, SDO.about, about))
        self.derived_from(node, quotation.sentences)

    def add_role(self, role: Role) -> None:
        member = self.entity(role.person)
        if member is None:
            return
        node = self.iris.membership(self.doc.id, role.start, role.end)
        self.graph.add((node, RDF.type, ORG.Membership))
        self.graph.add((node, ORG.member, member))
        organization = self.entity(role.organization)
        if organization is not None:
            self.graph.add((node, ORG.organization, organization))
        # The post itself (its type and label) is described once, in the corpus graph.
        self.graph.add((node, ORG.role, self.iris.role(role_key(role.label))))
        self.span(node, role.start, role.end)
        self.derived_from(node, [role.sentence])


def role_key(label: str) -> str:
    """The key of the org:Role a post's wording names: posts worded alike share one.

    >>> role_key("وزيرُ الخارجيّة") == role_key("وزير الخارجية")
    True
    """
    return normalize(label)


def held_posts(
    annotated: AnnotatedDocument, entity_keys: Mapping[Mention, object]
) -> list[tuple[str, str]]:
    """(role key, wording) of each post the document states of a linked person: the posts its
    graph's org:Membership resources name (a post of an unlinked person is not written)."""
    return [
        (role_key(role.label), role.label) for role in annotated.roles if role.person in entity_keys
    ]


def role_triples(wordings: Mapping[str, Mapping[str, int]], iris: Iris) -> Iterator[Triple]:
    """The corpus graph's org:Role resources: role key -> how often each wording names it.

    A post is described once for the whole corpus, not in each document that names it (the
    union of the graphs would then hold its label once per document): its most frequent
    wording is the rdfs:label (ties: the first in code-point order), the others skos:altLabel.
    """
    for key in sorted(wordings):
        counts = wordings[key]
        ranked = sorted(counts, key=lambda wording: (-counts[wording], wording))
        post = iris.role(key)
        yield post, RDF.type, ORG.Role
        yield post, RDFS.label, Literal(ranked[0], lang=ARABIC)
        for wording in sorted(ranked[1:]):
            yield post, SKOS.altLabel, Literal(wording, lang=ARABIC)


def _add_document_context(graph: _Triples, context: URIRef, doc: Document) -> None:
    graph.add((context, RDF.type, NIF.Context))
    graph.add((context, NIF.isString, Literal(doc.text)))
    graph.add((context, NIF.beginIndex, Literal(0)))
    graph.add((context, NIF.endIndex, Literal(len(doc.text))))
    graph.add((context, KGO.documentId, Literal(doc.id)))
    graph.add((context, KGO.contentHash, Literal(content_hash(doc.text))))
    if doc.date is not None:
        graph.add((context, SDO.datePublished, Literal(doc.date, datatype=XSD.date)))
    if doc.title:
        graph.add((context, SDO.headline, Literal(doc.title, lang=ARABIC)))
    if doc.url:
        graph.add((context, SDO.url, Literal(doc.url, datatype=XSD.anyURI)))
    if doc.source:
        graph.add((context, SDO.publisher, Literal(doc.source)))


def set_corpus_entities(dataset: Dataset, entities: Iterable[Entity], iris: Iris) -> None:
    """Replace the corpus graph with the merged entities: type, labels and counts."""
    dataset.remove_graph(iris.corpus_graph())
    graph = dataset.graph(iris.corpus_graph())
    graph.addN((s, p, o, graph) for s, p, o in entity_triples(entities, iris))


def entity_triples(
    entities: Iterable[Entity], iris: Iris, english: Mapping[str, EnglishName] | None = None
) -> Iterator[Triple]:
    """The corpus graph's description of each merged entity; ``english`` (entity key ->
    :class:`~kg.english.EnglishName`) adds its English label, the label's source and the
    Wikipedia pages it is known to be."""
    # Terms looked up once: a namespace attribute costs as much as building a triple.
    a, label, alt_label = RDF.type, RDFS.label, SKOS.altLabel
    mentions, documents = KGO.mentionCount, KGO.documentCount
    english = english or {}
    for entity in entities:
        node = iris.entity(entity.key)
        yield node, a, ENTITY_CLASSES[entity.type]
        yield node, label, Literal(entity.label, lang=ARABIC)
        for alt in entity.alt_labels:
            yield node, alt_label, Literal(alt, lang=ARABIC)
        yield node, mentions, _integer(entity.mention_count)
        yield node, documents, _integer(entity.document_count)
        name = english.get(entity.key)
        if name is not None:
            yield node, label, Literal(name.label, lang=ENGLISH)
            yield node, KGO.labelSource, Literal(name.source)
            for page in name.links:
                yield node, SDO.sameAs, URIRef(page)


# Decimals a centrality keeps in the graph (and in the entity graph of a build: kg.graph).
METRIC_DECIMALS = 8
ANALYTICS_PROPERTIES: Mapping[str, URIRef] = {
    "degree": KGO.degree,
    "pagerank": KGO.pageRank,
    "betweenness": KGO.betweenness,
    "eigenvector": KGO.eigenvector,
    "community": KGO.community,
}


def set_analytics(dataset: Dataset, metrics: Mapping[str, Mapping[str, float]], iris: Iris) -> None:
    """Write centrality and community values (entity IRI -> metric -> value) to the corpus graph."""
    graph = dataset.graph(iris.corpus_graph())
    for prop in ANALYTICS_PROPERTIES.values():
        graph.remove((None, prop, None))
    graph.addN((s, p, o, graph) for s, p, o in analytics_triples(metrics))


@lru_cache(maxsize=65536)
def _integer(value: int) -> Literal:
    """An xsd:integer literal; counts and offsets repeat (offset 120 is in every document),
    and rdflib's Literal() is slow to build. It carries its Turtle text for the same reason."""
    return WrittenLiteral(value)


@lru_cache(maxsize=65536)
def _text(value: str) -> Literal:
    """A plain string literal; names and extractor names recur from mention to mention."""
    return WrittenLiteral(value)


@lru_cache(maxsize=65536)
def _double(value: float) -> Literal:
    """An xsd:double literal rounded to 8 decimals; leaves share their centralities (often 0)."""
    return Literal(round(float(value), METRIC_DECIMALS), datatype=XSD.double)


def analytics_triples(metrics: Mapping[str, Mapping[str, float]]) -> Iterator[Triple]:
    """Centrality (doubles, 8 decimals) and community (integer) triples of each entity."""
    for entity_iri, values in metrics.items():
        node = URIRef(entity_iri)
        for metric, value in values.items():
            literal = _integer(int(value)) if metric == "community" else _double(value)
            yield node, ANALYTICS_PROPERTIES[metric], literal


def corpus_triples(
    entities: Iterable[Entity],
    metrics: Mapping[str, Mapping[str, float]],
    G: nx.Graph,
    iris: Iris,
    posts: Mapping[str, Mapping[str, int]] | None = None,
    english: Mapping[str, EnglishName] | None = None,
) -> Iterator[Triple]:
    """The whole corpus graph without a store: what :func:`set_corpus_entities`,
    :func:`set_analytics` and :func:`set_links` write, the posts held (see
    :func:`role_triples`) and the entities' English names, for a streaming build."""
    yield from entity_triples(entities, iris, english)
    yield from role_triples(posts or {}, iris)
    yield from analytics_triples(metrics)
    yield from _link_triples(G, iris)


def new_dataset(iris: Iris) -> Dataset:
    """An empty dataset whose SPARQL default graph is the union of all named graphs."""
    dataset = Dataset(default_union=True)
    bind_prefixes(dataset, iris.base)
    return dataset


def require_graph(trig: Path) -> Path:
    """``trig`` itself, or :class:`~kg.errors.GraphError` saying how to build one."""
    if not trig.is_file():
        raise GraphError(f"{trig}: no built graph here; run `kg build INPUT --out DIR` first")
    return trig


def load_dataset(path: Path, iris: Iris) -> Dataset:
    """Parse a graph.trig written by kg; :class:`~kg.errors.GraphError` when unreadable."""
    dataset = new_dataset(iris)
    try:
        dataset.parse(path, format="trig")
    except Exception as error:  # rdflib raises many parser-specific types
        raise GraphError(
            f"{path}: cannot parse as TriG ({type(error).__name__}: {error})"
        ) from error
    return dataset


def trig_writer(dataset: Dataset) -> TrigWriter:
    """A canonical TriG writer with kg's prefixes as bound on ``dataset`` (``kg:`` included)."""
    wanted = {*PREFIXES, "rdf", "kg"}
    return TrigWriter({p: str(ns) for p, ns in dataset.namespaces() if p in wanted})


def serialize(dataset: Dataset) -> str:
    """TriG text of the whole dataset, graphs in IRI order so equal datasets give equal bytes.

    Each named graph is one block of :class:`kg.turtle.TrigWriter`'s canonical layout.
    """
    writer = trig_writer(dataset)
    graphs = sorted(
        (g for g in dataset.graphs() if len(g) and isinstance(g.identifier, URIRef)),
        key=lambda g: str(g.identifier),
    )
    return writer.document(writer.block(URIRef(str(g.identifier)), g) for g in graphs)


def document_graphs(dataset: Dataset, iris: Iris) -> list[URIRef]:
    """IRIs of the per-document named graphs, sorted."""
    prefix = iris.document("")
    return sorted(
        URIRef(str(g.identifier)) for g in dataset.graphs() if str(g.identifier).startswith(prefix)
    )


Triple = tuple[Node, Node, Node]


LINK_COUNTS: Mapping[str, URIRef] = {
    "co-mention": KGO.sentenceCount,
    "met": KGO.meetingCount,
    "said-about": KGO.quotationCount,
    "holds-role": KGO.membershipCount,
}


def set_links(dataset: Dataset, G: nx.Graph, iris: Iris) -> None:
    """Replace the corpus graph's kgo:Link resources with the edges of the entity graph ``G``.

    One link per edge, with both entities (``kgo:source`` sorts before ``kgo:target``) and a
    count per kind of the edge's ``kinds`` (an edge without ``kinds`` counts its ``weight``
    under its ``kind``), zero counts left out. Whole-corpus questions (who is named with whom,
    and how often) then read one resource per pair instead of joining every mention. Only
    ``G`` is read, so any builder of the entity graph can write the same links.

    >>> import networkx as nx
    >>> from kg.vocab import Iris
    >>> iris = Iris("https://example.org/")
    >>> G = nx.Graph()
    >>> G.add_edge("https://example.org/entity/b", "https://example.org/entity/a",
    ...            kinds={"co-mention": 2, "met": 1})
    >>> dataset = new_dataset(iris)
    >>> set_links(dataset, G, iris)
    >>> corpus = dataset.graph(iris.corpus_graph())
    >>> link = corpus.value(predicate=RDF.type, object=KGO.Link)
    >>> str(corpus.value(link, KGO.source)), corpus.value(link, KGO.sentenceCount).toPython()
    ('https://example.org/entity/a', 2)
    """
    graph = dataset.graph(iris.corpus_graph())
    for link in list(graph.subjects(RDF.type, KGO.Link)):
        graph.remove((link, None, None))
    graph.addN((s, p, o, graph) for s, p, o in _link_triples(G, iris))


def _link_triples(G: nx.Graph, iris: Iris) -> Iterator[Triple]:
    a, link_class, source_of, target_of = RDF.type, KGO.Link, KGO.source, KGO.target
    for u, v, data in G.edges(data=True):
        source, target = sorted((str(u), str(v)))
        if source == target:
            continue
        counts = data.get("kinds") or {data.get("kind", "co-mention"): data.get("weight", 1)}
        link = iris.link(source, target)
        yield link, a, link_class
        yield link, source_of, URIRef(source)
        yield link, target_of, URIRef(target)
        for kind, count in sorted(counts.items()):
            if kind not in LINK_COUNTS:
                known = ", ".join(LINK_COUNTS)
                raise ValueError(
                    f"edge {source} – {target}: unknown kind {kind!r} (known: {known})"
                )
            if count:
                yield link, LINK_COUNTS[kind], _integer(int(count))
