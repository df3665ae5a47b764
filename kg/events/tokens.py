"""A document as the rules see it: tokens with their clitic-stripped forms, mentions by token,
sentences and paragraphs, and lexicon phrases matched at a token."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

from kg.dates import fold
from kg.events.lexicons import (
    MAX_GAP_TOKENS,
    NOUN_PREFIXES,
    QUOTES,
    SUFFIXES,
    VERB_PREFIXES,
    VERB_SUFFIXES,
    Entry,
    PhraseIndex,
    words_of,
)
from kg.model import Document, EntityType, Mention, Sentence, Token


class Form(NamedTuple):
    """One reading of a word: its stem and where the stem begins in the word as written
    (``offset``; :meth:`Tok.start_of` gives the offset in the document). A named tuple: words
    have several readings each, and a tuple is made twice as fast as a frozen dataclass."""

    stem: str
    offset: int
    definite: bool


@dataclass(slots=True)
class Tok:
    """A token as the event rules read it. Not frozen: one is made for every token of every
    document, and a frozen dataclass is made four times slower (nothing changes a Tok)."""

    index: int
    token: Token
    sentence: int
    norm: str
    noun_forms: tuple[Form, ...]
    verb_forms: tuple[Form, ...]

    @property
    def is_punct(self) -> bool:
        return not any(char.isalnum() for char in self.token.text)

    def start_of(self, form: Form) -> int:
        """Document offset where ``form``'s stem begins in this token."""
        return self.token.start + form.offset


# News repeats its vocabulary, so each distinct word is analysed once while it stays among the
# recent ones (an LRU: 20,000 words, ~0.9 KB each, cover 93 % of the tokens of 125,000 words
# of news); the forms hold offsets inside the word, never the document's, so every occurrence
# shares them.
@lru_cache(maxsize=20_000)
def word_forms(word: str) -> tuple[tuple[Form, ...], tuple[Form, ...]]:
    """The readings of ``word`` as a noun (proclitics, the article and pronoun suffixes off)
    and as a verb (its conjunction, future and object suffixes off).

    >>> nouns, verbs = word_forms("بالمجلس")
    >>> [(f.stem, f.offset, f.definite) for f in nouns]
    [('بالمجلس', 0, False), ('المجلس', 1, False), ('مجلس', 1, True)]
    >>> [(f.stem, f.offset) for f in word_forms("وقال")[1]]
    [('وقال', 0), ('قال', 1)]
    """
    folded, origin = fold(word)
    return (
        _forms(word, folded, origin, _NOUN_AFFIXES, article=True),
        _forms(word, folded, origin, _VERB_AFFIXES, article=False),
    )


class _Affixes:
    """Prefixes by the letter they start with and suffixes by the letter they end with, each in
    its list's order (the order of the forms found), so a word tries only those that can fit."""

    def __init__(self, prefixes: Sequence[str], suffixes: Sequence[str]) -> None:
        letters = {p[0] for p in prefixes if p} | {s[-1] for s in suffixes}
        self._prefixes = {c: tuple(p for p in prefixes if not p or p[0] == c) for c in letters}
        self._bare = tuple(p for p in prefixes if not p)
        self._suffixes = {c: tuple(s for s in suffixes if s[-1] == c) for c in letters}

    def prefixes(self, word: str) -> tuple[str, ...]:
        return self._prefixes.get(word[:1], self._bare)

    def suffixes(self, word: str) -> tuple[str, ...]:
        return self._suffixes.get(word[-1:], ())


_NOUN_AFFIXES = _Affixes(NOUN_PREFIXES, SUFFIXES)
_VERB_AFFIXES = _Affixes(VERB_PREFIXES, VERB_SUFFIXES)


def _forms(
    word: str, folded: str, origin: Sequence[int], affixes: _Affixes, *, article: bool
) -> tuple[Form, ...]:
    found: dict[str, Form] = {}

    def add(stem: str, cut: int, definite: bool) -> None:
        if len(stem) >= 2 and stem not in found:
            offset = origin[cut] if cut < len(origin) else len(word)
            found[stem] = Form(stem, offset, definite)

    for prefix in affixes.prefixes(folded):
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
            for suffix in affixes.suffixes(base):
                if base.endswith(suffix) and len(base) - len(suffix) >= 3:
                    stem = base[: -len(suffix)]
                    add(stem, base_cut, definite)
                    if stem[-1] == "ت":  # زيارته ← زيارة
                        add(stem[:-1] + "ه", base_cut, definite)
                    if stem[-1] in "ئؤ":  # لقائهما ← لقاء
                        add(stem[:-1] + "ء", base_cut, definite)
    return tuple(found.values())


