"""The CRF's neural companion: training round trip, numpy inference, BIO decoding, bad files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from kg.errors import ModelError
from kg.ner.crf import CRFTagger, neural_sidecar
from kg.ner.neural import bio_viterbi
from kg.ner.train import train
from tests.test_ner_crf import TINY


def test_bio_viterbi_never_starts_inside() -> None:
    labels = ["B-PERS", "I-PERS", "I-LOC", "O"]
    logp = np.log(np.array([[0.1, 0.8, 0.05, 0.05], [0.1, 0.1, 0.7, 0.1], [0.1, 0.7, 0.1, 0.1]]))
    out = bio_viterbi(logp, labels)
    assert out[0] != "I-PERS"
    for prev, cur in zip(["O", *out], out, strict=False):
        if cur.startswith("I-"):
            assert prev[2:] == cur[2:]


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("neural")
    corpus = tmp / "tiny.txt"
    corpus.write_text(TINY * 4, encoding="utf-8")
    model = tmp / "m.crfsuite"
    train(corpus, model, dev_fraction=0.25, c1=0.0, c2=0.01, max_iterations=30, neural_epochs=8)
    return model


def test_ensemble_round_trip(tiny_model: Path) -> None:
    assert neural_sidecar(tiny_model).is_file()
    tagger = CRFTagger.load(tiny_model)
    assert tagger._neural is not None
    sents = [["قال", "الرئيس", "أحمد", "سالم", "في", "دمشق", "."], [], ["زار", "الوزير"]]
    out = tagger.tag(sents)
    assert [len(x) for x in out] == [7, 0, 2]
    assert out[0][5] == "B-LOC"
    assert tagger.tag([]) == []


def test_damaged_neural_file(tiny_model: Path, tmp_path: Path) -> None:
    copy = tmp_path / "m.crfsuite"
    copy.write_bytes(tiny_model.read_bytes())
    neural_sidecar(copy).write_bytes(b"not an npz")
    with pytest.raises(ModelError, match="neural"):
        CRFTagger.load(copy)
