"""Mentions -> entities: strip titles and clitics, link partial names, merge across documents.

Matching uses normalised keys (see :func:`kg.text.normalize`): a key is the name without
honorifics, without glued proclitics and without the article «ال», so «والسيد أيمن الصفدي»,
«ايمن الصفدي» and «الصفدي» (once linked) share one entity. Keys decide IRIs, so rebuilding the
same corpus yields the same entities.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from kg.cache import compiled
from kg.clitics import (
    ARTICLE,
    CONJUNCTION,
    CliticJudge,
    Verdict,
    by_length,
    given_names,
    shipped_proclitics,
)
from kg.english import EnglishNamer
from kg.model import Entity, EntityType, Mention
from kg.resources import data_files, read_lexicon, titles
from kg.text import (
    is_normal_form,
    normalize,
    normalize_token,
    spelling_skeleton,
    split_glued,
    strip_marks,
)

# Types whose shorter names stand for longer ones («الصفدي» for «أيمن الصفدي», «فتح» for
# «حركة فتح»); places are left alone because «القدس» is not «القدس الشرقية».
# A listed name's key this short joins no other spelling (:func:`title_spellings`).
MIN_SPELLING_LETTERS = 5
PARTIAL_NAME_TYPES = frozenset({EntityType.PERSON, EntityType.ORGANIZATION})
TYPE_PRIORITY = (EntityType.PERSON, EntityType.ORGANIZATION, EntityType.PLACE, EntityType.MISC)


@dataclass(frozen=True)
class _Analysis:
    """A mention's name once titles are dropped: original words and candidate keys."""

    mention: Mention
    words: tuple[str, ...]  # original surface words after the titles
    candidates: tuple[tuple[str, int], ...]  # (key, letters of clitic stripped from word 0)


@dataclass(frozen=True)
class TitleSpellings:
    """Entity keys of listed names (Wikipedia titles) by the letters their spellings share:
    once a key has set its inner long vowels aside (:func:`~kg.text.spelling_skeleton`), the
    spellings of a foreign name still differ by ج for غ and by spaces («جيرهارد»,
    «غيرهارد»; «أبوظبي», «أبو ظبي»)."""

    by_letters: Mapping[str, str]  # letters of a key -> the listed name's key
    digest: str

    def key_of(self, key: str) -> str:
        """The listed name's key that ``key`` spells another way, or ``key``."""
        return self.by_letters.get(_key_letters(key), key)


def title_spellings(resolver: Resolver, names: Iterable[str]) -> TitleSpellings:
    """The :class:`TitleSpellings` of listed ``names`` under ``resolver``'s keys. Letters two
    names share name neither; short keys (under five letters) name nothing: their other
    spellings are other names.

    >>> resolver = Resolver([], [])
    >>> spellings = title_spellings(resolver, ["غيرهارد شرودر", "سالزبورغ"])
    >>> listed = resolver.key_of(["غيرهارد", "شرودر"])
    >>> spellings.key_of(resolver.key_of(["جيرهارد", "شرودر"])) == listed
    True
    """
    found: dict[str, set[str]] = defaultdict(set)
    for name in names:
        key = resolver.key_of(name.split())
        if len(_key_letters(key)) >= MIN_SPELLING_LETTERS and not resolver._holds_distinct_name(
            key
        ):
            found[_key_letters(key)].add(key)
    by_letters = {letters: next(iter(keys)) for letters, keys in found.items() if len(keys) == 1}
    digest = hashlib.sha256(repr(sorted(by_letters.items())).encode("utf-8")).hexdigest()[:16]
    return TitleSpellings(by_letters, digest)


def _key_letters(key: str) -> str:
    # The skeleton of the whole: «ابو ظبي» and «ابوظبي» keep different letters word by word.
    return spelling_skeleton(key.replace(" ", "").replace("ج", "غ"))


# Words that open an Arabic full name and never a word of its own after «و».
NAME_PARTICLES = frozenset(normalize(p) for p in ("بن", "ابن", "أبو", "أبي", "عبد", "آل", "بنت"))


def name_heads() -> frozenset[str]:
    """The head nouns that open organisation and place names in the shipped lexicons
    (``kg/data/ner``: the phrase grammar's heads, organisation heads, place cues), normalised."""
    phrase_heads = (line.split("\t")[0] for line in read_lexicon("ner/org_phrase_heads.tsv"))
    words = (
        *phrase_heads,
        *read_lexicon("ner/org_heads.txt"),
        *read_lexicon("ner/location_cues.txt"),
    )
    return frozenset(normalize(word) for word in words if " " not in word)


