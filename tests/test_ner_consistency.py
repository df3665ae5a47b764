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
