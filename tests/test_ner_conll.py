"""CoNLL reading and conlleval-style entity scoring."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.errors import InputError
from kg.ner.conll import Score, bio_spans, entity_texts, evaluate, evaluate_novelty, read_conll


@pytest.mark.parametrize(
    ("labels", "spans"),
    [
        ([], []),
        (["O", "O"], []),
        (["B-PERS"], [(0, 1, "PERS")]),
        (["B-PERS", "I-PERS", "I-PERS"], [(0, 3, "PERS")]),
        (["B-PERS", "B-PERS"], [(0, 1, "PERS"), (1, 2, "PERS")]),
        # conlleval: a stray I- opens a span rather than being dropped
        (["O", "I-LOC", "I-LOC"], [(1, 3, "LOC")]),
        (["I-ORG"], [(0, 1, "ORG")]),
        # a type change inside I- run splits the span
        (["B-ORG", "I-ORG", "I-LOC"], [(0, 2, "ORG"), (2, 3, "LOC")]),
        (["B-MISC", "O", "I-MISC"], [(0, 1, "MISC"), (2, 3, "MISC")]),
        (["B-LOC", "I-LOC"], [(0, 2, "LOC")]),
        (["O", "B-LOC", "I-LOC", "O"], [(1, 3, "LOC")]),
    ],
)
def test_bio_spans(labels: list[str], spans: list[tuple[int, int, str]]) -> None:
    assert bio_spans(labels) == spans


def test_evaluate_counts_exact_spans_only() -> None:
    gold = [["B-PERS", "I-PERS", "O", "B-LOC"], ["B-ORG", "I-ORG", "O"]]
    pred = [["B-PERS", "I-PERS", "O", "B-ORG"], ["B-ORG", "O", "O"]]
    s = evaluate(gold, pred)
    assert s["PERS"] == Score(1.0, 1.0, 1.0, 1)
    assert s["LOC"] == Score(0.0, 0.0, 0.0, 1)
    assert s["ORG"].support == 1 and s["ORG"].precision == 0.0
    overall = s["overall"]
    assert overall.support == 3
    assert overall.precision == pytest.approx(1 / 3)
    assert overall.recall == pytest.approx(1 / 3)
    assert overall.f1 == pytest.approx(1 / 3)


def test_evaluate_perfect_and_empty() -> None:
    labels = [["B-MISC", "I-MISC", "O"]]
    assert evaluate(labels, labels)["overall"] == Score(1.0, 1.0, 1.0, 1)
    assert evaluate([["O"]], [["O"]])["overall"] == Score(0.0, 0.0, 0.0, 0)


def test_evaluate_rejects_length_mismatch() -> None:
    with pytest.raises(ValueError):
        evaluate([["O"]], [["O", "O"]])
    with pytest.raises(ValueError):
        evaluate([["O"]], [])


def test_read_conll_formats(tmp_path: Path) -> None:
    p = tmp_path / "a.txt"
    p.write_text(
        "قال O\nالرئيس O\nمبارك B-PERS\n\n\nفي\tX\tO\nالقاهرة\tNNP\tB-LOC\n\nوحيد\n",
        encoding="utf-8",
    )
    assert read_conll(p) == [
        [("قال", "O"), ("الرئيس", "O"), ("مبارك", "B-PERS")],
        [("في", "O"), ("القاهرة", "B-LOC")],
        [("وحيد", "O")],
    ]


def test_read_conll_bad_utf8_names_file(tmp_path: Path) -> None:
    p = tmp_path / "bad.txt"
    p.write_bytes("قال O\n".encode() + b"\xff\xfe O\n")
    with pytest.raises(InputError, match=r"bad\.txt: line 2"):
        read_conll(p)


def test_read_conll_malformed_label(tmp_path: Path) -> None:
    p = tmp_path / "labels.txt"
    p.write_text("قال O\nمبارك PERSON\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"labels\.txt: line 2"):
        read_conll(p)


def test_read_conll_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"nope\.txt"):
        read_conll(tmp_path / "nope.txt")


def test_novelty_scores_split_seen_and_unseen_entities() -> None:
    train = [
        [("قال", "O"), ("أحمد", "B-PERS"), ("زويل", "I-PERS"), ("في", "O"), ("القاهرة", "B-LOC")]
    ]
    known = entity_texts(train)
    assert known == {"احمد زويل", "القاهره"}
    # A seen name in another spelling, an unseen club found, an unseen town missed, and a false
    # entity on a word training never labelled.
    tokens = [["زار", "احمد", "زويل", "نادي", "بنفيكا", "في", "لشبونة"], ["وقال", "مصدر"]]
    gold = [["O", "B-PERS", "I-PERS", "O", "B-ORG", "O", "B-LOC"], ["O", "O"]]
    pred = [["O", "B-PERS", "I-PERS", "O", "B-ORG", "O", "O"], ["O", "B-PERS"]]
    scores = evaluate_novelty(tokens, gold, pred, known)
    assert scores["seen"] == Score(1.0, 1.0, 1.0, 1)
    unseen = scores["unseen"]
    assert (unseen.precision, unseen.recall, unseen.support) == (0.5, 0.5, 2)
    overall = evaluate(gold, pred)["overall"]
    assert overall.support == scores["seen"].support + unseen.support