@dataclass
class DocView:
    """Tokens, mentions and paragraphs of one document, indexed for the rules."""

    doc: Document
    sentences: Sequence[Sentence]
    toks: list[Tok]
    sentence_range: dict[int, tuple[int, int]]
    paragraph: dict[int, int]
    mentions: list[Mention] = field(default_factory=list)
    mention_at: dict[int, Mention] = field(default_factory=dict)  # token index -> mention
    quotes: list[tuple[int, int]] = field(default_factory=list)
    token_starts: list[int] = field(default_factory=list)
    token_ends: list[int] = field(default_factory=list)

    @classmethod
    def build(cls, doc: Document, sentences: Sequence[Sentence]) -> DocView:
        toks: list[Tok] = []
        sentence_range: dict[int, tuple[int, int]] = {}
        paragraph: dict[int, int] = {}
        current_paragraph, previous_end = 0, 0
        for sentence in sentences:
            if "\n" in doc.text[previous_end : sentence.start]:
                current_paragraph += 1
            paragraph[sentence.index] = current_paragraph
            previous_end = sentence.end
            first = len(toks)
            for token, norm in zip(sentence.tokens, sentence.norms, strict=True):
                nouns, verbs = word_forms(token.text)
                toks.append(Tok(len(toks), token, sentence.index, norm, nouns, verbs))
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

    def mention(
        self, start: int, end: int, entity_type: EntityType, sentence: int, extractor: str
    ) -> Mention:
        """A mention the rules make of ``start``–``end`` of this document."""
        text = self.doc.text[start:end]
        return Mention(self.doc.id, start, end, text, entity_type, sentence, extractor)

    def tokens_of(self, sentence: int) -> range:
        first, last = self.sentence_range.get(sentence, (0, 0))
        return range(first, last)

    def sentence_by_index(self, index: int) -> Sentence | None:
        return next((s for s in self.sentences if s.index == index), None)

    def in_quote(self, start: int, end: int) -> bool:
        return any(q_start <= start and end <= q_end for q_start, q_end in self.quotes)


@dataclass(frozen=True)
class Match:
    """A lexicon phrase found in the text: token range and character span (clitic excluded)."""

    entry: Entry
    first: int
    last: int  # exclusive token index
    head_last: int  # exclusive end of the first segment (the gap after it holds the subject)
    start: int
    end: int
    definite: bool


def _word_matches(tok: Tok, word: str) -> bool:
    return tok.norm == word or any(form.stem == word for form in tok.noun_forms)


def segment_at(view: DocView, words: Sequence[str], index: int, stop: int) -> bool:
    if index + len(words) > stop:
        return False
    return all(_word_matches(view.toks[index + k], w) for k, w in enumerate(words))


def _opens(index: PhraseIndex, tok: Tok) -> bool:
    """Whether a phrase of ``index`` can start at ``tok`` (by its word, remembered)."""
    opens = index.opens.get(tok.token.text)
    if opens is None:
        stems = [form.stem for form in (*tok.verb_forms, *tok.noun_forms)]
        opens = index.learn(tok.token.text, stems)
    return opens


def opening_positions(index: PhraseIndex, view: DocView, span: range) -> list[int]:
    """The tokens of ``span`` where a phrase of ``index`` can start: :func:`match_at` finds
    nothing anywhere else. Most words open none, and one pass over them is cheaper than a
    call of :func:`match_at` at each."""
    known, toks = index.opens, view.toks
    positions = []
    for i in span:
        tok = toks[i]
        opens = known.get(tok.token.text)
        if opens or (opens is None and _opens(index, tok)):
            positions.append(i)
    return positions


def match_at(index: PhraseIndex, view: DocView, i: int, stop: int) -> Match | None:
    """The longest lexicon phrase starting at token ``i`` (before token ``stop``), if any."""
    tok = view.toks[i]
    if not _opens(index, tok):
        return None
    best: Match | None = None
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
                candidate = Match(entry, i, last, head_last, tok.start_of(form), end, definite)
                if best is None or candidate.last - candidate.first > best.last - best.first:
                    best = candidate
    return best


def _match_rest(entry: Entry, view: DocView, i: int, stop: int) -> tuple[int, int] | None:
    first_segment = entry.segments[0]
    if not segment_at(view, first_segment[1:], i + 1, stop):
        return None
    head_last = cursor = i + len(first_segment)
    for segment in entry.segments[1:]:
        for start in range(cursor, min(stop, cursor + MAX_GAP_TOKENS + 1)):
            if segment_at(view, segment, start, stop):
                cursor = start + len(segment)
                break
        else:
            return None
    return head_last, cursor


def is_definite(tok: Tok) -> bool:
    return any(form.definite for form in tok.noun_forms) or tok.norm.startswith("ال")


def mention_key(mention: Mention) -> str:
    return " ".join(words_of(mention.text))


def same_person(a: Mention, b: Mention) -> bool:
    """Loose identity of two person mentions: one name contains the other («داود»)."""
    key_a, key_b = mention_key(a), mention_key(b)
    return key_a in key_b or key_b in key_a


def unique_mentions(mentions: Iterable[Mention]) -> tuple[Mention, ...]:
    kept: dict[str, Mention] = {}
    for mention in mentions:
        kept.setdefault(mention_key(mention), mention)
    return tuple(kept.values())
