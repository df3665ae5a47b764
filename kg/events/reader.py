"""What the finders of one extraction share: its scratch state and the word-level readings
(function-word class, honorifics, the person named at a token)."""

from __future__ import annotations

from dataclasses import dataclass, field

from kg.dates import DateMatch
from kg.events.lexicons import Lexicons
from kg.events.tokens import DocView, Match, match_at
from kg.model import EntityType, Mention, Role


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
