"""The data model: small frozen dataclasses that flow from text to graph.

Offsets (``start``/``end``) are code-point offsets into ``Document.text``; ``end`` is exclusive.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property
from typing import NamedTuple


class EntityType(StrEnum):
    """Entity classes; values are the NER label suffixes of the training data."""

    PERSON = "PERS"
    ORGANIZATION = "ORG"
    PLACE = "LOC"
    MISC = "MISC"

    @classmethod
    def from_label(cls, label: str) -> EntityType:
        """Map a BIO type such as ``"PERS"`` (or ``"PER"``) to an EntityType.

        >>> EntityType.from_label("PER")
        <EntityType.PERSON: 'PERS'>
        """
        aliases = {"PER": "PERS", "GPE": "LOC", "MIS": "MISC"}
        return cls(aliases.get(label, label))


@dataclass(frozen=True)
class Document:
    """One input document: its id, raw text and optional metadata."""

    id: str
    text: str
    date: dt.date | None = None
    title: str | None = None
    url: str | None = None
    source: str | None = None


class Token(NamedTuple):
    """A word or punctuation token; ``text`` equals ``doc.text[start:end]`` (a named tuple: one
    is made for every word of every document, twice as fast as a frozen dataclass)."""

    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Sentence:
    """A sentence span with its tokens; ``index`` is its position in the document."""

    index: int
    start: int
    end: int
    tokens: tuple[Token, ...]

    @cached_property
    def norms(self) -> tuple[str, ...]:
        """Each token's matching form (:func:`kg.text.normalize_token`), worked out once for
        the extractors and rules that all compare words in it."""
        from kg.text import normalize_token  # kg.text builds on this module

        return tuple([normalize_token(token.text) for token in self.tokens])


@dataclass(frozen=True)
class Mention:
    """A span of a document that names an entity, as found by one extractor."""

    doc_id: str
    start: int
    end: int
    text: str
    type: EntityType
    sentence: int
    extractor: str = ""


@dataclass(frozen=True)
class Entity:
    """A real-world thing that one or more mentions refer to.

    ``key`` is the normalised, title- and clitic-free canonical form; it determines the IRI, so
    rebuilding the same corpus gives the same entities.
    """

    key: str
    type: EntityType
    label: str
    alt_labels: tuple[str, ...] = ()
    # Empty when merged by a streaming build, which keeps only the counts below.
    mentions: tuple[Mention, ...] = field(default=(), compare=False, repr=False)
    mention_count: int = 0  # counted from ``mentions`` when not given
    document_count: int = 0

    def __post_init__(self) -> None:
        if self.mentions and not self.mention_count:
            object.__setattr__(self, "mention_count", len(self.mentions))
        if self.mentions and not self.document_count:
            object.__setattr__(self, "document_count", len({m.doc_id for m in self.mentions}))


@dataclass(frozen=True)
class Relation:
    """A typed, weighted link between two entities (by key), e.g. co-mention in a sentence."""

    kind: str
    source: str
    target: str
    weight: float = 1.0


class EventKind(StrEnum):
    """Event subtypes; values are the local names of the kgo: classes."""

    MEETING = "Meeting"
    STATEMENT = "Statement"
    CONFLICT = "Conflict"
    DEMONSTRATION = "Demonstration"
    VISIT = "Visit"
    CALL = "Call"


@dataclass(frozen=True)
class Event:
    """Something that happened, as a sentence reports it: who, what, when, where.

    ``trigger_start``/``trigger_end`` locate the word that signals the event («التقى», «قمة»);
    ``date`` is set only when the text gives or anchors one (never guessed).
    """

    doc_id: str
    kind: EventKind
    trigger_start: int
    trigger_end: int
    trigger: str
    sentences: tuple[int, ...]
    participants: tuple[Mention, ...] = ()
    place: Mention | None = None
    date: dt.date | None = None
    date_text: str | None = None


@dataclass(frozen=True)
class Quotation:
    """Words attributed to a speaker: the quote's span, its speaker and the entities it names."""

    doc_id: str
    start: int
    end: int
    text: str
    sentences: tuple[int, ...]
    speaker: Mention | None = None
    about: tuple[Mention, ...] = ()


@dataclass(frozen=True)
class Role:
    """A post a person holds, as the text states it («وزير الخارجية الأمريكي»)."""

    doc_id: str
    start: int
    end: int
    label: str
    person: Mention
    sentence: int
    organization: Mention | None = None


@dataclass(frozen=True)
class AnnotatedDocument:
    """A document with what the extraction stages found in it: the unit stored per named graph."""

    doc: Document
    sentences: tuple[Sentence, ...]
    mentions: tuple[Mention, ...]
    events: tuple[Event, ...] = ()
    quotations: tuple[Quotation, ...] = ()
    roles: tuple[Role, ...] = ()
    # (alias mention, mention of the person it stands for), e.g. a role phrase used alone
    aliases: tuple[tuple[Mention, Mention], ...] = ()
