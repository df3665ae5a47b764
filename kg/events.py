"""Events, quotations and roles from sentences: who met whom, who said what, who holds which post.

Rules combine the NER mentions with tokens and lexicons shipped as data files under
``kg/data/events`` (triggers, role heads, speaker references, venues, function words). Tokens are
compared in their :func:`kg.text.normalize` form and tolerate glued proclitics («وأكد», «برئيس»,
«لقائهما»), because the NER may leave a clitic inside or outside a mention.

* Events: a trigger («التقى», «لقاء», «قصف», «زار», «اتصال هاتفي») gives one event per kind and
  sentence; participants are the sentence's person (and, where fitting, organisation) mentions,
  the place is a location introduced by في/ب, a named venue («قصر …») or the dateline, the date
  the nearest date expression (:mod:`kg.dates`), anchored on the document date. A follow-up
  sentence about «اللقاء» extends the event it refers to.
* Statements: a speech verb's subject is the first person (else organisation) named after it;
  a verb with no named subject («وقال: …») or with a reference word («سماحته», «المتحدث») goes to
  the last matching speaker of the paragraph. Quotes in «…» or "…" belong to the speech verb that
  opens or closes them.
* Roles: a role head («وزير», «الأمين العام», «قائد») followed by its modifiers and then a person
  («… لحركة النهضة، السيد رامي خوري»), or a person followed by «، رئيس …». A role phrase used
  again on its own later becomes an alias mention of that person.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache

from kg.dates import DateMatch, document_anchor, find_dates, fold, read_table
from kg.model import (
    Document,
    EntityType,
    Event,
    EventKind,
    Mention,
    Quotation,
    Role,
    Sentence,
    Token,
)
from kg.resources import read_lexicon
from kg.text import normalize

ALIAS_EXTRACTOR = "role-alias"
VENUE_EXTRACTOR = "venue"
GAP = "…"
MAX_GAP_TOKENS = 6
MAX_ROLE_TOKENS = 14  # «منسق الطوارئ في منظمة أطباء بلا حدود في إب …» before the name
MAX_SUBJECT_TOKENS = 10  # a speech verb's subject: «قال وزير الخارجية الأمريكي أنتوني بلينكن»
MAX_SVO_GAP = 3  # «وكان داود قد قال»
MAX_MERGE_DISTANCE = 3  # sentences between an event and a follow-up about «اللقاء»
MIN_UNATTRIBUTED_QUOTE_WORDS = 5  # shorter quotes without a speech verb are names or terms
DASHES = frozenset("-–—")
# Name words shared by many people: never enough on their own to recognise someone.
NAME_PARTICLES = frozenset({"عبد", "بن", "ابن", "ابو", "ام", "ال", "بنت", "الله", "الدين"})
# Function-word classes that end a speech verb's subject («قال داود [في] …», «قال [إن] …»).
SUBJECT_BOUNDARIES = frozenset({"clause", "place", "goal", "with", "target"})
QUOTE_MARKS = frozenset('«»"“”')
QUOTES = re.compile(r"«([^«»]+)»|\"([^\"\n]+)\"|“([^”]+)”")

NOUN_PREFIXES = ("", "و", "ف", "ب", "ل", "ك", "وب", "ول", "وك", "فب", "فل", "فك")
VERB_PREFIXES = ("", "و", "ف", "س", "وس", "فس", "ل", "ول")
# Pronoun suffixes (and the accusative alef of اتصالا) that may follow a trigger noun or verb.
SUFFIXES = ("هما", "هم", "هن", "ها", "ه", "نا", "كم", "وا", "ا")
VERB_SUFFIXES = ("هما", "هم", "هن", "ها", "ه", "نا")


# ---------------------------------------------------------------------------------------------
# Public results
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Extraction:
    """What :class:`EventExtractor` found in one document.

    ``alias_mentions`` are new mentions it created: PERSON mentions for a role phrase used on its
    own (extractor ``"role-alias"``) and PLACE mentions for named venues the NER did not mark
    (extractor ``"venue"``); add them to the document's mentions before resolving entities.
    ``aliases`` pairs each role-alias mention with the mention of the person who holds the role,
    so the resolver can give both one entity.
    """

    events: tuple[Event, ...]
    quotations: tuple[Quotation, ...]
    roles: tuple[Role, ...]
    alias_mentions: tuple[Mention, ...]
    aliases: tuple[tuple[Mention, Mention], ...] = ()


# ---------------------------------------------------------------------------------------------
# Lexicons
# ---------------------------------------------------------------------------------------------


@lru_cache(maxsize=8192)
def _words(phrase: str) -> tuple[str, ...]:
    # Cached: names are compared pairwise while attributing speakers, and normalising is slow.
    return tuple(normalize(word) for word in phrase.split())


@dataclass(frozen=True)
class _Entry:
    """A lexicon phrase: segments of words, with up to MAX_GAP_TOKENS tokens between segments."""

    segments: tuple[tuple[str, ...], ...]
    payload: str
    verb: bool = False
    continues: bool = False  # a participle («مضيفا»): its subject is the clause's speaker

    @classmethod
    def parse(
        cls, phrase: str, payload: str = "", *, verb: bool = False, continues: bool = False
    ) -> _Entry:
        segments = tuple(_words(part) for part in phrase.split(GAP) if part.strip())
        return cls(segments, payload, verb, continues)


@dataclass(frozen=True)
class _PhraseIndex:
    """Entries indexed by their first word, for matching at a token position."""

    by_first: dict[str, tuple[_Entry, ...]]

    @classmethod
    def build(cls, entries: Iterable[_Entry]) -> _PhraseIndex:
        grouped: dict[str, list[_Entry]] = {}
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

    triggers: _PhraseIndex
    role_heads: _PhraseIndex
    honorifics: _PhraseIndex
    speaker_refs: dict[str, str]
    venues: frozenset[str]
    function_words: dict[str, str]

    @classmethod
    def load(cls) -> Lexicons:
        triggers = []
        for row in read_table("events/triggers.tsv"):
            phrase, kind, pos = row[0], row[1], row[2] if len(row) > 2 else "noun"
            EventKind(kind)  # fail at load time on a typo in the data file
            triggers.append(
                _Entry.parse(
                    phrase, kind, verb=pos in ("verb", "participle"), continues=pos == "participle"
                )
            )
        return cls(
            triggers=_PhraseIndex.build(triggers),
            role_heads=_PhraseIndex.build(
                _Entry.parse(p) for p in read_lexicon("events/role_heads.txt")
            ),
            honorifics=_PhraseIndex.build(
                _Entry.parse(p)
                for p in (
                    *read_lexicon("lexicons/honorifics.txt"),
                    *read_lexicon("events/ranks.txt"),
                )
            ),
            speaker_refs={
                " ".join(_words(row[0])): normalize(row[1])
                for row in read_table("events/speaker_references.tsv")
            },
            venues=frozenset(normalize(v) for v in read_lexicon("events/venues.txt")),
            function_words={
                normalize(row[0]): row[1] for row in read_table("events/function_words.tsv")
            },
        )


# ---------------------------------------------------------------------------------------------
# Token view of a document
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Form:
    """One reading of a token: its stem and the original offset where the stem begins."""

    stem: str
    start: int
    definite: bool


@dataclass(frozen=True)
class _Tok:
    index: int
    token: Token
    sentence: int
    norm: str
    noun_forms: tuple[_Form, ...]
    verb_forms: tuple[_Form, ...]

    @property
    def is_punct(self) -> bool:
        return not any(char.isalnum() for char in self.token.text)


def _forms(
    token: Token, prefixes: Sequence[str], suffixes: Sequence[str], *, article: bool
) -> tuple[_Form, ...]:
    folded, origin = fold(token.text)
    found: dict[str, _Form] = {}

    def add(stem: str, cut: int, definite: bool) -> None:
        if len(stem) >= 2 and stem not in found:
            start = token.start + (origin[cut] if cut < len(origin) else len(token.text))
            found[stem] = _Form(stem, start, definite)

    for prefix in prefixes:
        if not folded.startswith(prefix) or len(folded) - len(prefix) < 2:
            continue
        rest, cut = folded[len(prefix) :], len(prefix)
        bases = [(rest, cut, False)]
        if article and rest.startswith("ال") and len(rest) > 4:
            bases.append((rest[2:], cut, True))
        if article and prefix.endswith("ل") and rest.startswith("ل") and len(rest) > 3:
            bases.append((rest[1:], cut - 1, True))  # ل + ال is written «لل»
        for base, base_cut, definite in bases:
            add(base, base_cut, definite)
            for suffix in suffixes:
                if base.endswith(suffix) and len(base) - len(suffix) >= 3:
                    stem = base[: -len(suffix)]
                    add(stem, base_cut, definite)
                    if stem[-1] == "ت":  # زيارته ← زيارة
                        add(stem[:-1] + "ه", base_cut, definite)
                    if stem[-1] in "ئؤ":  # لقائهما ← لقاء
                        add(stem[:-1] + "ء", base_cut, definite)
    return tuple(found.values())


@dataclass
class _DocView:
    """Tokens, mentions and paragraphs of one document, indexed for the rules."""

    doc: Document
    sentences: Sequence[Sentence]
    toks: list[_Tok]
    sentence_range: dict[int, tuple[int, int]]
    paragraph: dict[int, int]
    mentions: list[Mention] = field(default_factory=list)
    mention_at: dict[int, Mention] = field(default_factory=dict)  # token index -> mention
    quotes: list[tuple[int, int]] = field(default_factory=list)
    token_starts: list[int] = field(default_factory=list)
    token_ends: list[int] = field(default_factory=list)

    @classmethod
    def build(cls, doc: Document, sentences: Sequence[Sentence]) -> _DocView:
        toks: list[_Tok] = []
        sentence_range: dict[int, tuple[int, int]] = {}
        paragraph: dict[int, int] = {}
        current_paragraph, previous_end = 0, 0
        for sentence in sentences:
            if "\n" in doc.text[previous_end : sentence.start]:
                current_paragraph += 1
            paragraph[sentence.index] = current_paragraph
            previous_end = sentence.end
            first = len(toks)
            for token in sentence.tokens:
                toks.append(
                    _Tok(
                        len(toks),
                        token,
                        sentence.index,
                        normalize(token.text),
                        _forms(token, NOUN_PREFIXES, SUFFIXES, article=True),
                        _forms(token, VERB_PREFIXES, VERB_SUFFIXES, article=False),
                    )
                )
            sentence_range[sentence.index] = (first, len(toks))
        quotes = [(m.start(), m.end()) for m in QUOTES.finditer(doc.text)]
        return cls(
            doc,
            sentences,
            toks,
            sentence_range,
            paragraph,
            quotes=quotes,
            token_starts=[t.token.start for t in toks],
            token_ends=[t.token.end for t in toks],
        )

    def set_mentions(self, mentions: Iterable[Mention]) -> None:
        self.mentions = sorted(mentions, key=lambda m: (m.start, -m.end))
        self.mention_at = {}
        for mention in sorted(self.mentions, key=lambda m: m.end - m.start):
            for index in self.token_span(mention.start, mention.end):
                self.mention_at[index] = mention  # longer mentions overwrite shorter ones

    def token_span(self, start: int, end: int) -> range:
        """Indices of the tokens overlapping ``[start, end)``."""
        first = bisect_right(self.token_ends, start)  # first token ending after start
        last = bisect_left(self.token_starts, end)  # tokens starting before end
        return range(first, last) if first < last else range(0)

    def sentence_of(self, offset: int) -> int:
        for sentence in self.sentences:
            if sentence.start <= offset < sentence.end:
                return sentence.index
        return self.sentences[-1].index if self.sentences else 0

    def tokens_of(self, sentence: int) -> range:
        first, last = self.sentence_range.get(sentence, (0, 0))
        return range(first, last)

    def sentence_by_index(self, index: int) -> Sentence | None:
        return next((s for s in self.sentences if s.index == index), None)

    def in_quote(self, start: int, end: int) -> bool:
        return any(q_start <= start and end <= q_end for q_start, q_end in self.quotes)


# ---------------------------------------------------------------------------------------------
# Matching
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Match:
    """A lexicon phrase found in the text: token range and character span (clitic excluded)."""

    entry: _Entry
    first: int
    last: int  # exclusive token index
    head_last: int  # exclusive end of the first segment (the gap after it holds the subject)
    start: int
    end: int
    definite: bool


def _word_matches(tok: _Tok, word: str) -> bool:
    return tok.norm == word or any(form.stem == word for form in tok.noun_forms)


def _segment_at(view: _DocView, words: Sequence[str], index: int, stop: int) -> bool:
    if index + len(words) > stop:
        return False
    return all(_word_matches(view.toks[index + k], w) for k, w in enumerate(words))


def _match_at(index: _PhraseIndex, view: _DocView, i: int, stop: int) -> _Match | None:
    """The longest lexicon phrase starting at token ``i`` (before token ``stop``), if any."""
    tok = view.toks[i]
    best: _Match | None = None
    for verb_form in (True, False):
        for form in tok.verb_forms if verb_form else tok.noun_forms:
            for entry in index.by_first.get(form.stem, ()):
                if entry.verb != verb_form:
                    continue
                found = _match_rest(entry, view, i, stop)
                if found is None:
                    continue
                head_last, last = found
                end = (
                    view.toks[head_last - 1].token.end
                    if entry.verb
                    else view.toks[last - 1].token.end
                )
                definite = form.definite or form.stem.startswith("ال")
                candidate = _Match(entry, i, last, head_last, form.start, end, definite)
                if best is None or candidate.last - candidate.first > best.last - best.first:
                    best = candidate
    return best


def _match_rest(entry: _Entry, view: _DocView, i: int, stop: int) -> tuple[int, int] | None:
    first_segment = entry.segments[0]
    if not _segment_at(view, first_segment[1:], i + 1, stop):
        return None
    head_last = cursor = i + len(first_segment)
    for segment in entry.segments[1:]:
        for start in range(cursor, min(stop, cursor + MAX_GAP_TOKENS + 1)):
            if _segment_at(view, segment, start, stop):
                cursor = start + len(segment)
                break
        else:
            return None
    return head_last, cursor


# ---------------------------------------------------------------------------------------------
# The extractor
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Said:
    """A speech verb and the speaker it was attributed to (None when unnamed: «قال مصدر»)."""

    match: _Match
    sentence: int
    speaker: Mention | None


@dataclass
class _Found:
    """Mutable scratch state of one call; never outlives :meth:`EventExtractor.__call__`."""

    view: _DocView
    dates: list[DateMatch]
    explicit_dates: frozenset[int]  # start offsets of dates that need no anchor
    roles: list[Role] = field(default_factory=list)
    venues: dict[int, Mention] = field(default_factory=dict)  # start offset -> venue mention
    used_venues: dict[int, Mention] = field(default_factory=dict)
    dateline_place: Mention | None = None
    dateline_date: DateMatch | None = None
    said: list[_Said] = field(default_factory=list)


class EventExtractor:
    """Finds events, quotations and roles in a document, given its sentences and NER mentions.

    >>> import datetime as dt
    >>> from kg.model import Document, Mention, EntityType as T
    >>> from kg.text import split_sentences
    >>> text = "التقى الرئيس سامي نور نظيره كمال داود في بغداد أمس."
    >>> doc = Document("d", text, date=dt.date(2023, 5, 2))
    >>> def m(name, kind):
    ...     start = text.index(name)
    ...     return Mention("d", start, start + len(name), name, kind, 0)
    >>> found = EventExtractor.default()(
    ...     doc, split_sentences(text), [m("سامي نور", T.PERSON), m("كمال داود", T.PERSON),
    ...                                  m("بغداد", T.PLACE)])
    >>> event = found.events[0]
    >>> event.kind.value, [p.text for p in event.participants], event.place.text, str(event.date)
    ('Meeting', ['سامي نور', 'كمال داود'], 'بغداد', '2023-05-01')
    >>> [(r.label, r.person.text) for r in found.roles]
    [('الرئيس', 'سامي نور')]
    """

    def __init__(self, lexicons: Lexicons) -> None:
        self.lexicons = lexicons

    @classmethod
    def default(cls) -> EventExtractor:
        """An extractor with the lexicons shipped in ``kg/data/events``."""
        return cls(Lexicons.load())

    def __call__(
        self, doc: Document, sentences: Sequence[Sentence], mentions: Sequence[Mention]
    ) -> Extraction:
        view = _DocView.build(doc, sentences)
        if not view.toks:
            return Extraction((), (), (), ())
        view.set_mentions(mentions)
        anchor = document_anchor(doc.text, doc.date)
        dates = [d for d in find_dates(doc.text, anchor=anchor) if d.date is not None]
        explicit = frozenset(d.start for d in find_dates(doc.text) if d.date is not None)
        found = _Found(view, dates, explicit)
        found.roles = self._roles(view)
        alias_pairs = self._aliases(view, found.roles)
        aliases = [alias for alias, _ in alias_pairs]
        found.venues = self._venues(view)
        view.set_mentions([*mentions, *aliases])
        self._dateline(found)
        triggers = self._triggers(view)
        events = self._events(found, [t for t in triggers if t.entry.payload != "Statement"])
        statements = self._statements(
            found, [t for t in triggers if t.entry.payload == "Statement"]
        )
        quotations = self._quotations(found)
        all_events = sorted([*events, *statements], key=lambda e: (e.trigger_start, e.kind))
        new_mentions = sorted([*aliases, *found.used_venues.values()], key=lambda m: m.start)
        return Extraction(
            tuple(all_events),
            tuple(quotations),
            tuple(found.roles),
            tuple(new_mentions),
            tuple(alias_pairs),
        )

    # -- word classes ----------------------------------------------------------------------------

    def _word_class(self, view: _DocView, index: int) -> str | None:
        if not 0 <= index < len(view.toks):
            return None
        tok = view.toks[index]
        words = self.lexicons.function_words
        if tok.norm in words:
            return words[tok.norm]
        for form in tok.noun_forms:
            if not form.definite and form.stem in words and form.stem != tok.norm:
                return words[form.stem]
        return None

    def _honorific_end(self, view: _DocView, index: int, stop: int) -> int:
        """Index after any honorifics starting at ``index`` («السيد», «سماحة الشيخ»)."""
        while index < stop:
            found = _match_at(self.lexicons.honorifics, view, index, stop)
            if found is None or view.mention_at.get(index) is not None:
                return index
            index = found.last
        return index

    def _person_at(self, view: _DocView, index: int) -> Mention | None:
        mention = view.mention_at.get(index)
        if mention is None or mention.type is not EntityType.PERSON:
            return None
        return mention if view.token_span(mention.start, mention.end).start == index else None

    # -- roles ----------------------------------------------------------------------------------

    def _roles(self, view: _DocView) -> list[Role]:
        roles: list[Role] = []
        for sentence in view.sentences:
            span = view.tokens_of(sentence.index)
            i = span.start
            while i < span.stop:
                head = _match_at(self.lexicons.role_heads, view, i, span.stop)
                role = None if head is None else self._role_from(view, head, span.stop)
                if role is not None:
                    roles.append(role)
                    i = max(i + 1, view.token_span(role.start, role.end).stop)
                else:
                    i = i + 1 if head is None else head.last
        return roles

    def _role_from(self, view: _DocView, head: _Match, stop: int) -> Role | None:
        inside = view.mention_at.get(head.first)
        if inside is not None:
            return self._role_inside(view, head, inside)
        # A multi-word head must not run into a name: «قائد [الجيش الوطني]».
        named = next((k for k in range(head.first + 1, head.last) if k in view.mention_at), None)
        if named is not None:
            head = replace(head, last=named, head_last=named, end=view.toks[named - 1].token.end)
        org: Mention | None = None
        ahead: Mention | None = None  # a person after a comma: «… لحركة النهضة، السيد خوري»
        # An idafa chain ends in its one definite word; after it only adjectives and «ل»-phrases
        # follow («وزير التموين الأردني [بخصوص] …» stops at the indefinite word).
        closed = False
        k = phrase_end = head.last
        while k < stop and k - head.first < MAX_ROLE_TOKENS:
            tok, mention = view.toks[k], view.mention_at.get(k)
            direct = self._person_at(view, self._honorific_end(view, k, stop))
            if direct is not None:
                return self._make_role(view, head, phrase_end, direct, org)
            if tok.norm in ("،", ","):
                ahead = self._person_after_comma(view, k + 1, stop)
                break
            if tok.token.text in QUOTE_MARKS:
                k += 1  # «رئيس المكتب السياسي لحركة «النهضة»»: quoted names stay in the phrase
                continue
            if tok.is_punct or self._ends_role(view, k):
                break
            if self._word_class(view, k) == "place":
                k += 1  # «في/لدى» before a named organisation or place, checked just above
                continue
            if mention is not None:
                if org is None and mention.type is EntityType.ORGANIZATION:
                    org = mention
                k = phrase_end = view.token_span(mention.start, mention.end).stop
                closed = True
                continue
            if closed and not self._continues_idafa(view, k):
                break
            closed = closed or _is_definite(tok)
            k = phrase_end = k + 1
        before = head.first - 1
        if before >= 0 and view.toks[before].norm in ("،", ","):
            before -= 1
        person = view.mention_at.get(before)
        if person is not None and person.type is EntityType.PERSON:
            # «خالد العسيلي رئيس مجلس الإدارة، والدكتور …»: an apposition to the name before.
            return self._make_role(view, head, phrase_end, person, org)
        return self._make_role(view, head, phrase_end, ahead, org)

    def _person_after_comma(self, view: _DocView, k: int, stop: int) -> Mention | None:
        if k >= stop or view.toks[k].norm.startswith("و"):
            return None  # «، والدكتور …» starts the next item of a list, not this role's holder
        return self._person_at(view, self._honorific_end(view, k, stop))

    def _continues_idafa(self, view: _DocView, k: int) -> bool:
        tok = view.toks[k]
        if _is_definite(tok) and _match_at(self.lexicons.role_heads, view, k, k + 1) is None:
            return True
        return tok.norm.startswith("ل") and len(tok.norm) > 3  # «لحركة», «للشؤون»

    def _ends_role(self, view: _DocView, k: int) -> bool:
        word_class = self._word_class(view, k)
        if word_class == "place":  # «منسق الطوارئ في منظمة …» keeps going into the name
            nxt = view.mention_at.get(k + 1)
            return nxt is None or nxt.type not in (EntityType.ORGANIZATION, EntityType.PLACE)
        if word_class is not None and word_class != "placenoun":
            return True
        trigger = _match_at(self.lexicons.triggers, view, k, k + 1)
        return trigger is not None and trigger.entry.verb

    def _role_inside(self, view: _DocView, head: _Match, mention: Mention) -> Role | None:
        """A title the NER kept inside a person mention: «الرئيس الفلسطيني محمود عباس»."""
        span = view.token_span(mention.start, mention.end)
        if mention.type is not EntityType.PERSON or span.start != head.first or not head.definite:
            return None
        end = head.last
        while end < span.stop - 1 and view.toks[end].norm.startswith("ال"):
            end += 1  # nisba adjectives and definite complements, never the last (name) word
        if end >= span.stop:
            return None
        label_end = view.toks[end - 1].token.end
        return _role(view, head, label_end, label_end, mention, None)

    def _make_role(
        self,
        view: _DocView,
        head: _Match,
        phrase_end: int,
        person: Mention | None,
        org: Mention | None,
    ) -> Role | None:
        if person is None:
            return None
        label_stop = phrase_end
        if org is not None:
            label_stop = max(head.last, view.token_span(org.start, org.end).start)
            while label_stop > head.last and (
                view.toks[label_stop - 1].is_punct
                or self._is_genitive_glue(view, label_stop - 1)
                or self._word_class(view, label_stop - 1) == "place"  # «… في [منظمة]»
            ):
                label_stop -= 1
        label_end = view.toks[label_stop - 1].token.end
        return _role(view, head, view.toks[phrase_end - 1].token.end, label_end, person, org)

    @staticmethod
    def _is_genitive_glue(view: _DocView, k: int) -> bool:
        # «رئيس المكتب السياسي لحركة [النهضة]»: the «ل»-word belongs to the organisation's name.
        tok = view.toks[k]
        return view.mention_at.get(k) is None and tok.norm.startswith("ل") and len(tok.norm) > 3

    # -- aliases --------------------------------------------------------------------------------

    def _aliases(self, view: _DocView, roles: Sequence[Role]) -> list[tuple[Mention, Mention]]:
        """Later uses of a role phrase alone («قائد الحرس الوطني») as mentions of its holder."""
        holders: dict[tuple[str, ...], tuple[Mention, int]] = {}
        ambiguous: set[tuple[str, ...]] = set()
        for role in roles:
            key = _words(view.doc.text[role.start : role.end])
            if len(key) < 2:
                continue  # «الرئيس» alone names nobody in particular
            holders.setdefault(key, (role.person, role.end))
        for key, (person, _) in holders.items():
            # «وزير الخارجية المصري» is ambiguous once «… المصري السابق» names someone else.
            if any(
                other[: len(key)] == key and not _same_person(person, holder)
                for other, (holder, _) in holders.items()
            ):
                ambiguous.add(key)
        for role in roles:
            key = _words(view.doc.text[role.start : role.end])
            if key in holders and not _same_person(holders[key][0], role.person):
                ambiguous.add(key)
        role_spans = [(r.start, r.end) for r in roles]
        aliases: list[tuple[Mention, Mention]] = []
        for key, (holder, first_end) in holders.items():
            if key in ambiguous:
                continue
            for i, tok in enumerate(view.toks):
                if tok.token.start < first_end:
                    continue
                alias = self._alias_at(view, key, i, role_spans)
                if alias is not None:
                    aliases.append((alias, holder))
        return aliases

    def _alias_at(
        self, view: _DocView, key: tuple[str, ...], i: int, role_spans: list[tuple[int, int]]
    ) -> Mention | None:
        tok = view.toks[i]
        form = next((f for f in tok.noun_forms if f.stem == key[0]), None)
        if tok.norm == key[0]:
            form = _Form(tok.norm, tok.token.start, False)
        stop = view.tokens_of(tok.sentence).stop
        if form is None or not _segment_at(view, key[1:], i + 1, stop):
            return None
        end = view.toks[i + len(key) - 1].token.end
        overlaps = any(s < end and form.start < e for s, e in role_spans)
        named = any(
            view.mention_at.get(k) is not None and view.mention_at[k].type is EntityType.PERSON
            for k in range(i, i + len(key))
        )
        if overlaps or named:
            return None
        return Mention(
            view.doc.id,
            form.start,
            end,
            view.doc.text[form.start : end],
            EntityType.PERSON,
            tok.sentence,
            ALIAS_EXTRACTOR,
        )

    # -- places ---------------------------------------------------------------------------------

    def _venues(self, view: _DocView) -> dict[int, Mention]:
        """Named venues after في/ب («في قصر الإليزيه», «بمقر الأمم المتحدة»), keyed by token."""
        venues: dict[int, Mention] = {}
        for tok in view.toks:
            form = next(
                (f for f in tok.noun_forms if f.stem in self.lexicons.venues and not f.definite),
                None,
            )
            if form is None or not self._introduced_as_place(view, tok, form):
                continue
            nxt = tok.index + 1
            if nxt >= len(view.toks) or view.toks[nxt].sentence != tok.sentence:
                continue
            if view.toks[nxt].is_punct or self._word_class(view, nxt) is not None:
                continue
            named = view.mention_at.get(nxt)
            if named is not None and named.type is EntityType.PLACE and named.start <= form.start:
                venues[tok.index] = named  # the NER already marked the whole venue
                continue
            end = named.end if named is not None else view.toks[nxt].token.end
            venues[tok.index] = Mention(
                view.doc.id,
                form.start,
                end,
                view.doc.text[form.start : end],
                EntityType.PLACE,
                tok.sentence,
                VENUE_EXTRACTOR,
            )
        return venues

    def _introduced_as_place(self, view: _DocView, tok: _Tok, form: _Form) -> bool:
        glued = normalize(view.doc.text[tok.token.start : form.start])
        return glued.endswith("ب") or self._word_class(view, tok.index - 1) == "place"

    def _dateline(self, found: _Found) -> None:
        """«القاهرة - …» at the top of the article: where (and maybe when) it was filed."""
        view = found.view
        first = view.tokens_of(view.sentences[0].index)
        dash = next((k for k in first[:8] if view.toks[k].token.text in DASHES), None)
        if dash is None:
            return
        for k in range(first.start, dash):
            mention = view.mention_at.get(k)
            if mention is not None and mention.type is EntityType.PLACE:
                found.dateline_place = mention
                break
        limit = view.toks[min(dash + 8, first.stop - 1)].token.end
        found.dateline_date = next((d for d in found.dates if d.end <= limit), None)

    def _place(self, found: _Found, trigger: _Match, kind: EventKind) -> Mention | None:
        view = found.view
        sentence = view.toks[trigger.first].sentence
        span = view.tokens_of(sentence)
        candidates: list[tuple[int, Mention]] = []
        for k in span:
            if k in found.venues:
                candidates.append((k, found.venues[k]))
        for mention in view.mentions:
            if mention.sentence != sentence or mention.type is not EntityType.PLACE:
                continue
            k = view.token_span(mention.start, mention.end).start
            if view.in_quote(mention.start, mention.end) or any(
                v.start <= mention.start < v.end for _, v in candidates
            ):
                continue
            if self._locative(view, k, mention, kind):
                candidates.append((k, mention))
        if kind is EventKind.CALL:
            return None  # a phone call has no one place; «في السودان» is what they discussed
        if kind is EventKind.STATEMENT:
            # «أكد في غزة أن …» says where; «أكد أن الوضع في غزة …» is what was said.
            said_from = self._clause_end(view, trigger)
            candidates = [c for c in candidates if c[0] < said_from]
        if candidates:
            # Nearest to the trigger, preferring what follows it (the usual VSO order).
            k, place = min(
                candidates, key=lambda c: (c[0] < trigger.first, abs(c[0] - trigger.first))
            )
            if place.extractor == VENUE_EXTRACTOR:
                found.used_venues[place.start] = place
            return place
        if kind in (EventKind.CONFLICT, EventKind.DEMONSTRATION, EventKind.VISIT):
            # Where fighting, protests or visits are reported, a place named in the same
            # sentence without a preposition («وشهدت الرباط تظاهرات») is still where it was.
            nearest = self._nearest_place(view, sentence, trigger)
            if nearest is not None:
                return nearest
        if kind in (EventKind.MEETING, EventKind.STATEMENT, EventKind.DEMONSTRATION):
            return found.dateline_place
        return None

    def _clause_end(self, view: _DocView, trigger: _Match) -> int:
        stop = view.tokens_of(view.toks[trigger.first].sentence).stop
        for k in range(trigger.head_last, stop):
            if view.toks[k].token.text in QUOTE_MARKS or view.toks[k].norm == ":":
                return k
            if self._word_class(view, k) == "clause":
                return k
        return stop

    @staticmethod
    def _nearest_place(view: _DocView, sentence: int, trigger: _Match) -> Mention | None:
        places = [
            m
            for m in view.mentions
            if m.sentence == sentence
            and m.type is EntityType.PLACE
            and not view.in_quote(m.start, m.end)
        ]
        return min(places, key=lambda m: abs(m.start - trigger.start), default=None)

    def _locative(self, view: _DocView, k: int, mention: Mention, kind: EventKind) -> bool:
        """Whether the location mention at token ``k`` is introduced as where the event was."""
        glued = normalize(view.doc.text[view.toks[k].token.start : mention.start])
        if glued.endswith("ب"):  # the NER left the preposition outside: «ب|القاهرة»
            return True
        j = k - 1
        # Skip «مدينة», «العاصمة الأردنية» between the preposition and the name.
        while j >= 0 and k - j <= 3 and self._in_place_noun_phrase(view, j):
            if self._word_class(view, j) == "placenoun" and view.toks[j].norm[:1] == "ب":
                return True  # «بمدينة حلب»
            j -= 1
        before = self._word_class(view, j)
        if before == "place":
            return True
        if (kind, before) in ((EventKind.VISIT, "goal"), (EventKind.CONFLICT, "target")):
            return True
        # «زار القاهرة»: a visit verb takes its destination directly.
        return kind is EventKind.VISIT and j >= 0 and self._is_visit_verb(view, j)

    def _in_place_noun_phrase(self, view: _DocView, j: int) -> bool:
        if self._word_class(view, j) == "placenoun":
            return True
        return not view.toks[j].is_punct and self._word_class(view, j - 1) == "placenoun"

    def _is_visit_verb(self, view: _DocView, k: int) -> bool:
        found = _match_at(self.lexicons.triggers, view, k, k + 1)
        return found is not None and found.entry.payload == EventKind.VISIT.value

    # -- dates ----------------------------------------------------------------------------------

    def _date(self, found: _Found, sentences: Iterable[int], near: int) -> DateMatch | None:
        view = found.view
        spans = [view.sentence_by_index(s) for s in sentences]
        inside = [
            d
            for d in found.dates
            if any(s.start <= d.start < s.end for s in spans if s is not None)
        ]
        if inside:
            # «اليوم الأربعاء (12/7/2023)»: the explicit date wins over the anchored ones.
            return min(
                inside, key=lambda d: (d.start not in found.explicit_dates, abs(d.start - near))
            )
        if found.dateline_date is not None and 0 in sentences:
            return found.dateline_date
        return None

    # -- events ---------------------------------------------------------------------------------

    def _triggers(self, view: _DocView) -> list[_Match]:
        matches: list[_Match] = []
        for sentence in view.sentences:
            span = view.tokens_of(sentence.index)
            i = span.start
            while i < span.stop:
                found = _match_at(self.lexicons.triggers, view, i, span.stop)
                if found is None or not self._trigger_allowed(view, found):
                    i += 1
                    continue
                matches.append(found)
                i = found.head_last
        return matches

    def _trigger_allowed(self, view: _DocView, trigger: _Match) -> bool:
        if view.in_quote(trigger.start, trigger.end):
            return False
        inside = view.mention_at.get(trigger.first)
        if inside is None:
            return True
        # A mis-segmented mention may swallow a speech verb («وأكد داود»); other triggers inside
        # a name («مسيرات العودة») are part of that name.
        return trigger.entry.verb and inside.start <= trigger.start

    def _events(self, found: _Found, triggers: Sequence[_Match]) -> list[Event]:
        view = found.view
        role_orgs = {r.organization for r in found.roles if r.organization is not None}
        events: list[Event] = []
        seen: set[tuple[int, str]] = set()
        for trigger in triggers:
            kind = EventKind(trigger.entry.payload)
            sentence = view.toks[trigger.first].sentence
            if (sentence, kind.value) in seen:
                continue  # «التقى … خلال لقاء …» is one meeting
            seen.add((sentence, kind.value))
            date = self._date(found, (sentence,), trigger.start)
            event = Event(
                view.doc.id,
                kind,
                trigger.start,
                trigger.end,
                view.doc.text[trigger.start : trigger.end],
                (sentence,),
                self._participants(view, sentence, kind, role_orgs, found.venues.values()),
                self._place(found, trigger, kind),
                None if date is None else date.date,
                None if date is None else date.text,
            )
            if not self._merged(events, event, trigger):
                events.append(event)
        return [e for e in _dedupe(events) if self._worth_keeping(e)]

    @staticmethod
    def _merged(events: list[Event], event: Event, trigger: _Match) -> bool:
        """Fold a follow-up («وبحث الجانبان خلال اللقاء …») into the event it refers to."""
        for index in range(len(events) - 1, -1, -1):
            previous = events[index]
            if previous.kind is not event.kind:
                continue
            distance = event.sentences[0] - previous.sentences[-1]
            new_people = {_key(m) for m in event.participants} - {
                _key(m) for m in previous.participants
            }
            # «اللقاء» with no one new refers back to the meeting already reported, however far;
            # a nearby follow-up may add who else attended («وحضر اللقاء …»).
            if new_people and (distance > MAX_MERGE_DISTANCE or not trigger.definite):
                break
            if not trigger.definite and distance > MAX_MERGE_DISTANCE:
                break
            merged = replace(
                previous,
                sentences=tuple(sorted({*previous.sentences, *event.sentences})),
                participants=_unique([*previous.participants, *event.participants]),
                place=previous.place or event.place,
                date=previous.date or event.date,
                date_text=previous.date_text if previous.date else event.date_text,
            )
            events[index] = merged
            return True
        return False

    @staticmethod
    def _worth_keeping(event: Event) -> bool:
        if event.kind in (EventKind.CONFLICT, EventKind.DEMONSTRATION):
            return bool(event.participants) or event.place is not None
        return bool(event.participants)

    def _participants(
        self,
        view: _DocView,
        sentence: int,
        kind: EventKind,
        role_orgs: set[Mention],
        venues: Iterable[Mention] = (),
    ) -> tuple[Mention, ...]:
        """People (and groups) of the sentence, outside quotes and venue names («قصر عابدين»)."""
        in_sentence = [
            m
            for m in view.mentions
            if m.sentence == sentence
            and not view.in_quote(m.start, m.end)
            and not any(v.start <= m.start and m.end <= v.end for v in venues)
        ]
        people = [m for m in in_sentence if m.type is EntityType.PERSON]
        orgs = [
            m
            for m in in_sentence
            if m.type is EntityType.ORGANIZATION
            and m not in role_orgs
            and not self._is_source(view, m)
        ]
        # Organisations take part in fighting and protests; at a meeting or call they are
        # participants only when fewer than two people are named («التقى الوزير وفدا من النهضة»).
        group_kinds = (EventKind.CONFLICT, EventKind.DEMONSTRATION)
        if kind in group_kinds or len(people) < 2:
            return _unique(sorted([*people, *orgs], key=lambda m: m.start))
        return _unique(people)

    def _is_source(self, view: _DocView, mention: Mention) -> bool:
        k = view.token_span(mention.start, mention.end).start
        return self._word_class(view, k - 1) == "source" or self._word_class(view, k) == "source"

    # -- statements -----------------------------------------------------------------------------

    def _statements(self, found: _Found, triggers: Sequence[_Match]) -> list[Event]:
        view = found.view
        events: list[Event] = []
        for trigger in triggers:
            sentence = view.toks[trigger.first].sentence
            speaker = self._speaker(found, trigger)
            found.said.append(_Said(trigger, sentence, speaker))
            if speaker is None:
                continue
            date = self._date(found, (sentence,), trigger.start)
            events.append(
                Event(
                    view.doc.id,
                    EventKind.STATEMENT,
                    trigger.start,
                    trigger.end,
                    view.doc.text[trigger.start : trigger.end],
                    (sentence,),
                    (speaker,),
                    self._place(found, trigger, EventKind.STATEMENT),
                    None if date is None else date.date,
                    None if date is None else date.text,
                )
            )
        return events

    def _speaker(self, found: _Found, trigger: _Match) -> Mention | None:
        view = found.view
        stop = view.tokens_of(view.toks[trigger.first].sentence).stop
        swallowed = view.mention_at.get(trigger.first)
        if swallowed is not None and swallowed.type in (EntityType.PERSON, EntityType.ORGANIZATION):
            return swallowed  # the NER glued the verb to the name: «وأكد داود»
        if trigger.entry.continues:
            return self._refer(found, trigger, "*")
        k = trigger.head_last
        while k < stop and self._word_class(view, k) == "adverb":
            k += 1
        if k < stop and self._word_class(view, k) == "manner":
            return self._refer(found, trigger, "*")  # «وقال مخاطبا الحضور: …»
        if k < stop:
            # «أفاد منسق الطوارئ في منظمة … مارك بونسان»: a role phrase leads to its holder.
            holder = next(
                (r.person for r in found.roles if view.token_span(r.start, r.end).start == k),
                None,
            )
            if holder is not None:
                return holder
        window = self._subject_window(view, k, stop)
        named = [view.mention_at[i] for i in window if i in view.mention_at]
        people = [m for m in named if m.type is EntityType.PERSON]
        if people:
            return people[0]
        reference = self._reference_at(view, k, stop)
        if reference is not None:
            title, pronoun = reference
            referred = self._refer(found, trigger, title)
            if referred is None and pronoun:
                # «سماحته» always points back to someone: the last speaker if no title matches.
                referred = self._refer(found, trigger, "*")
            if referred is not None:
                return referred
        known = self._known_person_in(found, trigger, window)
        if known is not None:
            return known
        orgs = [m for m in named if m.type is EntityType.ORGANIZATION]
        if orgs:
            return orgs[0]
        before = self._subject_before(view, trigger)
        if before is not None:
            return before
        previous = trigger.first - 1
        if previous in view.tokens_of(view.toks[trigger.first].sentence):
            # SVO with an unnamed subject: «أن الوزير شدد» is the minister, «أن الجيش شدد» nobody.
            described = self._reference_at(view, previous, previous + 1)
            if described is not None:
                return self._refer(found, trigger, described[0])
            if _is_definite(view.toks[previous]) and self._word_class(view, previous) is None:
                return None
        if not window:  # «وقال: …», «وأضاف أن …»: the subject is the previous speaker
            return self._refer(found, trigger, "*")
        return None

    def _known_person_in(
        self, found: _Found, trigger: _Match, window: Sequence[int]
    ) -> Mention | None:
        """A person named earlier whose name word the NER missed here: «ورأى السيد داود»."""
        view = found.view
        if not window:
            return None
        first = self._honorific_end(view, window[0], window[-1] + 1)
        if first > window[-1] or first in view.mention_at:
            return None
        word = view.toks[first].norm
        if len(word) < 3 or word in NAME_PARTICLES:
            return None
        earlier = [
            m
            for m in view.mentions
            if m.type is EntityType.PERSON
            and m.end <= trigger.start
            and m.extractor != ALIAS_EXTRACTOR
            and word in _words(m.text)
        ]
        return earlier[-1] if earlier else None

    def _subject_window(self, view: _DocView, k: int, stop: int) -> list[int]:
        window: list[int] = []
        while k < stop and len(window) < MAX_SUBJECT_TOKENS:
            tok = view.toks[k]
            if tok.is_punct or self._word_class(view, k) in SUBJECT_BOUNDARIES:
                break
            window.append(k)
            k += 1
        return window

    def _subject_before(self, view: _DocView, trigger: _Match) -> Mention | None:
        span = view.tokens_of(view.toks[trigger.first].sentence)
        for k in range(trigger.first - 1, max(span.start, trigger.first - MAX_SVO_GAP) - 1, -1):
            mention = view.mention_at.get(k)
            if mention is not None and mention.type in (
                EntityType.PERSON,
                EntityType.ORGANIZATION,
            ):
                return mention
            if view.toks[k].is_punct or self._word_class(view, k) in SUBJECT_BOUNDARIES:
                return None  # «ميلر أن الوزير شدد»: the subject never lies across «أن»
        return None

    def _reference_at(self, view: _DocView, k: int, stop: int) -> tuple[str, bool] | None:
        """The title a reference word at ``k`` stands for, and whether it is a pronoun form.

        «سماحته», «جلالته» are pronouns (suffixed, no article); «الرئيس», «المتحدث» are
        descriptions that may also introduce someone not named before.
        """
        refs = self.lexicons.speaker_refs
        for length in (2, 1):
            if k + length > stop:
                continue
            words = [view.toks[i] for i in range(k, k + length)]
            rest = [w.norm for w in words[1:]]
            for first in (words[0].norm, *(f.stem for f in words[0].noun_forms)):
                phrase = " ".join([first, *rest])
                if phrase in refs:
                    return refs[phrase], not phrase.startswith("ال")
        return None

    def _refer(self, found: _Found, trigger: _Match, title: str) -> Mention | None:
        """The last speaker before ``trigger`` whose titles or role contain ``title``.

        The paragraph is searched first, then the article; a subject-less verb («وقال») also falls
        back to the first person named in the previous sentence of the paragraph.
        """
        view = found.view
        sentence = view.toks[trigger.first].sentence
        paragraph = view.paragraph[sentence]
        earlier = [
            (s.sentence, s.speaker)
            for s in found.said
            if s.speaker is not None and s.match.start < trigger.start
        ]
        same = [item for item in earlier if view.paragraph[item[0]] == paragraph]
        for pool in (same, earlier):
            for _, speaker in reversed(pool):
                if title == "*" or title in self._descriptors(found, speaker):
                    return speaker
        named_before = [
            m
            for m in view.mentions
            if m.type is EntityType.PERSON
            and m.start < trigger.start
            and not view.in_quote(m.start, m.end)
        ]
        people = [m for m in named_before if view.paragraph.get(m.sentence) == paragraph]
        if title != "*":
            # «وقال الوزير» names the last minister, even one who has not spoken yet.
            for candidates in (people, named_before):
                matching = [m for m in candidates if title in self._descriptors(found, m)]
                if matching:
                    return matching[-1]
            return None
        previous = [m for m in people if m.sentence < sentence]
        if previous:
            last_sentence = previous[-1].sentence
            return next(m for m in previous if m.sentence == last_sentence)
        return None

    def _descriptors(self, found: _Found, person: Mention) -> str:
        """Titles and roles attached to ``person`` (or another mention of the same name)."""
        view = found.view
        first = view.token_span(person.start, person.end).start
        before = [view.toks[k].norm for k in range(max(0, first - 3), first)]
        roles = [normalize(r.label) for r in found.roles if _same_person(r.person, person)]
        return " ".join([*before, normalize(person.text), *roles])

    # -- quotations -----------------------------------------------------------------------------

    def _quotations(self, found: _Found) -> list[Quotation]:
        view = found.view
        quotations: list[Quotation] = []
        for start, end in view.quotes:
            inner_start, inner_end = start + 1, end - 1
            words = len(view.doc.text[inner_start:inner_end].split())
            if words < 3:
                continue  # «طوفان الأقصى»: a name in quotes, not a quotation
            said = self._governing_verb(found, start, end)
            if said is not None:
                speaker = said.speaker
            elif words >= MIN_UNATTRIBUTED_QUOTE_WORDS:
                speaker = self._last_speaker(found, start)
            else:
                continue
            about = tuple(m for m in view.mentions if inner_start <= m.start and m.end <= inner_end)
            sentences = tuple(s.index for s in view.sentences if s.start < end and start < s.end)
            quotations.append(
                Quotation(
                    view.doc.id,
                    inner_start,
                    inner_end,
                    view.doc.text[inner_start:inner_end],
                    sentences or (view.sentence_of(start),),
                    speaker,
                    about,
                )
            )
        return quotations

    def _governing_verb(self, found: _Found, start: int, end: int) -> _Said | None:
        view = found.view
        opening = view.sentence_of(start)
        before = [s for s in found.said if s.sentence == opening and s.match.end <= start]
        if before:
            return before[-1]
        closing = view.sentence_of(end - 1)
        after = [
            s
            for s in found.said
            if s.match.start >= end
            and s.sentence in (closing, view.sentence_of(end))
            and len(view.token_span(end, s.match.start)) <= 3
        ]
        return after[0] if after else None

    @staticmethod
    def _last_speaker(found: _Found, offset: int) -> Mention | None:
        view = found.view
        paragraph = view.paragraph[view.sentence_of(offset)]
        earlier = [s for s in found.said if s.speaker is not None and s.match.start < offset]
        same = [s for s in earlier if view.paragraph[s.sentence] == paragraph]
        # A paragraph that is only a quote continues the speaker of the paragraph before.
        for said in reversed(same or earlier):
            return said.speaker
        return None


# ---------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------


def _is_definite(tok: _Tok) -> bool:
    return any(form.definite for form in tok.noun_forms) or tok.norm.startswith("ال")


def _key(mention: Mention) -> str:
    return " ".join(_words(mention.text))


def _same_person(a: Mention, b: Mention) -> bool:
    """Loose identity of two person mentions: one name contains the other («داود»)."""
    key_a, key_b = _key(a), _key(b)
    return key_a in key_b or key_b in key_a


def _unique(mentions: Iterable[Mention]) -> tuple[Mention, ...]:
    kept: dict[str, Mention] = {}
    for mention in mentions:
        kept.setdefault(_key(mention), mention)
    return tuple(kept.values())


def _dedupe(events: Iterable[Event]) -> Iterator[Event]:
    seen: set[tuple[str, int]] = set()
    for event in events:
        if (event.kind.value, event.trigger_start) not in seen:
            seen.add((event.kind.value, event.trigger_start))
            yield event


def _role(
    view: _DocView,
    head: _Match,
    end: int,
    label_end: int,
    person: Mention,
    org: Mention | None,
) -> Role:
    """A role phrase from its head word to ``end``; the label stops at ``label_end``."""
    return Role(
        view.doc.id,
        head.start,
        end,
        view.doc.text[head.start : label_end],
        person,
        view.toks[head.first].sentence,
        org,
    )
