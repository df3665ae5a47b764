"""English labels and Wikipedia links for Arabic entities, offline.

Every person, place and organisation gets an English label and the name of where it came from
(:data:`LABEL_SOURCES`), so a reader can tell a known name from a romanisation:

1. ``wikipedia-title``: the Arabic label is the title of an Arabic Wikipedia page whose English
   page is known (``data/english/wikipedia_titles.tsv``, from ArWikiCats). Links
   (``schema:sameAs`` the English and Arabic pages) are made only when the page is of the
   entity's kind (a person's page for a person) and no other page shares the title, so no link
   is ever a guess; otherwise the title names the entity without a link.
2. ``cldr``: the Arabic name of a country or territory in Unicode CLDR (through Babel); it
   comes first for places, linked where a Wikipedia title of the same English name agrees.
3. ``name-index``: a person's full name as Wikidata labels it (the name index of
   ``arabic-name-romanizer``).
4. ``composed``: an organisation's name put together from a small table of head nouns,
   complements and adjectives (``data/english/organisation_words.tsv``) and the nationality
   adjectives of ``data/english/nisbas.tsv`` («وزارة الزراعة الفنلندية» -> "Ministry of
   Agriculture (Finland)"), or a person's name from the romanizer's table of name words.
5. ``transliteration``: anything else, spelled by the romanizer's transliteration model (an
   ONNX model in its wheel) where its tables lack a word (marked so: it is a spelling, not a
   name anyone checked).

>>> namer = EnglishNamer.default()
>>> namer.name("طوكيو", EntityType.PLACE)
EnglishName(label='Tokyo', source='wikipedia-title', links=('https://en.wikipedia.org/wiki/Tokyo', 'https://ar.wikipedia.org/wiki/طوكيو'))
>>> namer.name("وزارة الزراعة الفنلندية", EntityType.ORGANIZATION).label
'Ministry of Agriculture (Finland)'
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from kg.cache import compiled, recall, remember
from kg.model import EntityType
from kg.resources import data_files, read_table
from kg.text import collapse_letters, normalize, spelling_skeleton

__all__ = ["LABEL_SOURCES", "UNNAMED", "EnglishName", "EnglishNamer", "fullest_name", "variant_key"]

LABEL_SOURCES = ("wikipedia-title", "cldr", "name-index", "composed", "transliteration")
# The kind of page a Wikipedia title names -> the entity type it may label.
_KINDS = {
    "person": EntityType.PERSON,
    "place": EntityType.PLACE,
    "organisation": EntityType.ORGANIZATION,
}
# kg's cache keeps the names spelled (by the model: the slow part) for the next build, so that
# adding documents to a graph spells only the names that are new.
SPELLED = "english-spelled"
# A longer form than this is a phrase around the name, not the name.
MAX_NAME_WORDS = 4
_IRI_UNSAFE = re.compile(r'[<>"{}|\\^`\s]')
# What CLDR writes and English Wikipedia titles do not («Bosnia & Herzegovina», «St. Lucia»).
_CLDR_MARKS = ("&", "St. ", "(", " SAR ", " - ")
_LONG_VOWELS = frozenset("اوي")
# Variant keys shorter than this are too short to tell names apart («روما», «رومي»).
_MIN_VARIANT_KEY = 5


@dataclass(frozen=True)
class EnglishName:
    """An entity's English label, where it came from, and the pages it is known to be."""

    label: str
    source: str
    links: tuple[str, ...] = ()


#: A placeholder for a name not spelled yet (keeps an entity's attributes in their order).
UNNAMED = EnglishName("", "")


@dataclass(frozen=True)
class _Word:
    english: str
    role: str  # head-of ("Ministry of X"), head ("X Council"), noun, adjective


