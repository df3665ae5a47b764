"""Is the first letter of a name a glued proclitic («وكينيا», «للهند») or part of it («وليد»)?

Arabic writes the conjunctions و ف, the prepositions ب ل ك and their combinations as part of the
next word, so a tagger's span often starts with one. Stripping blindly ruins real names («وليد»,
«بلال», «لبنان», «فنزويلا»); keeping blindly makes «وكينيا» an entity of its own beside «كينيا».
:class:`CliticJudge` decides from evidence shipped with the package, offline:

- the name lists of the NER (Wikidata / Wikipedia / arabnamer given and family names, places,
  clubs, CLDR territories) and the typed words of the training gazetteer: is the whole word a
  known name, is the remainder one?
- the wordfreq frequency list: is the remainder a common word, much more common than the whole?

A word the evidence cannot settle is left to the corpus (:class:`kg.resolve.Resolver` strips it
when the bare form is attested in the same build).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache, partial
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from kg.cache import compiled
from kg.ner.frequency import FREQUENCY, FrequencyTable
from kg.resources import normalized_entries, read_lexicon
from kg.text import normalize

ARTICLE = "ال"
CONJUNCTION = "و"
# Name lists whose words count as "a known name" (kg/data/ner; see training.namelists).
NAME_LIST_FILES = (
    "gaz_wiki_given.txt",
    "gaz_wiki_family.txt",
    "gaz_wiki_people.txt",
    "gaz_wiki_places.txt",
    "gaz_wiki_clubs.txt",
    "gaz_latin_names.txt",
    "gaz_loc_cldr.txt",
    "names_first.txt",
    "names_last.txt",
)
TRAIN_GAZETTEER_FILE = "train_gazetteer.tsv"
# A remainder must be this much more frequent than the whole word (Zipf tenths: 10 = ten times)
# and itself in common use (Zipf 2.0, once per 100 million words) to be stripped on frequency.
FREQUENCY_MARGIN = 10
MIN_REMAINDER_FREQUENCY = 20
# A remainder that is a listed name needs less: three times as common as the whole.
NAME_FREQUENCY_MARGIN = 5
# «و» before a word nobody knows is the conjunction far more often than a name's first letter.
UNKNOWN_AFTER_WAW_MIN_LETTERS = 4
# Choosing among readings (Zipf tenths): a listed name counts as 15 tenths more frequent, each
# clitic letter beyond the first costs 8 («وبغداد» is «و» + «بغداد», not «وب» + «غداد»).
NAME_BONUS = 15
CLITIC_LETTER_COST = 8


class Verdict(Enum):
    STRIP = "strip"
    KEEP = "keep"
    UNDECIDED = "undecided"


@dataclass(frozen=True)
class Split:
    """The verdict on a word and, for STRIP, the clitic letters and the bare word."""

    verdict: Verdict
    letters: int = 0
    bare: str = ""


KEEP = Split(Verdict.KEEP)
UNDECIDED = Split(Verdict.UNDECIDED)


class CliticJudge:
    """Decides whether a (normalised) name word starts with a glued proclitic.

    >>> names = ["كينيا", "وليد", "ليد", "فنزويلا", "هند"]
    >>> judge = CliticJudge(names, {"كينيا": 50, "وكينيا": 40, "الهند": 50})
    >>> judge.split("وكينيا")
    Split(verdict=<Verdict.STRIP: 'strip'>, letters=1, bare='كينيا')
    >>> judge.split("وليد").verdict, judge.split("فنزويلا").verdict
    (<Verdict.KEEP: 'keep'>, <Verdict.KEEP: 'keep'>)
    >>> judge.split("للهند").bare  # «لل» is «ل» + «ال»: the article comes back
    'الهند'
    """

    def __init__(
        self,
        names: Iterable[str],
        frequency: Mapping[str, int],
        proclitics: Iterable[str] | None = None,
        *,
        digest: str = "",
    ) -> None:
        self.names = frozenset(names)
        self.frequency = frequency
        # Longest first, ties in a fixed order: the first clitic that gives a name wins.
        # None: the shipped list (kg/data/lexicons/proclitics.txt), longest first.
        self.proclitics = shipped_proclitics() if proclitics is None else by_length(proclitics)
        self.digest = digest
        self._cache: dict[str, Split] = {}

    @classmethod
    def default(cls, proclitics: Iterable[str] | None = None) -> CliticJudge:
        """The judge over the name lists and frequency list shipped in ``kg/data/ner``.

        One per process (the resolver and the rule extractors share it): reading the lists
        takes a quarter of a second.
        """
        # The shipped list given explicitly (the resolver's default) is the same judge.
        chosen = None if proclitics is None else by_length(proclitics)
        return _shipped_judge(None if chosen == shipped_proclitics() else chosen)

    @classmethod
    def _load(cls, proclitics: tuple[str, ...] | None) -> CliticJudge:
        names: set[str] = set()
        for file_name in NAME_LIST_FILES:
            names.update(word for entry in name_list(file_name) for word in entry)
        names.update(word for word, kind in train_types().items() if kind != "O")
        sha = hashlib.sha256()
        for file_name in (*NAME_LIST_FILES, TRAIN_GAZETTEER_FILE):
            sha.update(_data_file(file_name).read_bytes())
        frequency = FrequencyTable(_data_file(FREQUENCY))
        extra = {} if proclitics is None else {"proclitics": proclitics}
        return cls(names, frequency, digest=sha.hexdigest()[:16], **extra)

    def is_name(self, word: str) -> bool:
        bare = word[len(ARTICLE) :] if word.startswith(ARTICLE) else word
        return word in self.names or bare in self.names

    def bare(self, word: str) -> str:
        """Normalised ``word`` without the proclitic :meth:`split` strips from it, if any.

        >>> CliticJudge.default().bare("وكينيا"), CliticJudge.default().bare("وليد")
        ('كينيا', 'وليد')
        """
        split = self.split(word)
        return split.bare if split.verdict is Verdict.STRIP else word

    def split(self, word: str) -> Split:
        """The verdict on normalised ``word``, the first word of a name (cached)."""
        found = self._cache.get(word)
        if found is None:
            found = self._cache[word] = self._judge(word)
        return found

    def _judge(self, word: str) -> Split:
        whole_is_name = word in self.names
        whole_frequency = self.frequency.get(word, 0)
        splits = []
        for clitic in self.proclitics:
            rest = word[len(clitic) :]
            if not word.startswith(clitic) or len(rest) < 2:
                continue
            readings = [rest]
            if clitic.endswith("ل") and rest.startswith("ل"):
                # «للصين»: the preposition swallowed the article's alef («للوسي» is «ل» + «لوسي»).
                readings.insert(0, ARTICLE + rest[1:])
            for reading in readings:
                if len(reading) - (len(ARTICLE) if reading.startswith(ARTICLE) else 0) >= 3:
                    attested = (self.is_name(reading), self.frequency.get(reading, 0))
                    splits.append((*attested, clitic, reading))
        if not splits:
            return KEEP if whole_is_name else UNDECIDED
        # The best-attested remainder is the reading: «وبغداد» is «و» + «بغداد», not «وب» +
        # «غداد» (a stray list word); a longer clitic has to earn its extra letter.
        rest_is_name, rest_frequency, clitic, rest = max(
            splits,
            key=lambda split: (
                split[1] + NAME_BONUS * split[0] - CLITIC_LETTER_COST * (len(split[2]) - 1)
            ),
        )
        much_more_common = rest_frequency >= whole_frequency + FREQUENCY_MARGIN
        if whole_is_name:
            # «وليد», «لبنان», «بيروت» are names themselves: strip only when the remainder is a
            # name far more common than the whole (noise in the lists: «لكوريا»).
            if rest_is_name and much_more_common:
                return Split(Verdict.STRIP, len(clitic), rest)
            return KEEP
        # A listed remainder must also be the commoner reading: «بلاد» is not «ب» + «لاد»,
        # «لديه» not «ل» + «ديه».
        if rest_is_name and rest_frequency >= whole_frequency + NAME_FREQUENCY_MARGIN:
            return Split(Verdict.STRIP, len(clitic), rest)
        if much_more_common and rest_frequency >= MIN_REMAINDER_FREQUENCY:
            return Split(Verdict.STRIP, len(clitic), rest)
        if whole_frequency >= MIN_REMAINDER_FREQUENCY:
            return KEEP  # a common word that happens to start like a clitic: «فيروس»
        if word.startswith("و") and whole_frequency == rest_frequency == 0:
            # «و» before a word nobody knows is the conjunction far more often than a letter of
            # a rare name; shorter remainders are left to the corpus.
            bare = word[1:]
            if len(bare) >= UNKNOWN_AFTER_WAW_MIN_LETTERS:
                return Split(Verdict.STRIP, 1, bare)
        return UNDECIDED


# Given-name lists: two of these that spell alike («محمد», «محمود») are still two names.
GIVEN_NAME_FILES = ("gaz_wiki_given.txt", "names_first.txt")


def given_names() -> list[str]:
    """The words of the shipped given-name lists (normalised)."""
    return [word for file_name in GIVEN_NAME_FILES for e in name_list(file_name) for word in e]


def _data_file(file_name: str) -> Traversable:
    return resources.files("kg") / "data" / "ner" / file_name


@lru_cache(maxsize=32)
def name_list(file_name: str) -> tuple[tuple[str, ...], ...]:
    """The entries of a shipped list in ``kg/data/ner`` as tuples of normalised words, read once
    per process (the clitic judge, the resolver and the rule extractors share them)."""
    with resources.as_file(_data_file(file_name)) as path:
        return compiled(f"names-{path.stem}", [path], partial(_read_name_list, path))


def _read_name_list(path: Path) -> tuple[tuple[str, ...], ...]:
    text = path.read_text(encoding="utf-8")
    return tuple(tuple(entry.split()) for entry in normalized_entries(text) if entry.split())


@lru_cache(maxsize=1)
def train_types() -> dict[str, str]:
    """The training gazetteer: a proclitic-stripped normalised word → its type in ANERcorp train
    (PERS, LOC, ORG, MISC or O). Read once per process; callers never change it."""
    types: dict[str, str] = {}
    text = _data_file(TRAIN_GAZETTEER_FILE).read_text(encoding="utf-8")
    for line in text.splitlines():
        word, _, entity_type = line.partition("\t")
        if word and entity_type and not line.startswith("#"):
            types[word] = entity_type
    return types


def by_length(proclitics: Iterable[str]) -> tuple[str, ...]:
    """Normalised ``proclitics``, longest first, ties in a fixed order (so that fingerprints
    agree between processes)."""
    return tuple(sorted({normalize(p) for p in proclitics}, key=lambda c: (-len(c), c)))


@lru_cache(maxsize=1)
def shipped_proclitics() -> tuple[str, ...]:
    """The proclitic sequences of ``kg/data/lexicons/proclitics.txt``, longest first."""
    return by_length(read_lexicon("lexicons/proclitics.txt"))


@lru_cache(maxsize=4)
def _shipped_judge(proclitics: tuple[str, ...] | None) -> CliticJudge:
    return CliticJudge._load(proclitics)
