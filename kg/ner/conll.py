"""CoNLL-style NER files and conlleval-compatible entity scoring.

Scores are fractions in [0, 1]; a span counts only when start, end and type all match.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass

from kg.errors import InputError
from kg.text import normalize

# A label is O or a B-/I- prefix plus a type; E-/S- (IOBES) are accepted and read as I-/B-.
_LABEL = re.compile(r"^(?:O|[BIES]-\S+)$")


# Marker lines, not tokens: CoNLL's document start and Wojood's segment end.
MARKERS = frozenset({"-DOCSTART-", "$#$"})


def read_conll(
    path: str | os.PathLike[str], *, label_column: int = -1
) -> list[list[tuple[str, str]]]:
    """Read ``token [... ] label`` lines (space or tab separated), blank line between sentences.

    The first column is the token and the last the label (``label_column=1``: the second, the
    outermost of Wojood's nested labels); a one-column file gets label "O".
    Raises :class:`InputError` naming the file and line on bad UTF-8 or a malformed label.
    """
    try:
        with open(path, "rb") as fh:
            raw = fh.read()
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line_no = raw[: exc.start].count(b"\n") + 1
        raise InputError(f"{path}: line {line_no}: not valid UTF-8") from exc

    sentences: list[list[tuple[str, str]]] = []
    current: list[tuple[str, str]] = []
    for line_no, line in enumerate(text.splitlines(), start=1):
        cols = line.split()
        if not cols:
            if current:
                sentences.append(current)
                current = []
            continue
        if cols[0] in MARKERS:
            continue
        label = cols[label_column] if len(cols) >= 2 else "O"
        if not _LABEL.match(label):
            raise InputError(f"{path}: line {line_no}: malformed label {label!r}")
        current.append((cols[0], label))
    if current:
        sentences.append(current)
    return sentences


def bio_spans(labels: Sequence[str]) -> list[tuple[int, int, str]]:
    """Entity spans ``(start, end_exclusive, type)`` with conlleval semantics.

    An I- tag after O or after another type starts a new span (it is not dropped).

    >>> bio_spans(["B-PERS", "I-PERS", "O", "I-LOC", "B-LOC", "I-ORG"])
    [(0, 2, 'PERS'), (3, 4, 'LOC'), (4, 5, 'LOC'), (5, 6, 'ORG')]
    """
    spans: list[tuple[int, int, str]] = []
    start = -1
    kind = ""
    for i, label in enumerate(labels):
        if len(label) > 2 and label[1] == "-" and label[0] in "BIES":
            prefix, typ = label[0], label[2:]
        else:
            prefix, typ = "O", ""
        continues = prefix in "IE" and start >= 0 and typ == kind
        if start >= 0 and not continues:
            spans.append((start, i, kind))
            start = -1
        if prefix != "O" and not continues:
            start, kind = i, typ
        if start >= 0 and prefix in "ES":
            spans.append((start, i + 1, kind))
            start = -1
    if start >= 0:
        spans.append((start, len(labels), kind))
    return spans


@dataclass(frozen=True)
class Score:
    """Entity-level precision, recall and F1 (fractions) and the number of gold spans."""

    precision: float
    recall: float
    f1: float
    support: int


def _score(tp: int, n_pred: int, n_gold: int) -> Score:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return Score(p, r, f, n_gold)


Span = tuple[int, int, str]


def _span_counts(
    gold: Sequence[Sequence[str]],
    predicted: Sequence[Sequence[str]],
    group: Callable[[int, Span], str],
) -> tuple[Counter[str], Counter[str], Counter[str]]:
    """(true positives, predicted, gold) entity spans per ``group(sentence index, span)``."""
    if len(gold) != len(predicted):
        raise ValueError(f"{len(gold)} gold sentences but {len(predicted)} predicted")
    tp: Counter[str] = Counter()
    n_pred: Counter[str] = Counter()
    n_gold: Counter[str] = Counter()
    for i, (g, p) in enumerate(zip(gold, predicted, strict=True)):
        if len(g) != len(p):
            raise ValueError(f"sentence {i}: {len(g)} gold labels but {len(p)} predicted")
        gs = set(bio_spans(g))
        ps = set(bio_spans(p))
        for span in gs:
            n_gold[group(i, span)] += 1
        for span in ps:
            key = group(i, span)  # once: for novelty it normalises the span's text
            n_pred[key] += 1
            if span in gs:
                tp[key] += 1
    return tp, n_pred, n_gold


def evaluate(gold: Sequence[Sequence[str]], predicted: Sequence[Sequence[str]]) -> dict[str, Score]:
    """Exact-match entity scores: key "overall" plus one per entity type seen in either side.

    >>> s = evaluate([["B-PERS", "I-PERS", "O"]], [["B-PERS", "O", "O"]])
    >>> s["overall"].f1, s["PERS"].support
    (0.0, 1)
    """
    tp, n_pred, n_gold = _span_counts(gold, predicted, lambda _, span: span[2])
    scores = {"overall": _score(sum(tp.values()), sum(n_pred.values()), sum(n_gold.values()))}
    for typ in sorted(set(n_gold) | set(n_pred)):
        scores[typ] = _score(tp[typ], n_pred[typ], n_gold[typ])
    return scores


def entity_text(tokens: Sequence[str]) -> str:
    """The text an entity is known by: its tokens joined by spaces, normalised (so «أحمد» and
    «احمد» are one name).

    >>> entity_text(["أحمد", "زويل"])
    'احمد زويل'
    """
    return normalize(" ".join(tokens))


def entity_texts(sentences: Sequence[Sequence[tuple[str, str]]]) -> set[str]:
    """The :func:`entity_text` of every labelled entity in ``sentences``."""
    out: set[str] = set()
    for sentence in sentences:
        tokens = [token for token, _ in sentence]
        for start, end, _ in bio_spans([label for _, label in sentence]):
            out.add(entity_text(tokens[start:end]))
    return out


def evaluate_novelty(
    sentences: Sequence[Sequence[str]],
    gold: Sequence[Sequence[str]],
    predicted: Sequence[Sequence[str]],
    known: Collection[str],
) -> dict[str, Score]:
    """Exact-match scores over the entities, gold or predicted, whose :func:`entity_text` is in
    ``known`` (key "seen") and over the rest ("unseen").

    Pass the entity texts of the training data as ``known``: later news names mostly people and
    organisations that training never showed, so the unseen score says more about it than the
    overall one does.

    >>> tokens = [["زار", "سامي", "نور", "روما"]]
    >>> gold = [["O", "B-PERS", "I-PERS", "B-LOC"]]
    >>> scores = evaluate_novelty(tokens, gold, [["O", "B-PERS", "O", "B-LOC"]], {"روما"})
    >>> scores["seen"].f1, scores["unseen"].recall, scores["unseen"].support
    (1.0, 0.0, 1)
    """
    if len(sentences) != len(gold):
        raise ValueError(f"{len(sentences)} token sentences but {len(gold)} gold")

    def novelty(i: int, span: Span) -> str:
        return "seen" if entity_text(sentences[i][span[0] : span[1]]) in known else "unseen"

    tp, n_pred, n_gold = _span_counts(gold, predicted, novelty)
    return {group: _score(tp[group], n_pred[group], n_gold[group]) for group in ("seen", "unseen")}
