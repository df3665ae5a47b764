from __future__ import annotations

from kg.model import EntityType, Mention
from kg.resolve import Resolver, link_partial_names


def _mention(doc: str, text: str, kind: EntityType, start: int = 0) -> Mention:
    return Mention(doc, start, start + len(text), text, kind, 0)


def test_resolve_strips_honorifics_and_links_partial_names() -> None:
    mentions = [
        _mention("d1", "الشيخ تميم بن حمد", EntityType.PERSON, 0),
        _mention("d1", "تميم", EntityType.PERSON, 40),
        _mention("d1", "وتميم", EntityType.PERSON, 60),
    ]
    [entity] = Resolver.default().resolve(mentions)
    assert entity.label == "تميم بن حمد"
    assert entity.type is EntityType.PERSON
    # «وتميم» is «تميم» with the conjunction glued on: a mention, not a name of its own.
    assert set(entity.alt_labels) == {"الشيخ تميم بن حمد", "تميم"}
    assert len(entity.mentions) == 3


def test_resolve_strips_clitic_only_when_bare_name_is_attested() -> None:
    resolver = Resolver.default()
    linked = resolver.resolve(
        [_mention("d", "بغداد", EntityType.PLACE), _mention("d", "وبغداد", EntityType.PLACE, 20)]
    )
    assert [e.label for e in linked] == ["بغداد"]
    # «وليد» is a name, not «و» + «ليد»: it must stay whole when «ليد» is never seen.
    alone = resolver.resolve([_mention("d", "وليد جنبلاط", EntityType.PERSON)])
    assert [e.label for e in alone] == ["وليد جنبلاط"]


def test_resolve_strips_a_preposition_glued_to_a_head_noun() -> None:
    resolver = Resolver.default()
    # «بوزارة» is common as written, but «ب» on a head noun is a preposition, alone or not.
    [alone] = resolver.resolve(
        [_mention("d", "بوزارة الخارجية الفنلندية", EntityType.ORGANIZATION)]
    )
    assert alone.label == "وزارة الخارجية الفنلندية"
    [state] = resolver.resolve(
        [
            _mention("d", "بولاية كارولاينا الشمالية", EntityType.PLACE),
            _mention("d", "ولاية كارولاينا الشمالية", EntityType.PLACE, 40),
        ]
    )
    assert state.label == "ولاية كارولاينا الشمالية"
    # A head whose first letter only looks like a clitic keeps it: «وكالة», «بلدية».
    for name in ("وكالة الأنباء الفنلندية", "بلدية هلسنكي"):
        [entity] = resolver.resolve([_mention("d", name, EntityType.ORGANIZATION)])
        assert entity.label == name


def test_resolve_conjunction_before_a_name_particle_or_a_hamza() -> None:
    resolver = Resolver.default()
    for glued, bare in (
        ("وبن عيسى الطرابلسي", "بن عيسى الطرابلسي"),
        ("وإدغار فيلمان", "إدغار فيلمان"),
    ):
        [entity] = resolver.resolve([_mention("d", glued, EntityType.PERSON)])
        assert entity.label == bare
    # «وائل» is a name: its alef carries no hamza.
    [name] = resolver.resolve([_mention("d", "وائل كفوري", EntityType.PERSON)])
    assert name.label == "وائل كفوري"


def test_resolve_merges_spelling_variants_across_documents() -> None:
    entities = Resolver.default().resolve(
        [
            _mention("a", "غزّة", EntityType.PLACE),
            _mention("b", "غزة", EntityType.PLACE),
            _mention("b", "لغزة", EntityType.PLACE, 10),
        ]
    )
    assert len(entities) == 1
    assert {m.doc_id for m in entities[0].mentions} == {"a", "b"}


def test_resolve_article_after_preposition_lam_lam() -> None:
    entities = Resolver.default().resolve(
        [
            _mention("d", "الأمم المتحدة", EntityType.ORGANIZATION),
            _mention("d", "للأمم المتحدة", EntityType.ORGANIZATION, 30),
        ]
    )
    assert [e.label for e in entities] == ["الأمم المتحدة"]


