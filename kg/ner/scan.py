"""The scanning loop the rule extractors share, and the function words none of them takes as a
name. Kept apart from the extractors so that each rule module can use it without the others."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from typing import TypeVar

from kg.model import Document, EntityType, Mention, Sentence
from kg.resources import read_lexicon
from kg.text import normalize

# A match: first token, end token (exclusive) and type.
Span = tuple[int, int, EntityType]
W = TypeVar("W")
# Word forms a WordGate remembers; past this it starts afresh (flat memory on a big corpus).
GATE_WORDS = 100_000


def scan(
    doc: Document,
    sentences: Sequence[Sentence],
    extractor: str,
    match: Callable[[Sequence[W], int], Span | None],
    word: Callable[[str], W],
    starts: Callable[[Sequence[str]], Iterable[int]] | None = None,
) -> list[Mention]:
    """Mentions where ``match`` finds a span, trying each token of each sentence in turn and
    going on after the span it found. ``match`` sees the sentence as ``word`` of each token's
    matching form.

    ``starts``, given the matching forms, names the positions (ascending) where a span can
    open; ``match`` is tried only there. It must be exact: where it names no position,
    ``match`` finds nothing (most tokens open no name, and the check is one look-up each)."""
    mentions: list[Mention] = []
    for sentence in sentences:
        tokens = sentence.tokens
        norms = sentence.norms
        words = norms if word is same else [word(norm) for norm in norms]
        free = 0  # the first token after the last span found
        for i in range(len(tokens)) if starts is None else starts(norms):
            if i < free:
                continue
            found = match(words, i)  # type: ignore[arg-type]  # words are W when word is not same
            if found is None:
                continue
            start, end, entity_type = found
            first, last = tokens[start], tokens[end - 1]
            text = doc.text[first.start : last.end]
            mentions.append(
                Mention(doc.id, first.start, last.end, text, entity_type, sentence.index, extractor)
            )
            free = max(end, i + 1)
    return mentions


class WordGate(dict[str, bool]):
    """A yes/no about a word form, worked out once per form: ``gate[norm]``. For
    :func:`scan`'s ``starts``: :meth:`positions` lists the words it says yes to.

    >>> gate = WordGate(lambda norm: norm.startswith("ال"))
    >>> gate.positions(["قال", "الرئيس", "في", "القاهره"])
    [1, 3]
    """

    def __init__(self, test: Callable[[str], bool]) -> None:
        super().__init__()
        self.test = test

    def __missing__(self, norm: str) -> bool:
        if len(self) >= GATE_WORDS:
            self.clear()
        answer = self[norm] = self.test(norm)
        return answer

    def positions(self, norms: Sequence[str]) -> list[int]:
        """The positions of the words the gate says yes to."""
        return [i for i, norm in enumerate(norms) if self[norm]]


def same(norm: str) -> str:
    """The matching form itself, for matchers that need no more than the normalised token."""
    return norm


@lru_cache(maxsize=1)
def function_words() -> tuple[str, ...]:
    """The normalised function words of ``kg/data/events/function_words.tsv``: never a name."""
    return tuple(
        normalize(line.split("\t")[0]) for line in read_lexicon("events/function_words.tsv")
    )
