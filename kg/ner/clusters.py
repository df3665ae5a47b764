"""Unsupervised word classes for the CRF: distributional vectors (PPMI + SVD over left/right context
counts of proclitic-stripped stems) clustered with k-means at several granularities.

Built from unlabelled text only (``python -m kg.ner.clusters OUT FILE...``); the CRF sees each
token's class ids, so a name unseen in the labelled data still shares a class with seen ones.
"""

from __future__ import annotations

import sys
from array import array
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from itertools import islice
from pathlib import Path
from typing import Any

from kg.errors import InputError
from kg.ner.features import token_stem
from kg.text import iter_token_texts, split_sentences

SIZES = (64, 256, 1024)
MIN_COUNT = 2
DIM = 100
CONTEXT_VOCAB = 5000
# Stems given a class. The shipped text (ANERcorp train, AQMAR, Wojood) has ~25k; the cap keeps
# the SVD and k-means of a large corpus (tens of millions of words) within a laptop's memory.
MAX_VOCAB = 200_000
# Context pairs counted before they are folded into the sparse matrix (array memory: ~32 MB).
_CHUNK_PAIRS = 4_000_000


class UnlabelledText:
    """Sentences of tokens: ``sentences`` held in memory, then those of the ``paths`` read anew
    on every iteration, so :func:`vectors` can take two passes over a corpus larger than memory.

    A file whose lines mostly hold at most five fields is read as CoNLL (first column, a blank
    line ends a sentence, as ANERcorp, AQMAR and Wojood); any other as plain text, each line
    split into sentences and tokens as kg splits a document.
    """

    def __init__(
        self, sentences: Sequence[Sequence[str]] = (), paths: Sequence[str | Path] = ()
    ) -> None:
        self.sentences = sentences
        self.paths = [Path(p) for p in paths]

    def __iter__(self) -> Iterator[Sequence[str]]:
        yield from self.sentences
        for path in self.paths:
            yield from iter_tokens(path)


def iter_tokens(path: Path) -> Iterator[list[str]]:
    """The sentences of one unlabelled file (see :class:`UnlabelledText`), streamed."""
    try:
        with open(path, encoding="utf-8") as fh:
            head = [n for n in (len(line.split()) for line in islice(fh, 200)) if n]
            conll = sum(n <= 5 for n in head) >= 0.9 * len(head)
            fh.seek(0)
            yield from _conll_tokens(fh) if conll else _text_tokens(fh)
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read unlabelled text ({exc})") from exc


def _conll_tokens(lines: Iterable[str]) -> Iterator[list[str]]:
    cur: list[str] = []
    for line in lines:
        cols = line.split()
        if not cols:
            if cur:
                yield cur
                cur = []
        elif cols[0] != "$#$":
            cur.append(cols[0])
    if cur:
        yield cur


def _text_tokens(lines: Iterable[str]) -> Iterator[list[str]]:
    for line in lines:
        yield from iter_token_texts(split_sentences(line))


def build(sentences: Iterable[Sequence[str]], seed: int = 0) -> dict[str, tuple[int, ...]]:
    """Stem → one cluster id per size in :data:`SIZES` (deterministic for a given seed)."""
    return classes(*vectors(sentences, seed), seed=seed)


def classes(vocab: Sequence[str], vec: Any, seed: int = 0) -> dict[str, tuple[int, ...]]:
    """Stem → k-means cluster id per size in :data:`SIZES`, from :func:`vectors`' output."""
    from sklearn.cluster import MiniBatchKMeans

    ids = []
    for k in SIZES:
        km = MiniBatchKMeans(n_clusters=min(k, len(vocab)), random_state=seed, n_init=3)
        ids.append(km.fit_predict(vec))
    return {w: tuple(int(a[i]) for a in ids) for i, w in enumerate(vocab)}


