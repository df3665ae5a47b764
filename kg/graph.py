"""RDF -> networkx projection, and the graph analytics written back into the corpus graph.

Functions follow networkx habits: the graph first, options keyword-only, plain dicts out,
``seed=`` for anything random.
"""

from __future__ import annotations

import csv
import io
import itertools
import math
import random
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import networkx as nx
import numpy as np
import scipy.sparse as sp
from rdflib import Dataset, Literal, URIRef
from rdflib.term import Node

from kg.model import AnnotatedDocument, Entity, EventKind, Mention
from kg.rdf import (
    ANALYTICS_PROPERTIES,
    LINK_COUNTS,
    METRIC_DECIMALS,
    TYPE_OF_CLASS,
    set_analytics,
    set_links,
)
from kg.vocab import ITSRDF, KGO, NIF, ORG, RDFS, SDO, SKOS, Iris

if TYPE_CHECKING:
    from kg.english import EnglishName
    from kg.store import SparqlStore

CO_MENTION = "co-mention"
MET = "met"
SAID_ABOUT = "said-about"
HOLDS_ROLE = "holds-role"
# When two entities are linked in several ways, the edge shows the most specific one.
KIND_PRECEDENCE = (MET, HOLDS_ROLE, SAID_ABOUT, CO_MENTION)
# Sentences kept per entity for the view's panel (the first, in document order): enough to list
# every mention of all but the most named entities, bounded so a big corpus stays in memory.
EXAMPLES_PER_NODE = 100
# Facts (meetings, statements, posts) kept per entity for the panel, the first in document order.
NOTES_PER_NODE = 50
QUOTE_CHARS = 200
# (kind, date, document id, text, *other entities): see fact_notes.
Note = tuple[str, ...]
# Exact betweenness is O(n·m); above this many nodes it is estimated from a seeded sample.
EXACT_BETWEENNESS_LIMIT = 2000
BETWEENNESS_SAMPLE = 256
# networkx's Louvain is pure Python: past this many nodes, scikit-network's compiled one.
NETWORKX_LOUVAIN_LIMIT = 2000
# Sources searched at once by sampled_betweenness: a batch holds a few (nodes × sources)
# float32 arrays, so this bounds its memory (≈ 32 MB each) whatever the graph's size.
BATCH_CELLS = 1 << 23


@dataclass
class LinkTally:
    """The entity graph's edges (relation counts) and node examples, summed over documents.

    Documents can be added in any order and tallies of disjoint documents merged: the result
    depends only on which documents were added, so streaming and in-memory builds agree.
    """

    relations: Counter[tuple[str, str, str]] = field(default_factory=Counter)
    # node -> its first examples in (document IRI, sentence IRI) order, with (doc id, sentence)
    examples: dict[str, list[tuple[tuple[str, str], tuple[str, str]]]] = field(default_factory=dict)
    # node -> its first facts (see fact_notes) in (document IRI, fact) order
    notes: dict[str, list[tuple[str, Note]]] = field(default_factory=dict)

    def add_sentence(
        self, document_iri: str, doc_id: str, sentence_iri: str, text: str, entities: set[str]
    ) -> None:
        """Entities named in one sentence: co-mention edges and candidate examples."""
        for member in entities:
            example = ((document_iri, sentence_iri), (doc_id, text))
            _keep_first(self.examples, member, [example], EXAMPLES_PER_NODE)
        for source, target in itertools.combinations(sorted(entities), 2):
            self.relations[source, target, CO_MENTION] += 1

    def add_notes(self, document_iri: str, notes: Mapping[str, list[Note]]) -> None:
        """One document's facts about each entity (:func:`fact_notes`)."""
        for node, found in notes.items():
            _keep_first(
                self.notes, node, sorted((document_iri, note) for note in found), NOTES_PER_NODE
            )

    def merge(self, other: LinkTally) -> None:
        self.relations.update(other.relations)
        for node, examples in other.examples.items():
            _keep_first(self.examples, node, examples, EXAMPLES_PER_NODE)
        for node, notes in other.notes.items():
            _keep_first(self.notes, node, notes, NOTES_PER_NODE)


