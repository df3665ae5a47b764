"""kg.ner.decode: tagging from the model's weights by word form gives CRFsuite's labels."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pycrfsuite
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kg
from kg.ner.conll import read_conll
from kg.ner.crf import MODEL_NAME
from kg.ner.decode import CRFDecoder, CRFWeights, _viterbi
from kg.ner.features import FeatureConfig, Lexicons, batch_features, token_stem
from kg.text import iter_token_texts, split_sentences
from tests.conftest import SEEDS, SHARED_DATA

NEWS = (
    "قال وزير الخارجية الفنلندي ماتي لينديروس في هلسنكي إن حكومة بلاده ستدرس الاقتراح.\n"
    "وأضاف أن شركة نوكيا ستفتح مصنعا في مدينة تامبيري العام المقبل.\n"
    "التقى الرئيس المصري بوفد من البنك الدولي في القاهرة."
)


MODEL = Path(kg.__file__).parent / "data" / MODEL_NAME


def _crfsuite_labels(sentences: list[list[str]], config: FeatureConfig) -> list[list[str]]:
    """What CRFsuite itself gives for the feature strings of the shipped model."""
    model = pycrfsuite.Tagger()
    model.open(str(MODEL))
    features = batch_features(sentences, Lexicons.load(), config)
    return [list(model.tag(pycrfsuite.ItemSequence(f))) if f else [] for f in features]


def test_the_decoder_gives_crfsuites_labels_on_real_text() -> None:
    text = NEWS + "\n" + next(iter(sorted(SEEDS.glob("*.txt")))).read_text(encoding="utf-8")
    sentences = list(iter_token_texts(split_sentences(text)))
    config = FeatureConfig()
    decoder = CRFDecoder(CRFWeights.of(_opened()), Lexicons.load(), config)
    expected = _crfsuite_labels(sentences, config)
    assert decoder.tag(sentences) == expected
    # Word forms scored once are reused: a second pass gives the same.
    assert decoder.tag(sentences) == expected
    assert any(label != "O" for labels in expected for label in labels)


def test_the_decoder_agrees_on_anercorp_test() -> None:
    test = SHARED_DATA / "anercorp" / "test.txt"
    if not test.is_file():
        pytest.skip(f"{test} is not here (a user's clone)")
    sentences = [[token for token, _ in s] for s in read_conll(test)][:400]
    config = FeatureConfig()
    decoder = CRFDecoder(CRFWeights.of(_opened()), Lexicons.load(), config)
    documents = [sentences[i : i + 40] for i in range(0, len(sentences), 40)]
    ours = [labels for document in documents for labels in decoder.tag(document)]
    assert ours == _crfsuite_labels(sentences, config)


def test_the_stems_the_decoder_gives_are_each_token_s() -> None:
    sentences = list(iter_token_texts(split_sentences(NEWS)))
    decoder = CRFDecoder(CRFWeights.of(_opened()), Lexicons.load(), FeatureConfig())
    labels, stems = decoder.tag_with_stems(sentences)
    assert labels == decoder.tag(sentences)
    assert stems == [[token_stem(token) for token in sentence] for sentence in sentences]
    assert stems[1][:3] == ["اضاف", "ان", "شركه"]  # «وأضاف»: the conjunction off


def test_empty_sentences_and_a_fresh_table() -> None:
    weights = CRFWeights.of(_opened())
    decoder = CRFDecoder(weights, Lexicons.load(), FeatureConfig())
    assert decoder.tag([]) == [] and decoder.tag([[], []]) == [[], []]
    assert [len(labels) for labels in decoder.tag([["القاهرة"], [], ["في", "بيروت"]])] == [1, 0, 2]
    assert weights.states.shape == (len(weights.attributes) + 1, len(weights.labels))
    assert not np.any(weights.states[-1])  # the zero row every group of features starts with


def _opened() -> pycrfsuite.Tagger:
    model = pycrfsuite.Tagger()
    model.open(str(MODEL))
    return model


def _one_sentence_viterbi(scores: np.ndarray, transitions: np.ndarray) -> list[int]:
    """The textbook Viterbi of one sentence (ties to the lowest label, as argmax gives)."""
    if len(scores) == 0:
        return []
    best, back = scores[0].copy(), []
    for row in scores[1:]:
        candidates = best[:, None] + transitions
        back.append(candidates.argmax(axis=0))
        best = candidates.max(axis=0) + row
    path = [int(best.argmax())]
    for choice in reversed(back):
        path.append(int(choice[path[-1]]))
    return path[::-1]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.integers(0, 7), min_size=1, max_size=6),
    st.integers(0, 2**32 - 1),
)
def test_viterbi_of_a_document_is_each_sentence_s_own(lengths: list[int], seed: int) -> None:
    # Small integer scores: ties are common, and must break as one sentence alone breaks them.
    rng = np.random.default_rng(seed)
    scores = rng.integers(-2, 3, size=(sum(lengths), 3)).astype(float)
    transitions = rng.integers(-2, 3, size=(3, 3)).astype(float)
    if not any(lengths):
        return  # CRFDecoder.tag answers that itself
    starts = np.cumsum([0, *lengths[:-1]])
    expected = [
        _one_sentence_viterbi(scores[start : start + n], transitions)
        for start, n in zip(starts, lengths, strict=True)
    ]
    assert _viterbi(scores, lengths, transitions) == expected
