"""The event lexicons shipped in ``kg/data/events``, as phrase indexes, and the rules' limits."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from kg.model import EventKind
from kg.resources import (
    NER_ONLY,
    SAY_FLAG,
    TRIGGERS,
    read_lexicon,
    read_table,
    titles,
    trigger_flags,
)
from kg.text import normalize

ALIAS_EXTRACTOR = "role-alias"
VENUE_EXTRACTOR = "venue"
ROLE_ORG_EXTRACTOR = "role-organization"
GAP = "…"
MAX_GAP_TOKENS = 6
MAX_ROLE_TOKENS = 14  # «منسق الطوارئ في منظمة أطباء بلا حدود في إب …» before the name
MAX_ORG_TOKENS = 5  # «لجنة حقوق العمال الوطنية»: a post's organisation named by a head noun
MAX_ORG_GAP = 4  # «مسؤول التدريب [على السلامة] في هيئة …»: words between a post and its body
NISBA_ENDINGS = ("ي", "يه")  # nisba adjectives after a name: «الأمريكي», «الوطنية» (ة→ه)
MAX_SUBJECT_TOKENS = 10  # a speech verb's subject: «قال وزير الخارجية الأمريكي أنتوني بلينكن»
MAX_SVO_GAP = 3  # «وكان داود قد قال»
MAX_APPOSITION_TOKENS = 16  # a description set off by commas: «سامي نور، رئيس الحزب …، قال»
MAX_MERGE_DISTANCE = 3  # sentences between an event and a follow-up about «اللقاء»
MAX_CLOSING_WORDS = 4  # «…، قال داود [عقب المباراة]»: a verb closing what it reports
MIN_UNATTRIBUTED_QUOTE_WORDS = 5  # shorter quotes without a speech verb are names or terms
DASHES = frozenset("-–—")
# Statuses after a post's organisation that make it a post held before («… السابق»).
FORMER = frozenset(normalize(w) for w in ("السابق", "السابقة", "الأسبق", "الأسبقة"))
# Name words shared by many people: never enough on their own to recognise someone.
NAME_PARTICLES = frozenset({"عبد", "بن", "ابن", "ابو", "ام", "ال", "بنت", "الله", "الدين"})
# Function-word classes that end a speech verb's subject («قال داود [في] …», «قال [إن] …»).
SUBJECT_BOUNDARIES = frozenset(
    {"clause", "relative", "that", "as", "place", "goal", "with", "target"}
)
QUOTE_MARKS = frozenset('«»"“”')
COMMAS = frozenset({"،", ","})
QUOTES = re.compile(r"«([^«»]+)»|\"([^\"\n]+)\"|“([^”]+)”")

# The clitics glued before a noun: the shipped clitic table, in its order (kg.clitics).
NOUN_PREFIXES = ("", *read_lexicon("lexicons/proclitics.txt"))
VERB_PREFIXES = ("", "و", "ف", "س", "وس", "فس", "ل", "ول")
# Pronoun suffixes (and the accusative alef of اتصالا) that may follow a trigger noun or verb.
SUFFIXES = ("هما", "هم", "هن", "ها", "ه", "نا", "كم", "وا", "ا")
VERB_SUFFIXES = ("هما", "هم", "هن", "ها", "ه", "نا")


@lru_cache(maxsize=8192)
def words_of(phrase: str) -> tuple[str, ...]:
    # Cached: names are compared pairwise while attributing speakers, and normalising is slow.
    return tuple(normalize(word) for word in phrase.split())


@dataclass(frozen=True)
class Entry:
    """A lexicon phrase: segments of words, with up to MAX_GAP_TOKENS tokens between segments."""

    segments: tuple[tuple[str, ...], ...]
    payload: str
    verb: bool = False
    continues: bool = False  # a participle («مضيفا»): its subject is the clause's speaker
    source: bool = False  # «بحسب …», «وفقا لـ…»: the speaker follows; never the subject before
    follows: bool = False  # «وأضاف: …» without a subject continues the previous speaker
    transitive: bool = False  # «واتهم الحكومة …»: a nameless noun after it is the object
    named_before: bool = False  # «نقلت الوكالة عن داود قوله»: the speaker is named just before

    @classmethod
    def parse(
        cls,
        phrase: str,
        payload: str = "",
        *,
        verb: bool = False,
        continues: bool = False,
        source: bool = False,
        flags: frozenset[str] = frozenset(),
    ) -> Entry:
        segments = tuple(words_of(part) for part in phrase.split(GAP) if part.strip())
        unknown = flags - {"follows", "object", "named-before"}
        if unknown:
            raise ValueError(f"unknown trigger flags {sorted(unknown)} for {phrase!r}")
        return cls(
            segments,
            payload,
            verb,
            continues,
            source,
            "follows" in flags,
            "object" in flags,
            "named-before" in flags,
        )


# Words a PhraseIndex remembers whether a phrase starts at; then it starts afresh (flat memory).
MAX_REMEMBERED_WORDS = 100_000


@dataclass(frozen=True)
class PhraseIndex:
    """Entries indexed by their first word, for matching at a token position; ``opens``
    remembers of each word as written whether any of its readings is a first word here."""

    by_first: dict[str, tuple[Entry, ...]]
    opens: dict[str, bool] = field(default_factory=dict, compare=False, repr=False)

    def learn(self, word: str, stems: Iterable[str]) -> bool:
        """Whether a phrase can start at ``word`` (whose readings' stems are ``stems``), kept in
        ``opens`` (most words start none, and a look-up there is then the whole test)."""
        if len(self.opens) >= MAX_REMEMBERED_WORDS:
            self.opens.clear()
        known = self.opens[word] = not self.by_first.keys().isdisjoint(stems)
        return known

    @classmethod
    def build(cls, entries: Iterable[Entry]) -> PhraseIndex:
        grouped: dict[str, list[Entry]] = {}
        for entry in entries:
            grouped.setdefault(entry.segments[0][0], []).append(entry)
        # Longest phrase first, so «رئيس الوزراء» is preferred to «رئيس».
        return cls(
            {
                word: tuple(sorted(group, key=lambda e: -sum(map(len, e.segments))))
                for word, group in grouped.items()
            }
        )


@dataclass(frozen=True)
class Lexicons:
    """The shipped word lists, loaded once by :meth:`EventExtractor.default`."""

    triggers: PhraseIndex
    role_heads: PhraseIndex
    honorifics: PhraseIndex
    speaker_refs: dict[str, str]
    venues: frozenset[str]
    function_words: dict[str, str]
    organization_heads: frozenset[str] = frozenset()
    role_status: PhraseIndex = PhraseIndex({})
    # «الوزارة» after a post: the one ministry the document names («وزارة الخارجية»)
    generic_organizations: frozenset[str] = frozenset()

    @classmethod
    def load(cls) -> Lexicons:
        triggers = []
        for row in read_table(TRIGGERS):
            phrase, kind, pos = row[0], row[1], row[2] if len(row) > 2 else "noun"
            if kind == NER_ONLY:
                continue  # a cue of the NER's feature SAY only (kg.resources.say_cues)
            EventKind(kind)  # fail at load time on a typo in the data file
            flags = trigger_flags(row) - {SAY_FLAG}
            triggers.append(
                Entry.parse(
                    phrase,
                    kind,
                    verb=pos in ("verb", "participle", "source"),
                    continues=pos == "participle",
                    source=pos == "source",
                    flags=flags,
                )
            )
        return cls(
            triggers=PhraseIndex.build(triggers),
            role_heads=PhraseIndex.build(Entry.parse(p) for p in titles("post")),
            honorifics=PhraseIndex.build(
                Entry.parse(p) for p in (*titles("honorific"), *titles("rank"))
            ),
            speaker_refs={
                " ".join(words_of(row[0])): normalize(row[1])
                for row in read_table("events/speaker_references.tsv")
            },
            venues=frozenset(normalize(v) for v in read_lexicon("events/venues.txt")),
            function_words={
                normalize(row[0]): row[1] for row in read_table("events/function_words.tsv")
            },
            organization_heads=frozenset(
                normalize(word) for word in read_lexicon("events/organization_heads.txt")
            ),
            role_status=PhraseIndex.build(
                Entry.parse(p) for p in read_lexicon("events/role_status.txt")
            ),
            generic_organizations=frozenset(
                normalize(word) for word in read_lexicon("events/generic_organizations.txt")
            ),
        )