def project(source: Dataset | SparqlStore, iris: Iris) -> nx.Graph:
    """The entity graph of a kg dataset, or of a store holding one (either store of
    :mod:`kg.store`: the same SPARQL reads both).

    Nodes are entity IRIs (str) with ``label``, ``type`` (PERS/ORG/LOC/MISC), ``mentions``,
    ``alt_labels`` and ``examples`` (document id, sentence) attributes; an edge joins two
    entities mentioned in the same sentence, ``kind="co-mention"``, ``weight`` = how many
    sentences they share. Facts add typed edges on top: ``met`` between the attendees of a
    meeting, ``said-about`` from a speaker to the entities a quotation names, ``holds-role``
    from a person to the organisation of a post. An edge keeps the count of each kind in
    ``kinds``; ``kind`` is the most specific one and ``weight`` the total.

    Everything but the examples is read from the corpus graph, as the build wrote it: the
    entities, their metrics (where stored) and the ``kgo:Link`` of each edge; only the
    examples come from the document graphs.

    >>> from kg.pipeline import build
    >>> from kg.model import Document
    >>> built = build([Document("d1", "زار محمود عباس القاهرة والتقى عبد الفتاح السيسي.")])
    >>> G = project(built.dataset, built.iris)
    >>> sorted(data["label"] for _, data in G.nodes(data=True)) == sorted(
    ...     data["label"] for _, data in built.G.nodes(data=True))
    True
    """
    from kg.store import MemoryStore

    store = MemoryStore(source) if isinstance(source, Dataset) else source
    corpus = f"<{iris.corpus_graph()}>"
    classes = " ".join(f"<{iri}>" for iri in TYPE_OF_CLASS)
    nodes: dict[str, dict[str, Any]] = {}
    entities = store.run(
        f"SELECT ?e ?class ?mentions WHERE {{ GRAPH {corpus} {{ VALUES ?class {{{classes}}}"
        f" ?e a ?class OPTIONAL {{ ?e <{KGO.mentionCount}> ?mentions }} }} }}"
    )
    for entity, entity_class, mentions in sorted(entities.rows, key=_row_key):
        iri = str(entity)
        if isinstance(entity, URIRef) and iri not in nodes:
            nodes[iri] = {
                "label": iri,
                "type": TYPE_OF_CLASS[URIRef(str(entity_class))].value,
                "mentions": int(str(mentions)) if mentions is not None else 0,
                "alt_labels": [],
            }
    labels = store.run(
        f"SELECT ?e ?label ?source WHERE {{ GRAPH {corpus} {{ ?e <{RDFS.label}> ?label"
        f" OPTIONAL {{ ?e <{KGO.labelSource}> ?source }} }} }}"
    )
    for entity, label, origin in sorted(labels.rows, key=_row_key):
        data = nodes.get(str(entity))
        language = label.language if isinstance(label, Literal) else None
        if data is None:
            continue
        if language == "en":
            data["label_en"] = str(label)
            if origin is not None:
                data["label_source"] = str(origin)
        elif data["label"] == str(entity):  # the first label that is not English
            data["label"] = str(label)
    for entity, alt in store.run(
        f"SELECT ?e ?alt WHERE {{ GRAPH {corpus} {{ ?e <{SKOS.altLabel}> ?alt }} }}"
    ).rows:
        if str(entity) in nodes:
            nodes[str(entity)]["alt_labels"].append(str(alt))
    metric_of = {str(prop): metric for metric, prop in ANALYTICS_PROPERTIES.items()}
    stored: dict[str, dict[str, float]] = defaultdict(dict)
    for entity, prop, value in store.run(
        f"SELECT ?e ?p ?v WHERE {{ GRAPH {corpus} {{ VALUES ?p {{{_iris(metric_of)}}}"
        " ?e ?p ?v } }"
    ).rows:
        stored[str(entity)].setdefault(metric_of[str(prop)], float(str(value)))
    for iri, data in nodes.items():
        data["alt_labels"].sort()
        metrics = stored.get(iri, {})
        data.update((m, metrics[m]) for m in ANALYTICS_PROPERTIES if m in metrics)
    links = LinkTally()
    doc_ids = _document_values(store, KGO.documentId)
    links.examples = _examples(store, iris, nodes, doc_ids)
    links.notes = _stored_notes(store, iris, nodes, doc_ids)
    links.relations = stored_links(store, iris)
    return entity_graph(nodes, links)


