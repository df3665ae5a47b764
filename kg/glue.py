"""Words the source ran together with no trace in the spelling, found with the word lists.

:func:`kg.text.split_glued` cuts where the spelling shows a word ended («مجلةزيلتارا»). News
copied from the web also loses spaces between words whose letters look the same joined
(«القرارالنهائي», «باريسفي», «منالجامعة»). Such a token is unknown to the frequency list while both
halves are common; but so are many foreign names («فيلبان», «ستالمن») and inflected words
(«منساقة»), so only four shapes are cut, each with strict evidence:

- a common word + a common word with the article («القرار» + «النهائي»);
- a common word + a preposition or a word of time («باريس» + «في», «اجتماع» + «يوم»);
- a preposition + a common word or listed name of five letters or more («من» + «الجامعة»);
- a form of address + a listed name or common word («السيد» + a surname).

Measured on corpora that rarely lose spaces (ANERcorp train, AQMAR, the Wojood sample: 250k
tokens), 20 tokens are cut, 18 rightly («السلالتين» and «فيمايلي» are not); on real web news
(realnews-dev) 21 of 21.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import lru_cache

from kg.ner.frequency import ARABIC_WORD
from kg.resources import titles
from kg.text import normalize, normalize_token

# Zipf × 10 a half must reach to count as a common word on its own.
MIN_COMMON = 35
# The common word after a preposition must be commoner still and this long: short words after
# «من» / «في» are mostly the rest of one word («منساقة», «فيلبان»).
MIN_AFTER_PREPOSITION = 40
MIN_AFTER_PREPOSITION_LETTERS = 5
MIN_BEFORE_PREPOSITION_LETTERS = 4
MIN_ARTICLE_WORD_LETTERS = 5
MIN_WORD_LETTERS = 3
MIN_NAME_LETTERS = 4
PREPOSITIONS = ("في", "من", "على", "عن", "مع", "إلى", "منذ", "بين", "حتى")
TIME_WORDS = ("يوم", "عام", "أمس", "شهر")
ARTICLE = "ال"
CLITIC_LETTERS = frozenset("وفبلك")
PRONOUN_SUFFIXES = ("هما", "هم", "هن", "ها", "كم", "نا", "ه")


class GlueLexicon:
    """Cuts a token in two where the word lists show two words run together.

    >>> glue = GlueLexicon({"القرار": 40, "النهائي": 45, "في": 70, "باريس": 50}, {"باريس"})
    >>> glue.split("القرارالنهائي"), glue.split("باريسفي"), glue.split("باريس")
    (('القرار', 'النهائي'), ('باريس', 'في'), ('باريس',))
    """

    def __init__(
        self,
        frequency: Mapping[str, int],
        names: Iterable[str],
        forms_of_address: Iterable[str] = (),
    ) -> None:
        self.frequency = frequency
        self.names = frozenset(names)
        self.prepositions = frozenset(normalize(p) for p in PREPOSITIONS)
        self.forms_of_address = frozenset(normalize(f) for f in forms_of_address)
        self.time_words = frozenset(normalize(w) for w in TIME_WORDS)

    @classmethod
    def default(cls) -> GlueLexicon:
        from kg.clitics import CliticJudge

        judge = CliticJudge.default()
        # One-word forms of address of the title table («السيد», «الرئيس»).
        address = (title for title in titles("honorific") if " " not in title)
        return cls(judge.frequency, judge.names, address)

    def split(self, word: str) -> tuple[str, ...]:
        """``word`` as the two words it is, or alone."""
        norm = normalize_token(word)  # the cached form the later stages read too
        cut = self._cut(norm) if ARABIC_WORD.fullmatch(norm) else None
        if cut is None:
            return (word,)
        for end in range(1, len(word)):
            if normalize(word[:end]) == norm[:cut] and normalize(word[end:]) == norm[cut:]:
                return word[:end], word[end:]
        return (word,)  # marks between the halves that normalise away on one side only

    def _listed(self, norm: str) -> bool:
        return norm in self.names or self.frequency.get(norm, 0) > 0

    def _known(self, norm: str, least: int = MIN_COMMON) -> bool:
        return self.frequency.get(norm, 0) >= least

    def _cut(self, norm: str) -> int | None:
        """Where ``norm`` is two words, the best-attested cut (the commoner rarer half)."""
        if self._listed(norm) or (norm[0] in CLITIC_LETTERS and self._listed(norm[1:])):
            return None  # a word, or a clitic on one («وعبدالحليم»)
        if any(norm.endswith(s) and self._known(norm[: -len(s)]) for s in PRONOUN_SUFFIXES):
            return None  # a common word with a pronoun suffix («معالمهم»: «معالم» + «هم»)
        best: tuple[int, int] | None = None
        for cut in range(2, len(norm) - 1):
            first, second = norm[:cut], norm[cut:]
            if self._glued(first, second):
                score = min(self.frequency.get(first, 0), self.frequency.get(second, 0))
                if best is None or score > best[0]:
                    best = (score, cut)
        return best[1] if best else None

    def _glued(self, first: str, second: str) -> bool:
        if first in self.prepositions:
            return len(second) >= MIN_AFTER_PREPOSITION_LETTERS and (
                self._known(second, MIN_AFTER_PREPOSITION)
                or (second in self.names and self.frequency.get(second, 0) > 0)
            )
        if second.startswith(ARTICLE):
            return (
                len(second) >= MIN_ARTICLE_WORD_LETTERS
                and len(first) >= MIN_WORD_LETTERS
                and self._known(first)
                and self._known(second)
            )
        if second in self.prepositions or (
            second in self.time_words and not first.startswith(ARTICLE)  # «السيريوم»: cerium
        ):
            return len(first) >= MIN_BEFORE_PREPOSITION_LETTERS and self._known(first)
        return (
            first in self.forms_of_address
            and len(second) >= MIN_NAME_LETTERS
            and (second in self.names or self._known(second))
        )


@lru_cache(maxsize=1)
def shipped_glue() -> GlueLexicon:
    """The lexicon of the shipped frequency and name lists, loaded once per process."""
    return GlueLexicon.default()