class EnglishNamer:
    """Names entities in English from the shipped tables, CLDR and the romanizer."""

    def __init__(
        self,
        titles: Mapping[str, tuple[str, str, str]],
        nisbas: Mapping[str, str],
        words: Mapping[str, _Word],
        territories: Mapping[str, str],
        name_words: Mapping[str, str] | None = None,
        variants: Mapping[str, str] | None = None,
        distinct_words: frozenset[str] = frozenset(),
    ) -> None:
        self._name_words = name_words or {}
        # variant_key(title) -> the title's key, for titles no other title shares a variant with
        self._variants = variants if variants is not None else _variant_index(titles)
        # Given names that differ from another only by a long vowel («الحسن», «الحسين»): no
        # spelling of a title stands for them.
        self._distinct_words = distinct_words
        self._titles = titles
        self._nisbas = nisbas
        self._words = words
        self._territories = territories
        self._cache: dict[tuple[str, EntityType], EnglishName] = {}
        self._recalled = False

    @classmethod
    def default(cls) -> EnglishNamer:
        """The namer of the shipped tables (compiled once, then read from kg's cache)."""
        sources = data_files("english", "ner")  # the given-name lists too
        return cls(*compiled("english-names", sources, _read_tables))

    def name(self, label: str, entity_type: EntityType) -> EnglishName:
        """The English name of an entity labelled ``label`` in Arabic."""
        return self.names([(label, entity_type)])[0]

    def names(self, entities: Iterable[tuple[str, EntityType]]) -> list[EnglishName]:
        """The English names of many entities (label, type): the names no table knows are
        romanised together, one batch through the model."""
        wanted = list(entities)
        if not self._recalled:  # names spelled by earlier builds on this machine
            self._recalled = True
            self._cache.update(recall(SPELLED, data_files("english")))
        pending = [item for item in dict.fromkeys(wanted) if item not in self._cache]
        spelled: list[tuple[str, EntityType]] = []
        for label, entity_type in pending:
            known = self._known(label, entity_type)
            if known is None:
                spelled.append((label, entity_type))
            else:
                self._cache[label, entity_type] = known
        # People's names through the model (one batch); other names, which it was not trained
        # on, through the rules alone (a third of the time, as good on the dev news).
        for person in (True, False):
            group = [item for item in spelled if (item[1] == EntityType.PERSON) == person]
            if not group:
                continue  # and the romanizer is not loaded: names spelled before need no model
            romanizer = self._romanizer if person else self._rules
            candidates = romanizer.transliterate_many([label for label, _ in group], top_k=2)
            for (label, entity_type), found in zip(group, candidates, strict=True):
                self._cache[label, entity_type] = self._romanised(label, found, person=person)
        if spelled:
            remember(SPELLED, data_files("english"), self._cache)
        return [self._cache[item] for item in wanted]

    def _known(self, label: str, entity_type: EntityType) -> EnglishName | None:
        """The name the tables give (None: romanise it)."""
        key = normalize(label)
        title = self._titles.get(key)
        if entity_type == EntityType.PLACE and key in self._territories:
            return self._territory(key, title)
        if title is not None:
            arabic, english, kind = title
            if _KINDS.get(kind) == entity_type:
                return EnglishName(english, "wikipedia-title", _links(english, arabic))
        if title is not None and _compatible(title[2], entity_type):
            return EnglishName(title[1], "wikipedia-title")  # the name is known, not the page
        spelled = self.title_spelling(key)
        variant = None if spelled is None else self._titles[spelled]
        if variant is not None and _compatible(variant[2], entity_type):
            # Another spelling of a title («سالزبورج» for «سالزبورغ»): its name, never its page.
            return EnglishName(variant[1], "wikipedia-title")
        if entity_type == EntityType.ORGANIZATION:
            return self._organisation(key.split())
        return None

    def title_spelling(self, key: str) -> str | None:
        """The title (its normalised key) that ``key`` spells another way, if ``key`` is no
        title itself: the same letters but for long vowels added or left out, ج for غ, spaces,
        doubled letters and hamza seats (never a vowel changed: «السعيدية» is not «السعودية»),
        and no given name that another differs from by a vowel alone («الحسن», «الحسين»).

        >>> EnglishNamer.default().title_spelling("سالزبورج")
        'سالزبورغ'
        """
        if key in self._titles:
            return None
        title_key = self._variants.get(variant_key(key))
        if title_key is None or any(word in self._distinct_words for word in key.split()):
            return None
        return title_key if _vowels_apart(key, title_key) else None

    def title_keys(self) -> list[str]:
        """The normalised Arabic titles of the title table."""
        return list(self._titles)

    def _territory(self, key: str, title: tuple[str, str, str] | None) -> EnglishName:
        """A country's or territory's name: CLDR's, checked, unless CLDR writes it in a way the
        English Wikipedia does not («Türkiye», «Bosnia & Herzegovina», «St. Lucia») and a
        title of a place names it."""
        english = self._territories[key]
        is_place = title is not None and title[2].removesuffix("-ambiguous") == "place"
        if title is not None and is_place and title[1] != english and _cldr_style(english):
            links = _links(title[1], title[0]) if title[2] == "place" else ()
            return EnglishName(title[1], "wikipedia-title", links)
        if title is not None and title[2] == "place" and title[1] == english:
            return EnglishName(english, "cldr", _links(english, title[0]))
        return EnglishName(english, "cldr")

    def _organisation(self, words: list[str]) -> EnglishName | None:
        """Head noun, complements, adjectives and a nisba, in English order; None unless the
        first word is a known head."""
        head = self._words.get(words[0]) if words else None
        if head is None or not head.role.startswith("head"):
            return None
        nouns: list[str] = []
        adjectives: list[str] = []
        country = ""
        spelled = False
        for word in words[1:]:
            known = self._words.get(word)
            place = self._titles.get(word)
            if word in self._nisbas and not country:
                country = self._nisbas[word]
            elif known is not None and known.role == "adjective":
                adjectives.append(known.english)
            elif known is not None:
                nouns.append(known.english)
            elif place is not None and place[2] == "place":
                nouns.append(place[1])
            elif word in self._territories:
                nouns.append(self._territories[word])
            else:  # spelled by rules: one word of a name the label marks as a spelling anyway
                nouns.append(self._rules.transliterate(word, top_k=1))
                spelled = True
        adjectives.reverse()  # Arabic puts the outermost adjective last, English first
        if head.role == "head-of":
            core = f"{head.english} of {' '.join(nouns)}" if nouns else head.english
            english = " ".join([*adjectives, core])
        else:
            english = " ".join([*adjectives, *nouns, head.english])
        if country:
            english += f" ({country})"
        return EnglishName(english, "transliteration" if spelled else "composed")

    def _romanised(self, label: str, candidates: Sequence[Any], *, person: bool) -> EnglishName:
        """The romanizer's best candidate, with what it rests on: the whole name in Wikidata's
        index, every word in a table of name words (its own, or Wikidata's spellings of name
        words for a person's), or (some of) the model's spelling."""
        if not candidates:
            return EnglishName(label, "transliteration")
        best = candidates[0]
        if best.source == "dictionary" and len(best.units) <= 1 and len(label.split()) > 1:
            return EnglishName(best.text, "name-index")
        parts, from_tables = [], True
        for unit in best.units:
            known = self._name_words.get(normalize(unit.arabic)) if person else None
            # Wikidata's spelling of a person's name word first: the romanizer's own table is
            # drawn mostly from Arab and Iranian names (measured on the dev news: 0.50 against
            # 0.46 of the names right with its table first).
            if known is not None:
                parts.append(known)
            elif unit.source == "dictionary":
                parts.append(unit.latin)
            else:
                parts.append(unit.latin)
                from_tables = False
        if not parts:
            return EnglishName(best.text, "transliteration")
        return EnglishName(" ".join(parts), "composed" if from_tables else "transliteration")

    @cached_property
    def _rules(self) -> Any:
        """arabic-name-romanizer without its model: its tables and spelling rules, instant."""
        from arabic_name_romanizer.api import Transliterator

        return Transliterator(auto_load_model=False)

    @cached_property
    def _romanizer(self) -> Any:
        """arabic-name-romanizer: its Wikidata name index, its table of name words and, for
        words neither knows, its transliteration model (ONNX, shipped in the wheel)."""
        from arabic_name_romanizer.api import Transliterator, default_resources_dir, load_model

        return Transliterator(model=EqualLengthBatches(load_model(default_resources_dir())))