def _document_values(store: SparqlStore, prop: URIRef) -> dict[str, str]:
    """Document graph -> a value its nif:Context states (its id, its date)."""
    found = store.run(f"SELECT ?g ?v WHERE {{ GRAPH ?g {{ ?c a <{NIF.Context}> ; <{prop}> ?v }} }}")
    return {str(graph): str(value) for graph, value in found.rows}


def _stored_notes(
    store: SparqlStore, iris: Iris, nodes: Mapping[str, Any], doc_ids: Mapping[str, str]
) -> dict[str, list[tuple[str, Note]]]:
    """:func:`fact_notes` of every document, read back from the stored facts."""
    prefix = iris.document("")
    dated = _document_values(store, SDO.datePublished)
    notes: dict[str, list[tuple[str, Note]]] = defaultdict(list)

    def grouped(sparql: str) -> dict[tuple[str, str], list[tuple[str, ...]]]:
        """Rows (graph, fact node, *values) of document graphs, by (graph, fact node)."""
        groups: dict[tuple[str, str], list[tuple[str, ...]]] = defaultdict(list)
        for graph, node, *values in store.run(sparql).rows:
            if str(graph).startswith(prefix):
                groups[str(graph), str(node)].append(
                    tuple("" if v is None else str(v) for v in values)
                )
        return groups

    def add(graph: str, entity: str, note: Note) -> None:
        if entity in nodes:
            notes[entity].append((graph, note))

    meetings = grouped(
        f"SELECT ?g ?e ?a ?date WHERE {{ GRAPH ?g {{ ?e a <{KGO.Meeting}> ; <{SDO.attendee}> ?a"
        f" OPTIONAL {{ ?e <{SDO.startDate}> ?date }} }} }}"
    )
    for (graph, _), rows in meetings.items():
        attendees = {attendee for attendee, _ in rows}
        date = max(date for _, date in rows) or dated.get(graph, "")
        for member in attendees:
            note = ("met", date, doc_ids.get(graph, graph), "", *sorted(attendees - {member}))
            add(graph, member, note)

    def noted(kind: str, fact: URIRef, actor: URIRef, words: URIRef, others: URIRef) -> None:
        """Statements and posts: the actor, the words, and the entities they name."""
        linked = grouped(
            f"SELECT ?g ?f ?o WHERE {{ GRAPH ?g {{ ?f a <{fact}> ; <{others}> ?o }} }}"
        )
        facts = grouped(
            f"SELECT ?g ?f ?who ?words WHERE {{ GRAPH ?g {{ ?f a <{fact}> ;"
            f" <{actor}> ?who ; <{words}> ?words }} }}"
        )
        for (graph, node), rows in facts.items():
            named = sorted({entity for (entity,) in linked.get((graph, node), [])})
            for who, text in sorted(set(rows)):
                shown = _quote(text) if kind == "said" else text
                add(
                    graph,
                    who,
                    (kind, dated.get(graph, ""), doc_ids.get(graph, graph), shown, *named),
                )

    noted("said", SDO.Quotation, SDO.creator, SDO.text, SDO.about)
    noted("post", ORG.Membership, ORG.member, NIF.anchorOf, ORG.organization)
    return {node: sorted(found)[:NOTES_PER_NODE] for node, found in notes.items()}


def _iris(iris: Iterable[str]) -> str:
    return " ".join(f"<{iri}>" for iri in sorted(iris))


def _row_key(row: tuple[Node | None, ...]) -> tuple[str, ...]:
    return tuple("" if term is None else str(term) for term in row)


