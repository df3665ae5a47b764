"""The event extractor: runs the finders over a document and finds the events themselves
(meetings, visits, calls, conflicts, demonstrations) with their participants."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace

from kg.dates import DateScan
from kg.events.aliases import role_aliases
from kg.events.lexicons import MAX_MERGE_DISTANCE, ROLE_ORG_EXTRACTOR, Lexicons
from kg.events.places import PlaceFinder
from kg.events.reader import Found, Reader
from kg.events.roles import RoleFinder
from kg.events.statements import StatementFinder
from kg.events.tokens import (
    DocView,
    Match,
    match_at,
    mention_key,
    opening_positions,
    unique_mentions,
)
from kg.model import Document, EntityType, Event, EventKind, Mention, Quotation, Role, Sentence

DAMMA = "\u064f"  # the vowel that marks a perfect verb as passive: «اُتهم»


@dataclass(frozen=True)
class Extraction:
    """What :class:`EventExtractor` found in one document.

    ``alias_mentions`` are new mentions it created: PERSON mentions for a role phrase used on its
    own (extractor ``"role-alias"``), PLACE mentions for named venues the NER did not mark
    (extractor ``"venue"``) and ORGANIZATION mentions for the organisation of a post the NER did
    not mark («عضو مجلس الأعيان», extractor ``"role-organization"``); add them to the document's
    mentions before resolving entities.
    ``aliases`` pairs each role-alias mention with the mention of the person who holds the role,
    so the resolver can give both one entity.
    """

    events: tuple[Event, ...]
    quotations: tuple[Quotation, ...]
    roles: tuple[Role, ...]
    alias_mentions: tuple[Mention, ...]
    aliases: tuple[tuple[Mention, Mention], ...] = ()


class EventExtractor(Reader):
    """Finds events, quotations and roles in a document, given its sentences and NER mentions.

    >>> import datetime as dt
    >>> from kg.model import Document, Mention, EntityType as T
    >>> from kg.text import split_sentences
    >>> text = "التقى الرئيس سامي نور نظيره كمال داود في بغداد أمس."
    >>> doc = Document("d", text, date=dt.date(2023, 5, 2))
    >>> def m(name, kind):
    ...     start = text.index(name)
    ...     return Mention("d", start, start + len(name), name, kind, 0)
    >>> found = EventExtractor.default()(
    ...     doc, split_sentences(text), [m("سامي نور", T.PERSON), m("كمال داود", T.PERSON),
    ...                                  m("بغداد", T.PLACE)])
    >>> event = found.events[0]
    >>> event.kind.value, [p.text for p in event.participants], event.place.text, str(event.date)
    ('Meeting', ['سامي نور', 'كمال داود'], 'بغداد', '2023-05-01')
    >>> [(r.label, r.person.text) for r in found.roles]
    [('الرئيس', 'سامي نور')]
    """

    def __init__(self, lexicons: Lexicons) -> None:
        super().__init__(lexicons)
        self.role_finder = RoleFinder(lexicons)
        self.place_finder = PlaceFinder(lexicons)
        self.statement_finder = StatementFinder(lexicons, self.place_finder)

    @classmethod
    def default(cls) -> EventExtractor:
        """An extractor with the lexicons shipped in ``kg/data/events``."""
        return cls(Lexicons.load())

    def __call__(
        self, doc: Document, sentences: Sequence[Sentence], mentions: Sequence[Mention]
    ) -> Extraction:
        view = DocView.build(doc, sentences)
        if not view.toks:
            return Extraction((), (), (), ())
        view.set_mentions(mentions)
        scan = DateScan(doc.text)
        dates = [d for d in scan.dates(scan.anchor(doc.date)) if d.date is not None]
        explicit = frozenset(d.start for d in scan.dates() if d.date is not None)
        found = Found(view, dates, explicit)
        found.roles = self.role_finder.roles(view)
        alias_pairs = role_aliases(view, found.roles)
        aliases = [alias for alias, _ in alias_pairs]
        found.venues = self.place_finder.venues(view)
        view.set_mentions([*mentions, *aliases])
        self.place_finder.dateline(found)
        triggers = self._triggers(view)
        events = self._events(found, [t for t in triggers if t.entry.payload != "Statement"])
        statements = self.statement_finder.statements(
            found, [t for t in triggers if t.entry.payload == "Statement"]
        )
        quotations = self.statement_finder.quotations(found)
        all_events = sorted([*events, *statements], key=lambda e: (e.trigger_start, e.kind))
        organizations = {
            r.organization: None
            for r in found.roles
            if r.organization is not None and r.organization.extractor == ROLE_ORG_EXTRACTOR
        }
        new_mentions = sorted(
            [*aliases, *found.used_venues.values(), *organizations], key=lambda m: m.start
        )
        return Extraction(
            tuple(all_events),
            tuple(quotations),
            tuple(found.roles),
            tuple(new_mentions),
            tuple(alias_pairs),
        )

    # -- events ---------------------------------------------------------------------------------

    def _triggers(self, view: DocView) -> list[Match]:
        matches: list[Match] = []
        triggers = self.lexicons.triggers
        for sentence in view.sentences:
            span = view.tokens_of(sentence.index)
            free = span.start  # the token after the last trigger's first segment
            for i in opening_positions(triggers, view, span):
                if i < free:
                    continue
                found = match_at(triggers, view, i, span.stop)
                if found is None or not self._trigger_allowed(view, found):
                    continue
                matches.append(found)
                free = found.head_last
        return matches

    def _trigger_allowed(self, view: DocView, trigger: Match) -> bool:
        if view.in_quote(trigger.start, trigger.end):
            return False
        if trigger.entry.payload == "Statement" and _passive(view, trigger):
            return False
        inside = view.mention_at.get(trigger.first)
        if inside is None:
            return True
        # A mis-segmented mention may swallow a speech verb at its start («وأكد داود»); other
        # triggers inside a name («مسيرات العودة», «سالم وعد») are part of that name, and so is
        # a head noun that reads as a verb («وزارة» as «و» + «زاره», "and visited him").
        first = view.toks[trigger.first]
        if any(form.stem in self.lexicons.organization_heads for form in first.noun_forms):
            return False
        return (
            trigger.entry.verb and view.token_span(inside.start, inside.end).start == trigger.first
        )

    def _events(self, found: Found, triggers: Sequence[Match]) -> list[Event]:
        view = found.view
        role_orgs = {r.organization for r in found.roles if r.organization is not None}
        events: list[Event] = []
        seen: set[tuple[int, str]] = set()
        for trigger in triggers:
            kind = EventKind(trigger.entry.payload)
            sentence = view.toks[trigger.first].sentence
            if (sentence, kind.value) in seen:
                continue  # «التقى … خلال لقاء …» is one meeting
            seen.add((sentence, kind.value))
            date = self.place_finder.date(found, (sentence,), trigger.start)
            event = Event(
                view.doc.id,
                kind,
                trigger.start,
                trigger.end,
                view.doc.text[trigger.start : trigger.end],
                (sentence,),
                self._participants(view, sentence, kind, role_orgs, found.venues.values()),
                self.place_finder.place(found, trigger, kind),
                None if date is None else date.date,
                None if date is None else date.text,
            )
            if not self._merged(events, event, trigger):
                events.append(event)
        return [e for e in _dedupe(events) if self._worth_keeping(e)]

    @staticmethod
    def _merged(events: list[Event], event: Event, trigger: Match) -> bool:
        """Fold a follow-up («وبحث الجانبان خلال اللقاء …») into the event it refers to."""
        for index in range(len(events) - 1, -1, -1):
            previous = events[index]
            if previous.kind is not event.kind:
                continue
            distance = event.sentences[0] - previous.sentences[-1]
            new_people = {mention_key(m) for m in event.participants} - {
                mention_key(m) for m in previous.participants
            }
            # «اللقاء» with no one new refers back to the meeting already reported, however far;
            # a nearby follow-up may add who else attended («وحضر اللقاء …»).
            if new_people and (distance > MAX_MERGE_DISTANCE or not trigger.definite):
                break
            if not trigger.definite and distance > MAX_MERGE_DISTANCE:
                break
            merged = replace(
                previous,
                sentences=tuple(sorted({*previous.sentences, *event.sentences})),
                participants=unique_mentions([*previous.participants, *event.participants]),
                place=previous.place or event.place,
                date=previous.date or event.date,
                date_text=previous.date_text if previous.date else event.date_text,
            )
            events[index] = merged
            return True
        return False

    @staticmethod
    def _worth_keeping(event: Event) -> bool:
        if event.kind in (EventKind.CONFLICT, EventKind.DEMONSTRATION):
            return bool(event.participants) or event.place is not None
        return bool(event.participants)

    def _participants(
        self,
        view: DocView,
        sentence: int,
        kind: EventKind,
        role_orgs: set[Mention],
        venues: Iterable[Mention] = (),
    ) -> tuple[Mention, ...]:
        """People (and groups) of the sentence, outside quotes and venue names («قصر عابدين»)."""
        in_sentence = [
            m
            for m in view.mentions
            if m.sentence == sentence
            and not view.in_quote(m.start, m.end)
            and not any(v.start <= m.start and m.end <= v.end for v in venues)
        ]
        people = [m for m in in_sentence if m.type is EntityType.PERSON]
        orgs = [
            m
            for m in in_sentence
            if m.type is EntityType.ORGANIZATION
            and m not in role_orgs
            and not self._is_source(view, m)
        ]
        # Organisations take part in fighting and protests; at a meeting or call they are
        # participants only when fewer than two people are named («التقى الوزير وفدا من النهضة»).
        group_kinds = (EventKind.CONFLICT, EventKind.DEMONSTRATION)
        if kind in group_kinds or len(people) < 2:
            return unique_mentions(sorted([*people, *orgs], key=lambda m: m.start))
        return unique_mentions(people)

    def _is_source(self, view: DocView, mention: Mention) -> bool:
        k = view.token_span(mention.start, mention.end).start
        return self._word_class(view, k - 1) == "source" or self._word_class(view, k) == "source"


def _passive(view: DocView, trigger: Match) -> bool:
    """«اُتهم», «أُعلن»: a perfect verb voweled with a damma on its first letter is passive, so
    the noun after it is not who spoke. (Imperfects take that damma in the active, «يُؤكد».)"""
    if not trigger.entry.verb or trigger.entry.segments[0][0].startswith(("ي", "ت")):
        return False
    written = view.doc.text[trigger.start : view.toks[trigger.first].token.end]
    return len(written) > 1 and written[1] == DAMMA


def _dedupe(events: Iterable[Event]) -> Iterator[Event]:
    seen: set[tuple[str, int]] = set()
    for event in events:
        if (event.kind.value, event.trigger_start) not in seen:
            seen.add((event.kind.value, event.trigger_start))
            yield event