class EqualLengthBatches:
    """A romanizer model asked for one length of name word at a time. In a batch of words of
    mixed lengths the shorter are padded, and the padding changes their spelling: a name's
    English would depend on the names spelled beside it (in the build, and in kg's cache of
    names spelled before), so the same text could get other labels. Words of one length need
    no padding: each is spelled as it would be alone.
    """

    def __init__(self, model: Any) -> None:
        self._model = model
        self.uses_roles = getattr(model, "uses_roles", True)

    def transliterate_units(
        self,
        units: list[str],
        country: str | None,
        top_k: int,
        roles: list[str | None] | None = None,
    ) -> list[list[tuple[str, float]]]:
        by_length: dict[int, list[int]] = {}
        for index, unit in enumerate(units):
            by_length.setdefault(len(unit), []).append(index)
        spelled: list[list[tuple[str, float]]] = [[] for _ in units]
        for _, indices in sorted(by_length.items()):
            group = [units[i] for i in indices]
            if roles is None:
                found = self._model.transliterate_units(group, country, top_k)
            else:
                group_roles = [roles[i] for i in indices]
                found = self._model.transliterate_units(group, country, top_k, roles=group_roles)
            for index, hypotheses in zip(indices, found, strict=True):
                spelled[index] = hypotheses
        return spelled


