"""CRF tagging without feature strings: a CRFsuite model's weights as arrays, each word form's
share of the state scores summed once, and Viterbi over a document's sentences at once.

CRFsuite tags an item from its attribute strings: about 45 per token, built in Python and looked
up in the model, though the shipped model weighs only 25,430 attributes. Most of a token's
attributes belong to its word form wherever it stands (its form, stem, affixes, word classes, and
what it shows its neighbours' windows, the one-word lexicon phrases it is), and news repeats
its vocabulary, so :class:`CRFDecoder` sums those weights once per word form
(:class:`~kg.ner.features.WordParts`, the strings the features give it) and per token adds only
what depends on the place, a document at a time: the position, the word pairs, lexicon phrases
of two or more words. The labels are CRFsuite's (the same arithmetic in another order; the tests
compare both on real text).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import chain, repeat
from typing import NamedTuple

import numpy as np
import pycrfsuite

from kg.ner.features import (
    OFFSETS,
    OUTSIDE,
    FeatureConfig,
    Lexicons,
    WordParts,
    flags_at,
    lexicon_used,
    phrase_hits,
    position_features,
    word_pairs,
    word_parts,
)

__all__ = ["CRFDecoder", "CRFWeights"]

# Word forms scored and kept per process; past this the table starts afresh (flat memory).
MAX_WORDS = 100_000
_SLOTS = 1 + 4 + 2  # a word form's own score, as a neighbour at each offset, its ±1 class
# Positions with features of their own (pos=0, pos=1, pos=2 up to the fifth, pos=5 after).
_POSITION_BUCKETS = 6


@dataclass(frozen=True)
class CRFWeights:
    """A linear-chain CRF's parameters: state weights by attribute, transition weights."""

    labels: tuple[str, ...]  # in the model's label order
    attributes: Mapping[str, int]  # attribute -> row of ``states``
    states: np.ndarray  # (attributes + 1, labels): the last row zeros
    transitions: np.ndarray  # (labels, labels): from the row's label to the column's

    @classmethod
    def of(cls, tagger: pycrfsuite.Tagger) -> CRFWeights:
        """The weights of an opened CRFsuite model."""
        info = tagger.info()
        labels = tuple(sorted(info.labels, key=lambda label: int(info.labels[label])))
        index = {label: k for k, label in enumerate(labels)}
        attributes: dict[str, int] = {}
        for attribute, _ in info.state_features:
            attributes.setdefault(attribute, len(attributes))
        states = np.zeros((len(attributes) + 1, len(labels)))
        for (attribute, label), weight in info.state_features.items():
            states[attributes[attribute], index[label]] = weight
        transitions = np.zeros((len(labels), len(labels)))
        for (source, target), weight in info.transitions.items():
            transitions[index[source], index[target]] = weight
        return cls(labels, attributes, states, transitions)

    def scores(self, groups: Iterable[Sequence[str]]) -> np.ndarray:
        """The summed weights of each group of features, for each label: (groups, labels).
        Features the model does not weigh add nothing (the zero row past the weights)."""
        groups = list(groups)
        sizes = np.fromiter(map(len, groups), dtype=np.intp, count=len(groups))
        summed = np.zeros((len(groups), len(self.labels)))
        if not sizes.any():
            return summed
        zero = len(self.attributes)
        features = chain.from_iterable(groups)
        rows = np.fromiter(
            map(self.attributes.get, features, repeat(zero)), dtype=np.intp, count=int(sizes.sum())
        )
        # Each group's rows are a run: sum the runs of the groups that have any.
        filled = sizes > 0
        starts = (np.cumsum(sizes) - sizes)[filled]
        summed[filled] = np.add.reduceat(self.states[rows], starts, axis=0)
        return summed


