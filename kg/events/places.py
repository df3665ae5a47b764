"""Where and when an event happened: places introduced by في/ب, named venues («قصر …»), the
dateline, and the nearest date expression."""

from __future__ import annotations

from collections.abc import Iterable

from kg.dates import DateMatch
from kg.events.lexicons import DASHES, QUOTE_MARKS, VENUE_EXTRACTOR
from kg.events.reader import Found, Reader
from kg.events.tokens import DocView, Form, Match, Tok, match_at
from kg.model import EntityType, EventKind, Mention
from kg.text import normalize


class PlaceFinder(Reader):
    """Finds event places and dates."""

    def venues(self, view: DocView) -> dict[int, Mention]:
        """Named venues after في/ب («في قصر الإليزيه», «بمقر الأمم المتحدة»), keyed by token."""
        venues: dict[int, Mention] = {}
        for tok in view.toks:
            form = next(
                (f for f in tok.noun_forms if f.stem in self.lexicons.venues and not f.definite),
                None,
            )
            if form is None or not self._introduced_as_place(view, tok, form):
                continue
            nxt = tok.index + 1
            if nxt >= len(view.toks) or view.toks[nxt].sentence != tok.sentence:
                continue
            if view.toks[nxt].is_punct or self._word_class(view, nxt) is not None:
                continue
            named = view.mention_at.get(nxt)
            start = tok.start_of(form)
            if named is not None and named.type is EntityType.PLACE and named.start <= start:
                venues[tok.index] = named  # the NER already marked the whole venue
                continue
            end = named.end if named is not None else view.toks[nxt].token.end
            venues[tok.index] = view.mention(
                start, end, EntityType.PLACE, tok.sentence, VENUE_EXTRACTOR
            )
        return venues

    def _introduced_as_place(self, view: DocView, tok: Tok, form: Form) -> bool:
        glued = normalize(view.doc.text[tok.token.start : tok.start_of(form)])
        return glued.endswith("ب") or self._word_class(view, tok.index - 1) == "place"

    def dateline(self, found: Found) -> None:
        """«القاهرة - …» at the top of the article: where (and maybe when) it was filed."""
        view = found.view
        first = view.tokens_of(view.sentences[0].index)
        dash = next((k for k in first[:8] if view.toks[k].token.text in DASHES), None)
        if dash is None:
            return
        for k in range(first.start, dash):
            mention = view.mention_at.get(k)
            if mention is not None and mention.type is EntityType.PLACE:
                found.dateline_place = mention
                break
        limit = view.toks[min(dash + 8, first.stop - 1)].token.end
        found.dateline_date = next((d for d in found.dates if d.end <= limit), None)

    def place(self, found: Found, trigger: Match, kind: EventKind) -> Mention | None:
        view = found.view
        sentence = view.toks[trigger.first].sentence
        span = view.tokens_of(sentence)
        candidates: list[tuple[int, Mention]] = []
        for k in span:
            if k in found.venues:
                candidates.append((k, found.venues[k]))
        for mention in view.mentions:
            if mention.sentence != sentence or mention.type is not EntityType.PLACE:
                continue
            k = view.token_span(mention.start, mention.end).start
            if view.in_quote(mention.start, mention.end) or any(
                v.start <= mention.start < v.end for _, v in candidates
            ):
                continue
            if self._locative(view, k, mention, kind):
                candidates.append((k, mention))
        if kind is EventKind.CALL:
            return None  # a phone call has no one place; «في السودان» is what they discussed
        if kind is EventKind.STATEMENT:
            # «أكد في غزة أن …» says where; «أكد أن الوضع في غزة …» is what was said.
            said_from = self._clause_end(view, trigger)
            candidates = [c for c in candidates if c[0] < said_from]
        if candidates:
            # Nearest to the trigger, preferring what follows it (the usual VSO order).
            k, place = min(
                candidates, key=lambda c: (c[0] < trigger.first, abs(c[0] - trigger.first))
            )
            if place.extractor == VENUE_EXTRACTOR:
                found.used_venues[place.start] = place
            return place
        if kind in (EventKind.CONFLICT, EventKind.DEMONSTRATION, EventKind.VISIT):
            # Where fighting, protests or visits are reported, a place named in the same
            # sentence without a preposition («وشهدت الرباط تظاهرات») is still where it was.
            nearest = self._nearest_place(view, sentence, trigger)
            if nearest is not None:
                return nearest
        if kind in (EventKind.MEETING, EventKind.STATEMENT, EventKind.DEMONSTRATION):
            return found.dateline_place
        return None

    def _clause_end(self, view: DocView, trigger: Match) -> int:
        stop = view.tokens_of(view.toks[trigger.first].sentence).stop
        for k in range(trigger.head_last, stop):
            if view.toks[k].token.text in QUOTE_MARKS or view.toks[k].norm == ":":
                return k
            if self._word_class(view, k) in ("clause", "relative", "that", "as"):
                return k
        return stop

    @staticmethod
    def _nearest_place(view: DocView, sentence: int, trigger: Match) -> Mention | None:
        places = [
            m
            for m in view.mentions
            if m.sentence == sentence
            and m.type is EntityType.PLACE
            and not view.in_quote(m.start, m.end)
        ]
        return min(places, key=lambda m: abs(m.start - trigger.start), default=None)

    def _locative(self, view: DocView, k: int, mention: Mention, kind: EventKind) -> bool:
        """Whether the location mention at token ``k`` is introduced as where the event was."""
        glued = normalize(view.doc.text[view.toks[k].token.start : mention.start])
        if glued.endswith("ب"):  # the NER left the preposition outside: «ب|القاهرة»
            return True
        j = k - 1
        # Skip «مدينة», «العاصمة الأردنية» between the preposition and the name.
        while j >= 0 and k - j <= 3 and self._in_place_noun_phrase(view, j):
            if self._word_class(view, j) == "placenoun" and view.toks[j].norm[:1] == "ب":
                return True  # «بمدينة حلب»
            j -= 1
        before = self._word_class(view, j)
        if before == "place":
            return True
        if (kind, before) in ((EventKind.VISIT, "goal"), (EventKind.CONFLICT, "target")):
            return True
        # «زار القاهرة»: a visit verb takes its destination directly.
        return kind is EventKind.VISIT and j >= 0 and self._is_visit_verb(view, j)

    def _in_place_noun_phrase(self, view: DocView, j: int) -> bool:
        if self._word_class(view, j) == "placenoun":
            return True
        return not view.toks[j].is_punct and self._word_class(view, j - 1) == "placenoun"

    def _is_visit_verb(self, view: DocView, k: int) -> bool:
        found = match_at(self.lexicons.triggers, view, k, k + 1)
        return found is not None and found.entry.payload == EventKind.VISIT.value

    # -- dates ----------------------------------------------------------------------------------

    def date(self, found: Found, sentences: Iterable[int], near: int) -> DateMatch | None:
        view = found.view
        spans = [view.sentence_by_index(s) for s in sentences]
        inside = [
            d
            for d in found.dates
            if any(s.start <= d.start < s.end for s in spans if s is not None)
        ]
        if inside:
            # «اليوم الأربعاء (12/7/2023)»: the explicit date wins over the anchored ones.
            return min(
                inside, key=lambda d: (d.start not in found.explicit_dates, abs(d.start - near))
            )
        if found.dateline_date is not None and 0 in sentences:
            return found.dateline_date
        return None
