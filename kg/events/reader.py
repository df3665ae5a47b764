"""What the finders of one extraction share: its scratch state and the word-level readings
(function-word class, honorifics, the person named at a token)."""

from __future__ import annotations

from dataclasses import dataclass, field

from kg.dates import DateMatch
from kg.events.lexicons import COMMAS, MAX_APPOSITION_TOKENS, QUOTE_MARKS, Lexicons
from kg.events.tokens import DocView, Match, match_at
from kg.model import EntityType, Mention, Role
from kg.text import normalize


@dataclass(frozen=True)
class Said:
    """A speech verb and the speaker it was attributed to (None when unnamed: «قال مصدر»)."""

    match: Match
    sentence: int
    speaker: Mention | None


@dataclass
class Found:
    """Mutable scratch state of one call; never outlives :meth:`EventExtractor.__call__`."""

    view: DocView
    dates: list[DateMatch]
    explicit_dates: frozenset[int]  # start offsets of dates that need no anchor
    roles: list[Role] = field(default_factory=list)
    venues: dict[int, Mention] = field(default_factory=dict)  # start offset -> venue mention
    used_venues: dict[int, Mention] = field(default_factory=dict)
    dateline_place: Mention | None = None
    dateline_date: DateMatch | None = None
    said: list[Said] = field(default_factory=list)


class Reader:
    """Base of the finders: the lexicons, and readings of single tokens."""

    def __init__(self, lexicons: Lexicons) -> None:
        self.lexicons = lexicons

    def _word_class(self, view: DocView, index: int) -> str | None:
        if not 0 <= index < len(view.toks):
            return None
        tok = view.toks[index]
        words = self.lexicons.function_words
        if tok.norm in words:
            return words[tok.norm]
        for form in tok.noun_forms:
            if not form.definite and form.stem in words and form.stem != tok.norm:
                return words[form.stem]
        return None

    def _honorific_end(self, view: DocView, index: int, stop: int) -> int:
        """Index after any honorifics starting at ``index`` («السيد», «سماحة الشيخ»)."""
        while index < stop:
            found = match_at(self.lexicons.honorifics, view, index, stop)
            if found is None or view.mention_at.get(index) is not None:
                return index
            index = found.last
        return index

    def _person_at(self, view: DocView, index: int) -> Mention | None:
        mention = view.mention_at.get(index)
        if mention is None or mention.type is not EntityType.PERSON:
            return None
        return mention if view.token_span(mention.start, mention.end).start == index else None

    def _name_after_comma(self, view: DocView, k: int, stop: int) -> Mention | None:
        """The person named right after the next comma from ``k``: «…، سلمى ناصر، …».

        The words up to the comma must be a description of them: no other name, no
        complementizer («إن»), no speech verb and no other punctuation; the name must close its
        apposition (a comma, the sentence end or a relative clause «الذي» right after it).
        """
        for j in range(k, min(stop, k + MAX_APPOSITION_TOKENS)):
            tok = view.toks[j]
            if tok.norm in COMMAS:
                start = j + 1
                if (
                    start < stop
                    and start not in view.mention_at
                    and view.toks[start].norm[:1] == "و"
                ):
                    return None  # «، والدكتور …» starts the next item of a list
                person = self._person_at(view, self._honorific_end(view, start, stop))
                if person is None:
                    return None
                after = view.token_span(person.start, person.end).stop
                # One unrecognised name word may trail the mention: «…، تشين وي [مينغ] الذي».
                for end in (after, after + 1):
                    if end >= stop or view.toks[end].is_punct:
                        return person
                    if self._word_class(view, end) in ("clause", "relative", "that"):
                        return person
                return None
            mention = view.mention_at.get(j)
            if mention is not None and mention.type is EntityType.PERSON:
                return None
            if tok.is_punct and tok.token.text not in QUOTE_MARKS:
                return None
            if self._word_class(view, j) == "that":
                return None
            trigger = match_at(self.lexicons.triggers, view, j, j + 1) if j > k else None
            if trigger is not None and trigger.entry.verb:
                return None
        return None

    @staticmethod
    def _after_preposition(view: DocView, mention: Mention) -> bool:
        """Whether a preposition is glued to the mention («لجابر»): not a subject, not a holder.

        The NER may leave the clitic outside the mention or take it in; in the second case the
        name without its first letter must be named elsewhere in the document («جابر»), so a
        name that itself begins with ل or ب («ليلى») is not mistaken for one.
        """
        index = view.token_span(mention.start, mention.end).start
        token = view.toks[index].token
        if mention.start > token.start:
            return normalize(view.doc.text[token.start : mention.start])[-1:] in ("ل", "ب", "ك")
        text = normalize(mention.text)
        if len(text) < 4 or text[0] not in ("ل", "ب"):
            return False
        if text.startswith(("لل", "بال")):
            return True  # a preposition and the article: «للأمم المتحدة», «بالاتحاد»
        rest = ("ا" + text[1:]) if text.startswith("لل") else text[1:]
        first = rest.split()[0]
        return any(
            other is not mention and normalize(other.text).split()[:1] == [first]
            for other in view.mentions
        )
