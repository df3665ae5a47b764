"""Rule extractors: mentions found by a grammar rather than a trained model.

:class:`OrganisationGrammar` reads the shape Arabic gives organisation names: a head noun
(«وزارة», «محكمة», «مجلس», «حزب» …) in construct with a genitive chain that ends in a definite
word or a proper name, followed by adjectives — «وزارة الزراعة الفنلندية», «هيئة مكافحة الفساد
الوطنية», «مكتب الإحصاء المركزي» — or a definite head with a nisba adjective («البرلمان النمساوي»,
«المحكمة الدستورية»). A statistical tagger trained on older news misses many such names when their
words are new to it; the grammar needs only the head nouns (kg/data/ner/org_phrase_heads.tsv).
Its spans join the tagger's under :func:`kg.ner.base.merge_mentions` (the longer span wins).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache

from kg.clitics import CliticJudge, Verdict, name_list
from kg.errors import ModelError
from kg.model import Document, EntityType, Mention, Sentence
from kg.ner.agreement import SPOKESPERSON_FOR
from kg.ner.base import ShippedRule
from kg.ner.cues import NameWords
from kg.ner.features import strip_proclitics
from kg.ner.frequency import ARABIC_WORD
from kg.ner.scan import Span, WordGate, function_words, same, scan
from kg.resources import read_lexicon, read_table
from kg.text import normalize

ARTICLE = "ال"
# A name word: listed as a name, or rarer than this in wordfreq (Zipf tenths; 3.0 = once per
# million words), so common nouns («الطيران» after «شركة») do not pass.
MAX_NAME_FREQUENCY = 30
# A listed name word may be commoner, but not a word of everyday prose («يوم», «بين»).
MAX_LISTED_NAME_FREQUENCY = 45
# ... or up to Zipf 5.5 when no inflected form of it is in use (a name, not a noun).
MAX_UNINFLECTED_NAME_FREQUENCY = 55
MAX_UNINFLECTED_FREQUENCY = 46  # the same for unlisted words
# Words more common than this (Zipf 5.0) are function words or verbs, never part of a name:
# «منظمة غير حكومية» is not the name «منظمة غير».
MAX_WORD_FREQUENCY = 50
MAX_CHAIN = 3  # indefinite nouns between head and the definite word: «وكالة مشاريع التنمية»
MAX_NAME_WORDS = 3
MAX_PHRASE_TOKENS = 8
FOLLOW_KINDS = frozenset({"definite", "name", "article"})
# A state's own bodies are named by the state's nisba alone; a «ل» phrase after them says what
# they do («الحكومة المغربية لتعزيز …»), not which body they are.
STATE_BODIES = frozenset(
    normalize(head) for head in ("حكومة", "برلمان", "كونغرس", "جيش", "شرطة", "سلطنة", "مملكة")
)
# «لل» (ل + the article) or «ل» before what a body is for.
PURPOSE_CLITICS = frozenset({"لل", "ل"})


@dataclass(frozen=True)
class _Word:
    norm: str
    clitic: str
    stem: str
    arabic: bool

    @property
    def definite(self) -> bool:
        return self.clitic.endswith(ARTICLE) or self.clitic.endswith("لل")

    @property
    def genitive(self) -> bool:
        """Definite with the article alone: a genitive or an adjective, not «للذكاء» (a
        prepositional phrase) or «والصناعة» (a coordinated noun)."""
        return self.clitic == ARTICLE

    @property
    def conjoined(self) -> bool:
        return self.clitic.startswith(("و", "ف"))


# A name word in Latin script inside Arabic text: capitalised («Zentrix», «Q+», «ACME»).
LATIN_NAME = re.compile(r"[A-Z][A-Za-z0-9+&.\-]*")


@lru_cache(maxsize=100_000)
def _word(norm: str) -> _Word:
    clitic, stem = strip_proclitics(norm)
    return _Word(norm, clitic, stem, ARABIC_WORD.fullmatch(norm) is not None)


# Heads of bodies a person leads or sits on: a person's full name after one says whose body it
# is («حكومة …», «حركة …» + a foreign full name), not the body's name. Universities, mosques,
# airports and prizes are named after people and are not here.
LED_BY_PEOPLE = frozenset(
    normalize(head) for head in ("حركة", "حزب", "حكومة", "جبهة", "تحالف", "ائتلاف", "محكمة")
)


class OrganisationGrammar(ShippedRule):
    """Finds organisation names by their head noun, genitive chain and adjectives.

    >>> from kg.text import split_sentences
    >>> grammar = OrganisationGrammar.default()
    >>> doc = Document("d", "وقالت وزارة الزراعة الفنلندية إن المحكمة الدستورية رفضت الطعن.")
    >>> [m.text for m in grammar(doc, split_sentences(doc.text))]
    ['وزارة الزراعة الفنلندية', 'المحكمة الدستورية']
    """

    name = "org-grammar"
    labels = ("ORG", "LOC")

    def __init__(
        self,
        heads: Mapping[str, str],
        adjectives: Sequence[str],
        stop_words: Sequence[str],
        judge: CliticJudge,
        types: Mapping[str, EntityType] | None = None,
        not_adjectives: Sequence[str] = (),
        portfolios: Iterable[str] = (),
        country_nisbas: Iterable[str] = (),
    ) -> None:
        self.heads = dict(heads)
        # «الخارجية الروسية»: a portfolio and a country's feminine nisba name its ministry.
        self.portfolio_stems = frozenset(p.removeprefix(ARTICLE) for p in portfolios)
        self.country_nisbas = frozenset(country_nisbas)
        self.not_adjectives = frozenset(not_adjectives)
        # Head -> the type of the names it opens (organisation unless given).
        self.types = dict(types or {})
        self.adjectives = frozenset(adjectives)
        self.stop_words = frozenset(stop_words)
        self.judge = judge
        self._opens = WordGate(self._may_open)

    @classmethod
    def default(cls) -> OrganisationGrammar:
        heads: dict[str, str] = {}
        types: dict[str, EntityType] = {}
        for line in read_lexicon("ner/org_phrase_heads.tsv"):
            head, follow, *rest = line.split("\t")
            if follow not in FOLLOW_KINDS or rest[:1] not in ([], ["ORG"], ["LOC"]):
                raise ModelError(f"org_phrase_heads.tsv: bad line for {head!r}: {line!r}")
            heads[normalize(head)] = follow
            types[normalize(head)] = EntityType.from_label(rest[0] if rest else "ORG")
        adjectives = [normalize(a) for a in read_lexicon("ner/org_adjectives.txt")]
        not_adjectives = [normalize(a) for a in read_lexicon("ner/org_not_adjectives.txt")]
        stop_words = function_words()
        portfolios = [normalize(p) for p in read_lexicon("ner/org_portfolios.txt")]
        nisbas = [nisba for nisba, _ in read_table("english/nisbas.tsv") if nisba.endswith("ه")]
        return cls(
            heads,
            adjectives,
            stop_words,
            CliticJudge.default(),
            types,
            not_adjectives,
            portfolios,
            nisbas,
        )

    @cached_property
    def _name_words(self) -> NameWords:
        return NameWords(self.judge, self.stop_words)

    def __call__(self, doc: Document, sentences: Sequence[Sentence]) -> list[Mention]:
        return scan(doc, sentences, self.name, self._match, _word, self._opens.positions)

    def _may_open(self, norm: str) -> bool:
        """Whether :meth:`_match` can find an organisation at this word: a head noun, or a
        portfolio named without «وزارة»."""
        word = _word(norm)
        head = self._head(word)
        return word.stem in self.portfolio_stems or (head.stem in self.heads and head.arabic)

    def _match(self, words: Sequence[_Word], i: int) -> Span | None:
        if self._headless_ministry(words, i):
            return i, i + 2, EntityType.ORGANIZATION
        end = self._phrase_end(words, i)
        if end is None:
            return None
        if self._head(words[i]).stem in LED_BY_PEOPLE and self._persons_name(words, i + 1, end):
            return None  # «حكومة X», «حركة X» with X a person's full name: X's, not a name
        return i, end, self.types.get(self._head(words[i]).stem, EntityType.ORGANIZATION)

    def _phrase_end(self, words: Sequence[_Word], i: int) -> int | None:
        """Where the organisation name opened by a head at ``i`` ends, or None."""
        head = self._head(words[i])
        follow = self.heads.get(head.stem)
        if follow is None or not head.arabic:
            return None
        if head.definite:
            # «البرلمان النمساوي»: a definite head is a name only with its adjective.
            if follow == "name":
                return None
            end = self._adjectives_end(words, i + 1)
            if end < len(words) and self._of_organisation(words[end]):
                return None  # «المكتب التنفيذي لحركة …»: a body of the organisation named next
            latin = self._latin_end(words, end)
            if latin > end:
                return latin  # «الحركة الشعبية Zentrix Now»: the description, then the name
            if end == i + 1:
                return None
            if head.stem in STATE_BODIES or self.types.get(head.stem) is EntityType.PLACE:
                return end
            return self._purpose_end(words, end)
        if follow == "article":
            return None
        if follow == "name":
            end = self._name_end(words, i + 1)
            return None if end == i + 1 else self._adjectives_end(words, end)
        latin = self._latin_end(words, i + 1)
        if latin > i + 1:
            return self._adjectives_end(words, latin)  # «مؤسسة Zentrix الأمريكية»
        # «وكالة مشاريع التنمية الريفية»: indefinite nouns until a definite word or a name.
        k = i + 1
        while k < len(words) and k - i <= MAX_CHAIN and self._chain_noun(words[k]):
            if self._is_name(words[k]):
                break
            k += 1
        if k >= len(words) or not self._plain(words[k]):
            return None
        if words[k].genitive:
            end = k + 1
            # «وزارة التجارة والصناعة»: one coordinated definite noun belongs to the name.
            if end < len(words) and self._coordinated_noun(words[end]):
                end += 1
        elif self._is_name(words[k]):
            end = self._name_end(words, k)
        else:
            return None
        return self._adjectives_end(words, end)

    @cached_property
    def _persons(self) -> PersonNames:
        return shipped_person_names()

    def _persons_name(self, words: Sequence[_Word], start: int, end: int) -> bool:
        """Whether ``words[start:end]`` is a person's full name as :class:`PersonNames` reads it."""
        span = self._persons.match([word.norm for word in words], start) if start < end else None
        return span is not None and span[1] >= end

    def _headless_ministry(self, words: Sequence[_Word], i: int) -> bool:
        """«قالت الخارجية الروسية»: a portfolio and a country's nisba, «وزارة» left out; not
        an adjective of the noun before it («السياسة الخارجية الروسية»)."""
        if words[i].stem not in self.portfolio_stems or i + 1 >= len(words):
            return False
        if not words[i].definite or words[i + 1].norm not in self.country_nisbas:
            return False
        if i == 0 or not words[i - 1].arabic:
            return True
        # After a verb or a particle («قالت», «باسم», «في»), not a noun it would complete
        # («وزير الخارجية …» is a post, «وسائل الإعلام …» the media).
        before = words[i - 1].norm
        return (
            before in self.stop_words
            or before == SPOKESPERSON_FOR  # «المتحدث باسم الخارجية …»
            or self._name_words.is_verb(before)
        )

    def _purpose_end(self, words: Sequence[_Word], k: int) -> int:
        """After a definite head and its adjectives, the «ل» phrase of what the body is for,
        if one follows: «الهيئة العامة [للاستثمار]», «الاتحاد الدولي [لكرة القدم]»; else ``k``."""
        if k >= len(words) or words[k].clitic not in PURPOSE_CLITICS or not self._plain(words[k]):
            return k
        if words[k].stem in self.stop_words or self.judge.frequency.get(words[k].stem, 0) == 0:
            return k
        if words[k].clitic == "ل":
            # «لكرة القدم»: «ل» on an indefinite noun, then its genitive.
            if k + 1 >= len(words) or not (words[k + 1].genitive and self._plain(words[k + 1])):
                return k
            k += 1
        return self._adjectives_end(words, k + 1)

    def _head(self, word: _Word) -> _Word:
        if word.norm in self.heads:  # «وزارة» is a head, not «و» + «زارة»
            return _Word(word.norm, "", word.norm, word.arabic)
        return word

    def _of_organisation(self, word: _Word) -> bool:
        """«لحركة», «للحزب»: «ل» before an organisation's head noun."""
        return word.clitic in ("ل", "لل") and word.stem in self.heads

    def _coordinated_noun(self, word: _Word) -> bool:
        return (
            word.conjoined and word.definite and self._plain(word) and not self._is_adjective(word)
        )

    def _adjectives_end(self, words: Sequence[_Word], k: int) -> int:
        start = k
        while k < len(words) and k - start < MAX_PHRASE_TOKENS:
            word = words[k]
            if not (word.genitive and self._is_adjective(word)):
                break
            k += 1
        return k

    def _name_end(self, words: Sequence[_Word], k: int) -> int:
        start = k
        while k < len(words) and k - start < MAX_NAME_WORDS:
            word = words[k]
            if word.definite or self._joined_by_and(word) or not self._is_name(word):
                break
            if k > start and self._persons_name(words, k, k + 2):
                break  # «رئيس شركة X [given surname]»: the company's head, named after it
            k += 1
        return k

    def _latin_end(self, words: Sequence[_Word], k: int) -> int:
        start = k
        while k < len(words) and k - start < MAX_NAME_WORDS and LATIN_NAME.fullmatch(words[k].norm):
            k += 1
        return k

    def _joined_by_and(self, word: _Word) -> bool:
        """«بلدة ومستوطنة»: «و» opens the next item, unless the word is a name in «و» («وارسو»)."""
        return word.norm.startswith("و") and self.judge.split(word.norm).verdict is not Verdict.KEEP

    def _plain(self, word: _Word) -> bool:
        """An Arabic content word (not a function word, not punctuation)."""
        unjoined = word.norm[1:] if word.conjoined else word.norm
        return (
            word.arabic
            and len(word.stem) >= 2
            and word.stem not in self.stop_words
            and unjoined not in self.stop_words  # «والذين»
        )

    def _chain_noun(self, word: _Word) -> bool:
        """An indefinite noun inside the chain; the commonest words are particles or verbs."""
        return (
            self._plain(word)
            and not word.definite
            and self.judge.frequency.get(word.norm, 0) <= MAX_WORD_FREQUENCY
        )

    def _is_adjective(self, word: _Word) -> bool:
        stem = word.stem
        nisba = len(stem) >= 4 and stem.endswith(("ي", "يه")) and stem not in self.not_adjectives
        return self._plain(word) and (nisba or stem in self.adjectives)

    def _is_name(self, word: _Word) -> bool:
        if LATIN_NAME.fullmatch(word.norm):
            return True  # «قناة Zentrix»: a name kept in its own script
        if not self._plain(word) or word.definite:
            return False
        frequency = self.judge.frequency.get(word.norm, 0)
        if self.judge.is_name(word.norm):
            if frequency <= MAX_LISTED_NAME_FREQUENCY:
                return True
            # «حركة زيلتارا», «شركة زيلتارا»: a name of today's news is common, but never inflected.
            return frequency <= MAX_UNINFLECTED_NAME_FREQUENCY and self._name_words.uninflected(
                word.norm
            )
        if frequency < MAX_NAME_FREQUENCY:
            return True  # after a head noun a rare word is a name, Arabic or not («بلدية عقربا»)
        # «حكومة كرايستبرغ»: an unlisted word as common as a noun, but never inflected like one
        # and no verb (kg.ner.cues.NameWords): not «مجموعة أعمالنا», «شركة تعمل».
        return (
            frequency <= MAX_UNINFLECTED_FREQUENCY
            and self._name_words.uninflected(word.norm)
            and self._name_words(word.norm)
        )