def shipped_ambiguous_skeletons() -> frozenset[str]:
    """The :func:`ambiguous_skeletons` of the shipped given-name lists (compiled once)."""
    return compiled(
        "ambiguous-skeletons", data_files("ner"), lambda: ambiguous_skeletons(given_names())
    )


def ambiguous_skeletons(names: Iterable[str]) -> frozenset[str]:
    """The spelling skeletons that two distinct ``names`` share («محمد», «محمود»).

    >>> sorted(ambiguous_skeletons(["محمد", "محمود", "أمريكا"]))
    ['محمد']
    """
    by_skeleton: dict[str, set[str]] = defaultdict(set)
    for name in names:
        norm = name if is_normal_form(name) else normalize(name)
        by_skeleton[spelling_skeleton(norm)].add(norm)
    return frozenset(k for k, v in by_skeleton.items() if len(v) > 1)


class Resolver:
    """Groups mentions into entities.

    >>> from kg.model import Mention, EntityType as T
    >>> text = "التقى السيد أيمن الصفدي ... وقال الصفدي"
    >>> ms = [Mention("d", 6, 24, "السيد أيمن الصفدي", T.PERSON, 0),
    ...       Mention("d", 34, 38, "الصفدي", T.PERSON, 1)]
    >>> [(e.label, e.alt_labels) for e in Resolver.default().resolve(ms)]
    [('أيمن الصفدي', ('السيد أيمن الصفدي', 'الصفدي'))]
    """

    def __init__(
        self,
        honorifics: Iterable[str],
        proclitics: Iterable[str],
        known_names: Iterable[str] = (),
        clitics: CliticJudge | None = None,
        not_names: Iterable[str] = (),
        distinct_names: Iterable[str] = (),
        ambiguous: Iterable[str] | None = None,
        spellings: TitleSpellings | None = None,
        heads: Iterable[str] = (),
    ) -> None:
        """``ambiguous``: the :func:`ambiguous_skeletons` of ``distinct_names`` when already
        known (the shipped given names' come compiled from :mod:`kg.cache`). ``spellings``
        (:func:`title_spellings`) joins another spelling of a listed name («جيرهارد شرودر»
        for «غيرهارد شرودر») to its entity, in any document."""
        self.honorifics = frozenset(tuple(normalize(h).split()) for h in honorifics)
        self.max_honorific_words = max((len(h) for h in self.honorifics), default=0)
        self.proclitics = by_length(proclitics)
        # Skeletons shared by two given names («محمد», «محمود»): such words keep their letters.
        self.ambiguous_skeletons = (
            ambiguous_skeletons(distinct_names) if ambiguous is None else frozenset(ambiguous)
        )
        self.spellings = spellings
        # Head nouns that open names («وزارة», «ولاية»): a clitic glued to one is a preposition.
        self.heads = frozenset(normalize(head) for head in heads)
        self.known_names = frozenset(self.key_of(name.split()) for name in known_names)
        # Lexical evidence on glued clitics; without it only corpus anchors decide.
        self.clitics = clitics
        # One-word mentions that are function words, compared as written (see not_names.txt).
        self.not_names = frozenset(_as_written(word) for word in not_names)
        # Analysis depends on the surface text alone, and names recur across a corpus: a
        # cache of distinct texts (entity-sized, not corpus-sized) makes linking cheap.
        self._analysed: dict[str, tuple[tuple[str, ...], tuple[tuple[str, int], ...]]] = {}
        # (surface text, letters stripped, key) -> label
        self._labels: dict[tuple[str, int, str], str] = {}

    @classmethod
    def default(cls) -> Resolver:
        """A resolver with the shipped honorific and proclitic lexicons and clitic evidence."""
        proclitics = read_lexicon("lexicons/proclitics.txt")
        ambiguous = shipped_ambiguous_skeletons()
        keys = cls([], [], ambiguous=ambiguous)  # what key_of reads: the skeletons alone
        return cls(
            titles("honorific"),
            proclitics,
            clitics=CliticJudge.default(proclitics),
            not_names=read_lexicon("lexicons/not_names.txt"),
            ambiguous=ambiguous,
            spellings=compiled(
                "title-spellings",
                data_files("english", "ner"),
                lambda: title_spellings(keys, EnglishNamer.default().title_keys()),
            ),
            heads=name_heads(),
        )

    def key_of(self, words: Sequence[str]) -> str:
        """Matching key of a name: normalised words without the article, each reduced to its
        :func:`~kg.text.spelling_skeleton` unless that would fold distinct given names together.

        >>> resolver = Resolver([], [], distinct_names=["محمد", "محمود"])
        >>> resolver.key_of(["السيسيّ"]) == resolver.key_of(["سيسي"])
        True
        >>> resolver.key_of(["كوفي", "أنان"]) == resolver.key_of(["كوفي", "عنان"])
        True
        >>> resolver.key_of(["محمد"]) == resolver.key_of(["محمود"])
        False
        """
        key_words = []
        for word in words:
            norm = normalize_token(word)
            if norm.startswith(ARTICLE) and len(norm) - len(ARTICLE) >= 3:
                norm = norm[len(ARTICLE) :]
            skeleton = spelling_skeleton(norm)
            key_words.append(norm if skeleton in self.ambiguous_skeletons else skeleton)
        return " ".join(key_words)

    def resolve(
        self, mentions: Sequence[Mention], *, same_as: Mapping[Mention, Mention] | None = None
    ) -> list[Entity]:
        """Entities for ``mentions`` (any number of documents), sorted by key.

        ``same_as`` maps a mention that describes rather than names someone (a role phrase used
        alone, «قائد الجيش») to a mention of the person it stands for; it joins that entity as an
        alias but never becomes its label.
        """
        links = self.link(mentions, self.anchor_keys(mentions), same_as=same_as)
        tallies: dict[str, EntityTally] = defaultdict(EntityTally)
        members: dict[str, list[Mention]] = defaultdict(list)
        for mention, (key, label) in links.items():
            tallies[key].add(mention, label)
            members[key].append(mention)
        for tally in tallies.values():
            tally.close_documents()
        return [
            tallies[key].entity(key, tuple(sorted(members[key], key=_mention_order)))
            for key in sorted(tallies)
        ]

    def anchor_keys(self, mentions: Iterable[Mention]) -> set[str]:
        """The bare keys of ``mentions``: a glued clitic is stripped only towards one of them.

        Resolution is corpus-wide only through this set, so a streaming build collects it from
        every document first and then links each document on its own (:meth:`link`).
        """
        return {self._analyse(m).candidates[0][0] for m in mentions if self.is_name(m)}

    def conditional_keys(self, mentions: Iterable[Mention]) -> set[str]:
        """The keys whose presence among the anchors decides how ``mentions`` link.

        They are the clitic-stripped candidates :meth:`link` looks up; as long as none of them
        joins or leaves the anchors, the mentions link exactly as before (an incremental build
        need not link a stored document again).
        """
        found = {key for m in mentions for key, _ in self._analyse(m).candidates[1:]}
        return found - self.known_names

    def is_name(self, mention: Mention) -> bool:
        """False for a one-word mention that is a function word («على» is not «علي»): it
        stays a mention in its document but names no entity."""
        text = mention.text
        return " " in text.strip() or _as_written(text) not in self.not_names

    def _holds_distinct_name(self, key: str) -> bool:
        """Whether a word of ``key`` is a given name told apart from another by a vowel alone
        («الحسن», «الحسين»): such a key is never taken for another spelling."""
        return any(spelling_skeleton(word) in self.ambiguous_skeletons for word in key.split())

    def fingerprint(self) -> str:
        """Names the lexicons linking depends on: stored links are reused only under the same."""
        evidence = "" if self.clitics is None else self.clitics.digest
        lexicons = (
            sorted(self.honorifics),
            self.proclitics,
            sorted(self.known_names),
            evidence,
            sorted(self.not_names),
            sorted(self.ambiguous_skeletons),
            "" if self.spellings is None else self.spellings.digest,
        )
        return hashlib.sha256(repr(lexicons).encode("utf-8")).hexdigest()[:16]

    def link(
        self,
        mentions: Sequence[Mention],
        anchors: Iterable[str],
        *,
        same_as: Mapping[Mention, Mention] | None = None,
    ) -> dict[Mention, tuple[str, str | None]]:
        """Each mention's entity key and the label it offers (None for an alias).

        ``anchors`` are the :meth:`anchor_keys` of the whole corpus. Partial names are linked
        within a document, so documents can be linked one at a time.
        """
        same_as = same_as or {}
        anchor_set = set(anchors) | self.known_names
        mentions = [m for m in mentions if self.is_name(m)]
        analyses = [self._analyse(m) for m in mentions]
        chosen = [self._choose(a, anchor_set) for a in analyses]

        keys_by_doc: dict[str, Counter[tuple[str, EntityType]]] = defaultdict(Counter)
        for analysis, (key, _) in zip(analyses, chosen, strict=True):
            keys_by_doc[analysis.mention.doc_id][(key, analysis.mention.type)] += 1
        partial = {doc: link_partial_names(counts) for doc, counts in keys_by_doc.items()}

        key_of_mention: dict[Mention, str] = {}
        labels: dict[Mention, str] = {}
        for analysis, (key, stripped) in zip(analyses, chosen, strict=True):
            linked = partial[analysis.mention.doc_id].get(key, key)
            if self.spellings is not None and not self._holds_distinct_name(linked):
                linked = self.spellings.key_of(linked)  # a listed name spelled another way
            key_of_mention[analysis.mention] = linked
            labels[analysis.mention] = self._label(analysis, stripped, key)
        links: dict[Mention, tuple[str, str | None]] = {}
        for mention, key in key_of_mention.items():
            target = same_as.get(mention)
            if target is not None and target in key_of_mention:
                links[mention] = (key_of_mention[target], None)
            else:
                links[mention] = (key, labels[mention])
        return links

    def _label(self, analysis: _Analysis, stripped: int, key: str) -> str:
        cache_key = (analysis.mention.text, stripped, key)
        label = self._labels.get(cache_key)
        if label is None:
            # «للهند» is «ل» + «الهند», «للوسي» is «ل» + «لوسي»: the reading that gave the key.
            readings = [
                _clean_label(analysis.words, stripped, restore) for restore in (True, False)
            ]
            label = next((r for r in readings if self.key_of(r.split()) == key), readings[0])
            self._labels[cache_key] = label
        return label

    def _analyse(self, mention: Mention) -> _Analysis:
        found = self._analysed.get(mention.text)
        if found is None:
            found = self._analysed[mention.text] = self._analyse_text(mention.text)
        return _Analysis(mention, *found)

    def _analyse_text(self, text: str) -> tuple[tuple[str, ...], tuple[tuple[str, int], ...]]:
        # Words the source glued together are two words of the label: «صحيفةالأنباء اليومية».
        words = tuple(part for word in text.split() for part in split_glued(word))
        words = words[self._title_length(words) :] or words
        first = normalize(words[0])
        verdict = None if self.clitics is None else self.clitics.split(first)
        if verdict is not None and verdict.verdict is Verdict.STRIP:
            # Vouched for by the name and frequency lists: no need to wait for the corpus.
            stripped_key = self.key_of([verdict.bare, *words[1:]])
            return words, ((stripped_key, verdict.letters),)
        if words[1:] and (head := self._glued_head(first)) is not None:
            # «بوزارة الخارجية»: a preposition on a name's head noun, though «بوزارة» is common.
            return words, ((self.key_of([head[1], *words[1:]]), head[0]),)
        if words[1:] and self._conjunction_opens(words[0], first):
            bare = first[len(CONJUNCTION) :]
            return words, ((self.key_of([bare, *words[1:]]), len(CONJUNCTION)),)
        judge = self.clitics
        if judge is not None and judge.split(first).verdict is Verdict.UNDECIDED and words[1:]:
            # «وألفا عمر كوناري» after another name: «و» + a listed name opening a longer name is
            # the conjunction (a name that itself starts with «و», «وليد», is listed whole).
            bare = first[len(CONJUNCTION) :]
            if first.startswith(CONJUNCTION) and len(bare) >= 3 and bare in judge.names:
                return words, ((self.key_of([bare, *words[1:]]), len(CONJUNCTION)),)
        # Otherwise (a known name such as «وسام», or no evidence) the corpus decides: strip only
        # towards a bare form attested in the build («وسام كيرتس» beside «سام كيرتس»).
        candidates = [(self.key_of(words), 0)]
        for clitic in self.proclitics:
            rest = first[len(clitic) :]
            if first.startswith(clitic) and len(rest) >= 2:
                # «لل» is «ل» + «ال»: restore the article the preposition swallowed.
                restored = ARTICLE + rest[1:] if clitic == "ل" and rest.startswith("ل") else rest
                key = self.key_of([restored, *words[1:]])
                if key != candidates[0][0]:  # «ووترز»: the skeleton already folds «وو»
                    candidates.append((key, len(clitic)))
        return words, tuple(candidates)

    def _conjunction_opens(self, word: str, first: str) -> bool:
        """«و» glued to a name particle («وبن عيسى», «وأبو X») or to a word written with a
        hamza on its alef («وإليك X»): Arabic spells no name that way, so «و» is the conjunction."""
        if not first.startswith(CONJUNCTION):
            return False
        if first[len(CONJUNCTION) :] in NAME_PARTICLES:
            return True
        return (
            word.startswith(CONJUNCTION) and word[len(CONJUNCTION) : len(CONJUNCTION) + 1] in "أإآ"
        )

    def _glued_head(self, first: str) -> tuple[int, str] | None:
        """(clitic letters, head) where ``first`` is a proclitic glued to a head noun."""
        if first in self.heads:
            return None  # «وكالة», «بلدية»: the head itself
        for clitic in self.proclitics:
            rest = first[len(clitic) :]
            if first.startswith(clitic) and rest in self.heads:
                return len(clitic), rest
            if clitic == "ل" and rest.startswith("ل") and ARTICLE + rest[1:] in self.heads:
                return len(clitic), ARTICLE + rest[1:]  # «للجنة» is «ل» + «اللجنة»
        return None

    def _title_length(self, words: Sequence[str]) -> int:
        """How many leading words are honorifics (clitic-prefixed ones included)."""
        position = 0
        while position < len(words):
            for size in range(min(self.max_honorific_words, len(words) - position), 0, -1):
                phrase = [normalize(w) for w in words[position : position + size]]
                if any(
                    tuple([variant, *phrase[1:]]) in self.honorifics
                    for variant in self._clitic_variants(phrase[0])
                ):
                    position += size
                    break
            else:
                return position
        return position

    def _clitic_variants(self, word: str) -> list[str]:
        variants = [word]
        for clitic in self.proclitics:
            rest = word[len(clitic) :]
            if word.startswith(clitic) and rest:
                variants.append(ARTICLE + rest[1:] if clitic == "ل" and rest[0] == "ل" else rest)
        return variants

    @staticmethod
    def _choose(analysis: _Analysis, anchors: set[str] | frozenset[str]) -> tuple[str, int]:
        # A clitic is only stripped when the bare name is attested elsewhere: «والصفدي» -> «الصفدي»
        # if «الصفدي» occurs, while «وليد» or «بغداد» stay whole.
        for key, stripped in analysis.candidates[1:]:
            if key in anchors:
                return key, stripped
        return analysis.candidates[0]


