"""Clubs named after their towns, read as clubs where the document is about sport."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace

from kg.clitics import CliticJudge, name_list
from kg.model import Document, EntityType, Mention, Sentence
from kg.ner.base import ShippedCompleter
from kg.ner.places import COUNTRY_LIST
from kg.resources import read_lexicon
from kg.text import normalize_token

CLUB_LIST = "gaz_wiki_clubs.txt"
# A document with this many words of sports reporting is about sport.
MIN_SPORTS_WORDS = 4
IN = "في"


class SportsClubs(ShippedCompleter):
    """In a document about sport, a listed club the others read as a place is the club.

    Sports news names clubs by their town alone («فاز ليفربول على …»); the tagger and the place
    list read the town. Where at least ``MIN_SPORTS_WORDS`` words of sports reporting
    (``kg/data/ner/sports_cues.txt``) say the document is about sport, a one-word place that the
    Wikipedia club list knows is the club, unless «في» makes it the town of a match. Territories
    stay places: their teams are named for them, and the first word of a territory's name is its
    short form («الإمارات»).

    >>> from kg.text import split_sentences
    >>> text = "قاد المدرب فريقه إلى الفوز في المباراة على ليفربول وسجل اللاعب هدفا."
    >>> doc = Document("d", text)
    >>> start = text.index("ليفربول")
    >>> found = [Mention("d", start, start + 7, "ليفربول", EntityType.PLACE, 0, "crf")]
    >>> [m.type.name for m in SportsClubs.default().complete(doc, split_sentences(text), found)]
    ['ORGANIZATION']
    """

    name = "sports-clubs"
    labels = ("ORG",)

    def __init__(
        self,
        clubs: Iterable[str],
        cues: Iterable[str],
        countries: Iterable[str],
        judge: CliticJudge,
    ) -> None:
        self.clubs = frozenset(clubs) - frozenset(countries)
        self.cues = frozenset(cues)
        self.judge = judge

    @classmethod
    def default(cls) -> SportsClubs:
        clubs = (entry[0] for entry in name_list(CLUB_LIST) if len(entry) == 1)
        # Territories and their short forms («الإمارات», «أمريكا»): teams named for a country.
        countries = {w for entry in name_list(COUNTRY_LIST) for w in (" ".join(entry), entry[0])}
        cues = (normalize_token(word) for word in read_lexicon("ner/sports_cues.txt"))
        return cls(clubs, cues, countries, CliticJudge.default())

    def complete(
        self, doc: Document, sentences: Sequence[Sentence], mentions: Sequence[Mention]
    ) -> list[Mention]:
        clubs = [i for i, m in enumerate(mentions) if self._club(m)]
        if not clubs or not self._about_sport(sentences):  # the cheap test first
            return list(mentions)
        revised = list(mentions)
        for i in clubs:
            if not self._after_in(revised[i], sentences):
                revised[i] = replace(revised[i], type=EntityType.ORGANIZATION)
        return revised

    def _about_sport(self, sentences: Sequence[Sentence]) -> bool:
        seen = 0
        for sentence in sentences:
            for norm in sentence.norms:
                if self.judge.bare(norm) in self.cues:
                    seen += 1
                    if seen >= MIN_SPORTS_WORDS:
                        return True
        return False

    def _club(self, mention: Mention) -> bool:
        words = mention.text.split()
        return (
            mention.type is EntityType.PLACE
            and len(words) == 1
            and self.judge.bare(normalize_token(words[0])) in self.clubs
        )

    def _after_in(self, mention: Mention, sentences: Sequence[Sentence]) -> bool:
        """«في X», «وفي X»: the town where a match was played, not the club."""
        before = [t for t in sentences[mention.sentence].tokens if t.end <= mention.start]
        return bool(before) and self.judge.bare(normalize_token(before[-1].text)) == IN
