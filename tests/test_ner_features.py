"""CRF features: the dictionary-word list (kg/data/ner/words.tsv)."""

from __future__ import annotations

from dataclasses import replace

from kg.ner.features import FeatureConfig, Lexicons, sentence_features, word_class


def test_word_list_classes_and_fallbacks() -> None:
    words = Lexicons.load().words
    assert len(words) > 30_000
    # A proper noun that starts like a proclitic («ب») is looked up whole, not as «غداد».
    assert "P" in word_class("بغداد", "غداد", words)[0]
    assert word_class("مقيم", "مقيم", words)[0] == words["مقيم"][0]
    # One inflectional suffix is stripped when the form itself is not listed.
    assert word_class("مقيمون", "مقيمون", words)[0].startswith("~")
    assert word_class("زخقفظ", "زخقفظ", words) == ("-", "-")


def test_word_features_are_on_by_default() -> None:
    lex = Lexicons.load()
    feats = sentence_features(["زار", "بغداد"], lex)
    assert any(f.startswith("d=") and "P" in f for f in feats[1])
    assert any(f.startswith("df=") for f in feats[1])
    off = sentence_features(["زار", "بغداد"], lex, replace(FeatureConfig(), words=False))
    assert not any(f.startswith("d=") for f in off[1])
