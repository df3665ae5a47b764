"""A name's type settled by the rest of the document, after every extractor has spoken.

The tagger types one mention at a time, from a few words around it. A document says more:

- **who speaks is a person or a body.** A name that a verb of saying opens («وأعلن X») or that a
  spokesperson speaks for («المتحدث باسم X») is no miscellaneous name; the tagger's MISC there is
  an organisation (ANERcorp itself labels seats of government MISC, and they speak).
- **a settled name settles its mentions.** A head noun («شركة X», «نادي X») or a title («السيد X»)
  before one mention, or one type over all of two or more mentions, fixes the name's type for
  the whole document; its other mentions («وX» in a list) take that type.
- **list items are of one kind.** «A وB وC» names things of one kind: the items that no list
  knows and the document mentions only once take the type of the settled items, when those
  agree. Two items after «بين» are left alone («بين X وY» pairs anything with anything).
- **news introduces a person by the full name.** A one-word "person" that is never part of a
  longer name in the document, never follows a title or a given name, and that no person-name
  list knows («تتنافس X مع Y») is a company, club or brand the text takes as known: an
  organisation.
- **two bodies the tagger ran together are two.** An organisation span «X وY» whose first part
  the document also mentions alone is two list items.

:class:`TypeAgreement` is a :class:`kg.ner.base.Completer`: it runs after the other extractors
(it reads their merged mentions) and returns them revised.

>>> from kg.text import split_sentences
>>> text = "وأعلن البيت الكبير أمس أن الخطة جاهزة."
>>> doc = Document("d", text)
>>> start = text.index("البيت")
>>> found = [Mention("d", start, start + 11, "البيت الكبير", EntityType.MISC, 0, "crf")]
>>> [m.type.name for m in TypeAgreement.default().complete(doc, split_sentences(text), found)]
['ORGANIZATION']
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import replace
from functools import lru_cache

from kg.cache import compiled
from kg.clitics import ARTICLE, CONJUNCTION, CliticJudge, name_list, train_types
from kg.model import Document, EntityType, Mention, Sentence
from kg.ner.base import ShippedCompleter
from kg.ner.cues import TYPES, NameWords
from kg.ner.places import COUNTRY_LIST, PERSON_LISTS, PLACE_LIST
from kg.resources import data_files, read_table, titles, trigger_verbs
from kg.text import normalize, normalize_token

SPEECH_KIND = "Statement"
SPOKESPERSON_FOR = "باسم"  # «المتحدث باسم X», «الناطق باسم X»
GLUED = frozenset("وفبل")
LIST_JOINERS = frozenset({"،", ",", CONJUNCTION})
PAIR_OPENER = "بين"
GIVEN_NAME_LISTS = ("gaz_wiki_given.txt", "gaz_latin_names.txt", "names_first.txt")
# Heads whose name is the whole of what follows («شركة X», «نادي X»); a university, mosque or
# foundation is often named after a person («جامعة الملك سعود»), so those heads settle nothing.
NAMED_BODY_HEADS = (
    "شركة", "شركات", "مجموعة", "نادي", "فريق", "صحيفة", "قناة", "مجلة", "إذاعة",
    "سلسلة", "متاجر", "مصنع", "مصرف", "بنك",
)  # fmt: skip
NAME_TOKENS = "english/name_tokens.tsv"  # Wikidata's person-name words (CC0)
# The extractors whose type comes from the words of the name itself (a head noun, letters).
SETTLING_EXTRACTORS = frozenset({"org-grammar", "acronyms"})
TYPED = (EntityType.PERSON, EntityType.ORGANIZATION, EntityType.PLACE)


class TypeAgreement(ShippedCompleter):
    """Revises mention types by what the whole document says (module docstring)."""

    name = "type-agreement"
    labels = ("PERS", "ORG", "LOC")

    def __init__(
        self,
        judge: CliticJudge,
        speech_verbs: Iterable[str],
        org_heads: Iterable[str],
        person_titles: Iterable[str],
        person_words: Iterable[str],
        given_names: Iterable[str],
        places: Iterable[str] = (),
        trained: dict[str, str] | None = None,
        name_words: NameWords | None = None,
    ) -> None:
        self.places = frozenset(places)
        self.name_words = name_words or NameWords.default()
        self.trained = trained or {}
        self.judge = judge
        self.speech_verbs = frozenset(speech_verbs)
        self.org_heads = frozenset(org_heads)
        self.person_titles = frozenset(person_titles)
        self.person_words = frozenset(person_words)
        self.given_names = frozenset(given_names)

    @classmethod
    def default(cls) -> TypeAgreement:
        return _shipped()

    def complete(
        self, doc: Document, sentences: Sequence[Sentence], mentions: Sequence[Mention]
    ) -> list[Mention]:
        """``mentions`` with their types revised and run-together list items split."""
        view = _DocumentView(self, doc, sentences, self._split_run_together(doc, mentions))
        revised = [view.speaking(m) for m in view.mentions]
        revised = view.settle(revised)
        revised = view.agree_in_lists(revised)
        return view.introduce(revised)

    def key(self, text: str) -> str:
        """The matching form of a name: normalised words, a proclitic off the first."""
        words = [normalize_token(w) for w in text.split()]
        if words:
            words[0] = self.bare_word(words[0])
        return " ".join(words)

    def name_like(self, key: str) -> bool:
        """Every word of ``key`` can only be a name (:class:`kg.ner.cues.NameWords`)."""
        return all(self.name_words(word) for word in key.split())

    def listed_as(self, key: str) -> EntityType | None:
        """The type a shipped place list gives the name, or the training gazetteer gives a
        one-word name, if any."""
        if key in self.places:
            return EntityType.PLACE
        return None if " " in key else TYPES.get(self.trained.get(key, ""))

    def bare_word(self, norm: str) -> str:
        """``norm`` without the proclitic the clitic judge strips, if any."""
        return self.judge.bare(norm)

    def _split_run_together(self, doc: Document, mentions: Sequence[Mention]) -> list[Mention]:
        """«وX وY» as one tagger span, where the document also mentions X alone: two items."""
        alone = Counter(self.key(m.text) for m in mentions)
        out: list[Mention] = []
        for mention in mentions:
            out.extend(self._split_one(doc, mention, alone))
        return out

    def _split_one(self, doc: Document, mention: Mention, alone: Counter[str]) -> list[Mention]:
        words = mention.text.split()
        # Places and people joined by «و» are often one name («البوسنة والهرسك»).
        if mention.type is not EntityType.ORGANIZATION or len(words) < 2:
            return [mention]
        for cut in range(1, len(words)):
            if not words[cut].startswith(CONJUNCTION) or len(words[cut]) < 3:
                continue
            head = " ".join(words[:cut])
            if alone[self.key(head)] == 0:
                continue
            offset = mention.start + mention.text.index(words[cut], len(head))
            first = replace(mention, end=mention.start + len(head), text=head)
            rest = doc.text[offset : mention.end]
            second = replace(mention, start=offset, text=rest)
            return [first, *self._split_one(doc, second, alone)]
        return [mention]


class _DocumentView:
    """One document's mentions with what the words before them and their lists say."""

    def __init__(
        self,
        agreement: TypeAgreement,
        doc: Document,
        sentences: Sequence[Sentence],
        mentions: Sequence[Mention],
    ) -> None:
        self.agreement = agreement
        self.doc = doc
        self.mentions = sorted(mentions, key=lambda m: (m.start, m.end))
        self.tokens = {s.index: s.tokens for s in sentences}
        self._keys: dict[str, str] = {}
        self._by_text: dict[str, str] = {}
        plain = {agreement.key(m.text) for m in self.mentions}
        for key in plain:
            # «وجي تي كي» beside «جي تي كي»: the judge keeps a clitic before a short word
            # that it cannot check; another mention of the remainder in the document can.
            self._keys[key] = key[1:] if key[:1] in GLUED and key[1:] in plain else key
        self.mentions = [self._unglued(m) for m in self.mentions]
        self.starts = {s.index: [t.start for t in s.tokens] for s in sentences}

    def _unglued(self, mention: Mention) -> Mention:
        """The mention without a glued letter its key lost (the span names the name only)."""
        plain = self.agreement.key(mention.text)
        if self._keys.get(plain, plain) == plain or mention.text[:1] not in GLUED:
            return mention
        return replace(mention, start=mention.start + 1, text=mention.text[1:])

    def key(self, text: str) -> str:
        found = self._by_text.get(text)
        if found is None:  # the rules ask for a mention's key several times
            plain = self.agreement.key(text)
            found = self._by_text[text] = self._keys.get(plain, plain)
        return found

    def previous_word(self, mention: Mention) -> str | None:
        """The normalised token just before ``mention`` in its sentence, if any."""
        k = bisect_left(self.starts.get(mention.sentence, []), mention.start)
        return normalize_token(self.tokens[mention.sentence][k - 1].text) if k else None

    def speaking(self, mention: Mention) -> Mention:
        if mention.type is not EntityType.MISC:
            return mention
        word = self.previous_word(mention)
        if word is None:
            return mention
        verbs = self.agreement.speech_verbs
        if word == SPOKESPERSON_FOR or word in verbs or (word[:1] in "وف" and word[1:] in verbs):
            return replace(mention, type=EntityType.ORGANIZATION)
        return mention

    def _context_type(self, mention: Mention) -> EntityType | None:
        if mention.extractor in SETTLING_EXTRACTORS and mention.type in TYPED:
            return mention.type
        previous = self.previous_word(mention)
        if previous is None:
            return None
        word = self.agreement.bare_word(previous)
        found = None
        if word in self.agreement.org_heads and not normalize_token(mention.text).startswith(
            ARTICLE
        ):
            found = EntityType.ORGANIZATION  # «شركة X»; «الحكومة الكندية» is a head and adjective
        listed = self.agreement.listed_as(self.key(mention.text))
        return found if listed in (None, found) else None  # «دولة نيبال»

    def _context_types(self, mentions: Sequence[Mention]) -> dict[str, set[EntityType]]:
        """Name key → the types the words before its mentions give it."""
        by_context: dict[str, set[EntityType]] = defaultdict(set)
        for mention in mentions:
            found = self._context_type(mention)
            if found is not None:
                by_context[self.key(mention.text)].add(found)
        return by_context

    def settled_types(self, mentions: Sequence[Mention]) -> dict[str, EntityType]:
        """Name key → the type the document settles it to (module docstring)."""
        by_context = self._context_types(mentions)
        by_count: dict[str, Counter[EntityType]] = defaultdict(Counter)
        for mention in mentions:
            by_count[self.key(mention.text)][mention.type] += 1
        settled: dict[str, EntityType] = {}
        for key, counts in by_count.items():
            context = by_context.get(key, set())
            if len(context) == 1:
                settled[key] = next(iter(context))
            elif not context and len(counts) == 1 and sum(counts.values()) >= 2:
                only = next(iter(counts))
                if only in TYPED:
                    settled[key] = only
        return settled

    def settle(self, mentions: list[Mention]) -> list[Mention]:
        """Every mention of a name the words before one of its mentions type takes that type."""
        settled = {
            key: next(iter(kinds))
            for key, kinds in self._context_types(mentions).items()
            if len(kinds) == 1
        }
        return [
            replace(m, type=settled[key])
            if (key := self.key(m.text)) in settled and m.type in TYPED
            else m
            for m in mentions
        ]

    def lists(self, mentions: Sequence[Mention]) -> list[list[int]]:
        """Indexes of ``mentions`` that form lists: typed names in one sentence joined by
        commas and «و», up to the last «و» («A، B، وC»; «A، B» alone is more often a name and
        its apposition: «الاتحاد، X، قال»)."""
        groups: list[list[int]] = []
        chain: list[int] = []
        last_conjoined = 0  # length of the chain up to its last item joined by «و»
        for i, mention in enumerate(mentions):
            join = None
            if chain and mention.type in TYPED:
                join = self._join(mentions[chain[-1]], mention)
            if join is None:
                if last_conjoined > 1:
                    groups.append(chain[:last_conjoined])
                chain, last_conjoined = ([i], 0) if mention.type in TYPED else ([], 0)
                continue
            chain.append(i)
            if join == CONJUNCTION:
                last_conjoined = len(chain)
        if last_conjoined > 1:
            groups.append(chain[:last_conjoined])
        return groups

    def _join(self, left: Mention, right: Mention) -> str | None:
        """«و» or a comma when only those stand between ``left`` and ``right``, else None."""
        if left.sentence != right.sentence or left.end > right.start:
            return None
        gap = self.doc.text[left.end : right.start].split()
        if any(word not in LIST_JOINERS for word in gap):
            return None
        if CONJUNCTION in gap or right.text.startswith(CONJUNCTION):
            return CONJUNCTION
        return "،" if gap else None

    def agree_in_lists(self, mentions: list[Mention]) -> list[Mention]:
        settled = self.settled_types(mentions)
        counts = Counter(self.key(m.text) for m in mentions)
        out = list(mentions)
        for group in self.lists(mentions):
            items = [mentions[i] for i in group]
            if len(items) == 2 and self.previous_word(items[0]) == PAIR_OPENER:
                continue
            keys = [self.key(m.text) for m in items]
            kinds = {settled[k] for k in keys if k in settled}
            if len(kinds) != 1:
                continue
            kind = kinds.pop()
            for i, key in zip(group, keys, strict=True):
                if (
                    key not in settled
                    and " " not in key  # a full name in a list is no guess
                    and counts[key] == 1
                    and not self._listed(key)
                ):
                    out[i] = replace(mentions[i], type=kind)
        return out

    def _listed(self, key: str) -> bool:
        """A list types the name («الصين»), or it has the article («الاتحاد الاوروبي»): the
        tagger's type is then no guess."""
        return key.startswith(ARTICLE) or self.agreement.listed_as(key) is not None

    def introduce(self, mentions: list[Mention]) -> list[Mention]:
        """One-word persons the document never introduces become organisations."""
        in_full_names = {
            self.key(word)
            for m in mentions
            if m.type is EntityType.PERSON and len(m.text.split()) > 1
            for word in m.text.split()
        }
        for group in self.lists(mentions):
            items = [mentions[i] for i in group]
            if any(m.type is EntityType.PERSON and len(m.text.split()) > 1 for m in items):
                in_full_names.update(self.key(m.text) for m in items)  # «X وماركو فالنتي»
        singles: dict[str, list[Mention]] = defaultdict(list)
        for m in mentions:
            if len(m.text.split()) == 1:
                singles[self.key(m.text)].append(m)
        unintroduced = {
            key
            for key, found in singles.items()
            if found[0].type is EntityType.PERSON
            and all(m.type is EntityType.PERSON for m in found)
            and key not in in_full_names
            and key not in self.agreement.person_words
            and not key.startswith(ARTICLE)  # «الشاه», «الازوري»: Arabic bynames, not brands
            and self.agreement.name_like(key)
            and not any(self._introduced(m) for m in found)
        }
        return [
            replace(m, type=EntityType.ORGANIZATION)
            if len(m.text.split()) == 1 and self.key(m.text) in unintroduced
            else m
            for m in mentions
        ]

    def _introduced(self, mention: Mention) -> bool:
        previous = self.previous_word(mention)
        if previous is None:
            return False
        word = self.agreement.bare_word(previous)
        return word in self.agreement.person_titles or word in self.agreement.given_names


@lru_cache(maxsize=1)
def _shipped() -> TypeAgreement:
    """The completer over the shipped tables, built once per process."""
    verbs = [normalize(verb) for verb in trigger_verbs(SPEECH_KIND)]
    # Forms of address only: a post («رئيس», «وزير») opens a country or a body as often.
    person_titles = [normalize(t) for t in titles("honorific")]
    person_words = {w for name in PERSON_LISTS for entry in name_list(name) for w in entry}
    person_words.update(w for w, kind in train_types().items() if kind == "PERS")
    person_words.update(compiled("person-name-words", data_files("english"), _name_token_words))
    given = {w for name in GIVEN_NAME_LISTS for entry in name_list(name) for w in entry}
    return TypeAgreement(
        CliticJudge.default(),
        verbs,
        [normalize(h) for h in NAMED_BODY_HEADS],
        [t for t in person_titles if " " not in t],
        person_words,
        given,
        {" ".join(entry) for name in (PLACE_LIST, COUNTRY_LIST) for entry in name_list(name)},
        train_types(),
    )


def _name_token_words() -> frozenset[str]:
    """The Arabic words of the English name-word table (compiled once: 49k rows to split)."""
    return frozenset(row[0] for row in read_table(NAME_TOKENS))
