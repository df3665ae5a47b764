"""Document-level label consistency and the unsupervised word classes of the CRF tagger."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from kg.errors import InputError
from kg.ner import clusters
from kg.ner.consistency import propagate
from kg.ner.features import FeatureConfig, Lexicons, sentence_features


def test_bare_repeat_inherits_type() -> None:
    sents = [["قال", "الرئيس", "جلال", "طالباني", "."], ["وأكد", "طالباني", "أن", "بغداد"]]
    labels = [["O", "O", "B-PERS", "I-PERS", "O"], ["O", "O", "O", "B-LOC"]]
    out = propagate(sents, labels)
    assert out[1] == ["O", "B-PERS", "O", "B-LOC"]
    assert out[0] == labels[0]


def test_multi_token_phrase_and_clitics() -> None:
    sents = [["زار", "مجلس", "الأمن", "."], ["وفي", "ومجلس", "الامن", "اليوم"]]
    labels = [["O", "B-ORG", "I-ORG", "O"], ["O", "O", "O", "O"]]
    assert propagate(sents, labels)[1] == ["O", "B-ORG", "I-ORG", "O"]


def test_conflicts_window_and_stopwords_leave_labels_alone() -> None:
    sents = [["عمان", "x"], ["عمان", "y"], ["في", "عمان"]]
    labels = [["B-LOC", "O"], ["B-PERS", "O"], ["O", "O"]]
    assert propagate(sents, labels)[2] == ["O", "O"]  # LOC vs PERS: ambiguous
    far = [["طالباني"], *[["x"]] * 5, ["طالباني"]]
    far_labels = [["B-PERS"], *[["O"]] * 5, ["O"]]
    assert propagate(far, far_labels, window=2)[-1] == ["O"]
    assert propagate(far, far_labels, window=6)[-1] == ["B-PERS"]
    assert propagate([*sents[:1], ["عمان"]], [["B-LOC", "O"], ["O"]], stop={"عمان"})[1] == ["O"]
    assert propagate([], []) == []


def test_existing_spans_are_not_split() -> None:
    sents = [["طالباني"], ["جلال", "طالباني", "رئيس"]]
    labels = [["B-PERS"], ["B-ORG", "I-ORG", "O"]]
    assert propagate(sents, labels)[1] == ["B-ORG", "I-ORG", "O"]


def test_word_classes_build_write_and_feature(tmp_path: Path) -> None:
    text = [["قال", "الرئيس", name, "في", city] for name in ("زيد", "عمرو", "خالد")
            for city in ("دمشق", "بغداد", "القاهرة")] * 3  # fmt: skip
    classes = clusters.build(text)
    assert set(classes["دمشق"]) and len(classes["دمشق"]) == len(clusters.SIZES)
    path = tmp_path / "c.tsv"
    clusters.write(classes, path, "test")
    assert path.read_text(encoding="utf-8").startswith("# ")
    lex = Lexicons.load(train_gazetteer=tmp_path / "none.tsv", clusters=path)
    assert lex.clusters["دمشق"] == tuple(map(str, classes["دمشق"]))
    feats = sentence_features(["في", "دمشق"], lex, FeatureConfig(clusters=True))
    assert any(f.startswith("k0=") for f in feats[1])
    assert any(f.startswith("k1[-1]=") for f in feats[1])
    off = sentence_features(["في", "دمشق"], lex, FeatureConfig(clusters=False))
    assert not any(f.startswith("k") and "=" in f and f[1].isdigit() for f in off[1])


def test_unlabelled_text_streams_conll_and_plain_text_twice(tmp_path: Path) -> None:
    conll = tmp_path / "tagged.txt"
    conll.write_text("قال O\nالرئيس O\n\nزار B-PERS\nعمان B-LOC 1\n", encoding="utf-8")
    plain = tmp_path / "news.txt"
    plain.write_text(
        "وصل الوفد الرسمي إلى دمشق صباح اليوم. ثم غادر مساء أمس\n"
        "قال الوزير إن الاجتماع الأول انتهى دون اتفاق\n",
        encoding="utf-8",
    )
    text = clusters.UnlabelledText([["في", "بغداد"]], [conll, plain])
    first = [list(s) for s in text]
    assert first == [
        ["في", "بغداد"],
        ["قال", "الرئيس"],
        ["زار", "عمان"],
        ["وصل", "الوفد", "الرسمي", "إلى", "دمشق", "صباح", "اليوم", "."],
        ["ثم", "غادر", "مساء", "أمس"],
        ["قال", "الوزير", "إن", "الاجتماع", "الأول", "انتهى", "دون", "اتفاق"],
    ]
    assert [list(s) for s in text] == first  # read anew: vectors() takes two passes
    with pytest.raises(TypeError, match="twice"):
        clusters.vectors(iter(first))
    broken = tmp_path / "broken.txt"
    broken.write_bytes(b"\xff\xfe\x00 not utf-8")
    with pytest.raises(InputError, match=r"broken\.txt"):
        list(clusters.UnlabelledText(paths=[broken]))


def test_word_vectors_counted_in_chunks_match_one_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    text = [["قال", "الرئيس", name, "في", city] for name in ("زيد", "عمرو", "خالد")
            for city in ("دمشق", "بغداد", "القاهرة")] * 3  # fmt: skip
    vocab, one_pass = clusters.vectors(text)
    monkeypatch.setattr(clusters, "_CHUNK_PAIRS", 7)  # a corpus many times larger than a chunk
    chunked_vocab, chunked = clusters.vectors(text)
    assert chunked_vocab == vocab and np.array_equal(chunked, one_pass)
    monkeypatch.setattr(clusters, "MAX_VOCAB", 2)
    capped, vec = clusters.vectors(text)
    assert capped == vocab[:2] == ["رئيس", "في"] and vec.shape[0] == 2  # stems; ties by spelling


def _propagate_window_by_window(
    sentences: list[list[str]], labels: list[list[str]], window: int
) -> list[list[str]]:
    """The rule of :func:`propagate` with each sentence's window merged afresh (its first
    implementation), to check the sliding window against."""
    from collections import Counter, defaultdict

    from kg.ner.conll import bio_spans
    from kg.ner.consistency import MIN_STEM
    from kg.ner.features import token_stem

    stems = [[token_stem(t) for t in s] for s in sentences]
    found = []
    for st, labs in zip(stems, labels, strict=True):
        phr: dict[tuple[str, ...], Counter[str]] = defaultdict(Counter)
        for a, b, typ in bio_spans(labs):
            phr[tuple(st[a:b])][typ] += 1
            if typ == "PERS" and b - a >= 2:
                phr[(st[b - 1],)][typ] += 1
        found.append(phr)
    out = [list(x) for x in labels]
    for i, st in enumerate(stems):
        merged: dict[tuple[str, ...], Counter[str]] = defaultdict(Counter)
        for j in range(max(0, i - window), min(len(found), i + window + 1)):
            for k, c in found[j].items():
                merged[k].update(c)
        keys = sorted(
            (k for k in merged if len(k) > 1 or len(k[0]) >= MIN_STEM), key=len, reverse=True
        )
        labs, p = out[i], 0
        while p < len(st):
            hit = None
            for k in (k for k in keys if k[0] == st[p]):
                q = p + len(k)
                if q <= len(st) and tuple(st[p:q]) == k and all(x == "O" for x in labs[p:q]):
                    hit = (q, next(iter(merged[k]))) if len(merged[k]) == 1 else None
                    break
            if hit is None or (hit[0] < len(st) and labs[hit[0]].startswith("I-")):
                p += 1
                continue
            q, typ = hit
            labs[p:q] = ["B-" + typ] + ["I-" + typ] * (q - p - 1)
            p = q
    return out


@pytest.mark.parametrize("window", [0, 1, 3])
def test_consistency_sliding_window_is_each_window_merged_afresh(window: int) -> None:
    rng = np.random.default_rng(window)
    words = ["طالباني", "جلال", "العراق", "بغداد", "قال", "في", "الرئيس", "الامم", "المتحده"]
    tags = ["O", "O", "O", "B-PERS", "I-PERS", "B-LOC", "B-ORG", "I-ORG"]
    sentences, labels = [], []
    for _ in range(40):
        n = int(rng.integers(1, 9))
        sentences.append([words[k] for k in rng.integers(0, len(words), n)])
        raw = [tags[k] for k in rng.integers(0, len(tags), n)]
        # Repair to valid BIO: an I- must continue a span of its type.
        for t in range(n):
            if raw[t].startswith("I-") and (t == 0 or raw[t - 1][2:] != raw[t][2:]):
                raw[t] = "O"
        labels.append(raw)
    expected = _propagate_window_by_window(sentences, labels, window)
    assert propagate(sentences, labels, window=window) == expected
    assert expected != labels  # the case exercises the rule
