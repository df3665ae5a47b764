"""An annotated document as a JSON record, and back: what a build spools and keeps beside its graph.

A streaming build writes each extracted document once, as one JSON line, instead of holding it
in memory; an incremental build reads the records of the stored documents instead of parsing
graph.trig. JSON, not pickle: a graph folder may come from someone else, and reading it must
never run code. Events, quotations, roles and aliases refer to mentions by their index.
Sentence tokens are not kept: nothing after extraction reads them.

>>> from kg.model import EntityType, Sentence
>>> doc = Document("d", "زار الوزير عمان.")
>>> mention = Mention("d", 11, 15, "عمان", EntityType.PLACE, 0, "crf")
>>> annotated = AnnotatedDocument(doc, (Sentence(0, 0, 16, ()),), (mention,))
>>> decode(encode(annotated)) == annotated
True
"""

from __future__ import annotations

import datetime as dt
from typing import Any, NamedTuple

from kg.errors import GraphError
from kg.model import (
    AnnotatedDocument,
    Document,
    EntityType,
    Event,
    EventKind,
    Mention,
    Quotation,
    Role,
    Sentence,
)

Record = dict[str, Any]


class MentionFields(NamedTuple):
    """A mention as a record keeps it: one JSON array, in this order."""

    start: int
    end: int
    type: str  # EntityType value
    sentence: int
    extractor: str
    text: str


def mention_fields(record: Record) -> list[MentionFields]:
    """The mentions of ``record``, each field by name.

    >>> from kg.model import EntityType
    >>> doc = Document("d", "زار الوزير عمان.")
    >>> mention = Mention("d", 11, 15, "عمان", EntityType.PLACE, 0, "crf")
    >>> record = encode(AnnotatedDocument(doc, (Sentence(0, 0, 16, ()),), (mention,)))
    >>> [(m.text, m.type, m.sentence) for m in mention_fields(record)]
    [('عمان', 'LOC', 0)]
    """
    return [MentionFields(*fields) for fields in record["mentions"]]


def encode(annotated: AnnotatedDocument) -> Record:
    """``annotated`` as plain JSON values."""
    doc = annotated.doc
    index = {mention: i for i, mention in enumerate(annotated.mentions)}

    def ref(mention: Mention | None) -> int | None:
        return None if mention is None else index[mention]

    return {
        "id": doc.id,
        "text": doc.text,
        "date": doc.date.isoformat() if doc.date else None,
        "title": doc.title,
        "url": doc.url,
        "source": doc.source,
        "sentences": [[s.start, s.end] for s in annotated.sentences],
        "mentions": [
            list(MentionFields(m.start, m.end, m.type.value, m.sentence, m.extractor, m.text))
            for m in annotated.mentions
        ],
        "events": [
            [
                e.kind.value,
                e.trigger_start,
                e.trigger_end,
                list(e.sentences),
                [ref(p) for p in e.participants],
                ref(e.place),
                e.date.isoformat() if e.date else None,
                e.date_text,
            ]
            for e in annotated.events
        ],
        "quotations": [
            [q.start, q.end, list(q.sentences), ref(q.speaker), [ref(m) for m in q.about]]
            for q in annotated.quotations
        ],
        "roles": [
            [r.start, r.end, r.label, ref(r.person), r.sentence, ref(r.organization)]
            for r in annotated.roles
        ],
        "aliases": [[index[alias], index[holder]] for alias, holder in annotated.aliases],
    }


def decode(record: Record) -> AnnotatedDocument:
    """The annotated document of an :func:`encode` record; GraphError when it is malformed."""
    try:
        return _decode(record)
    except (KeyError, IndexError, TypeError, ValueError) as error:
        raise GraphError(f"malformed document record ({type(error).__name__}: {error})") from error


def _decode(record: Record) -> AnnotatedDocument:
    doc = Document(
        id=record["id"],
        text=record["text"],
        date=_date(record["date"]),
        title=record["title"],
        url=record["url"],
        source=record["source"],
    )
    text = doc.text
    spans = record["sentences"]
    sentences = tuple(Sentence(i, start, end, ()) for i, (start, end) in enumerate(spans))
    mentions = tuple(
        Mention(doc.id, m.start, m.end, m.text, EntityType(m.type), m.sentence, m.extractor)
        for m in mention_fields(record)
    )

    def ref(i: int | None) -> Mention | None:
        return None if i is None else mentions[i]

    events = tuple(
        Event(
            doc.id,
            EventKind(kind),
            start,
            end,
            text[start:end],
            tuple(sentence_indexes),
            tuple(mentions[i] for i in participants),
            ref(place),
            _date(date),
            date_text,
        )
        for kind, start, end, sentence_indexes, participants, place, date, date_text in record[
            "events"
        ]
    )
    quotations = tuple(
        Quotation(
            doc.id,
            start,
            end,
            text[start:end],
            tuple(sentence_indexes),
            ref(speaker),
            tuple(mentions[i] for i in about),
        )
        for start, end, sentence_indexes, speaker, about in record["quotations"]
    )
    roles = tuple(
        Role(doc.id, start, end, label, mentions[person], sentence, ref(organization))
        for start, end, label, person, sentence, organization in record["roles"]
    )
    aliases = tuple((mentions[alias], mentions[holder]) for alias, holder in record["aliases"])
    return AnnotatedDocument(doc, sentences, mentions, events, quotations, roles, aliases)


def _date(value: str | None) -> dt.date | None:
    return None if value is None else dt.date.fromisoformat(value)