def _examples(
    store: SparqlStore, iris: Iris, nodes: Mapping[str, Any], doc_ids: Mapping[str, str]
) -> dict[str, list[tuple[tuple[str, str], tuple[str, str]]]]:
    """Each entity's first EXAMPLES_PER_NODE sentences, in (document IRI, sentence IRI) order,
    with the document's id and the sentence's text (as :class:`LinkTally` keeps them)."""
    prefix = iris.document("")
    first: dict[str, list[tuple[str, str]]] = defaultdict(list)
    named = store.run(
        f"SELECT DISTINCT ?g ?s ?e WHERE {{ GRAPH ?g {{ ?m <{ITSRDF.taIdentRef}> ?e ;"
        f" <{NIF.sentence}> ?s }} }}"
    )
    for graph, sentence, entity in sorted(named.rows, key=_row_key):
        kept = first[str(entity)]
        if len(kept) < EXAMPLES_PER_NODE and str(graph).startswith(prefix):
            kept.append((str(graph), str(sentence)))
    wanted = {sentence for entity, kept in first.items() if entity in nodes for _, sentence in kept}
    texts: dict[str, str] = {}
    ordered = sorted(wanted)
    for start in range(0, len(ordered), 1000):  # bounded VALUES clauses
        batch = ordered[start : start + 1000]
        found = store.run(
            f"SELECT ?s ?text WHERE {{ GRAPH ?g {{ VALUES ?s {{{_iris(batch)}}}"
            f" ?s <{NIF.anchorOf}> ?text }} }}"
        )
        texts.update((str(sentence), str(text)) for sentence, text in found.rows)
    return {
        entity: [
            ((graph, sentence), (doc_ids.get(graph, graph), texts.get(sentence, "")))
            for graph, sentence in kept
        ]
        for entity, kept in first.items()
        if entity in nodes
    }


def _keep_first(kept: dict[str, list[Any]], node: str, items: list[Any], cap: int) -> None:
    """Keep the first ``cap`` of ``node``'s items, in order; ``items`` is sorted."""
    have = kept.get(node)
    if have is None:
        kept[node] = items[:cap]
    elif items and (len(have) < cap or items[0] < have[-1]):
        kept[node] = sorted(have + items)[:cap]


def stored_links(store: SparqlStore, iris: Iris) -> Counter[tuple[str, str, str]]:
    """The edges of the entity graph as the corpus graph's ``kgo:Link`` resources state them:
    (source, target, kind) → count."""
    kind_of = {str(prop): kind for kind, prop in LINK_COUNTS.items()}
    found: Counter[tuple[str, str, str]] = Counter()
    answer = store.run(
        f"SELECT ?source ?target ?p ?n WHERE {{ GRAPH <{iris.corpus_graph()}> {{"
        f" ?link a <{KGO.Link}> ; <{KGO.source}> ?source ; <{KGO.target}> ?target ;"
        f" ?p ?n VALUES ?p {{{_iris(kind_of)}}} }} }}"
    )
    for source, target, prop, count in answer.rows:
        found[str(source), str(target), kind_of[str(prop)]] += int(str(count))
    return found


def sentence_links(
    doc_id: str,
    text: str,
    sentences: Sequence[tuple[int, int]],
    entities_by_sentence: Mapping[int, set[str]],
    iris: Iris,
) -> LinkTally:
    """Co-mention edges and node examples of one document: the entity IRIs named in each of
    its sentences (by index into ``sentences``, character spans of ``text``)."""
    document_iri = str(iris.document(doc_id))
    links = LinkTally()
    for index, entities in entities_by_sentence.items():
        start, end = sentences[index]
        sentence_iri = str(iris.span(doc_id, start, end))
        links.add_sentence(document_iri, doc_id, sentence_iri, text[start:end], entities)
    return links


def fact_links(notes: Mapping[str, list[Note]]) -> Counter[tuple[str, str, str]]:
    """Typed edges of one document's facts, from its :func:`fact_notes`: ``met`` between two
    attendees of a meeting (once, sources before targets), ``said-about`` from a speaker to each
    entity the quotation names, ``holds-role`` from a person to the organisation of a post."""
    relations: Counter[tuple[str, str, str]] = Counter()
    kinds = {"said": SAID_ABOUT, "post": HOLDS_ROLE}
    for entity, found in notes.items():
        for kind, _, _, _, *others in found:
            for other in others:
                if kind != "met":
                    relations[entity, other, kinds[kind]] += 1
                elif entity < other:  # each attendee lists the others: count a pair once
                    relations[entity, other, MET] += 1
    return relations