def link_partial_names(counts: Counter[tuple[str, EntityType]]) -> dict[str, str]:
    """Map short name keys to the unique longer key of the same type that contains them.

    ``counts`` holds (key, type) pairs of one document. A key whose words appear as a contiguous
    run inside exactly one longer key of the same (person or organisation) type is mapped to it.

    >>> from kg.model import EntityType as T
    >>> link_partial_names(Counter({("اسماعيل هنيه", T.PERSON): 1, ("هنيه", T.PERSON): 2}))
    {'هنيه': 'اسماعيل هنيه'}
    """
    types: dict[str, Counter[EntityType]] = defaultdict(Counter)
    for (key, entity_type), count in counts.items():
        types[key][entity_type] += count
    majority = {key: _majority_type(counter) for key, counter in types.items()}
    # A run of whole words inside another name is a substring once both are padded with spaces.
    padded = {key: f" {' '.join(key.split())} " for key in majority}
    sizes = {key: len(key.split()) for key in majority}
    mapping: dict[str, str] = {}
    for short, short_type in majority.items():
        if short_type not in PARTIAL_NAME_TYPES:
            continue
        containers = [
            long
            for long, long_type in majority.items()
            if long_type == short_type
            and sizes[long] > sizes[short]
            and padded[short] in padded[long]
        ]
        if len(containers) == 1:
            mapping[short] = containers[0]
    return mapping


