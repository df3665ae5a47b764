"""Words run together without a trace in the spelling, cut with the shipped word lists."""

from __future__ import annotations

import pytest

from kg.glue import GlueLexicon, shipped_glue
from kg.text import tokenize


@pytest.mark.parametrize(
    ("token", "words"),
    [
        ("القرارالنهائي", ("القرار", "النهائي")),  # a word + a word with the article
        ("باريسفي", ("باريس", "في")),  # a city + a preposition
        ("اجتماعيوم", ("اجتماع", "يوم")),  # a word + a word of time
        ("منالجامعة", ("من", "الجامعة")),  # a preposition + a word
        ("السيدمحمد", ("السيد", "محمد")),  # a form of address + a name
        ("صرّحتالحكومة", ("صرّحت", "الحكومة")),  # marks stay with their letters
    ],
)
def test_glue_cuts_two_words_run_together(token: str, words: tuple[str, ...]) -> None:
    assert shipped_glue().split(token) == words


@pytest.mark.parametrize(
    "token",
    [
        "فيلبان",  # a foreign name that opens like «في»
        "منساقة",  # an inflected word unknown to the list, not «من» + «ساقة»
        "معالمهم",  # a common word with a pronoun suffix, not «مع» + «المهم»
        "وعبدالحليم",  # a clitic on a listed compound name
        "المسؤولين",  # a common word
        "بيروتالان",  # too short a second word to judge
        "السيريوم",  # a foreign word with the article before «يوم»: cerium
    ],
)
def test_glue_leaves_words_and_names_whole(token: str) -> None:
    assert shipped_glue().split(token) == (token,)


def test_glue_tokens_point_into_the_text() -> None:
    text = "أعلن الوزير القرارالنهائي باريسفي المساء."
    tokens = tokenize(text)
    assert [t.text for t in tokens][:6] == ["أعلن", "الوزير", "القرار", "النهائي", "باريس", "في"]
    assert all(text[t.start : t.end] == t.text for t in tokens)


def test_glue_needs_both_halves_attested() -> None:
    glue = GlueLexicon({"القرار": 40, "في": 70}, names=())
    assert glue.split("القرارالنهائي") == ("القرارالنهائي",)  # «النهائي» unknown here
    assert glue.split("القرارفي") == ("القرار", "في")