def fact_notes(
    annotated: AnnotatedDocument, entity_of: Mapping[Mention, str], iris: Iris
) -> dict[str, list[Note]]:
    """What one document states of each entity, for the view's panel: its meetings (with whom),
    its statements (the quote, whom it names) and its posts (the words that state them), each
    ``(kind, date, document id, text, *other entities)`` — the meeting's date, else the
    document's. Read the way :mod:`kg.rdf` writes them (one RDF node per fact), so that
    :func:`project` reads the same notes back from a stored graph."""
    doc = annotated.doc
    dated = doc.date.isoformat() if doc.date else ""
    notes: dict[str, list[Note]] = defaultdict(list)
    meetings: dict[str, tuple[set[str], str]] = {}
    for event in annotated.events:
        if event.kind == EventKind.MEETING:
            node = str(iris.event(doc.id, event.kind.value, event.trigger_start))
            attendees, date = meetings.setdefault(node, (set(), ""))
            attendees.update(e for e in map(entity_of.get, event.participants) if e is not None)
            if event.date is not None and not date:
                meetings[node] = (attendees, event.date.isoformat())
    for attendees, date in meetings.values():
        for member in attendees:
            others = sorted(attendees - {member})
            notes[member].append(("met", date or dated, doc.id, "", *others))
    quotes: dict[str, tuple[set[str], set[str], str]] = {}
    for quotation in annotated.quotations:
        node = str(iris.quotation(doc.id, quotation.start, quotation.end))
        speakers, about, _ = quotes.setdefault(node, (set(), set(), quotation.text))
        if quotation.speaker is not None and quotation.speaker in entity_of:
            speakers.add(entity_of[quotation.speaker])
        about.update(entity_of[m] for m in quotation.about if m in entity_of)
    for speakers, about, text in quotes.values():
        for speaker in speakers:
            notes[speaker].append(("said", dated, doc.id, _quote(text), *sorted(about)))
    posts: dict[str, tuple[set[str], set[str], str]] = {}
    for role in annotated.roles:
        if role.person not in entity_of:
            continue  # rdf writes no membership without a member
        node = str(iris.membership(doc.id, role.start, role.end))
        members, organizations, _ = posts.setdefault(
            node, (set(), set(), doc.text[role.start : role.end])
        )
        members.add(entity_of[role.person])
        if role.organization is not None and role.organization in entity_of:
            organizations.add(entity_of[role.organization])
    for members, organizations, phrase in posts.values():
        for member in members:
            notes[member].append(("post", dated, doc.id, phrase, *sorted(organizations)))
    return dict(notes)


def _quote(text: str) -> str:
    """A quotation as the panel shows it: whitespace folded, at most QUOTE_CHARS characters."""
    folded = " ".join(text.split())
    return folded if len(folded) <= QUOTE_CHARS else folded[: QUOTE_CHARS - 1] + "…"


def entity_graph(nodes: Mapping[str, Mapping[str, Any]], links: LinkTally) -> nx.Graph:
    """The networkx entity graph from node attributes (by IRI) and the summed links.

    Nodes go in by type (persons, organisations, places, other), then IRI; edges in IRI order:
    the order is part of the result, since community detection visits nodes in order.
    """
    type_order = [entity_type.value for entity_type in TYPE_OF_CLASS.values()]
    G = nx.Graph()
    for iri in sorted(nodes, key=lambda i: (type_order.index(nodes[i]["type"]), i)):
        examples = [example for _, example in links.examples.get(iri, [])]
        facts = [list(note) for _, note in links.notes.get(iri, [])]
        G.add_node(iri, **nodes[iri], examples=examples, facts=facts)
    for (source, target, kind), count in sorted(links.relations.items()):
        if source != target and source in G and target in G:
            _add_relation(G, source, target, kind, count)
    return G


def entity_attributes(entity: Entity, english: EnglishName | None = None) -> dict[str, Any]:
    """The node attributes :func:`project` reads from the corpus graph, from the model (and
    the entity's English name, when it has one)."""
    attributes: dict[str, Any] = {
        "label": entity.label,
        "type": entity.type.value,
        "mentions": entity.mention_count,
        "alt_labels": sorted(entity.alt_labels),
    }
    if english is not None:
        attributes["label_en"] = english.label
        attributes["label_source"] = english.source
    return attributes


