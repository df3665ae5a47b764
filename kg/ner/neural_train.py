"""Train the neural tagger of :mod:`kg.ner.neural` with torch (a training-time dependency only)."""

from __future__ import annotations

import logging
import random
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np

from kg.ner.features import Lexicons
from kg.ner.neural import CHAR_WIDTH, HIT_NAMES, MAX_CHARS, SHAPES, UNK, Encoded, Vocab, save

LOG = logging.getLogger(__name__)

Sentence = Sequence[tuple[str, str]]


def train_neural(
    sentences: Sequence[Sentence],
    path: Path,
    lex: Lexicons,
    *,
    epochs: int = 20,
    seed: int = 0,
    vectors: Mapping[str, np.ndarray] | None = None,
    word_dim: int = 100,
    hidden: int = 128,
    log: bool = False,
    dev: Sequence[Sentence] | None = None,
) -> None:
    import torch

    threads = torch.get_num_threads()
    # One thread: deterministic, and on a busy 2-core machine faster than two fighting.
    torch.set_num_threads(1)
    try:
        _train(sentences, path, lex, epochs, seed, vectors, word_dim, hidden, log, dev)
    finally:
        torch.set_num_threads(threads)


def _train(
    sentences: Sequence[Sentence],
    path: Path,
    lex: Lexicons,
    epochs: int,
    seed: int,
    vectors: Mapping[str, np.ndarray] | None,
    word_dim: int,
    hidden: int,
    log: bool,
    dev: Sequence[Sentence] | None,
) -> None:
    import torch
    from torch import nn

    torch.manual_seed(seed)
    random.seed(seed)
    np.random.seed(seed)
    vocab = Vocab.build(sentences)
    li = {lab: i for i, lab in enumerate(vocab.labels)}

    class TorchNet(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.word_emb = nn.Embedding(len(vocab.words), word_dim, padding_idx=0)
            self.char_emb = nn.Embedding(len(vocab.chars), 30, padding_idx=0)
            self.char_cnn = nn.Conv1d(30, 60, CHAR_WIDTH, padding=1)
            self.clitic_emb = nn.Embedding(len(vocab.clitics), 10)
            self.shape_emb = nn.Embedding(len(SHAPES), 5)
            ind = word_dim + 60 + 10 + 5 + len(HIT_NAMES) + 1
            self.drop = nn.Dropout(0.5)
            self.lstm = nn.LSTM(ind, hidden, batch_first=True, bidirectional=True)
            self.out = nn.Linear(2 * hidden, len(vocab.labels))

        def forward(self, words, chars, small, hits, lengths):  # type: ignore[no-untyped-def]
            b, t, c = chars.shape
            ce = self.char_emb(chars.view(b * t, c)).transpose(1, 2)
            conv = torch.relu(self.char_cnn(ce)).max(dim=2).values.view(b, t, -1)
            x = torch.cat(
                [
                    self.word_emb(words),
                    conv,
                    self.clitic_emb(small[..., 0]),
                    self.shape_emb(small[..., 1]),
                    hits,
                ],
                dim=-1,
            )
            x = self.drop(x)
            packed = nn.utils.rnn.pack_padded_sequence(
                x, lengths, batch_first=True, enforce_sorted=False
            )
            h, _ = self.lstm(packed)
            h, _ = nn.utils.rnn.pad_packed_sequence(h, batch_first=True, total_length=t)
            return self.out(self.drop(h))

    net = TorchNet()
    if vectors:
        with torch.no_grad():
            for w, i in vocab.wi.items():
                v = vectors.get(w)
                if v is not None:
                    k = min(word_dim, len(v))
                    net.word_emb.weight[i, :k] = torch.tensor(v[:k] * 3.0)
    enc = [vocab.encode([t for t, _ in s], lex) for s in sentences]
    ys = [np.array([li[lab] for _, lab in s]) for s in sentences]

    def batchify(
        items: Sequence[Encoded], labels: Sequence[np.ndarray] | None, drop_words: bool
    ) -> tuple[tuple[torch.Tensor, ...], torch.Tensor]:
        lengths = [len(e.words) for e in items]
        b, t = len(items), max(lengths)
        words = np.zeros((b, t), dtype=np.int64)
        chars = np.zeros((b, t, MAX_CHARS), dtype=np.int64)
        small = np.zeros((b, t, 2), dtype=np.int64)
        hits = np.zeros((b, t, len(HIT_NAMES) + 1), dtype=np.float32)
        y = np.full((b, t), -100, dtype=np.int64)
        for i, e in enumerate(items):
            n = lengths[i]
            ww = e.words.copy()
            if drop_words:
                ww[np.random.rand(n) < 0.1] = UNK
            words[i, :n], chars[i, :n], small[i, :n], hits[i, :n] = ww, e.chars, e.small, e.hits
            if labels is not None:
                y[i, :n] = labels[i]
        return (
            torch.tensor(words),
            torch.tensor(chars),
            torch.tensor(small),
            torch.tensor(hits),
            torch.tensor(lengths),
        ), torch.tensor(y)

    opt = torch.optim.Adam(net.parameters(), lr=2e-3)
    loss_fn = nn.CrossEntropyLoss(ignore_index=-100)
    idx = [i for i in range(len(enc)) if len(enc[i].words)]
    bs = 32
    for ep in range(epochs):
        net.train()
        # Bucket by length for speed, shuffle the buckets.
        random.shuffle(idx)
        chunks = [idx[k : k + bs * 20] for k in range(0, len(idx), bs * 20)]
        batches: list[list[int]] = []
        for ch in chunks:
            ch = sorted(ch, key=lambda i: len(enc[i].words))
            batches.extend(ch[k : k + bs] for k in range(0, len(ch), bs))
        random.shuffle(batches)
        total = 0.0
        for bidx in batches:
            x, y = batchify([enc[i] for i in bidx], [ys[i] for i in bidx], True)
            opt.zero_grad()
            logits = net(*x)
            loss = loss_fn(logits.reshape(-1, logits.shape[-1]), y.reshape(-1))
            loss.backward()
            nn.utils.clip_grad_norm_(net.parameters(), 5.0)
            opt.step()
            total += float(loss.detach())
        if log:
            msg = f"epoch {ep} loss {total / len(batches):.4f}"
            if dev is not None:
                from kg.ner.conll import evaluate
                from kg.ner.neural import NeuralTagger, NumpyNet

                snapshot = {k: v.detach().numpy().copy() for k, v in net.state_dict().items()}
                tg = NeuralTagger(NumpyNet(snapshot), vocab, lex)
                pr = tg.tag([[t for t, _ in s] for s in dev])
                sc = evaluate([[lab for _, lab in s] for s in dev], pr)["overall"]
                msg += f" dev F1 {100 * sc.f1:.2f}"
            LOG.info(msg)  # the CLI's -v shows it; library code never prints
    weights = {k: v.detach().numpy().copy() for k, v in net.state_dict().items()}
    save(path, weights, vocab)
