"""The rule extractors on invented news sentences: organisation phrases and listed places."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.errors import ConfigError
from kg.model import Document, EntityType, Mention
from kg.ner.acronyms import Acronyms
from kg.ner.base import load_rules, merge_mentions
from kg.ner.places import PlaceNames
from kg.ner.rules import OrganisationGrammar, PersonNames
from kg.text import split_sentences


@pytest.fixture(scope="module")
def grammar() -> OrganisationGrammar:
    return OrganisationGrammar.default()


def _found(
    extractor: OrganisationGrammar | PlaceNames | PersonNames | Acronyms, text: str
) -> list[str]:
    doc = Document("d", text)
    return [m.text for m in extractor(doc, split_sentences(text))]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("أعلنت وزارة الزراعة الفنلندية خطة جديدة.", ["وزارة الزراعة الفنلندية"]),
        ("ونظرت محكمة النقض الإدارية في القضية.", ["محكمة النقض الإدارية"]),
        ("صوّت البرلمان النمساوي على القانون.", ["البرلمان النمساوي"]),
        ("قضت المحكمة الدستورية بالإفراج عنه.", ["المحكمة الدستورية"]),
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
        # What a body is for, after a definite head and its adjective, is part of its name ...
        ("وقالت الهيئة العامة للاستثمار إن الطلبات زادت.", ["الهيئة العامة للاستثمار"]),
        ("وعاقب الاتحاد الدولي لكرة القدم النادي.", ["الاتحاد الدولي لكرة القدم"]),
        # ... but not after a state's own body: there it says what the body does.
        ("وسعت الحكومة الفنلندية لتعزيز التجارة.", ["الحكومة الفنلندية"]),
        # A stadium is a place with its town's name in it.
        ("وأقيمت المباراة على استاد هلسنكي الأولمبي.", ["استاد هلسنكي الأولمبي"]),
        # A company's head named after it is no part of its name.
        ("والتقى رئيس شركة زيلتارا كريستوف فانديرمولن بالوفد.", ["شركة زيلتارا"]),
        # A ministry named by its portfolio and a country's nisba, «وزارة» left out ...
        ("وأصدرت الخارجية الفنلندية بيانا.", ["الخارجية الفنلندية"]),
        ("وقال المتحدث باسم الدفاع الفنلندية إن التدريب انتهى.", ["الدفاع الفنلندية"]),
        # ... but not a post, the media or a culture.
        ("وقال وزير الخارجية الفنلندية إن الزيارة مهمة.", []),
        ("ونقلت وسائل الإعلام الفنلندية الخبر.", []),
        ("وتأثرت الثقافة الفنلندية بجيرانها.", []),
        # A person's full name after the head of a body a person leads: whose body, no name.
        ("انتقد النائب حكومة كريستوف فانديرمولن بشدة.", []),
        ("وعرقلت حركة كريستوف تروفيمتشوك الهجوم.", []),
        # ... while bodies named after people keep the name.
        ("درس في جامعة كريستوف فانديرمولن الخاصة.", ["جامعة كريستوف فانديرمولن الخاصة"]),
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
    text = "سافر الوزير إلى أوسلو ثم وصل بنيروبي وعاد إلى لشبونة."
    assert _found(places, text) == ["أوسلو", "بنيروبي", "لشبونة"]
    # Everyday words that are also place titles somewhere are left alone.
    assert _found(places, "كان الرجل بين الناس في المدينة.") == []


def test_ner_rules_unknown_rule_lists_the_known_ones() -> None:
    with pytest.raises(ConfigError, match="org-grammar"):
        load_rules(["no-such-rule"])


def test_ner_rules_survive_pickling_for_worker_processes() -> None:
    import pickle

    from kg.ner.base import RULE_EXTRACTORS

    for extractor in load_rules(list(RULE_EXTRACTORS)):
        copy = pickle.loads(pickle.dumps(extractor))
        assert copy.name == extractor.name


def _span(text: str, name: str, kind: EntityType, extractor: str) -> Mention:
    start = text.index(name)
    return Mention("d", start, start + len(name), name, kind, 0, extractor)


def test_ner_rules_merge_prefers_longer_spans_then_typed_then_the_backend() -> None:
    text = "زار مسجد الفتح وفد من حزب الخضر الأيرلندي"
    backend = [
        _span(text, "مسجد الفتح", EntityType.MISC, "crf"),
        _span(text, "حزب الخضر", EntityType.ORGANIZATION, "crf"),
    ]
    rules = [
        _span(text, "مسجد الفتح", EntityType.PLACE, "org-grammar"),
        _span(text, "حزب الخضر الأيرلندي", EntityType.ORGANIZATION, "org-grammar"),
    ]
    merged = merge_mentions([backend, rules])
    assert [(m.text, m.type, m.extractor) for m in merged] == [
        ("مسجد الفتح", EntityType.PLACE, "org-grammar"),  # a place beats MISC
        ("حزب الخضر الأيرلندي", EntityType.ORGANIZATION, "org-grammar"),  # longer wins
    ]


def test_ner_rules_merge_an_organisation_gives_up_the_person_at_its_end() -> None:
    text = "وقال مؤسس شركة زيلتارا توماس فيلهلمسون إن الشركة ستتوسع"
    run_on = [_span(text, "شركة زيلتارا توماس فيلهلمسون", EntityType.ORGANIZATION, "org-grammar")]
    person = [_span(text, "توماس فيلهلمسون", EntityType.PERSON, "crf")]
    merged = merge_mentions([person, run_on])
    assert [(m.text, m.type) for m in merged] == [
        ("شركة زيلتارا", EntityType.ORGANIZATION),
        ("توماس فيلهلمسون", EntityType.PERSON),
    ]
    assert all(text[m.start : m.end] == m.text for m in merged)
    # Named after a person, with nothing between head and name: the organisation stays whole.
    text = "درس في جامعة جورج واشنطن"
    whole = [_span(text, "جامعة جورج واشنطن", EntityType.ORGANIZATION, "org-grammar")]
    person = [_span(text, "جورج واشنطن", EntityType.PERSON, "person-names")]
    assert [m.text for m in merge_mentions([whole, person])] == ["جامعة جورج واشنطن"]


def test_ner_rules_merge_splits_two_names_run_together() -> None:
    text = "مرشح المحكمة العليا جوناثان بريمروز أمس"
    glued = [_span(text, "المحكمة العليا جوناثان بريمروز", EntityType.ORGANIZATION, "crf")]
    court = [_span(text, "المحكمة العليا", EntityType.ORGANIZATION, "org-grammar")]
    person = [_span(text, "جوناثان بريمروز", EntityType.PERSON, "person-names")]
    assert [m.text for m in merge_mentions([glued, court, person])] == [
        "المحكمة العليا",
        "جوناثان بريمروز",
    ]
    # One shorter span alone is not evidence of two names.
    assert [m.text for m in merge_mentions([glued, court])] == ["المحكمة العليا جوناثان بريمروز"]


def test_ner_rules_foreign_full_names() -> None:
    people = PersonNames.default()
    text = "وقال المدرب كريستوف فانديرمولن إن مظهر وملمس الملعب جيدان."
    assert _found(people, text) == ["كريستوف فانديرمولن"]


def test_ner_rules_acronyms_spelt_in_letter_names() -> None:
    acronyms = Acronyms.default()
    text = "وبثت قناة زد دي إف المقابلة، ونقلت إتش إس بي سي إن الوزير استقال، في أي وقت."
    assert _found(acronyms, text) == ["زد دي إف", "إتش إس بي سي"]
    # Arabic words that spell letters («في», «أي», «إن») are no acronym on their own.
    assert _found(acronyms, "قال إن في أي حال سيحضر.") == []


def test_ner_rules_place_that_is_also_a_name_needs_a_cue() -> None:
    places = PlaceNames.default()
    assert _found(places, "وصل الوفد إلى مدينة شارلوت مساء أمس.") == ["شارلوت"]
    assert _found(places, "وقالت شارلوت إنها ستعود.") == []


def test_ner_rules_latin_names_after_a_head(grammar: OrganisationGrammar) -> None:
    # A name kept in Latin script is the name the head noun announces, glued on or not.
    text = "ووجد استطلاع أجرته قناة Zentrix الرومانية أن الوضع صعب."
    assert _found(grammar, text) == ["قناة Zentrix الرومانية"]
    assert _found(grammar, "كانت فكرة شركةZentrix جيدة.") == ["شركةZentrix"]
    assert _found(grammar, "وصرح للحركة الشعبية Green Tomorrow Now بمدينة كبيرة.") == [
        "للحركة الشعبية Green Tomorrow Now"
    ]


def test_ner_rules_merge_a_listed_place_beats_the_taggers_person() -> None:
    text = "وصل الوفد إلى بوخارست أمس"
    backend = [_span(text, "بوخارست", EntityType.PERSON, "crf")]
    places = [_span(text, "بوخارست", EntityType.PLACE, "place-names")]
    [merged] = merge_mentions([backend, places])
    assert (merged.type, merged.extractor) == (EntityType.PLACE, "place-names")
    # Other disagreements still go to the backend.
    organisation = [_span(text, "بوخارست", EntityType.ORGANIZATION, "crf")]
    [merged] = merge_mentions([organisation, places])
    assert merged.type is EntityType.ORGANIZATION


def test_ner_rules_try_their_match_only_where_a_word_can_open_a_name(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Each rule's ``starts`` pre-check (a WordGate) is exact: with it, the rules find what
    trying every token finds, on ANERcorp's text."""
    import importlib

    from kg.ner.base import RULE_EXTRACTORS
    from kg.ner.scan import scan
    from tests.conftest import require_shared_data

    train = require_shared_data() / "anercorp" / "train.txt"
    words = [line.split()[0] for line in train.read_text(encoding="utf-8").splitlines() if line]
    doc = Document("aner", " ".join(words[:20_000]))
    sentences = split_sentences(doc.text)
    rules = load_rules(list(RULE_EXTRACTORS))
    scanning = [r for r in rules if not hasattr(r, "complete")]
    gated = {r.name: r(doc, sentences) for r in scanning}

    def every_token(*args: Any) -> list[Mention]:
        return scan(*args[:5])  # the same scan without its starts: every token tried

    for module in {type(r).__module__ for r in scanning}:
        monkeypatch.setattr(importlib.import_module(module), "scan", every_token)
    assert {r.name: r(doc, sentences) for r in scanning} == gated
    assert len(gated) == 5 and all(gated.values())


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 30), st.integers(0, 6)), max_size=25))
def test_ner_rules_merge_keeps_what_comparing_with_each_kept_span_keeps(
    spans: list[tuple[int, int]],
) -> None:
    """The kept spans, found by looking at neighbours only, are those the plain rule keeps:
    in rank order, each span that overlaps none kept before it (empty spans included)."""
    from kg.ner.base import _Spans

    mentions = [
        Mention("d", start, start + size, "x" * size, EntityType.PLACE, 0, f"r{k}")
        for k, (start, size) in enumerate(spans)
    ]
    expected: list[Mention] = []
    for mention in mentions:
        if all(mention.end <= o.start or mention.start >= o.end for o in expected):
            expected.append(mention)
    kept = _Spans()
    for mention in mentions:
        kept.add_if_free(mention)
    assert kept.mentions == expected