def fullest_name(label: str, alternatives: Iterable[str]) -> str:
    """The full form of a person's name among its labels: the shortest that holds every word of
    the label and more («سامر حداد» for an entity labelled «حداد»), else the label. A name in
    English is given in full even where the Arabic label keeps the short form the text uses.

    >>> fullest_name("حداد", ["سامر حداد", "الدكتور سامر حداد هنا"])
    'سامر حداد'
    """
    words = set(label.split())
    longer = [
        form
        for form in alternatives
        if words < set(form.split()) and len(form.split()) <= MAX_NAME_WORDS
    ]
    return min(longer, key=lambda form: (len(form.split()), form)) if longer else label


def _compatible(kind: str, entity_type: EntityType) -> bool:
    """Whether a title of ``kind`` may name the entity though not be linked: an ambiguous title
    of its type, or a place's title for an organisation (a state acting, an international body
    listed among places) and the reverse."""
    base = kind.removesuffix("-ambiguous")
    if base in ("ambiguous", "other"):  # a name of no known kind of page: no person's
        return entity_type != EntityType.PERSON
    places = {EntityType.PLACE, EntityType.ORGANIZATION}
    kind_type = _KINDS.get(base)
    return kind_type == entity_type or (kind_type in places and entity_type in places)


def _read_tables() -> tuple[Any, ...]:
    """The shipped tables, as :class:`EnglishNamer` takes them."""
    titles = {
        key: (arabic, english, kind)
        for key, arabic, english, kind in read_table("english/wikipedia_titles.tsv")
    }
    nisbas = {key: country for key, country in read_table("english/nisbas.tsv")}
    words = {}
    for arabic, english, role in read_table("english/organisation_words.tsv"):
        if role == "country":  # a nationality adjective the nisba table lacks
            nisbas[normalize(arabic)] = english
        else:
            words[normalize(arabic)] = _Word(english, role)
    name_words = {word: english for word, english in read_table("english/name_tokens.tsv")}
    variants = _variant_index(titles)
    distinct = _distinct_given_names()
    return titles, nisbas, words, _cldr_territories(), name_words, variants, distinct