def _majority_type(counter: Counter[EntityType]) -> EntityType:
    return max(counter, key=lambda t: (counter[t], -TYPE_PRIORITY.index(t)))


def _clean_label(words: Sequence[str], stripped_letters: int, restore: bool = True) -> str:
    """The surface name without titles and without the clitic letters that were stripped."""
    return " ".join([_unglued(words[0], stripped_letters, restore), *words[1:]])


def _unglued(word: str, letters: int, restore: bool = True) -> str:
    """``word`` less its first ``letters`` (clitic) letters; «لل» gives the article back
    unless ``restore`` is False."""
    first = _drop_letters(word, letters)
    clitic = normalize(word)[:letters]
    if restore and clitic.endswith("ل") and first.startswith("ل"):
        first = ARTICLE + first[1:]  # «للهند», «وللاتحاد»: ل + ال is written «لل»
    return first


def _without_glued_variants(surfaces: Iterable[str]) -> list[str]:
    """``surfaces`` less those that are another of them with a proclitic glued on («وكينيا»
    beside «كينيا»): the form without the clitic is what the text names.

    >>> _without_glued_variants(["كينيا", "وكينيا", "للاتحاد الدولي", "الاتحاد الدولي"])
    ['كينيا', 'الاتحاد الدولي']
    """
    forms = list(surfaces)
    normal = {normalize_token(form) for form in forms}
    kept = []
    for form in forms:
        words = form.split()
        first = normalize_token(words[0])
        glued = any(
            first.startswith(clitic)
            and normalize_token(" ".join([_unglued(words[0], len(clitic)), *words[1:]])) in normal
            for clitic in shipped_proclitics()
        )
        if not glued:
            kept.append(form)
    return kept