def test_resolve_ambiguous_short_name_stays_separate() -> None:
    counts = {
        ("محمد علي", EntityType.PERSON): 1,
        ("محمد حسن", EntityType.PERSON): 1,
        ("محمد", EntityType.PERSON): 1,
    }
    from collections import Counter

    assert link_partial_names(Counter(counts)) == {}


def test_resolve_keys_are_stable_regardless_of_order() -> None:
    mentions = [
        _mention("d", "السيد أيمن الصفدي", EntityType.PERSON),
        _mention("d", "الصفدي", EntityType.PERSON, 30),
        _mention("d", "عمان", EntityType.PLACE, 50),
    ]
    forward = Resolver.default().resolve(mentions)
    backward = Resolver.default().resolve(list(reversed(mentions)))
    assert [(e.key, e.label, e.alt_labels) for e in forward] == [
        (e.key, e.label, e.alt_labels) for e in backward
    ]


def test_resolve_majority_type_wins() -> None:
    entities = Resolver.default().resolve(
        [
            _mention("d", "فتح", EntityType.ORGANIZATION),
            _mention("d", "فتح", EntityType.ORGANIZATION, 9),
            _mention("d", "فتح", EntityType.PERSON, 20),
        ]
    )
    assert [e.type for e in entities] == [EntityType.ORGANIZATION]


def test_resolve_preposition_ala_is_not_the_name_ali() -> None:
    text = "وصل علي حسن إلى المدينة وتحدث على المنصة"
    ala = text.index("على")
    mentions = [
        Mention("d", 4, 11, "علي حسن", EntityType.PERSON, 0),
        Mention("d", ala, ala + 3, "على", EntityType.PERSON, 0),  # the tagger's mistake
    ]
    entities = Resolver.default().resolve(mentions)
    assert [e.label for e in entities] == ["علي حسن"]
    assert "على" not in entities[0].alt_labels


def test_resolve_merges_transliteration_variants_but_not_distinct_given_names() -> None:
    entities = Resolver.default().resolve(
        [
            _mention("a", "كوفي أنان", EntityType.PERSON),
            _mention("b", "كوفي عنان", EntityType.PERSON),
            _mention("a", "أمريكا", EntityType.PLACE, 20),
            _mention("b", "أميركا", EntityType.PLACE, 20),
            _mention("a", "الاتحاد الديموقراطي الكردي", EntityType.ORGANIZATION, 40),
            _mention("b", "الاتحاد الديمقراطي الكردي", EntityType.ORGANIZATION, 40),
            _mention("a", "محمد سالم", EntityType.PERSON, 60),
            _mention("b", "محمود سالم", EntityType.PERSON, 60),
        ]
    )
    forms = sorted(sorted([e.label, *e.alt_labels]) for e in entities)
    assert forms == [
        ["أمريكا", "أميركا"],
        ["الاتحاد الديمقراطي الكردي", "الاتحاد الديموقراطي الكردي"],
        ["كوفي أنان", "كوفي عنان"],
        ["محمد سالم"],
        ["محمود سالم"],
    ]
    # Every surface form keeps its provenance: each mention is still there.
    assert sum(len(e.mentions) for e in entities) == 8


def test_resolve_joins_other_spellings_of_a_listed_name_across_documents() -> None:
    # ج for غ and a space left out: spellings of a Wikipedia title join its entity, with the
    # surname-only mention the first document links to the full name.
    entities = Resolver.default().resolve(
        [
            _mention("a", "غيرهارد شرودر", EntityType.PERSON),
            _mention("b", "جيرهارد شرودر", EntityType.PERSON),
            _mention("b", "شرودر", EntityType.PERSON, 40),
            _mention("c", "أبوظبي", EntityType.PLACE),
            _mention("d", "أبو ظبي", EntityType.PLACE),
        ]
    )
    assert len(entities) == 2
    person = next(e for e in entities if e.type is EntityType.PERSON)
    assert len(person.mentions) == 3


def test_resolve_never_joins_given_names_a_vowel_tells_apart() -> None:
    # «الحسن» and «الحسين» are two names: the listed «الحسين بن علي» takes no «الحسن».
    entities = Resolver.default().resolve(
        [
            _mention("a", "الحسين بن علي", EntityType.PERSON),
            _mention("b", "الحسن بن علي", EntityType.PERSON),
        ]
    )
    assert len(entities) == 2
