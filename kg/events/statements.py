"""Statements (who said it, and when and where) and quotations (which speech verb they belong
to).

Over 500 lines on purpose: one grammar of reported speech (the subject window after a verb, a
name before it, appositions, pronouns and follow-ups, sources named after «بحسب», quotes without
a verb) whose rules call one another; split, each part would need the others' internals.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence

from kg.events.lexicons import (
    ALIAS_EXTRACTOR,
    COMMAS,
    MAX_APPOSITION_TOKENS,
    MAX_CLOSING_WORDS,
    MAX_SUBJECT_TOKENS,
    MAX_SVO_GAP,
    MIN_UNATTRIBUTED_QUOTE_WORDS,
    NAME_PARTICLES,
    QUOTE_MARKS,
    SUBJECT_BOUNDARIES,
    Lexicons,
    words_of,
)
from kg.events.places import PlaceFinder
from kg.events.reader import Found, Reader, Said
from kg.events.tokens import DocView, Match, is_definite, match_at, mention_key, same_person
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
        if trigger.entry.named_before:
            return self._named_before(found, trigger)
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
        if not trigger.entry.source:
            # «وقال لوكالة الأنباء …»: a name behind a preposition is not the subject.
            named = [m for m in named if not self._after_preposition(view, m)]
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
        apposed = self._apposed_name(view, window, stop)
        if apposed is not None:
            return apposed  # «وقالت المتحدثة باسم البلدية، سلمى ناصر، …»: not the ministry
        post = match_at(self.lexicons.role_heads, view, k, stop) if window else None
        if post is not None:
            # «وقال مدرب النادي»: a post without a name is someone who holds it, never the
            # organisation named in it; «وقال المدرب» is the last person known by that post.
            title = post.entry.segments[0][0].removeprefix("ال")
            return self._refer(found, trigger, title) if post.definite else None
        orgs = [m for m in named if m.type is EntityType.ORGANIZATION]
        if orgs:
            return orgs[0]
        if trigger.entry.source:
            # «بحسب مصادر …» names nobody; «على حد قوله، …» is the person just reported on.
            return None if window else self._dropped_subject(found, trigger)
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
        if self._word_class(view, trigger.first - 1) == "relative":
            return None  # «التي قالت …»: the subject is the noun before, not someone reported
        if not window:
            if trigger.entry.follows:  # «وأضاف: …»: the subject is the previous speaker
                return self._refer(found, trigger, "*")
            return self._dropped_subject(found, trigger)  # «وقال: …», «وتعهد في …»
        if trigger.entry.transitive and self._object_first(view, trigger, window[0]):
            # «واتهم الحكومة …»: a nameless noun after a transitive verb is its object.
            return self._dropped_subject(found, trigger)
        return None

    @staticmethod
    def _object_first(view: DocView, trigger: Match, k: int) -> bool:
        """Whether the noun after a transitive verb cannot be its subject, by gender agreement.

        A verb agrees with a following subject in gender: «اتهم» cannot have «الشركات» or
        «الحكومة» as subject, nor «اتهمت» a masculine noun, so those are objects and the
        subject was dropped. Anything else («ودعت منظمات …», «ودعا مسؤولون …») is an unnamed
        subject. Broken plurals are not recognised, so they count as masculine.
        """
        verb = trigger.entry.segments[0][0]
        feminine_verb = verb.endswith("ت") or verb.startswith("ت")
        noun = view.toks[k].norm
        feminine_noun = noun.endswith(("ه", "ات"))
        human_plural = noun.endswith(("ون", "ين"))
        if feminine_verb:
            return not feminine_noun and not human_plural
        return feminine_noun

    def _named_before(self, found: Found, trigger: Match) -> Mention | None:
        """«عن وزير المالية كمال داود قوله»: the person (or post holder) just before."""
        view = found.view
        k = trigger.first - 1
        mention = view.mention_at.get(k)
        if mention is not None and mention.type is EntityType.PERSON:
            return mention
        return next(
            (r.person for r in found.roles if view.token_span(r.start, r.end).stop == k + 1),
            None,
        )

    def _dropped_subject(self, found: Found, trigger: Match) -> Mention | None:
        """The subject of a verb that names none: whoever the text was just talking about.

        An earlier speaker of the same sentence comes first («قال داود إن … وأكد أن …»), then the
        speaker of the previous sentence, then the first person it names outside a prepositional
        phrase («وصلت المستشارة الخاصة لجابر، سلمى ناصر …» → ناصر), then the last speaker.
        """
        view = found.view
        sentence = view.toks[trigger.first].sentence
        same = [
            s.speaker
            for s in found.said
            if s.sentence == sentence and s.speaker is not None and s.match.start < trigger.start
        ]
        if same:
            return same[-1]
        opening = self._opening_subject(view, sentence, trigger.start)
        if opening is not None:
            return opening
        previous = self._previous_sentence(view, sentence)
        if previous is not None:
            said = [s.speaker for s in found.said if s.sentence == previous and s.speaker]
            if said:
                return said[0]
            people = [
                m
                for m in view.mentions
                if m.sentence == previous
                and m.type is EntityType.PERSON
                and m.extractor != ALIAS_EXTRACTOR
                and not view.in_quote(m.start, m.end)
                and not self._after_preposition(view, m)
            ]
            if people:
                return people[0]
        return self._refer(found, trigger, "*")

    def _opening_subject(self, view: DocView, sentence: int, before: int) -> Mention | None:
        """A person right after the verb that opens the sentence: «وصل داود …، لكنه قال …»."""
        span = view.tokens_of(sentence)
        for k in range(span.start, min(span.stop, span.start + 3)):
            person = self._person_at(view, self._honorific_end(view, k, span.stop))
            if person is not None and person.end <= before:
                return None if self._after_preposition(view, person) else person
        return None

    @staticmethod
    def _previous_sentence(view: DocView, sentence: int) -> int | None:
        indexes = [s.index for s in view.sentences if s.index < sentence]
        return indexes[-1] if indexes else None

    def _apposed_name(self, view: DocView, window: Sequence[int], stop: int) -> Mention | None:
        """A name set off by commas after a description: «وأضافت الناشطة …، سلمى ناصر، …».

        Only a description opens such a subject (a definite noun or a post), and nothing between
        it and the comma may be a name, a complementizer or another sentence mark.
        """
        if not window:
            return None
        first = view.toks[window[0]]
        if (
            not is_definite(first)
            and match_at(self.lexicons.role_heads, view, window[0], stop) is None
        ):
            return None
        return self._name_after_comma(view, window[0], stop)

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
            if tok.token.text in QUOTE_MARKS and len(window) < MAX_SUBJECT_TOKENS - 1:
                k += 1  # «وصرح "داود" قائلا»: a name in quotes is still the subject
                continue
            if tok.is_punct or self._word_class(view, k) in SUBJECT_BOUNDARIES:
                break
            window.append(k)
            k += 1
        return window

    def _subject_before(self, view: DocView, trigger: Match) -> Mention | None:
        span = view.tokens_of(view.toks[trigger.first].sentence)
        apposed = self._subject_before_apposition(view, trigger, span)
        if apposed is not None:
            return apposed
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

    def _subject_before_apposition(
        self, view: DocView, trigger: Match, span: range
    ) -> Mention | None:
        """«سامي نور، رئيس الحزب الذي …، قال إن …»: a name opening the sentence, a description
        between commas, then the verb."""
        comma = trigger.first - 1
        if comma < span.start or view.toks[comma].norm not in COMMAS:
            return None
        for k in range(comma - 1, max(span.start, comma - MAX_APPOSITION_TOKENS) - 1, -1):
            if view.toks[k].norm not in COMMAS:
                continue
            person = view.mention_at.get(k - 1)
            if person is None or person.type is not EntityType.PERSON:
                return None
            first = view.token_span(person.start, person.end).start
            opening = all(view.toks[i].is_punct for i in range(span.start, first))
            return person if opening else None
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
        """Quoted words with their speakers, then reported speech that quotes nothing.

        A speech verb whose words are not in quotation marks («قال داود إن الحوار مستمر») still
        reports what someone said: its quotation is the reported clause, so every speaker of the
        text is the creator of some quotation. One per speaker and sentence.
        """
        view = found.view
        quotations, governed = self._quoted(found)
        quoted = {(q.sentences[0], mention_key(q.speaker)) for q in quotations if q.speaker}
        governing = {id(s) for s in governed}
        for said in found.said:
            if said.speaker is None or id(said) in governing:
                continue
            key = (said.sentence, mention_key(said.speaker))
            span = None if key in quoted else self._reported_span(found, said)
            if span is None:
                continue
            quoted.add(key)
            start, end = span
            quotations.append(
                Quotation(
                    view.doc.id,
                    start,
                    end,
                    view.doc.text[start:end],
                    (said.sentence,),
                    said.speaker,
                    tuple(m for m in view.mentions if start <= m.start and m.end <= end),
                )
            )
        return sorted(quotations, key=lambda q: q.start)

    def _reported_span(self, found: Found, said: Said) -> tuple[int, int] | None:
        """Offsets of what ``said`` reports: the clause after the verb, its subject and «إن»,
        or the words before it when the verb closes the sentence («…، قال داود») or is a source
        in its middle («…، بحسب داود»)."""
        view = found.view
        span = view.tokens_of(said.sentence)
        match = said.match
        after = match.last
        speaker = view.token_span(said.speaker.start, said.speaker.end) if said.speaker else None
        if speaker and after <= speaker.start < span.stop:
            after = speaker.stop
        for k in range(after, span.stop):
            if self._word_class(view, k) == "that" or view.toks[k].norm == ":":
                after = k + 1
                break
            if view.toks[k].token.text in QUOTE_MARKS:
                break
        following = self._words(view, after, span.stop)
        preceding = self._words(view, span.start, match.first)
        closing = match.first > span.start and (
            view.toks[match.first - 1].norm in COMMAS
            or self._word_class(view, match.first - 1) == "as"
        )
        before = len(preceding) >= 3 and (
            (match.entry.source and not match.entry.named_before and match.first - span.start > 1)
            or (closing and len(following) <= MAX_CLOSING_WORDS)
        )
        words = preceding if before else following
        if not words:
            return None
        return view.toks[words[0]].token.start, view.toks[words[-1]].token.end

    @staticmethod
    def _words(view: DocView, start: int, stop: int) -> list[int]:
        """Token indices from ``start`` to ``stop`` without the punctuation at either end."""
        indices = list(range(start, stop))
        while indices and view.toks[indices[0]].is_punct:
            indices.pop(0)
        while indices and view.toks[indices[-1]].is_punct:
            indices.pop()
        return indices

    def _quoted(self, found: Found) -> tuple[list[Quotation], list[Said]]:
        """Quotations in quotation marks, and the speech verbs that govern them."""
        view = found.view
        quotations: list[Quotation] = []
        governed: list[Said] = []
        for start, end in view.quotes:
            inner_start, inner_end = start + 1, end - 1
            words = len(view.doc.text[inner_start:inner_end].split())
            if words < 3:
                continue  # «طوفان الأقصى»: a name in quotes, not a quotation
            said = self._governing_verb(found, start, end)
            labelled = None if said is not None else self._name_colon_before(view, start)
            if said is not None:
                speaker = said.speaker
                governed.append(said)
            elif labelled is not None:
                speaker = labelled  # «داود: "…"», the headline shape
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
        return quotations, governed

    def _name_colon_before(self, view: DocView, start: int) -> Mention | None:
        """The person opening the sentence just before «: "…"» («سامي نور: "…"»)."""
        colon = bisect_left(view.token_starts, start) - 1
        if colon < 1 or view.toks[colon].norm != ":":
            return None
        person = view.mention_at.get(colon - 1)
        if person is None or person.type is not EntityType.PERSON:
            return None
        first = view.token_span(person.start, person.end).start
        opening = view.tokens_of(view.toks[first].sentence).start
        return person if all(view.toks[i].is_punct for i in range(opening, first)) else None

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
