"""Statements (who said it, and when and where) and quotations (which speech verb they belong
to)."""

from __future__ import annotations

from collections.abc import Sequence

from kg.events.lexicons import (
    ALIAS_EXTRACTOR,
    MAX_SUBJECT_TOKENS,
    MAX_SVO_GAP,
    MIN_UNATTRIBUTED_QUOTE_WORDS,
    NAME_PARTICLES,
    SUBJECT_BOUNDARIES,
    Lexicons,
    words_of,
)
from kg.events.places import PlaceFinder
from kg.events.reader import Found, Reader, Said
from kg.events.tokens import DocView, Match, is_definite, same_person
from kg.model import EntityType, Event, EventKind, Mention, Quotation
from kg.text import normalize


class StatementFinder(Reader):
    """Finds statements and quotations, with the places and dates of ``places``."""

    def __init__(self, lexicons: Lexicons, places: PlaceFinder) -> None:
        super().__init__(lexicons)
        self.places = places

    def statements(self, found: Found, triggers: Sequence[Match]) -> list[Event]:
        view = found.view
        events: list[Event] = []
        for trigger in triggers:
            sentence = view.toks[trigger.first].sentence
            speaker = self._speaker(found, trigger)
            found.said.append(Said(trigger, sentence, speaker))
            if speaker is None:
                continue
            date = self.places.date(found, (sentence,), trigger.start)
            events.append(
                Event(
                    view.doc.id,
                    EventKind.STATEMENT,
                    trigger.start,
                    trigger.end,
                    view.doc.text[trigger.start : trigger.end],
                    (sentence,),
                    (speaker,),
                    self.places.place(found, trigger, EventKind.STATEMENT),
                    None if date is None else date.date,
                    None if date is None else date.text,
                )
            )
        return events

    def _speaker(self, found: Found, trigger: Match) -> Mention | None:
        view = found.view
        stop = view.tokens_of(view.toks[trigger.first].sentence).stop
        swallowed = view.mention_at.get(trigger.first)
        if swallowed is not None and swallowed.type in (EntityType.PERSON, EntityType.ORGANIZATION):
            return swallowed  # the NER glued the verb to the name: «وأكد داود»
        if trigger.entry.continues:
            return self._refer(found, trigger, "*")
        k = trigger.head_last
        while k < stop and self._word_class(view, k) == "adverb":
            k += 1
        if k < stop and self._word_class(view, k) == "manner":
            return self._refer(found, trigger, "*")  # «وقال مخاطبا الحضور: …»
        if k < stop:
            # «أفاد منسق الطوارئ في منظمة … مارك بونسان»: a role phrase leads to its holder.
            holder = next(
                (r.person for r in found.roles if view.token_span(r.start, r.end).start == k),
                None,
            )
            if holder is not None:
                return holder
        window = self._subject_window(view, k, stop)
        named = [view.mention_at[i] for i in window if i in view.mention_at]
        people = [m for m in named if m.type is EntityType.PERSON]
        if people:
            return people[0]
        reference = self._reference_at(view, k, stop)
        if reference is not None:
            title, pronoun = reference
            referred = self._refer(found, trigger, title)
            if referred is None and pronoun:
                # «سماحته» always points back to someone: the last speaker if no title matches.
                referred = self._refer(found, trigger, "*")
            if referred is not None:
                return referred
        known = self._known_person_in(found, trigger, window)
        if known is not None:
            return known
        orgs = [m for m in named if m.type is EntityType.ORGANIZATION]
        if orgs:
            return orgs[0]
        before = self._subject_before(view, trigger)
        if before is not None:
            return before
        previous = trigger.first - 1
        if previous in view.tokens_of(view.toks[trigger.first].sentence):
            # SVO with an unnamed subject: «أن الوزير شدد» is the minister, «أن الجيش شدد» nobody.
            described = self._reference_at(view, previous, previous + 1)
            if described is not None:
                return self._refer(found, trigger, described[0])
            if is_definite(view.toks[previous]) and self._word_class(view, previous) is None:
                return None
        if not window:  # «وقال: …», «وأضاف أن …»: the subject is the previous speaker
            return self._refer(found, trigger, "*")
        return None

    def _known_person_in(
        self, found: Found, trigger: Match, window: Sequence[int]
    ) -> Mention | None:
        """A person named earlier whose name word the NER missed here: «ورأى السيد داود»."""
        view = found.view
        if not window:
            return None
        first = self._honorific_end(view, window[0], window[-1] + 1)
        if first > window[-1] or first in view.mention_at:
            return None
        word = view.toks[first].norm
        if len(word) < 3 or word in NAME_PARTICLES:
            return None
        earlier = [
            m
            for m in view.mentions
            if m.type is EntityType.PERSON
            and m.end <= trigger.start
            and m.extractor != ALIAS_EXTRACTOR
            and word in words_of(m.text)
        ]
        return earlier[-1] if earlier else None

    def _subject_window(self, view: DocView, k: int, stop: int) -> list[int]:
        window: list[int] = []
        while k < stop and len(window) < MAX_SUBJECT_TOKENS:
            tok = view.toks[k]
            if tok.is_punct or self._word_class(view, k) in SUBJECT_BOUNDARIES:
                break
            window.append(k)
            k += 1
        return window

    def _subject_before(self, view: DocView, trigger: Match) -> Mention | None:
        span = view.tokens_of(view.toks[trigger.first].sentence)
        for k in range(trigger.first - 1, max(span.start, trigger.first - MAX_SVO_GAP) - 1, -1):
            mention = view.mention_at.get(k)
            if mention is not None and mention.type in (
                EntityType.PERSON,
                EntityType.ORGANIZATION,
            ):
                return mention
            if view.toks[k].is_punct or self._word_class(view, k) in SUBJECT_BOUNDARIES:
                return None  # «ميلر أن الوزير شدد»: the subject never lies across «أن»
        return None

    def _reference_at(self, view: DocView, k: int, stop: int) -> tuple[str, bool] | None:
        """The title a reference word at ``k`` stands for, and whether it is a pronoun form.

        «سماحته», «جلالته» are pronouns (suffixed, no article); «الرئيس», «المتحدث» are
        descriptions that may also introduce someone not named before.
        """
        refs = self.lexicons.speaker_refs
        for length in (2, 1):
            if k + length > stop:
                continue
            words = [view.toks[i] for i in range(k, k + length)]
            rest = [w.norm for w in words[1:]]
            for first in (words[0].norm, *(f.stem for f in words[0].noun_forms)):
                phrase = " ".join([first, *rest])
                if phrase in refs:
                    return refs[phrase], not phrase.startswith("ال")
        return None

    def _refer(self, found: Found, trigger: Match, title: str) -> Mention | None:
        """The last speaker before ``trigger`` whose titles or role contain ``title``.

        The paragraph is searched first, then the article; a subject-less verb («وقال») also falls
        back to the first person named in the previous sentence of the paragraph.
        """
        view = found.view
        sentence = view.toks[trigger.first].sentence
        paragraph = view.paragraph[sentence]
        earlier = [
            (s.sentence, s.speaker)
            for s in found.said
            if s.speaker is not None and s.match.start < trigger.start
        ]
        same = [item for item in earlier if view.paragraph[item[0]] == paragraph]
        for pool in (same, earlier):
            for _, speaker in reversed(pool):
                if title == "*" or title in self._descriptors(found, speaker):
                    return speaker
        named_before = [
            m
            for m in view.mentions
            if m.type is EntityType.PERSON
            and m.start < trigger.start
            and not view.in_quote(m.start, m.end)
        ]
        people = [m for m in named_before if view.paragraph.get(m.sentence) == paragraph]
        if title != "*":
            # «وقال الوزير» names the last minister, even one who has not spoken yet.
            for candidates in (people, named_before):
                matching = [m for m in candidates if title in self._descriptors(found, m)]
                if matching:
                    return matching[-1]
            return None
        previous = [m for m in people if m.sentence < sentence]
        if previous:
            last_sentence = previous[-1].sentence
            return next(m for m in previous if m.sentence == last_sentence)
        return None

    def _descriptors(self, found: Found, person: Mention) -> str:
        """Titles and roles attached to ``person`` (or another mention of the same name)."""
        view = found.view
        first = view.token_span(person.start, person.end).start
        before = [view.toks[k].norm for k in range(max(0, first - 3), first)]
        roles = [normalize(r.label) for r in found.roles if same_person(r.person, person)]
        return " ".join([*before, normalize(person.text), *roles])

    # -- quotations -----------------------------------------------------------------------------

    def quotations(self, found: Found) -> list[Quotation]:
        view = found.view
        quotations: list[Quotation] = []
        for start, end in view.quotes:
            inner_start, inner_end = start + 1, end - 1
            words = len(view.doc.text[inner_start:inner_end].split())
            if words < 3:
                continue  # «طوفان الأقصى»: a name in quotes, not a quotation
            said = self._governing_verb(found, start, end)
            if said is not None:
                speaker = said.speaker
            elif words >= MIN_UNATTRIBUTED_QUOTE_WORDS:
                speaker = self._last_speaker(found, start)
            else:
                continue
            about = tuple(m for m in view.mentions if inner_start <= m.start and m.end <= inner_end)
            sentences = tuple(s.index for s in view.sentences if s.start < end and start < s.end)
            quotations.append(
                Quotation(
                    view.doc.id,
                    inner_start,
                    inner_end,
                    view.doc.text[inner_start:inner_end],
                    sentences or (view.sentence_of(start),),
                    speaker,
                    about,
                )
            )
        return quotations

    def _governing_verb(self, found: Found, start: int, end: int) -> Said | None:
        view = found.view
        opening = view.sentence_of(start)
        before = [s for s in found.said if s.sentence == opening and s.match.end <= start]
        if before:
            return before[-1]
        closing = view.sentence_of(end - 1)
        after = [
            s
            for s in found.said
            if s.match.start >= end
            and s.sentence in (closing, view.sentence_of(end))
            and len(view.token_span(end, s.match.start)) <= 3
        ]
        return after[0] if after else None

    @staticmethod
    def _last_speaker(found: Found, offset: int) -> Mention | None:
        view = found.view
        paragraph = view.paragraph[view.sentence_of(offset)]
        earlier = [s for s in found.said if s.speaker is not None and s.match.start < offset]
        same = [s for s in earlier if view.paragraph[s.sentence] == paragraph]
        # A paragraph that is only a quote continues the speaker of the paragraph before.
        for said in reversed(same or earlier):
            return said.speaker
        return None