def vectors(sentences: Iterable[Sequence[str]], seed: int = 0) -> tuple[list[str], Any]:
    """(stems, unit-length PPMI-SVD vectors), one row per stem seen ≥ MIN_COUNT times (the
    MAX_VOCAB most frequent). ``sentences`` is read twice, so it must be a collection or an
    :class:`UnlabelledText`, not an iterator."""
    import numpy as np
    from scipy.sparse import coo_matrix
    from sklearn.decomposition import TruncatedSVD

    if iter(sentences) is sentences:
        raise TypeError("vectors() reads its text twice: pass a list or an UnlabelledText")
    freq = Counter(token_stem(t) for s in sentences for t in s)
    vocab = sorted((w for w, c in freq.items() if c >= MIN_COUNT), key=lambda w: (-freq[w], w))
    vocab = vocab[:MAX_VOCAB]
    index = {w: i for i, w in enumerate(vocab)}
    ctx = {w: i for i, w in enumerate(vocab[:CONTEXT_VOCAB])}
    nctx = len(ctx) + 1  # last: rare context
    shape = (len(vocab), 4 * nctx)
    mat: Any = None
    rows, cols = array("i"), array("i")

    def fold(mat: Any, rows: array[int], cols: array[int]) -> Any:
        # Counts are whole numbers, so the running sum is exactly the one-pass matrix; it holds
        # each (stem, context) pair once, however long the text.
        r, c = np.array(rows, dtype=np.int64), np.array(cols, dtype=np.int64)
        part = coo_matrix((np.ones(len(r), dtype=np.float64), (r, c)), shape=shape).tocsr()
        return part if mat is None else mat + part

    for s in sentences:
        padded = ["<s>", "<s>", *(token_stem(t) for t in s), "</s>", "</s>"]
        for i in range(2, len(padded) - 2):
            w = index.get(padded[i])
            if w is None:
                continue
            for slot, d in enumerate((-2, -1, 1, 2)):
                c = padded[i + d]
                cid = ctx.get(c, nctx - 1) if c not in ("<s>", "</s>") else nctx - 1
                rows.append(w)
                cols.append(slot * nctx + cid)
        if len(rows) >= _CHUNK_PAIRS:
            mat = fold(mat, rows, cols)
            rows, cols = array("i"), array("i")
    mat = fold(mat, rows, cols)
    mat.sum_duplicates()
    total = mat.sum()
    row = np.asarray(mat.sum(axis=1)).ravel()
    col = np.asarray(mat.sum(axis=0)).ravel() ** 0.75
    col = col / col.sum() * total
    coo = mat.tocoo()
    pmi = np.log(coo.data * total / (row[coo.row] * col[coo.col] + 1e-12))
    keep = pmi > 0
    ppmi = coo_matrix((pmi[keep], (coo.row[keep], coo.col[keep])), shape=mat.shape).tocsr()
    dim = max(1, min(DIM, min(ppmi.shape) - 1))
    vec = TruncatedSVD(n_components=dim, random_state=seed).fit_transform(ppmi)
    vec /= np.linalg.norm(vec, axis=1, keepdims=True) + 1e-9
    return vocab, vec


def write(clusters: Mapping[str, tuple[int, ...]], path: Path, source: str) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(f"# Word classes (PPMI+SVD+k-means {SIZES}) from unlabelled text of {source}\n")
        for w in sorted(clusters):
            fh.write(w + "\t" + " ".join(map(str, clusters[w])) + "\n")


def read_lines(lines: Iterable[str]) -> dict[str, tuple[str, ...]]:
    out: dict[str, tuple[str, ...]] = {}
    for line in lines:
        if not line or line.startswith("#"):
            continue
        w, _, rest = line.partition("\t")
        if rest:
            out[w] = tuple(rest.split())
    return out


def read_tokens(path: Path) -> list[list[str]]:
    """All sentences of one unlabelled file (see :class:`UnlabelledText`)."""
    return list(iter_tokens(path))


if __name__ == "__main__":
    out_path, *inputs = sys.argv[1:]
    data = UnlabelledText(paths=inputs)
    write(
        build(data),
        Path(out_path),
        ", ".join(Path(p).parent.name + "/" + Path(p).name for p in inputs),
    )
