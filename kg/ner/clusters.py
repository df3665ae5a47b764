"""Unsupervised word classes for the CRF: distributional vectors (PPMI + SVD over left/right context
counts of proclitic-stripped stems) clustered with k-means at several granularities.

Built from unlabelled text only (``python -m kg.ner.clusters OUT FILE...``); the CRF sees each
token's class ids, so a name unseen in the labelled data still shares a class with seen ones.
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from kg.ner.features import strip_proclitics
from kg.text import normalize

SIZES = (64, 256, 1024)
MIN_COUNT = 2
DIM = 100
CONTEXT_VOCAB = 5000


def stem(token: str) -> str:
    return strip_proclitics(normalize(token))[1]


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
    """(stems, unit-length PPMI-SVD vectors), one row per stem seen ≥ MIN_COUNT times."""
    import numpy as np
    from scipy.sparse import coo_matrix
    from sklearn.decomposition import TruncatedSVD

    sents = [[stem(t) for t in s] for s in sentences]
    freq = Counter(t for s in sents for t in s)
    vocab = sorted((w for w, c in freq.items() if c >= MIN_COUNT), key=lambda w: (-freq[w], w))
    index = {w: i for i, w in enumerate(vocab)}
    ctx = {w: i for i, w in enumerate(vocab[:CONTEXT_VOCAB])}
    nctx = len(ctx) + 1  # last: rare context
    rows: list[int] = []
    cols: list[int] = []
    for s in sents:
        padded = ["<s>", "<s>", *s, "</s>", "</s>"]
        for i in range(2, len(padded) - 2):
            w = index.get(padded[i])
            if w is None:
                continue
            for slot, d in enumerate((-2, -1, 1, 2)):
                c = padded[i + d]
                cid = ctx.get(c, nctx - 1) if c not in ("<s>", "</s>") else nctx - 1
                rows.append(w)
                cols.append(slot * nctx + cid)
    mat = coo_matrix(
        (np.ones(len(rows), dtype=np.float64), (rows, cols)), shape=(len(vocab), 4 * nctx)
    ).tocsr()
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
    sents: list[list[str]] = []
    cur: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        cols = line.split()
        if not cols:
            if cur:
                sents.append(cur)
                cur = []
        elif cols[0] != "$#$":
            cur.append(cols[0])
    if cur:
        sents.append(cur)
    return sents


if __name__ == "__main__":
    out_path, *inputs = sys.argv[1:]
    data = [s for p in inputs for s in read_tokens(Path(p))]
    write(
        build(data),
        Path(out_path),
        ", ".join(Path(p).parent.name + "/" + Path(p).name for p in inputs),
    )