def variant_key(key: str) -> str:
    """What the spellings of one foreign name share: the :func:`~kg.text.spelling_skeleton` of
    the normalised name without its spaces, with ج written غ (both spell "g": «سالزبورج»,
    «سالزبورغ»). Short names give no key: their variants are other names.

    >>> variant_key("سالزبورج") == variant_key("سالزبورغ")
    True
    >>> variant_key("كوالا لمبور") == variant_key("كوالالمبور")
    True
    >>> variant_key("روما")
    ''
    """
    skeleton = spelling_skeleton(_as_one_word(key))
    return skeleton if len(skeleton) >= _MIN_VARIANT_KEY else ""


def _as_one_word(key: str) -> str:
    """A name without its spaces and hyphens, ج written غ: what its spellings differ by least."""
    return key.replace(" ", "").replace("-", "").replace("ج", "غ")


def _vowels_apart(first: str, second: str) -> bool:
    """Whether two normalised names differ only by long vowels one of them leaves out (once
    spaces, hyphens, ج/غ, doubled letters, hamza seats and a final ه/ا are set aside).

    >>> _vowels_apart("بلغراد", "بيلغراد"), _vowels_apart("السعيديه", "السعوديه")
    (True, False)
    """
    short, long = sorted((_letters(first), _letters(second)), key=len)
    matched = 0
    for letter in long:
        if matched < len(short) and letter == short[matched]:
            matched += 1
        elif letter not in _LONG_VOWELS:
            return False
    return matched == len(short)


def _letters(key: str) -> str:
    letters = collapse_letters(_as_one_word(key))
    return letters[:-1] + "ا" if letters.endswith("ه") else letters


def _distinct_given_names() -> frozenset[str]:
    """Given names whose spelling skeleton another given name shares («الحسن», «الحسين»)."""
    from kg.clitics import given_names
    from kg.resolve import shipped_ambiguous_skeletons

    shared = shipped_ambiguous_skeletons()
    return frozenset(name for name in given_names() if spelling_skeleton(name) in shared)


def _variant_index(titles: Mapping[str, tuple[str, str, str]]) -> dict[str, str]:
    """variant_key -> title key, for the variant keys of titles that name one English title."""
    found: dict[str, set[str]] = {}
    first: dict[str, str] = {}
    for key, (_, english, _) in titles.items():
        variant = variant_key(key)
        if variant:
            found.setdefault(variant, set()).add(english.casefold())
            first.setdefault(variant, key)
    return {variant: first[variant] for variant, names in found.items() if len(names) == 1}


def _cldr_style(english: str) -> bool:
    """Whether CLDR writes a country's name in its own style, not the English Wikipedia's:
    letters beyond ASCII, «&», «St.», a qualifier («Myanmar (Burma)», «Hong Kong SAR China»)."""
    return not english.isascii() or any(mark in english for mark in _CLDR_MARKS)


def _links(english: str, arabic: str) -> tuple[str, ...]:
    """The English and Arabic Wikipedia pages of a title pair (none if a title cannot be an
    IRI path)."""
    pages = (english.replace(" ", "_"), arabic.replace(" ", "_"))
    if any(_IRI_UNSAFE.search(page) for page in pages):
        return ()
    return (
        f"https://en.wikipedia.org/wiki/{pages[0]}",
        f"https://ar.wikipedia.org/wiki/{pages[1]}",
    )


def _cldr_territories() -> dict[str, str]:
    """Normalised Arabic name of each country and territory -> its English name (CLDR)."""
    from babel import Locale

    arabic, english = Locale("ar").territories, Locale("en").territories
    return {
        normalize(name): english[code]
        for code, name in arabic.items()
        if code.isalpha() and code in english
    }
