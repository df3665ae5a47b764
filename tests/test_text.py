from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.text import (
    normalize,
    sentence_spans,
    split_glued,
    split_sentences,
    strip_marks,
    tokenize,
    word_pieces,
)
from tests.conftest import require_shared_data


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("غزّة", "غزه"),
        ("إسماعيل", "اسماعيل"),
        ("مصطفى", "مصطفي"),
        ("فلســطين", "فلسطين"),
        ("آمال", "امال"),
    ],
)
def test_text_normalize_unifies_spelling_variants(left: str, right: str) -> None:
    assert normalize(left) == normalize(right)


def test_text_tokens_point_into_original_text() -> None:
    text = "قال الرئيسُ: «إن غزّة،والضفة في القلب» (21/6/2023)."
    tokens = tokenize(text)
    assert all(text[t.start : t.end] == t.text for t in tokens)
    assert [t.text for t in tokens][:4] == ["قال", "الرئيسُ", ":", "«"]
    assert "والضفة" in [t.text for t in tokens]  # clitics stay attached, punctuation splits


def test_text_sentences_split_on_arabic_question_mark_and_lines() -> None:
    text = "هل انتهى الاجتماع؟ نعم انتهى.\nوغادر الوفد"
    assert [text[s:e] for s, e in sentence_spans(text)] == [
        "هل انتهى الاجتماع؟",
        "نعم انتهى.",
        "وغادر الوفد",
    ]


def test_text_sentence_does_not_end_inside_decimal_or_initial() -> None:
    text = "قال د. أحمد إن النمو بلغ 3.5 في المئة. وانتهى"
    assert len(sentence_spans(text)) == 2


def test_text_split_sentences_indexes_and_offsets() -> None:
    text = "  وصل الوفد.  ثم غادر  "
    sentences = split_sentences(text)
    assert [s.index for s in sentences] == [0, 1]
    assert text[sentences[1].start : sentences[1].end] == "ثم غادر"


@pytest.mark.parametrize(
    ("token", "words"),
    [
        ("مجلةزيلتارا", ("مجلة", "زيلتارا")),  # teh marbuta ends a word
        ("علىالرغم", ("على", "الرغم")),  # so does alef maksura
        ("دائمًابعد", ("دائمًا", "بعد")),  # and the adverbial «ًا»
        ("أمامإبراهيم", ("أمام", "إبراهيم")),  # «إ» opens one
        ("منالإنتقادات", ("من", "الإنتقادات")),  # with its article
        ("والإعلام", ("والإعلام",)),  # after clitics and the article «إ» is inside a word
        ("شاطىء", ("شاطىء",)),  # an old spelling of «شاطئ», not «شاطى» + «ء»
        ("أخرىن", ("أخرىن",)),  # a typo: no one-letter word
        ("مدينة", ("مدينة",)),
    ],
)
def test_text_split_glued_words(token: str, words: tuple[str, ...]) -> None:
    assert split_glued(token) == words


def test_text_tokens_of_glued_words_point_into_the_text() -> None:
    text = "قالت صحيفةالحياة إن الوفد وصل."
    tokens = tokenize(text)
    assert [t.text for t in tokens][:3] == ["قالت", "صحيفة", "الحياة"]
    assert all(text[t.start : t.end] == t.text for t in tokens)


# kg.text splits words itself rather than through camel-tools (whose import builds character
# tables over all of Unicode): the pieces and the diacritic stripping must stay camel-tools'.
_MIXED = [
    "قال الرئيسُ: «إن غزّة،والضفة في القلب» (21/6/2023).",
    "سعر السهم 3.5$ ارتفع ٪12 — “جيد” ‘جدا’ … ؟؛،",
    "😀👍🏽 🇸🇦نص #️⃣ 1️⃣2 a_b ℹ️ ℹ ©2023 ®x 👨‍👩‍👧 ‍ ~` ±§ ٪٫ ‽ 𝔸 ➡️ ☺ ☺️ *⃣",
    "مُحَمَّدٌ ذَهَبَ إِلَى المَدْرَسَةِ، وَقَرَأَ الكِتَابَ!",
]


@pytest.mark.parametrize("text", _MIXED)
def test_text_word_pieces_are_camel_tools_pieces(text: str) -> None:
    from camel_tools.tokenizers.word import simple_word_tokenize
    from camel_tools.utils.dediac import dediac_ar

    assert word_pieces(text) == simple_word_tokenize(text)
    assert strip_marks(text) == dediac_ar(text)


# Any text at all (but lone surrogates, which no file holds).
_ANY_TEXT = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=30)


def _anercorp_words() -> list[str]:
    """ANERcorp train's tokens, in order (skips without ../shared)."""
    train = require_shared_data() / "anercorp" / "train.txt"
    return [line.split()[0] for line in train.read_text(encoding="utf-8").splitlines() if line]


def _camel_normalize(text: str) -> str:
    from camel_tools.utils.normalize import (
        normalize_alef_ar,
        normalize_alef_maksura_ar,
        normalize_teh_marbuta_ar,
        normalize_unicode,
    )

    text = strip_marks(normalize_unicode(text))
    return str(normalize_teh_marbuta_ar(normalize_alef_maksura_ar(normalize_alef_ar(text))))


@pytest.mark.parametrize("text", [*_MIXED, "ﷲ ﷼ ﷽ غزه\u00a0القاهره\u2009ٱلقدس ـعلىـ"])
def test_text_normalize_is_camel_tools_normalisation(text: str) -> None:
    assert normalize(text) == _camel_normalize(text)
    for word in text.split(" "):
        assert normalize(word) == _camel_normalize(word)


@settings(max_examples=300, deadline=None)
@given(_ANY_TEXT)
def test_text_normalize_agrees_on_any_text(text: str) -> None:
    assert normalize(text) == _camel_normalize(text)


def test_text_normalize_agrees_on_a_news_corpus() -> None:
    words = sorted(set(_anercorp_words()))
    assert [normalize(w) for w in words] == [_camel_normalize(w) for w in words]


@settings(max_examples=300, deadline=None)
@given(_ANY_TEXT)
def test_text_word_pieces_agree_on_any_text(text: str) -> None:
    from camel_tools.tokenizers.word import simple_word_tokenize

    assert word_pieces(text) == simple_word_tokenize(text)


def test_text_word_pieces_agree_on_a_news_corpus() -> None:
    from camel_tools.tokenizers.word import simple_word_tokenize

    text = " ".join(_anercorp_words())
    assert word_pieces(text) == simple_word_tokenize(text)
