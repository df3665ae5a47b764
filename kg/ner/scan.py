"""The scanning loop the rule extractors share, and the function words none of them takes as a
name. Kept apart from the extractors so that each rule module can use it without the others."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import TypeVar

from kg.model import Document, EntityType, Mention, Sentence
from kg.resources import read_lexicon
from kg.text import normalize, normalize_token

# A match: first token, end token (exclusive) and type.
Span = tuple[int, int, EntityType]
W = TypeVar("W")


def scan(
    doc: Document,
    sentences: Sequence[Sentence],
    extractor: str,
    match: Callable[[Sequence[W], int], Span | None],
    word: Callable[[str], W],
) -> list[Mention]:
    """Mentions where ``match`` finds a span, trying each token of each sentence in turn and
    going on after the span it found. ``match`` sees the sentence as ``word`` of each token's
    matching form."""
    mentions: list[Mention] = []
    for sentence in sentences:
        tokens = sentence.tokens
        words = [word(normalize_token(token.text)) for token in tokens]
        i = 0
        while i < len(tokens):
            found = match(words, i)
            if found is None:
                i += 1
                continue
            start, end, entity_type = found
            first, last = tokens[start], tokens[end - 1]
            text = doc.text[first.start : last.end]
            mentions.append(
                Mention(doc.id, first.start, last.end, text, entity_type, sentence.index, extractor)
            )
            i = max(end, i + 1)
    return mentions


def same(norm: str) -> str:
    """The matching form itself, for matchers that need no more than the normalised token."""
    return norm


@lru_cache(maxsize=1)
def function_words() -> tuple[str, ...]:
    """The normalised function words of ``kg/data/events/function_words.tsv``: never a name."""
    return tuple(
        normalize(line.split("\t")[0]) for line in read_lexicon("events/function_words.tsv")
    )