def _add_relation(G: nx.Graph, source: str, target: str, kind: str, count: int) -> None:
    if not G.has_edge(source, target):
        G.add_edge(source, target, kind=kind, weight=0.0, kinds={})
    data = G.edges[source, target]
    data["kinds"][kind] = data["kinds"].get(kind, 0) + count
    data["weight"] += float(count)
    data["kind"] = min(data["kinds"], key=KIND_PRECEDENCE.index)


def degree(G: nx.Graph) -> dict[str, float]:
    """Normalised degree centrality.

    >>> degree(nx.path_graph(["a", "b", "c"]))
    {'a': 0.5, 'b': 1.0, 'c': 0.5}
    """
    return dict(nx.degree_centrality(G)) if len(G) > 1 else dict.fromkeys(G, 0.0)


def pagerank(G: nx.Graph) -> dict[str, float]:
    """Weighted PageRank (isolated nodes get the teleport share).

    >>> round(sum(pagerank(nx.path_graph(["a", "b", "c"])).values()), 6)
    1.0
    """
    return dict(nx.pagerank(G, weight="weight")) if len(G) else {}


def betweenness(G: nx.Graph, *, seed: int = 0) -> dict[str, float]:
    """Betweenness centrality: networkx's exact values up to a few thousand nodes, then
    :func:`sampled_betweenness` from ``BETWEENNESS_SAMPLE`` seeded sources.

    >>> betweenness(nx.path_graph(["a", "b", "c"]))["b"]
    1.0
    """
    if len(G) > EXACT_BETWEENNESS_LIMIT:
        return sampled_betweenness(G, k=BETWEENNESS_SAMPLE, seed=seed)
    return dict(nx.betweenness_centrality(G))


