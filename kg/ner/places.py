"""The place-name extractor: countries and cities the shipped place lists know."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from functools import partial

from kg.cache import compiled
from kg.clitics import ARTICLE, CliticJudge, name_list, train_types
from kg.model import Document, EntityType, Mention, Sentence
from kg.ner.base import ShippedRule
from kg.ner.scan import Span, WordGate, function_words, same, scan
from kg.resources import data_files, read_lexicon
from kg.text import normalize

# Place lists (kg/data/ner; built by training.namelists): CLDR territory names are always places;
# a Wikipedia place title must also look like nothing else (below).
COUNTRY_LIST = "gaz_loc_cldr.txt"
PLACE_LIST = "gaz_wiki_places.txt"
PERSON_LISTS = (
    "gaz_wiki_given.txt",
    "gaz_wiki_family.txt",
    "gaz_wiki_people.txt",
    "gaz_latin_names.txt",
    "names_first.txt",
    "names_last.txt",
)
# A one-word place title this common (Zipf 4.5) is mostly an ordinary word («دور», «بين»).
MAX_PLACE_WORD_FREQUENCY = 45
MAX_PLACE_WORDS = 4
# Before a place name that is also a person's name, these say it is the place («في شارلوت»).
PLACE_PREPOSITIONS = ("في",)
# Two-word names are matched written as one word too when that is this long («كوالالمبور»).
MIN_JOINED_LETTERS = 5


class PlaceNames(ShippedRule):
    """Finds the names of countries and cities the shipped place lists know.

    The tagger misses well-known places in contexts unlike its training news («بتزويد أوغندا»).
    A list word counts only when nothing suggests another reading: the training gazetteer does
    not type it otherwise, it is not a person-name word and not an everyday word. On ANERcorp
    train, 94 % of the tokens it marks are gold locations (most of the rest are places named for
    their clubs or governments: «ليفربول», «قطر»).

    >>> from kg.text import split_sentences
    >>> doc = Document("d", "وصل الوفد إلى بوخارست ثم إلى نيكاراغوا وجمهورية الكونغو الديمقراطية.")
    >>> [m.text for m in PlaceNames.default()(doc, split_sentences(doc.text))]
    ['بوخارست', 'نيكاراغوا', 'وجمهورية الكونغو الديمقراطية']
    """

    name = "place-names"
    labels = ("LOC",)

    def __init__(
        self,
        phrases: Mapping[str, Sequence[tuple[str, ...]]],
        judge: CliticJudge,
        after_cue: Iterable[str] = (),
        cues: Iterable[str] = (),
    ) -> None:
        # First word -> the list phrases it opens, longest first.
        self.phrases = {
            first: tuple(sorted(set(found), key=lambda p: (-len(p), p)))
            for first, found in phrases.items()
        }
        self.judge = judge
        # Place names that are also person names («شارلوت»): places only after a cue.
        self.after_cue = frozenset(after_cue)
        self.cues = frozenset(cues)
        self._opens = WordGate(self._may_open)

    @classmethod
    def default(cls) -> PlaceNames:
        judge = CliticJudge.default()
        # Compiled from the lists once (kg.cache): a sixth of a one-document build otherwise.
        phrases, after_cue = compiled(
            "place-names", data_files("ner", "events"), partial(_place_tables, judge)
        )
        cues = [normalize(c) for c in (*read_lexicon("ner/location_cues.txt"), *PLACE_PREPOSITIONS)]
        return cls(phrases, judge, after_cue, cues)

    def __call__(self, doc: Document, sentences: Sequence[Sentence]) -> list[Mention]:
        return scan(doc, sentences, self.name, self._match, same, self._opens.positions)

    def _may_open(self, norm: str) -> bool:
        """Whether :meth:`_match` can find a place at this word."""
        bare = self.judge.split(norm).bare
        if bare and bare in self.phrases:
            return True
        return norm in self.phrases or norm in self.after_cue

    def _match(self, norms: Sequence[str], i: int) -> Span | None:
        """The longest list phrase at ``i`` (its first word may carry a clitic)."""
        split = self.judge.split(norms[i])
        firsts = [split.bare, norms[i]] if split.bare else [norms[i]]
        for first in firsts:
            for phrase in self.phrases.get(first, ()):
                size = len(phrase)
                if tuple(norms[i + 1 : i + size]) == phrase[1:]:
                    return i, i + size, EntityType.PLACE
        if norms[i] in self.after_cue and i > 0 and norms[i - 1] in self.cues:
            return i, i + 1, EntityType.PLACE  # «في شارلوت», «مدينة شارلوت»
        return None


def _place_tables(
    judge: CliticJudge,
) -> tuple[dict[str, list[tuple[str, ...]]], set[str]]:
    """:class:`PlaceNames`' phrases (first word → list phrases) and the place names read as
    places only after a cue, from the shipped lists."""
    types = train_types()
    persons = {w for name in PERSON_LISTS for entry in name_list(name) for w in entry}
    stop_words = set(function_words())
    phrases: dict[str, list[tuple[str, ...]]] = {}
    after_cue: set[str] = set()

    def add(entry: tuple[str, ...]) -> None:
        phrases.setdefault(entry[0], []).append(entry)
        if len(entry) == 2 and len("".join(entry)) >= MIN_JOINED_LETTERS:
            joined = "".join(entry)  # «كوالا لامبور» is also written «كوالالمبور»
            phrases.setdefault(joined, []).append((joined,))

    for entry in name_list(COUNTRY_LIST):
        add(entry)
    for entry in name_list(PLACE_LIST):
        if len(entry) > MAX_PLACE_WORDS or any(w in stop_words for w in entry):
            continue
        if len(entry) == 1:
            word = entry[0]
            bare = word[len(ARTICLE) :] if word.startswith(ARTICLE) else word
            if len(bare) < 3 or judge.frequency.get(word, 0) > MAX_PLACE_WORD_FREQUENCY:
                continue
            if types.get(word, types.get(bare, "LOC")) != "LOC":
                continue
            if word in persons or bare in persons:
                after_cue.add(word)
                continue
        add(entry)
    return phrases, after_cue
