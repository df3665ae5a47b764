"""The type-agreement completer: a name's type settled by its document (kg.ner.agreement)."""

from __future__ import annotations

import pytest

from kg.model import Document, EntityType, Mention
from kg.ner.agreement import TypeAgreement
from kg.ner.base import RULE_EXTRACTORS, load_rules
from kg.pipeline import BuildConfig
from kg.text import split_sentences

T = EntityType


@pytest.fixture(scope="module")
def agreement() -> TypeAgreement:
    return TypeAgreement.default()


def _mark(text: str, marks: list[tuple[str, EntityType]]) -> list[Mention]:
    """Mentions of each (surface, type), in order, each found after the previous one."""
    sentences = split_sentences(text)
    found: list[Mention] = []
    position = 0
    for surface, kind in marks:
        start = text.index(surface, position)
        sentence = next(s.index for s in sentences if s.start <= start < s.end)
        found.append(Mention("d", start, start + len(surface), surface, kind, sentence, "crf"))
        position = start + len(surface)
    return found


def _types(
    agreement: TypeAgreement, text: str, marks: list[tuple[str, EntityType]]
) -> list[tuple[str, EntityType]]:
    doc = Document("d", text)
    revised = agreement.complete(doc, split_sentences(text), _mark(text, marks))
    return [(m.text, m.type) for m in revised]


def test_it_is_a_default_rule_and_runs_last() -> None:
    assert "type-agreement" in RULE_EXTRACTORS
    assert BuildConfig().rules[-1] == "type-agreement"
    [loaded] = load_rules(["type-agreement"])
    assert isinstance(loaded, TypeAgreement)


def test_a_body_that_speaks_is_an_organisation(agreement: TypeAgreement) -> None:
    text = "وأعلن القصر الرمادي أمس خطة جديدة. وزار الوفد القصر الرمادي."
    marks = [("القصر الرمادي", T.MISC), ("القصر الرمادي", T.MISC)]
    assert _types(agreement, text, marks) == [
        ("القصر الرمادي", T.ORGANIZATION),  # «أعلن» opens it
        ("القصر الرمادي", T.MISC),  # a visit says nothing of its kind
    ]
    spokesman = "وقال المتحدث باسم القصر الرمادي إن الخطة جاهزة."
    assert _types(agreement, spokesman, [("القصر الرمادي", T.MISC)]) == [
        ("القصر الرمادي", T.ORGANIZATION)
    ]


def test_a_head_noun_settles_the_name_and_its_list(agreement: TypeAgreement) -> None:
    text = "وقعت شركة فالدروم عقدا كبيرا. وتنافس الأسواق كريستاد وفالدروم وبرونيكس في كل مكان."
    marks = [
        ("فالدروم", T.ORGANIZATION),
        ("كريستاد", T.PERSON),
        ("وفالدروم", T.PERSON),
        ("وبرونيكس", T.PERSON),
    ]
    assert _types(agreement, text, marks) == [
        ("فالدروم", T.ORGANIZATION),
        ("كريستاد", T.ORGANIZATION),
        ("وفالدروم", T.ORGANIZATION),
        ("وبرونيكس", T.ORGANIZATION),
    ]


def test_listed_places_full_names_and_pairs_keep_their_type(agreement: TypeAgreement) -> None:
    text = (
        "قال زيرمانوف إن الاتفاق قريب. وأكد زيرمانوف ذلك. "
        "ويزور زيرمانوف والصين ويلهيلمينا دوركاس المعرض. "
        "وجرت المحادثات بين زيرمانوف وبرونيكس أمس."
    )
    marks = [
        ("زيرمانوف", T.PERSON),
        ("زيرمانوف", T.PERSON),
        ("زيرمانوف", T.PERSON),
        ("والصين", T.PLACE),
        ("زيرمانوف", T.PERSON),
        ("وبرونيكس", T.ORGANIZATION),
    ]
    revised = _types(agreement, text, marks)
    assert ("والصين", T.PLACE) in revised  # a listed place is no guess of the tagger
    assert ("وبرونيكس", T.ORGANIZATION) in revised  # «بين X وY» pairs anything


def test_a_name_and_its_apposition_are_no_list(agreement: TypeAgreement) -> None:
    text = "وقالت عضوة الاتحاد الزراعي، ماريليند كوستوبار، إن القرار صائب."
    marks = [("الاتحاد الزراعي", T.ORGANIZATION), ("ماريليند كوستوبار", T.PERSON)]
    assert _types(agreement, text, marks)[1] == ("ماريليند كوستوبار", T.PERSON)


def test_a_one_word_person_nobody_introduces_is_an_organisation(
    agreement: TypeAgreement,
) -> None:
    text = "وتتنافس كرونفيلد في السوق. ووضعت كرونفيلد منتجاتها في المتاجر."
    marks = [("كرونفيلد", T.PERSON), ("كرونفيلد", T.PERSON)]
    assert [kind for _, kind in _types(agreement, text, marks)] == [T.ORGANIZATION] * 2


def test_an_introduced_or_listed_person_stays_a_person(agreement: TypeAgreement) -> None:
    titled = "وقال السيد كرونفيلد إن السوق هادئة. وأضاف كرونفيلد أن الأسعار ثابتة."
    marks = [("كرونفيلد", T.PERSON), ("كرونفيلد", T.PERSON)]
    assert [kind for _, kind in _types(agreement, titled, marks)] == [T.PERSON] * 2
    full = "وقال فريدريك كرونفيلد إن السوق هادئة. وأضاف كرونفيلد أن الأسعار ثابتة."
    marks = [("فريدريك كرونفيلد", T.PERSON), ("كرونفيلد", T.PERSON)]
    assert [kind for _, kind in _types(agreement, full, marks)] == [T.PERSON] * 2
    listed = "وقال محمد إن السوق هادئة."
    assert _types(agreement, listed, [("محمد", T.PERSON)]) == [("محمد", T.PERSON)]


def test_two_bodies_run_together_are_split(agreement: TypeAgreement) -> None:
    text = "تعاقدت فالدروم مع الشركة. وعمل في كريستاد وبرونيكس سنوات."
    marks = [("فالدروم", T.ORGANIZATION), ("كريستاد وبرونيكس", T.ORGANIZATION)]
    assert _types(agreement, text, marks) == [
        ("فالدروم", T.ORGANIZATION),
        ("كريستاد وبرونيكس", T.ORGANIZATION),  # «كريستاد» is never mentioned alone
    ]
    text = "تعاقدت كريستاد مع الشركة. وعمل في كريستاد وبرونيكس سنوات."
    marks = [("كريستاد", T.ORGANIZATION), ("كريستاد وبرونيكس", T.ORGANIZATION)]
    assert _types(agreement, text, marks) == [
        ("كريستاد", T.ORGANIZATION),
        ("كريستاد", T.ORGANIZATION),
        ("وبرونيكس", T.ORGANIZATION),
    ]


def test_a_conjunction_the_judge_keeps_leaves_a_name_mentioned_bare(
    agreement: TypeAgreement,
) -> None:
    # «وبي» is too short for the clitic judge to check; the bare «بي كيو» elsewhere settles it.
    text = "وقعت شركة بي كيو عقدا. وتنافس كريستاد وبي كيو في السوق."
    marks = [("بي كيو", T.ORGANIZATION), ("كريستاد", T.PERSON), ("وبي كيو", T.PERSON)]
    assert _types(agreement, text, marks) == [
        ("بي كيو", T.ORGANIZATION),
        ("كريستاد", T.ORGANIZATION),
        ("بي كيو", T.ORGANIZATION),
    ]