def sampled_betweenness(G: nx.Graph, *, k: int | None = None, seed: int = 0) -> dict[str, float]:
    """Normalised betweenness of an undirected, unweighted graph, estimated from ``k`` sources.

    The estimator is networkx's ``betweenness_centrality(G, k=k, seed=seed)`` (same sampled
    sources, same rescaling; ``k=None`` is exact), but Brandes' two passes run for a batch of
    sources at once as sparse-matrix products (scipy) in float32: 100k nodes and 500k edges
    take seconds instead of minutes. Values agree with networkx to about 1e-6 (relative).

    >>> G = nx.karate_club_graph()
    >>> ours, theirs = sampled_betweenness(G, k=10), nx.betweenness_centrality(G, k=10, seed=0)
    >>> max(abs(ours[v] - theirs[v]) for v in G) < 1e-6
    True
    >>> sampled_betweenness(nx.path_graph(["a", "b", "c"]))
    {'a': 0.0, 'b': 1.0, 'c': 0.0}
    """
    nodes = list(G)
    n = len(nodes)
    sampled = k is not None and k < n
    sources = random.Random(seed).sample(nodes, k) if k is not None and sampled else nodes
    if n < 3:
        return dict.fromkeys(nodes, 0.0)
    index = {node: i for i, node in enumerate(nodes)}
    A = _adjacency(G, nodes, index)
    starts = np.fromiter((index[s] for s in sources), dtype=np.int64, count=len(sources))
    batches = math.ceil(len(starts) / max(1, BATCH_CELLS // n))
    scores = np.zeros(n)
    for batch in np.array_split(starts, batches):
        scores += _dependencies(A, batch)
    # networkx's normalisation: per source, over the n-2 targets a node can lie before; a
    # sampled source never counts itself, so its sum has one source fewer.
    if not sampled:
        return dict(zip(nodes, (scores / ((n - 1) * (n - 2))).tolist(), strict=True))
    scale = np.full(n, 1.0 / (len(starts) * (n - 2)))
    scale[starts] = 1.0 / ((len(starts) - 1) * (n - 2)) if len(starts) > 1 else math.nan
    return dict(zip(nodes, (scores * scale).tolist(), strict=True))


def _adjacency(G: nx.Graph, nodes: list[Any], index: dict[Any, int]) -> sp.csr_array:
    """The 0/1 adjacency matrix of ``G`` in ``nodes`` order, without self-loops."""
    neighbours = [[index[u] for u in G.adj[v] if u != v] for v in nodes]
    indptr = np.zeros(len(nodes) + 1, dtype=np.int64)
    np.cumsum([len(row) for row in neighbours], out=indptr[1:])
    indices = np.fromiter(itertools.chain.from_iterable(neighbours), dtype=np.int64)
    data = np.ones(len(indices), dtype=np.float32)
    return sp.csr_array((data, indices, indptr), shape=(len(nodes), len(nodes)))


def _dependencies(A: sp.csr_array, sources: np.ndarray) -> np.ndarray:
    """Brandes' dependency of every node on a batch of sources, summed over the batch.

    Column j follows source j: a breadth-first pass counts shortest paths (sigma) level by
    level, then a pass back from the deepest level accumulates the dependencies (delta).
    """
    n, columns = A.shape[0], np.arange(len(sources))
    sigma = np.zeros((n, len(sources)), dtype=np.float32)
    sigma[sources, columns] = 1.0
    seen = sigma > 0
    levels = [seen.copy()]
    frontier = sigma.copy()
    while True:
        reach = A @ frontier
        new = (reach > 0) & ~seen
        if not new.any():
            break
        seen |= new
        frontier = reach * new
        sigma += frontier
        levels.append(new)
    safe_sigma = np.where(seen, sigma, 1.0)
    delta = np.zeros_like(sigma)
    for depth in range(len(levels) - 1, 0, -1):
        share = (1.0 + delta) / safe_sigma * levels[depth]
        delta += (A @ share) * sigma * levels[depth - 1]
    delta[sources, columns] = 0.0
    result: np.ndarray = delta.sum(axis=1, dtype=np.float64)
    return result


def eigenvector(G: nx.Graph, *, max_iter: int = 1000, tol: float = 1e-6) -> dict[str, float]:
    """Weighted eigenvector centrality by power iteration on ``A + I`` (0 where it fails).

    networkx's own iteration (:func:`networkx.eigenvector_centrality`: same start, update and
    stopping rule), on a sparse matrix: deterministic, unlike ARPACK's random start, and defined
    on disconnected graphs, where the numpy variant refuses.

    >>> values = eigenvector(nx.star_graph(3))
    >>> values[0] > values[1]
    True
    >>> G = nx.path_graph(4)
    >>> reference = nx.eigenvector_centrality(G)
    >>> all(abs(eigenvector(G)[n] - reference[n]) < 1e-9 for n in G)
    True
    """
    if G.number_of_edges() == 0:
        return dict.fromkeys(G, 0.0)
    nodes = list(G)
    n = len(nodes)
    A = nx.to_scipy_sparse_array(G, nodelist=nodes, weight="weight", dtype=float, format="csr")
    x = np.full(n, 1.0 / n)
    for _ in range(max_iter):
        last = x
        x = last + A @ last
        norm = float(np.linalg.norm(x))
        if norm == 0:
            break
        x = x / norm
        if float(np.abs(x - last).sum()) < n * tol:
            return dict(zip(nodes, x.tolist(), strict=True))
    return dict.fromkeys(G, 0.0)


def communities(G: nx.Graph, *, seed: int = 0) -> dict[str, int]:
    """Louvain communities, numbered by decreasing size (seeded, so stable).

    networkx's Louvain up to a few thousand nodes; above, scikit-network's (compiled, the same
    method), since networkx's takes minutes at 100,000 nodes where it takes seconds.

    >>> parts = communities(nx.barbell_graph(4, 0))
    >>> parts[0] == parts[1] != parts[7]
    True
    """
    if len(G) > NETWORKX_LOUVAIN_LIMIT and G.number_of_edges():
        found = _compiled_louvain(G, seed=seed)
    else:
        found = nx.community.louvain_communities(G, weight="weight", seed=seed) if len(G) else []
    ordered = sorted(found, key=lambda c: (-len(c), min(map(str, c))))
    return {node: number for number, members in enumerate(ordered) for node in members}


def _compiled_louvain(G: nx.Graph, *, seed: int) -> list[set[Any]]:
    from sknetwork.clustering import Louvain

    nodes = list(G)
    A = sp.csr_matrix(nx.to_scipy_sparse_array(G, nodelist=nodes, weight="weight", dtype=float))
    labels = Louvain(random_state=seed).fit_predict(A)
    found: dict[int, set[Any]] = defaultdict(set)
    for node, label in zip(nodes, labels.tolist(), strict=True):
        found[label].add(node)
    return list(found.values())


# The metrics :func:`analytics` gives every node, kept to the decimals the graph stores
# (METRIC_DECIMALS), so entities.csv rounds what the graph states whether the entity graph
# comes from a build or from a stored graph.
METRICS = tuple(ANALYTICS_PROPERTIES)


def metric(G: nx.Graph, name: str, *, seed: int = 0) -> dict[Any, float]:
    """One of :data:`METRICS` for every node of ``G``, rounded as the graph stores it.

    >>> metric(nx.path_graph(["a", "b", "c"]), "degree")
    {'a': 0.5, 'b': 1.0, 'c': 0.5}
    """
    if name == "degree":
        values: Mapping[Any, float] = degree(G)
    elif name == "pagerank":
        values = pagerank(G)
    elif name == "betweenness":
        values = betweenness(G, seed=seed)
    elif name == "eigenvector":
        values = eigenvector(G)
    elif name == "community":
        values = {n: float(c) for n, c in communities(G, seed=seed).items()}
    else:
        raise ValueError(f"unknown metric {name!r}; known: {', '.join(METRICS)}")
    return {node: round(values[node], METRIC_DECIMALS) for node in G}


def analytics(
    G: nx.Graph, *, seed: int = 0, known: Mapping[str, Mapping[Any, float]] | None = None
) -> dict[str, dict[str, float]]:
    """Every metric for every node: node -> {metric name: value}. ``known`` holds metrics
    already worked out by :func:`metric` (by name), which are not computed again."""
    known = known or {}
    columns = {name: known.get(name) or metric(G, name, seed=seed) for name in METRICS}
    return {node: {name: values[node] for name, values in columns.items()} for node in G}


ENTITY_COLUMNS = (
    "id", "label", "type", "mentions", "degree", "pagerank", "betweenness", "eigenvector",
    "community", "alt_labels", "label_en", "label_source",
)  # fmt: skip


def entity_rows(G: nx.Graph) -> list[dict[str, Any]]:
    """One dict per node with its metrics (rounded to 6 places), most central first.

    >>> G = nx.Graph([("a", "b"), ("b", "c")])
    >>> for node, rank in pagerank(G).items():
    ...     G.nodes[node]["pagerank"] = rank
    >>> [row["id"] for row in entity_rows(G)]
    ['b', 'a', 'c']
    """
    rows = [
        {
            "id": str(node),
            "label": str(data.get("label", node)),
            "label_en": str(data.get("label_en", "")),
            "label_source": str(data.get("label_source", "")),
            "type": data.get("type", ""),
            "mentions": data.get("mentions", 0),
            "degree": round(data.get("degree", 0.0), 6),
            "pagerank": round(data.get("pagerank", 0.0), 6),
            "betweenness": round(data.get("betweenness", 0.0), 6),
            "eigenvector": round(data.get("eigenvector", 0.0), 6),
            "community": int(data.get("community", 0)),  # kept as a float metric on the node
            "alt_labels": "|".join(data.get("alt_labels", ())),
        }
        for node, data in G.nodes(data=True)
    ]
    return sorted(rows, key=lambda row: (-row["pagerank"], row["label"], row["id"]))


def analyse(
    G: nx.Graph, *, seed: int = 0, known: Mapping[str, Mapping[Any, float]] | None = None
) -> dict[str, dict[str, float]]:
    """Centrality and communities of every node (:func:`analytics`), also stored on G's nodes."""
    metrics = analytics(G, seed=seed, known=known)
    for node, values in metrics.items():
        G.nodes[node].update(values)
    return metrics


def write_analytics(dataset: Dataset, G: nx.Graph, iris: Iris, *, seed: int = 0) -> None:
    """:func:`analyse` G, and write the metrics and G's links into the corpus graph."""
    set_analytics(dataset, analyse(G, seed=seed), iris)
    set_links(dataset, G, iris)


def entities_csv(G: nx.Graph) -> str:
    """entities.csv text: one row per entity, most central first."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=ENTITY_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(entity_rows(G))
    return buffer.getvalue()
