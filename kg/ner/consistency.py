"""Document-level label consistency: a name tagged once in a document is tagged everywhere in it.

News stories introduce a name with its title or in full («الرئيس العراقي جلال طالباني») and then
repeat it bare («طالباني»); a sentence-level tagger misses many of the repeats. After tagging, the
spans found in a window of neighbouring sentences (the document) are matched, on proclitic-stripped
forms, against untagged tokens, and the unambiguous matches get the span's type. For PERS the
last token of a multi-token name is propagated alone too (surname repeats).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Container, Sequence

from kg.ner.conll import bio_spans
from kg.ner.features import token_stem

# Sentences either side that count as the same document (ANERcorp has no document boundaries).
WINDOW = 10
MIN_STEM = 3


def propagate(
    sentences: Sequence[Sequence[str]],
    labels: Sequence[Sequence[str]],
    *,
    window: int = WINDOW,
    stop: Container[str] = frozenset(),
    surnames: bool = True,
    stems: Sequence[Sequence[str]] | None = None,
) -> list[list[str]]:
    """``labels`` with bare repeats of names tagged elsewhere in the window filled in.

    Only tokens tagged O change; a phrase whose occurrences in the window disagree on the type
    is left alone; single stems in ``stop`` (words mostly O in training) never propagate.
    ``stems``: each token's :func:`~kg.ner.features.token_stem`, where the caller has them.
    """
    if stems is None:
        stems = [[token_stem(t) for t in s] for s in sentences]
    found: list[dict[tuple[str, ...], Counter[str]]] = []
    for st, labs in zip(stems, labels, strict=True):
        phr: dict[tuple[str, ...], Counter[str]] = defaultdict(Counter)
        for a, b, typ in bio_spans(labs):
            key = tuple(st[a:b])
            phr[key][typ] += 1
            if surnames and typ == "PERS" and b - a >= 2:
                phr[(st[b - 1],)][typ] += 1
        found.append(phr)
    out = [list(x) for x in labels]
    # The window's phrases, kept as it slides (each sentence's added and taken away once):
    # phrase -> its types' counts, and first stem -> the phrases it opens.
    merged: dict[tuple[str, ...], Counter[str]] = {}
    by_first: dict[str, set[tuple[str, ...]]] = defaultdict(set)

    def enter(j: int) -> None:
        for k, c in found[j].items():
            if k not in merged:
                merged[k] = Counter()
                if len(k) > 1 or (len(k[0]) >= MIN_STEM and k[0] not in stop):
                    by_first[k[0]].add(k)
            merged[k].update(c)

    def leave(j: int) -> None:
        for k, c in found[j].items():
            merged[k].subtract(c)
            left = +merged[k]
            if left:
                merged[k] = left
            else:
                del merged[k]
                by_first[k[0]].discard(k)

    for j in range(min(len(found), window)):
        enter(j)
    for i, st in enumerate(stems):
        if i + window < len(found):
            enter(i + window)
        if i - window - 1 >= 0:
            leave(i - window - 1)
        if merged:
            _fill(st, out[i], merged, by_first)
    return out


def _fill(
    st: Sequence[str],
    labs: list[str],
    merged: dict[tuple[str, ...], Counter[str]],
    by_first: dict[str, set[tuple[str, ...]]],
) -> None:
    """Tag the untagged repeats in one sentence (its stems ``st``) of the window's phrases."""
    n = len(st)
    p = 0
    while p < n:
        hit = None
        opened = by_first.get(st[p])
        # Longest first; two phrases of one length cannot both match here.
        for k in sorted(opened, key=len, reverse=True) if opened else ():
            q = p + len(k)
            if q <= n and tuple(st[p:q]) == k and all(x == "O" for x in labs[p:q]):
                c = merged[k]
                if len(c) == 1:
                    hit = (q, next(iter(c)))
                break
        if hit is None:
            p += 1
            continue
        q, typ = hit
        # Never split an existing span: only fill when the neighbours are not I- of it.
        if q < n and labs[q].startswith("I-"):
            p += 1
            continue
        labs[p] = "B-" + typ
        for r in range(p + 1, q):
            labs[r] = "I-" + typ
        p = q