# A foreign given name opens a person's name: the lists of names as Arabic writes them (arabnamer)
# that are also given names of people in Wikidata.
FOREIGN_GIVEN_LISTS = ("gaz_latin_names.txt",)
GIVEN_LISTS = ("gaz_wiki_given.txt", "names_first.txt")
FAMILY_LISTS = ("gaz_wiki_family.txt", "names_last.txt", "gaz_latin_names.txt")
# Given names this common are also everyday words («جين», «دان»); surnames listed as such may be
# commoner than an unknown word may be.
MAX_GIVEN_FREQUENCY = 42
# ... and foreign given names up to this common (Zipf 5.5: «فيل», not «الان» = «now») before a
# surname nobody writes otherwise.
MAX_COMMON_GIVEN_FREQUENCY = 55
MIN_UNHEARD_LETTERS = 4
MAX_LISTED_SURNAME_FREQUENCY = 40
MAX_SURNAME_WORDS = 3
# A surname position word read as clitic + a word this common (Zipf 3.5) is that word.
MIN_COMMON_AFTER_CLITIC = 35


class PersonNames(ShippedRule):
    """Finds foreign full names: a listed foreign given name, then words that can only be names.

    News transliterates names its readers have never seen («كريستوف فانديرمولن», «ماتيو شرودر»); the
    tagger knows the given name from the lists but not the surname. A surname word here is rare
    in general Arabic (or a listed surname), has no article and is no clitic plus a common word.
    On ANERcorp train, 202 of the 215 spans it marks start on a gold person (177 match exactly).

    >>> from kg.text import split_sentences
    >>> doc = Document("d", "وقال المدرب كريستوف تروفيمتشوك إن الفريق جاهز.")
    >>> [m.text for m in PersonNames.default()(doc, split_sentences(doc.text))]
    ['كريستوف تروفيمتشوك']
    """

    name = "person-names"
    labels = ("PERS",)

    def __init__(
        self,
        given: Iterable[str],
        surnames: Iterable[str],
        particles: Iterable[str],
        stop_words: Iterable[str],
        judge: CliticJudge,
        common_given: Iterable[str] = (),
    ) -> None:
        self.given = frozenset(given)
        # Listed given names that are also everyday words («فيل» = «elephant»): a name only before a
        # surname nobody writes otherwise.
        self.common_given = frozenset(common_given) - self.given
        self.surnames = frozenset(surnames)
        self.particles = frozenset(particles)
        self.stop_words = frozenset(stop_words)
        self.judge = judge
        self._opens = WordGate(self._may_open)

    @classmethod
    def default(cls) -> PersonNames:
        judge = CliticJudge.default()
        foreign = {w for name in FOREIGN_GIVEN_LISTS for e in name_list(name) for w in e}
        given = {w for name in GIVEN_LISTS for e in name_list(name) for w in e}
        surnames = {w for name in FAMILY_LISTS for e in name_list(name) for w in e}
        particles = [normalize(p) for p in read_lexicon("ner/name_particles.txt")]
        frequency = judge.frequency
        return cls(
            (w for w in foreign & given if frequency.get(w, 0) <= MAX_GIVEN_FREQUENCY),
            surnames,
            particles,
            function_words(),
            judge,
            (w for w in foreign if frequency.get(w, 0) <= MAX_COMMON_GIVEN_FREQUENCY),
        )

    def __call__(self, doc: Document, sentences: Sequence[Sentence]) -> list[Mention]:
        return scan(doc, sentences, self.name, self.match, same, self._opens.positions)

    def _may_open(self, norm: str) -> bool:
        """Whether :meth:`match` can find a name at this word: a given name."""
        return self._is_given(norm) or self._is_common_given(norm)

    def __reduce__(self) -> tuple[object, ...]:
        # A worker process builds the one instance the organisation grammar reads too.
        return (shipped_person_names, ())

    def match(self, norms: Sequence[str], i: int) -> Span | None:
        """The person's name that opens at ``norms[i]``, if one does."""
        if self._is_given(norms[i]):
            end = self._name_end(norms, i)
        elif (
            self._is_common_given(norms[i])
            and i + 1 < len(norms)
            and (self._unheard(norms[i + 1]) or self._listed_surname(norms[i + 1]))
        ):
            end = i + 2  # «فيل كرايستبرغ»: the two words, no more
        else:
            end = i
        return (i, end, EntityType.PERSON) if end - i >= 2 else None

    def _is_common_given(self, norm: str) -> bool:
        split = self.judge.split(norm)
        return (split.bare or norm) in self.common_given

    def _listed_surname(self, norm: str) -> bool:
        """A listed surname that is no everyday word: not common, never inflected."""
        frequency = self.judge.frequency
        return (
            norm in self.surnames
            and frequency.get(norm, 0) <= MAX_LISTED_SURNAME_FREQUENCY
            and frequency.get(ARTICLE + norm, 0) == 0
            and self._is_surname(norm)
        )

    def _unheard(self, norm: str) -> bool:
        """A word the frequency list does not have at all (under Zipf 2), with no sign of an
        Arabic word: the surname of a foreign name («كرايستبرغ»)."""
        if len(norm) < MIN_UNHEARD_LETTERS or self.judge.frequency.get(norm, 0):
            return False
        if norm.startswith(ARTICLE) and self.judge.frequency.get(norm[len(ARTICLE) :], 0):
            return False  # an unknown form of a known word, not «ألفيرنهولد»
        if self.judge.split(norm).verdict is Verdict.STRIP:
            return False
        return self._is_surname(norm) or norm.startswith(ARTICLE)

    def _is_given(self, norm: str) -> bool:
        split = self.judge.split(norm)
        return (split.bare or norm) in self.given  # «وكريستوف» opens a name too

    def _name_end(self, norms: Sequence[str], i: int) -> int:
        end = k = i + 1
        while k < len(norms) and k - i <= MAX_SURNAME_WORDS:
            if self._is_surname(norms[k]):
                end = k = k + 1
            elif norms[k] in self.particles and k + 1 < len(norms):
                k += 1  # «دي», «فان» count only before another surname word
            else:
                break
        return end

    def _is_surname(self, norm: str) -> bool:
        if len(norm) < 3 or norm.startswith(ARTICLE) or norm in self.stop_words:
            return False
        if ARABIC_WORD.fullmatch(norm) is None:
            return False
        frequency = self.judge.frequency.get(norm, 0)
        if norm in self.surnames:  # listed: «كوبر» is a surname, not «ك» + «وبر»
            return frequency <= MAX_LISTED_SURNAME_FREQUENCY
        split = self.judge.split(norm)
        common = self.judge.frequency.get(split.bare, 0) >= MIN_COMMON_AFTER_CLITIC
        if split.verdict is Verdict.STRIP and common:
            return False  # «بأسرع», «لديه»: a clitic and a common word, not a surname
        # «مظهر وملمس»: an unlisted word after «و» is the next item of a list, not a surname.
        return frequency < MAX_NAME_FREQUENCY and not norm.startswith("و")


@lru_cache(maxsize=1)
def shipped_person_names() -> PersonNames:
    """The shipped :class:`PersonNames`, built once per process: the rule list and the
    organisation grammar (which ends a name before a person's) share it."""
    return PersonNames.default()