class CRFDecoder:
    """Labels of tokenised sentences, as CRFsuite gives them for the features of
    :func:`~kg.ner.features.sentence_features`, scored by word form (module docstring)."""

    def __init__(self, weights: CRFWeights, lexicons: Lexicons, config: FeatureConfig) -> None:
        self.weights, self.lexicons, self.config = weights, lexicons, config
        n_labels = len(weights.labels)
        # Row k: the k-th word form's scores: its own (slot 0), what it adds to the token at
        # offset -d from it as that token's neighbour at d (slots 1-4: OFFSETS), its word class
        # as the neighbour at -1 and 1 (slots 5, 6). Capacity doubles as forms come.
        self._row: dict[str, int] = {}
        self._table = np.zeros((1024, _SLOTS, n_labels))
        self._forms: list[tuple[str, str]] = []  # each scored word form's (norm, stem)
        self._pending: list[WordParts] = []
        # A window position past the sentence's edge, at each offset.
        self._outside = weights.scores([OUTSIDE[d]] for d in OFFSETS)
        self._zero = len(weights.attributes)  # the zero row past the weights
        self._phrases = _StemPhrases(lexicons, config)
        # Position features: the k-th token's (the last for any later one), the first's and
        # the last's extra (BOS, EOS).
        edges = ("BOS", "EOS")
        self._position = weights.scores(
            [f for f in position_features(k, k + 2) if f not in edges]
            for k in range(_POSITION_BUCKETS)
        )
        self._edge = weights.scores([edge] for edge in edges)

    def tag(self, sentences: Sequence[Sequence[str]]) -> list[list[str]]:
        """BIO labels for each sentence (one document's, for speed)."""
        return self.tag_with_stems(sentences)[0]

    def tag_with_stems(
        self, sentences: Sequence[Sequence[str]]
    ) -> tuple[list[list[str]], list[list[str]]]:
        """:meth:`tag`, and each token's stem (its normal form without proclitics), which the
        features worked out anyway and document consistency matches names on."""
        lengths = [len(tokens) for tokens in sentences]
        if not any(lengths):
            return [[] for _ in sentences], [[] for _ in sentences]
        if len(self._row) + sum(lengths) > MAX_WORDS:
            self._clear()
        rows = np.array([self._row_of(t) for tokens in sentences for t in tokens], dtype=np.intp)
        self._flush()
        forms = [self._forms[row] for row in rows.tolist()]
        norms = [norm for norm, _ in forms]
        stems = [stem for _, stem in forms]
        scores = self._scores(lengths, rows, norms, stems)
        paths = _viterbi(scores, lengths, self.weights.transitions)
        labels = [[self.weights.labels[k] for k in path] for path in paths]
        starts = np.cumsum([0, *lengths[:-1]]).tolist()
        return labels, [stems[start : start + n] for start, n in zip(starts, lengths, strict=True)]

    def _scores(
        self, lengths: Sequence[int], rows: np.ndarray, norms: list[str], stems: list[str]
    ) -> np.ndarray:
        config = self.config
        table = self._table
        total: np.ndarray = table[rows, 0].copy()
        # Position of each token in its sentence, and its sentence's length.
        position = np.concatenate([np.arange(n) for n in lengths])
        length = np.repeat(np.asarray(lengths), lengths)
        classes = config.clusters and bool(self.lexicons.clusters)
        for k, d in enumerate(OFFSETS):
            inside = (position + d >= 0) & (position + d < length)
            neighbours = rows[np.flatnonzero(inside) + d]
            total[inside] += table[neighbours, 1 + k]
            if classes and abs(d) == 1:
                total[inside] += table[neighbours, 5 + (d > 0)]
            if config.window:
                total[~inside] += self._outside[k]
        # What depends on the token's place, a document at a time: its position, the word
        # pairs around it (one feature string each, looked up in C), lexicon phrases (few).
        if config.position:
            total += self._position[np.minimum(position, len(self._position) - 1)]
            total[position == 0] += self._edge[0]
            total[position == length - 1] += self._edge[1]
        if config.bigrams:
            get, zero, states = self.weights.attributes.get, self._zero, self.weights.states
            for strings in self._word_pairs(norms, stems, lengths):
                total += states[list(map(get, strings, repeat(zero)))]
        self._add_lexicon_hits(total, stems, lengths)
        return total

    def _word_pairs(
        self, norms: list[str], stems: list[str], lengths: Sequence[int]
    ) -> list[list[str]]:
        """The document's word-pair features by kind, one string per token (sentence by
        sentence, as :func:`~kg.ner.features.word_pairs` gives them)."""
        kinds: list[list[str]] = []
        start = 0
        for n in lengths:
            pairs = word_pairs(norms[start : start + n], stems[start : start + n], self.config)
            kinds = kinds or [[] for _ in pairs]
            for kind, strings in zip(kinds, pairs, strict=True):
                kind.extend(strings)
            start += n
        return kinds

    def _add_lexicon_hits(
        self, total: np.ndarray, stems: list[str], lengths: Sequence[int]
    ) -> None:
        """Add the weights of the lexicon phrases of two or more words (a one-word phrase is
        its word form's, scored with it): a token's own and its neighbours' hits, in the order
        sentence_features gives them."""
        tokens: list[int] = []
        features: list[list[str]] = []
        phrases = self._phrases
        start = 0
        for n in lengths:
            sentence = stems[start : start + n]
            opening = [i for i, stem in enumerate(sentence) if phrases[stem].by_second]
            hits = phrase_hits(sentence, opening, phrases.opened_before)
            near = {i - d for i in hits for d in OFFSETS if 0 <= i - d < n}
            for i in sorted(near.union(hits)):
                found = list(hits.get(i, ()))
                for d in OFFSETS:
                    if i + d in hits:
                        found.extend(flags_at(hits[i + d], d))
                tokens.append(start + i)
                features.append(found)
            start += n
        if tokens:
            total[tokens] += self.weights.scores(features)

    def _row_of(self, token: str) -> int:
        row = self._row.get(token)
        if row is None:
            row = self._row[token] = len(self._row)
            self._pending.append(word_parts(token, self.lexicons, self.config))
        return row

    def _flush(self) -> None:
        """Score the word forms met since the last call."""
        if not self._pending:
            return
        scores, pending = self.weights.scores, self._pending
        start, end = len(self._forms), len(self._forms) + len(pending)
        if end > len(self._table):
            grown = np.zeros((max(end, 2 * len(self._table)), *self._table.shape[1:]))
            grown[:start] = self._table[:start]
            self._table = grown
        # A one-word lexicon phrase is a hit wherever its word stands: the word's own feature,
        # and one it shows each neighbour.
        one_word = [self._phrases[p.stem].one_word for p in pending]
        self._table[start:end, 0] = scores(
            p.own if not names else (*p.own, *(f"{name}:B" for name in names))
            for p, names in zip(pending, one_word, strict=True)
        )
        for k, d in enumerate(OFFSETS):
            self._table[start:end, 1 + k] = scores(
                p.near[d] if not names else (*p.near[d], *flags_at([f"{n}:B" for n in names], d))
                for p, names in zip(pending, one_word, strict=True)
            )
        for k, d in enumerate((-1, 1)):
            classes = ([p.class_near[d]] if d in p.class_near else [] for p in pending)
            self._table[start:end, 5 + k] = scores(classes)
        self._forms.extend((p.norm, p.stem) for p in self._pending)
        self._pending = []

    def _clear(self) -> None:
        self._row.clear()
        self._forms.clear()
        self._phrases.clear()