def _drop_letters(word: str, letters: int) -> str:
    """Drop ``letters`` base letters (and the diacritics that follow them) from ``word``."""
    position = 0
    while letters and position < len(word):
        position += 1
        while position < len(word) and normalize(word[position]) == "":
            position += 1
        letters -= 1
    return word[position:]


@lru_cache(maxsize=4096)
def _as_written(text: str) -> str:
    return strip_marks(text).strip()


def _mention_order(mention: Mention) -> tuple[str, int]:
    return (mention.doc_id, mention.start)


@dataclass
class EntityTally:
    """What merging keeps of an entity's mentions: counts, never the mentions themselves.

    Tallies of disjoint sets of documents add up (:meth:`merge`), so a corpus can be merged one
    document (or one worker's batch) at a time in memory that grows with the entities only.

    >>> from kg.model import EntityType as T
    >>> tally = EntityTally()
    >>> tally.add(Mention("d", 0, 11, "أيمن الصفدي", T.PERSON, 0), "أيمن الصفدي")
    >>> tally.add(Mention("d", 20, 26, "الصفدي", T.PERSON, 1), "الصفدي")
    >>> tally.close_documents()
    >>> entity = tally.entity("ايمن صفدي")
    >>> entity.label, entity.alt_labels, entity.mention_count, entity.document_count
    ('أيمن الصفدي', ('الصفدي',), 2, 1)
    """

    types: Counter[EntityType] = field(default_factory=Counter)
    labels: Counter[str] = field(default_factory=Counter)  # names offered (aliases offer none)
    texts: Counter[str] = field(default_factory=Counter)  # surface words of every mention
    mentions: int = 0
    documents: int = 0
    _open: set[str] = field(default_factory=set, repr=False)  # documents not yet counted

    def add(self, mention: Mention, label: str | None) -> None:
        self.add_name(mention.type, mention.text, label)
        self._open.add(mention.doc_id)

    def add_name(self, entity_type: EntityType, text: str, label: str | None) -> None:
        """A mention's share without its document (count that with :meth:`add_documents`)."""
        self.types[entity_type] += 1
        self.texts[text] += 1
        if label is not None:
            self.labels[label] += 1
        self.mentions += 1

    def add_documents(self, count: int) -> None:
        self.documents += count

    def close_documents(self) -> None:
        """Count the documents added since the last call (a document is added whole)."""
        self.documents += len(self._open)
        self._open.clear()

    def merge(self, other: EntityTally) -> None:
        self.types.update(other.types)
        self.labels.update(other.labels)
        self.texts.update(other.texts)
        self.mentions += other.mentions
        self.documents += other.documents

    def entity(self, key: str, mentions: tuple[Mention, ...] = ()) -> Entity:
        """The entity: majority type, the most frequent of the longest names as its label."""
        entity_type = _majority_type(self.types)
        names = self.labels or self.texts
        longest = max(len(label.split()) for label in names)
        label_counts = {label: n for label, n in names.items() if len(label.split()) == longest}
        label = max(label_counts, key=lambda lbl: (label_counts[lbl], lbl))
        surfaces = sorted(_without_glued_variants(set(self.texts) | set(label_counts)))
        return Entity(
            key,
            entity_type,
            label,
            tuple(s for s in surfaces if s != label),
            mentions,
            mention_count=self.mentions,
            document_count=self.documents,
        )
