"""The acronym extractor: organisations whose names news spells out in Arabic letter names."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from kg.errors import ModelError
from kg.model import Document, EntityType, Mention, Sentence
from kg.ner.scan import Span, WordGate, same, scan
from kg.resources import read_lexicon
from kg.text import normalize

LETTER_NAMES = "ner/letter_names.tsv"
MIN_ACRONYM_LETTERS = 2
# «إن»/«أن», «أو» after an acronym of at least three letters are the particles, not letters.
TRAILING_PARTICLES = frozenset({"ان", "او"})
MIN_TRIMMED_ACRONYM = 3


class Acronyms:
    """Finds acronyms spelt out in Arabic letters' names: «إتش إس بي سي», «دي إتش إل», «إف بي آي».

    A run of at least two letter names with one that is only a letter name; spellings that are
    also Arabic words («في», «إن», «أو») count inside such a run, and are trimmed from its start
    («قال إن إتش إس بي سي» is «إتش إس بي سي») and, as particles, from the end of a longer run. News
    spells out the names of broadcasters, companies and agencies this way, so the run is an
    organisation.

    >>> from kg.text import split_sentences
    >>> doc = Document("d", "وقالت إتش إس بي سي إن مصادر في دي إتش إل أكدت ذلك.")
    >>> [m.text for m in Acronyms.default()(doc, split_sentences(doc.text))]
    ['إتش إس بي سي', 'دي إتش إل']
    """

    name = "acronyms"
    labels = ("ORG",)

    def __init__(self, clear: Iterable[str], words: Iterable[str]) -> None:
        self.clear = frozenset(normalize(w) for w in clear)
        self.words = frozenset(normalize(w) for w in words) - self.clear
        self._opens = WordGate(self._is_letter)

    @classmethod
    def default(cls) -> Acronyms:
        kinds: dict[str, list[str]] = {"clear": [], "word": []}
        for line in read_lexicon(LETTER_NAMES):
            spelling, _, kind = line.partition("\t")
            if kind not in kinds:
                raise ModelError(f"{LETTER_NAMES}: bad line {line!r}")
            kinds[kind].append(spelling)
        return cls(kinds["clear"], kinds["word"])

    def __call__(self, doc: Document, sentences: Sequence[Sentence]) -> list[Mention]:
        return scan(doc, sentences, self.name, self._match, same, self._opens.positions)

    def _is_letter(self, norm: str) -> bool:
        """Whether the word is a letter's name: where :meth:`_match` can find an acronym."""
        return norm in self.clear or norm in self.words

    def _match(self, norms: Sequence[str], i: int) -> Span | None:
        end = i
        while end < len(norms) and (norms[end] in self.clear or norms[end] in self.words):
            end += 1
        start = i
        while start < end and norms[start] in self.words:
            start += 1  # «إن إتش إس بي سي»: the leading word is the particle
        while end - start > MIN_TRIMMED_ACRONYM and norms[end - 1] in TRAILING_PARTICLES:
            end -= 1  # «قالت إتش إس بي سي إن …»: «إن» opens the reported clause
        if end - start >= MIN_ACRONYM_LETTERS:
            return start, end, EntityType.ORGANIZATION
        return None