_Phrase = tuple[tuple[str, ...], str]  # (words, lexicon name)


class _Opened(NamedTuple):
    one_word: tuple[str, ...]  # names of the lexicons that list the word as a phrase
    # The longer phrases it opens by their second word, each in the lexicons' order: a common
    # first word («وزير») opens hundreds, and a token can only continue those of its neighbour.
    by_second: Mapping[str, tuple[_Phrase, ...]]


_NONE = _Opened((), {})  # most stems: shared


class _StemPhrases(dict[str, _Opened]):
    """The lexicon phrases each stem opens (:func:`~kg.ner.features.lexicon_hits`' table, less
    the lexicons the features leave out), worked out the first time the stem is met."""

    def __init__(self, lexicons: Lexicons, config: FeatureConfig) -> None:
        super().__init__()
        self.lexicons, self.config = lexicons, config

    def __missing__(self, stem: str) -> _Opened:
        one_word: list[str] = []
        by_second: dict[str, list[_Phrase]] = {}
        for words, name in self.lexicons.phrases.get(stem, ()):
            if lexicon_used(name, self.config):
                if len(words) == 1:
                    one_word.append(name)
                else:
                    by_second.setdefault(words[1], []).append((words, name))
        opened = (
            _Opened(tuple(one_word), {second: tuple(found) for second, found in by_second.items()})
            if one_word or by_second
            else _NONE
        )
        self[stem] = opened
        return opened

    def opened_before(self, stem: str, following: str) -> tuple[_Phrase, ...]:
        """The longer phrases ``stem`` opens whose second word is ``following``."""
        return self[stem].by_second.get(following, ())


def _viterbi(
    scores: np.ndarray, lengths: Sequence[int], transitions: np.ndarray
) -> list[list[int]]:
    """The best label path of each sentence (``lengths`` tokens each, their state ``scores``
    stacked), all sentences stepped through together, longest first: at each step the
    sentences still going are a prefix, so a step is a few whole-array operations."""
    n_labels = transitions.shape[0]
    count, longest = len(lengths), max(lengths)
    order = sorted(range(count), key=lambda k: -lengths[k])  # stable: ties keep their order
    sizes = np.asarray([lengths[k] for k in order])
    starts = np.cumsum([0, *lengths[:-1]])
    padded = np.zeros((count, longest, n_labels))
    for row, k in enumerate(order):
        padded[row, : lengths[k]] = scores[starts[k] : starts[k] + lengths[k]]
    # going[t]: how many sentences (a prefix, longest first) have a token t.
    going = count - np.searchsorted(sizes[::-1], np.arange(longest), side="right")
    best = padded[:, 0, :].copy()
    back = np.zeros((count, longest, n_labels), dtype=np.intp)
    for t in range(1, longest):
        m = going[t]
        candidates = best[:m, :, None] + transitions[None, :, :]
        back[:m, t, :] = candidates.argmax(axis=1)
        best[:m] = candidates.max(axis=1) + padded[:m, t, :]
    # Back from each sentence's best last label, all sentences a step at a time.
    path = np.zeros((count, longest), dtype=np.intp)
    rows = np.arange(count)
    path[rows, np.maximum(sizes - 1, 0)] = best.argmax(axis=1)
    for t in range(longest - 1, 0, -1):
        m = going[t]
        path[:m, t - 1] = back[rows[:m], t, path[:m, t]]
    paths: list[list[int]] = [[] for _ in range(count)]
    for row, k in enumerate(order):
        paths[k] = path[row, : lengths[k]].tolist()
    return paths
