"""The rule extractors on invented news sentences: organisation phrases and listed places."""

from __future__ import annotations

import pytest

from kg.errors import ConfigError
from kg.model import Document, EntityType
from kg.ner.base import load_rules
from kg.ner.rules import OrganisationGrammar, PlaceNames
from kg.text import split_sentences


@pytest.fixture(scope="module")
def grammar() -> OrganisationGrammar:
    return OrganisationGrammar.default()


def _found(extractor: OrganisationGrammar | PlaceNames, text: str) -> list[str]:
    doc = Document("d", text)
    return [m.text for m in extractor(doc, split_sentences(text))]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("أعلنت وزارة الزراعة الفنلندية خطة جديدة.", ["وزارة الزراعة الفنلندية"]),
        ("ونظرت محكمة الاستئناف الإدارية في القضية.", ["محكمة الاستئناف الإدارية"]),
        ("صوّت البرلمان النمساوي على القانون.", ["البرلمان النمساوي"]),
        ("قضت المحكمة العليا بالإفراج عنه.", ["المحكمة العليا"]),
        ("وقالت هيئة مكافحة الفساد إن التحقيق مستمر.", ["هيئة مكافحة الفساد"]),
        ("وانضم إلى حزب الخضر عام 2010.", ["حزب الخضر"]),
        # «ل» + a definite word opens a prepositional phrase, not a genitive.
        ("شكلت لجنة خاصة للتحقيق في الحادث.", []),
        # A body of an organisation named next is not an organisation of its own.
        ("التقى رئيس المكتب التنفيذي لحركة النهضة بالسفير.", ["لحركة النهضة"]),
        # «شركة» needs a proper name after it, not a common noun.
        ("ارتفعت أسهم شركة الطيران بعد الإعلان.", []),
        # Common words («غير») do not continue a name.
        ("وقالت منظمة غير حكومية إن الوضع صعب.", []),
    ],
)
def test_ner_rules_organisation_phrases(
    grammar: OrganisationGrammar, text: str, expected: list[str]
) -> None:
    assert _found(grammar, text) == expected


def test_ner_rules_organisation_mentions_are_typed_and_placed(grammar: OrganisationGrammar) -> None:
    text = "رفضت الحكومة البرتغالية الطلب."
    [mention] = grammar(Document("d", text), split_sentences(text))
    assert mention.type is EntityType.ORGANIZATION
    assert text[mention.start : mention.end] == "الحكومة البرتغالية"
    assert mention.extractor == "org-grammar"


def test_ner_rules_places_from_the_lists_with_clitics() -> None:
    places = PlaceNames.default()
    text = "سافر الوزير إلى أوسلو ثم وصل بنيروبي وعاد إلى مدريد."
    assert _found(places, text) == ["أوسلو", "بنيروبي", "مدريد"]
    # Everyday words that are also place titles somewhere are left alone.
    assert _found(places, "كان الرجل بين الناس في المدينة.") == []


def test_ner_rules_unknown_rule_lists_the_known_ones() -> None:
    with pytest.raises(ConfigError, match="org-grammar"):
        load_rules(["no-such-rule"])


def test_ner_rules_survive_pickling_for_worker_processes() -> None:
    import pickle

    for extractor in load_rules(["org-grammar", "place-names"]):
        copy = pickle.loads(pickle.dumps(extractor))
        assert copy.name == extractor.name
