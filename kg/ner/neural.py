"""A small char-CNN + BiLSTM tagger (trained with torch, run with numpy), averaged with the CRF.

Inputs per token: stripped-stem embedding (optionally initialised from unsupervised vectors), a
char-CNN over the normalised form, the proclitic, the word shape and the external lexicon hits
(the CRF's trigger and gazetteer lexicons). Output: per-token label probabilities. Inference is a
plain numpy forward pass, so the default tagger needs no torch at run time and loads fast.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from kg.ner.features import (
    GAZETTEER_FILES,
    TRIGGER_FILES,
    FeatureConfig,
    Lexicons,
    _lexicon_hits,
    _token_info,
    strip_proclitics,
)
from kg.text import normalize

HIT_NAMES = tuple(
    f"{n}:{p}" for n in (*TRIGGER_FILES.values(), *GAZETTEER_FILES.values()) for p in "BI"
)
SHAPES = ("D", "A", "L", "N", "P", "M")
MAX_CHARS = 12
CHAR_WIDTH = 3
PAD, UNK = 0, 1


@dataclass
class Encoded:
    words: np.ndarray  # (tokens,) stem ids
    chars: np.ndarray  # (tokens, MAX_CHARS) char ids
    small: np.ndarray  # (tokens, k) clitic id, shape id
    hits: np.ndarray  # (tokens, len(HIT_NAMES)+1) float


class Vocab:
    def __init__(self, words: list[str], chars: list[str], clitics: list[str], labels: list[str]):
        self.words, self.chars, self.clitics, self.labels = words, chars, clitics, labels
        self.wi = {w: i for i, w in enumerate(words)}
        self.ci = {c: i for i, c in enumerate(chars)}
        self.ki = {c: i for i, c in enumerate(clitics)}
        self.hi = {h: i for i, h in enumerate(HIT_NAMES)}

    @classmethod
    def build(cls, sentences: Sequence[Sequence[tuple[str, str]]], min_count: int = 1) -> Vocab:
        wc: Counter[str] = Counter()
        cc: Counter[str] = Counter()
        kc: set[str] = set()
        labels: set[str] = set()
        for s in sentences:
            for tok, lab in s:
                norm = normalize(tok)
                clitic, stem = strip_proclitics(norm)
                wc[stem] += 1
                cc.update(norm)
                kc.add(clitic)
                labels.add(lab)
        words = ["<pad>", "<unk>", *sorted(w for w, c in wc.items() if c >= min_count)]
        chars = ["<pad>", "<unk>", *sorted(c for c, n in cc.items() if n >= 2)]
        return cls(words, chars, ["<unk>", *sorted(kc)], sorted(labels))

    def encode(self, tokens: Sequence[str], lex: Lexicons) -> Encoded:
        n = len(tokens)
        infos = [_token_info(t) for t in tokens]
        norms = [i[0] for i in infos]
        stems = [i[2] for i in infos]
        words = np.array([self.wi.get(s, UNK) for s in stems], dtype=np.int64)
        chars = np.zeros((n, MAX_CHARS), dtype=np.int64)
        for i, x in enumerate(norms):
            ids = [self.ci.get(c, UNK) for c in x]
            if len(ids) > MAX_CHARS:  # keep both ends: prefixes and suffixes carry the signal
                ids = ids[: MAX_CHARS // 2] + ids[-MAX_CHARS // 2 :]
            chars[i, : len(ids)] = ids
        small = np.array(
            [[self.ki.get(i[1], 0), SHAPES.index(i[3])] for i in infos], dtype=np.int64
        ).reshape(n, 2)
        hits = np.zeros((n, len(HIT_NAMES) + 1), dtype=np.float32)
        for i, hs in enumerate(_lexicon_hits(stems, lex, FeatureConfig())):
            for h in hs:
                j = self.hi.get(h)
                if j is not None:
                    hits[i, j] = 1.0
        for i, stem in enumerate(stems):
            if any(len(stem) > len(s) + 2 and stem.endswith(s) for s in lex.demonym_suffixes):
                hits[i, -1] = 1.0
        return Encoded(words, chars, small, hits)


def bio_viterbi(logp: np.ndarray, labels: Sequence[str]) -> list[str]:
    """Best label sequence under ``logp`` (tokens × labels) where I-X only follows B-X or I-X."""
    n, k = logp.shape
    allowed = np.zeros((k, k), dtype=bool)  # prev → cur
    for a, la in enumerate(labels):
        for b, lb in enumerate(labels):
            allowed[a, b] = not lb.startswith("I-") or (la[2:] == lb[2:] and la != "O")
    start_ok = np.array([not lab.startswith("I-") for lab in labels])
    trans = np.where(allowed, 0.0, -1e9)
    score = logp[0] + np.where(start_ok, 0.0, -1e9)
    back = np.zeros((n, k), dtype=np.int64)
    for t in range(1, n):
        cand = score[:, None] + trans
        back[t] = cand.argmax(axis=0)
        score = cand.max(axis=0) + logp[t]
    best = [int(score.argmax())]
    for t in range(n - 1, 0, -1):
        best.append(int(back[t, best[-1]]))
    return [labels[i] for i in reversed(best)]


# ---------------------------------------------------------------- numpy inference


def _sigmoid(x: np.ndarray) -> np.ndarray:
    out: np.ndarray = 1.0 / (1.0 + np.exp(-x))
    return out


class NumpyNet:
    """Forward pass of :class:`TorchNet` from its exported weights."""

    def __init__(self, w: dict[str, np.ndarray]) -> None:
        self.w = w

    def _lstm(self, x: np.ndarray, lengths: np.ndarray, d: str) -> np.ndarray:
        w = self.w
        wi, wh, b = (
            w[f"lstm.weight_ih_l0{d}"],
            w[f"lstm.weight_hh_l0{d}"],
            w[f"lstm.bias_ih_l0{d}"] + w[f"lstm.bias_hh_l0{d}"],
        )
        bsz, t_max, _ = x.shape
        hsz = wh.shape[1]
        gx = x @ wi.T + b
        h = np.zeros((bsz, hsz), dtype=np.float32)
        c = np.zeros((bsz, hsz), dtype=np.float32)
        out = np.zeros((bsz, t_max, hsz), dtype=np.float32)
        steps = range(t_max) if d == "" else range(t_max - 1, -1, -1)
        for t in steps:
            g = gx[:, t] + h @ wh.T
            i, f, gg, o = np.split(g, 4, axis=1)
            c_new = _sigmoid(f) * c + _sigmoid(i) * np.tanh(gg)
            h_new = _sigmoid(o) * np.tanh(c_new)
            live = (t < lengths)[:, None]
            c = np.where(live, c_new, c)
            h = np.where(live, h_new, h)
            out[:, t] = np.where(live, h_new, 0.0)
        return out

    def forward(self, batch: Sequence[Encoded]) -> list[np.ndarray]:
        w = self.w
        lengths = np.array([len(e.words) for e in batch])
        bsz, t_max = len(batch), int(lengths.max())
        words = np.zeros((bsz, t_max), dtype=np.int64)
        chars = np.zeros((bsz, t_max, MAX_CHARS), dtype=np.int64)
        small = np.zeros((bsz, t_max, 2), dtype=np.int64)
        hits = np.zeros((bsz, t_max, len(HIT_NAMES) + 1), dtype=np.float32)
        for i, e in enumerate(batch):
            n = len(e.words)
            words[i, :n], chars[i, :n], small[i, :n], hits[i, :n] = (
                e.words,
                e.chars,
                e.small,
                e.hits,
            )
        ce = w["char_emb.weight"][chars]  # b t c e
        pad = np.zeros((bsz, t_max, 1, ce.shape[-1]), dtype=np.float32)
        ce = np.concatenate([pad, ce, pad], axis=2)
        win = np.concatenate([ce[:, :, j : j + MAX_CHARS] for j in range(CHAR_WIDTH)], axis=-1)
        cw = w["char_cnn.weight"]  # out, in, k  → (k*in, out) in the same order as win
        cw2 = cw.transpose(2, 1, 0).reshape(-1, cw.shape[0])
        conv = np.maximum(win @ cw2 + w["char_cnn.bias"], 0.0).max(axis=2)
        x = np.concatenate(
            [
                w["word_emb.weight"][words],
                conv,
                w["clitic_emb.weight"][small[..., 0]],
                w["shape_emb.weight"][small[..., 1]],
                hits,
            ],
            axis=-1,
        ).astype(np.float32)
        h = np.concatenate(
            [self._lstm(x, lengths, ""), self._lstm(x, lengths, "_reverse")], axis=-1
        )
        logits = h @ w["out.weight"].T + w["out.bias"]
        logits -= logits.max(axis=-1, keepdims=True)
        logp = logits - np.log(np.exp(logits).sum(axis=-1, keepdims=True))
        return [logp[i, : lengths[i]] for i in range(bsz)]


class NeuralTagger:
    name = "neural"

    def __init__(self, net: NumpyNet, vocab: Vocab, lex: Lexicons) -> None:
        self.net, self.vocab, self.lex = net, vocab, lex
        self.labels = tuple(vocab.labels)

    @classmethod
    def load(cls, path: str | os.PathLike[str], lex: Lexicons) -> NeuralTagger:
        z = np.load(Path(path), allow_pickle=False)
        w = {k[2:]: z[k] for k in z.files if k.startswith("w:")}
        meta = {k[2:]: [str(x) for x in z[k]] for k in z.files if k.startswith("v:")}
        vocab = Vocab(meta["words"], meta["chars"], meta["clitics"], meta["labels"])
        return cls(NumpyNet(w), vocab, lex)

    def log_probs(self, sentences: Sequence[Sequence[str]], batch: int = 32) -> list[np.ndarray]:
        enc = [self.vocab.encode(s, self.lex) for s in sentences]
        order = sorted(
            (i for i in range(len(enc)) if len(enc[i].words)), key=lambda i: len(enc[i].words)
        )
        out: list[np.ndarray] = [np.zeros((0, len(self.labels)), dtype=np.float32)] * len(enc)
        for k in range(0, len(order), batch):
            idx = order[k : k + batch]
            for i, lp in zip(idx, self.net.forward([enc[i] for i in idx]), strict=True):
                out[i] = lp
        return out

    def tag(self, sentences: Sequence[Sequence[str]]) -> list[list[str]]:
        return [bio_viterbi(lp, self.labels) if len(lp) else [] for lp in self.log_probs(sentences)]


def save(path: Path, weights: dict[str, np.ndarray], vocab: Vocab) -> None:
    arrays = {f"w:{k}": v.astype(np.float32) for k, v in weights.items()}
    for name in ("words", "chars", "clitics", "labels"):
        arrays[f"v:{name}"] = np.array(getattr(vocab, name))
    np.savez_compressed(path, allow_pickle=False, **arrays)
