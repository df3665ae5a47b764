"""Events, quotations and roles on hand-written Arabic news sentences with hand-made mentions.

Every sentence was written for these tests; names are invented or generic public posts, so the
rules are checked on wording they were not tuned to.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest

from kg.errors import ModelError
from kg.events import ALIAS_EXTRACTOR, EventExtractor, Extraction
from kg.model import Document, EntityType, EventKind, Mention, Quotation
from kg.text import split_sentences

P, G, L = EntityType.PERSON, EntityType.ORGANIZATION, EntityType.PLACE  # G: group (organisation)


@pytest.fixture(scope="module")
def extractor() -> EventExtractor:
    return EventExtractor.default()


def mentions_for(text: str, names: dict[str, EntityType]) -> list[Mention]:
    """Every occurrence of each name as a mention, the way an NER would mark them."""
    sentences = split_sentences(text)
    found: list[Mention] = []
    for name, entity_type in names.items():
        for match in re.finditer(re.escape(name), text):
            sentence = next(s for s in sentences if s.start <= match.start() < s.end)
            found.append(
                Mention("d", match.start(), match.end(), name, entity_type, sentence.index, "test")
            )
    return sorted(found, key=lambda m: m.start)


def run(
    extractor: EventExtractor,
    text: str,
    names: dict[str, EntityType],
    date: dt.date | None = dt.date(2023, 5, 18),
) -> Extraction:
    doc = Document("d", text, date=date)
    return extractor(doc, split_sentences(text), mentions_for(text, names))


def quoted(found: Extraction, text: str) -> list[Quotation]:
    """The quotations in quotation marks (reported speech without marks is a quotation too)."""
    return [q for q in found.quotations if q.start > 0 and text[q.start - 1] in '«"“']


def of_kind(found: Extraction, kind: EventKind) -> list[tuple[list[str], str | None, str | None]]:
    return [
        (
            [p.text for p in e.participants],
            None if e.place is None else e.place.text,
            None if e.date is None else e.date.isoformat(),
        )
        for e in found.events
        if e.kind is kind
    ]


# --- meetings ----------------------------------------------------------------------------------

MEETINGS = [
    pytest.param(
        "استقبل الملك فيصل الأول في قصر الندى رئيس الوزراء سامي نور يوم الأحد 14 مايو 2023.",
        {"فيصل الأول": P, "سامي نور": P},
        (["فيصل الأول", "سامي نور"], "قصر الندى", "2023-05-14"),
        id="istaqbala-venue-weekday-date",
    ),
    pytest.param(
        "التقى وزير الخارجية كمال داود، والرئيس هادي سلمان، في رام الله أمس.",
        {"كمال داود": P, "هادي سلمان": P, "رام الله": L},
        (["كمال داود", "هادي سلمان"], "رام الله", "2023-05-17"),
        id="iltaqa-coordinated-relative-date",
    ),
    pytest.param(
        "بحث الرئيس نادر جابر ورئيس الحكومة عمر فاضل خلال لقائهما في تونس سبل التعاون.",
        {"نادر جابر": P, "عمر فاضل": P, "تونس": L},
        (["نادر جابر", "عمر فاضل"], "تونس", None),
        id="bahatha-khilal-liqaihima",
    ),
    pytest.param(
        "اجتمع المبعوث الأممي رامي خوري مع السفير باسل حداد في نيويورك الخميس الماضي.",
        {"رامي خوري": P, "باسل حداد": P, "نيويورك": L},
        (["رامي خوري", "باسل حداد"], "نيويورك", "2023-05-11"),
        id="ijtama-maa-last-weekday",
    ),
    pytest.param(
        "بحث وزير الداخلية خالد منصور مع نظيره سليم عواد ملف الحدود في ١٢/٧/٢٠٢٣.",
        {"خالد منصور": P, "سليم عواد": P},
        (["خالد منصور", "سليم عواد"], None, "2023-07-12"),
        id="bahatha-gap-maa-eastern-digits",
    ),
    pytest.param(
        "وعقدت في عمان قمة جمعت الرئيس نبيل شاكر والملك فيصل الأول والأمير زياد فهد.",
        {"نبيل شاكر": P, "فيصل الأول": P, "زياد فهد": P, "عمان": L},
        (["نبيل شاكر", "فيصل الأول", "زياد فهد"], "عمان", None),
        id="qimma-three-participants",
    ),
    pytest.param(
        "وأجرى الوزير خالد منصور محادثات مع وفد من حركة النهضة في الدوحة.",
        {"خالد منصور": P, "حركة النهضة": G, "الدوحة": L},
        (["خالد منصور", "حركة النهضة"], "الدوحة", None),
        id="muhadathat-with-organisation",
    ),
]


@pytest.mark.parametrize(("text", "names", "expected"), MEETINGS)
def test_events_meeting_participants_place_date(
    extractor: EventExtractor,
    text: str,
    names: dict[str, EntityType],
    expected: tuple[list[str], str | None, str | None],
) -> None:
    assert of_kind(run(extractor, text, names), EventKind.MEETING) == [expected]


def test_events_meeting_follow_up_sentence_extends_event(extractor: EventExtractor) -> None:
    text = (
        "القاهرة - التقى الرئيس نبيل شاكر نظيره عمر فاضل اليوم. "
        "وحضر اللقاء وزير الخارجية كمال داود. وتناول الاجتماع الأوضاع الإقليمية."
    )
    names = {"القاهرة": L, "نبيل شاكر": P, "عمر فاضل": P, "كمال داود": P}
    found = run(extractor, text, names)
    meetings = [e for e in found.events if e.kind is EventKind.MEETING]
    assert len(meetings) == 1
    assert [p.text for p in meetings[0].participants] == ["نبيل شاكر", "عمر فاضل", "كمال داود"]
    assert meetings[0].sentences == (0, 1, 2)
    assert meetings[0].place is not None and meetings[0].place.text == "القاهرة"  # dateline
    assert meetings[0].date == dt.date(2023, 5, 18)


def test_events_no_date_without_anchor(extractor: EventExtractor) -> None:
    text = "التقى الرئيس نبيل شاكر نظيره عمر فاضل أمس."
    found = run(extractor, text, {"نبيل شاكر": P, "عمر فاضل": P}, date=None)
    assert of_kind(found, EventKind.MEETING) == [(["نبيل شاكر", "عمر فاضل"], None, None)]


def test_events_explicit_date_in_article_anchors_relative_ones(extractor: EventExtractor) -> None:
    text = "صدر البيان في 3 حزيران 2023. والتقى الوزير خالد منصور الوزير سليم عواد أمس."
    found = run(extractor, text, {"خالد منصور": P, "سليم عواد": P}, date=None)
    assert of_kind(found, EventKind.MEETING)[0][2] == "2023-06-02"


# --- conflicts, demonstrations, visits, calls ---------------------------------------------------

OTHER_EVENTS = [
    pytest.param(
        "اندلعت اشتباكات عنيفة بين قوات الأمن وجماعة الفجر في مدينة حلب.",
        {"قوات الأمن": G, "جماعة الفجر": G, "حلب": L},
        EventKind.CONFLICT,
        (["قوات الأمن", "جماعة الفجر"], "حلب", None),
        id="ishtibakat",
    ),
    pytest.param(
        "وتواصلت معركة السيطرة على المطار بين الجيش الوطني وجماعة الفجر.",
        {"الجيش الوطني": G, "جماعة الفجر": G},
        EventKind.CONFLICT,
        (["الجيش الوطني", "جماعة الفجر"], None, None),
        id="maraka",
    ),
    pytest.param(
        "وشن الطيران الحربي قصفا مكثفا على بلدة الزهراء أمس.",
        {"الزهراء": L},
        EventKind.CONFLICT,
        ([], "الزهراء", "2023-05-17"),
        id="qasf-place-only",
    ),
    pytest.param(
        "وأعلنت جماعة الفجر مسؤوليتها عن هجوم استهدف دورية في درعا.",
        {"جماعة الفجر": G, "درعا": L},
        EventKind.CONFLICT,
        (["جماعة الفجر"], "درعا", None),
        id="hujum",
    ),
    pytest.param(
        "وتجدد القتال بين الفصائل في طرابلس.",
        {"طرابلس": L},
        EventKind.CONFLICT,
        ([], "طرابلس", None),
        id="qital",
    ),
    pytest.param(
        "وخرجت مسيرات حاشدة في عمان دعت إليها نقابة المعلمين.",
        {"عمان": L, "نقابة المعلمين": G},
        EventKind.DEMONSTRATION,
        (["نقابة المعلمين"], "عمان", None),
        id="masirat",
    ),
    pytest.param(
        "وشهدت الرباط تظاهرات طلابية يوم الجمعة.",
        {"الرباط": L},
        EventKind.DEMONSTRATION,
        ([], "الرباط", "2023-05-12"),
        id="tazahurat-place-as-subject",
    ),
    pytest.param(
        "وتواصلت الاحتجاجات في بغداد للأسبوع الثاني.",
        {"بغداد": L},
        EventKind.DEMONSTRATION,
        ([], "بغداد", None),
        id="ihtijajat",
    ),
    pytest.param(
        "زار وزير الدفاع سالم الحربي العاصمة الأردنية عمان الثلاثاء.",
        {"سالم الحربي": P, "عمان": L},
        EventKind.VISIT,
        (["سالم الحربي"], "عمان", "2023-05-16"),
        id="zara",
    ),
    pytest.param(
        "ووصل الرئيس نبيل شاكر إلى الدوحة في زيارة رسمية.",
        {"نبيل شاكر": P, "الدوحة": L},
        EventKind.VISIT,
        (["نبيل شاكر"], "الدوحة", None),
        id="wasala-ila",
    ),
    pytest.param(
        "وتأتي زيارة الوزير كمال داود إلى بيروت بعد أسابيع من التوتر.",
        {"كمال داود": P, "بيروت": L},
        EventKind.VISIT,
        (["كمال داود"], "بيروت", None),
        id="ziyara",
    ),
    pytest.param(
        "وأجرى الرئيس نبيل شاكر اتصالاً هاتفياً مع نظيره عمر فاضل مساء الأربعاء.",
        {"نبيل شاكر": P, "عمر فاضل": P},
        EventKind.CALL,
        (["نبيل شاكر", "عمر فاضل"], None, "2023-05-17"),
        id="ittisal-hatifi",
    ),
]


@pytest.mark.parametrize(("text", "names", "kind", "expected"), OTHER_EVENTS)
def test_events_other_families(
    extractor: EventExtractor,
    text: str,
    names: dict[str, EntityType],
    kind: EventKind,
    expected: tuple[list[str], str | None, str | None],
) -> None:
    assert of_kind(run(extractor, text, names), kind) == [expected]


def test_events_trigger_inside_a_name_is_not_an_event(extractor: EventExtractor) -> None:
    found = run(extractor, "وأصدرت هيئة مسيرات العودة بيانا.", {"هيئة مسيرات العودة": G})
    assert of_kind(found, EventKind.DEMONSTRATION) == []


def test_events_a_ministry_is_no_visit(extractor: EventExtractor) -> None:
    # «وزارة» reads as «و» + «زاره» ("and visited him"), a verb of visiting, at a name's start.
    found = run(extractor, "وأعلنت وزارة الري خطة جديدة.", {"وزارة الري": G})
    assert of_kind(found, EventKind.VISIT) == []
    assert [e.kind for e in found.events] == [EventKind.STATEMENT]


# --- statements and quotations -------------------------------------------------------------------

SPEECH_VERBS = ["قال", "أكد", "أضاف", "أعلن", "أوضح", "رأى", "دعا", "أشار", "اعتبر", "شدد"]


@pytest.mark.parametrize("verb", SPEECH_VERBS)
def test_events_statement_verb_gives_speaker(extractor: EventExtractor, verb: str) -> None:
    text = f"و{verb} وزير المالية خالد منصور أن الحكومة ماضية في خطتها."
    found = run(extractor, text, {"خالد منصور": P})
    statements = [e for e in found.events if e.kind is EventKind.STATEMENT]
    assert [[p.text for p in e.participants] for e in statements] == [["خالد منصور"]]


def test_events_tasaala_quote_belongs_to_speaker(extractor: EventExtractor) -> None:
    text = "وتساءل الكاتب سمير حداد: «إلى متى سيبقى العالم صامتا أمام هذه المأساة؟»"
    found = run(extractor, text, {"سمير حداد": P})
    assert [(q.speaker.text if q.speaker else None) for q in found.quotations] == ["سمير حداد"]


QUOTES = [
    pytest.param(
        'وقال المتحدث باسم الوزارة ناصر كنعان إن "الحكومة لن تقبل بأي تدخل في شؤون لبنان".',
        {"ناصر كنعان": P, "لبنان": L},
        [("ناصر كنعان", ["لبنان"])],
        id="straight-quotes-after-inna",
    ),
    pytest.param(
        "«الوضع الإنساني في غزة كارثي بكل المقاييس»، قال المفوض العام رامي خوري.",
        {"رامي خوري": P, "غزة": L},
        [("رامي خوري", ["غزة"])],
        id="quote-before-verb",
    ),
    pytest.param(
        "وأكد الوزير كمال داود أن الحوار مستمر. وأضاف: «لن نتراجع عن مطالبنا مهما كانت الضغوط».",
        {"كمال داود": P},
        [("كمال داود", [])],
        id="wa-adafa-no-subject",
    ),
    pytest.param(
        "ألقى الشيخ حسن عاصم كلمة في الحفل. وقال: «إن وحدة الصف واجب على الجميع في هذه المرحلة».",
        {"حسن عاصم": P},
        [("حسن عاصم", [])],
        id="wa-qala-no-subject-previous-person",
    ),
    pytest.param(
        "وأكد سماحة الشيخ حسن عاصم أن المقاومة باقية. ورحب الحضور بالكلمة.\n"
        "ثم قال سماحته: «إن هذه المرحلة تتطلب وحدة الصف الوطني في لبنان».",
        {"حسن عاصم": P, "لبنان": L},
        [("حسن عاصم", ["لبنان"])],
        id="samahatuhu",
    ),
    pytest.param(
        "واستقبل الرئيس نبيل شاكر الوزير كمال داود. وقال الوزير: «نقلت رسالة واضحة إلى القيادة».",
        {"نبيل شاكر": P, "كمال داود": P},
        [("كمال داود", [])],
        id="title-reference-matches-role",
    ),
    pytest.param(
        "وقالت حركة النهضة في بيان إن «الاعتقالات الأخيرة لن تثنينا عن مواصلة النضال».",
        {"حركة النهضة": G},
        [("حركة النهضة", [])],
        id="organisation-speaker",
    ),
    pytest.param(
        "وقال مصدر أمني إن «الوضع تحت السيطرة بشكل كامل الآن».",
        {},
        [(None, [])],
        id="unnamed-source-has-no-speaker",
    ),
    pytest.param(
        "أطلق الجيش عملية «فجر الحرية» فجر اليوم.",
        {},
        [],
        id="short-quoted-name-is-not-a-quotation",
    ),
]


@pytest.mark.parametrize(("text", "names", "expected"), QUOTES)
def test_events_quote_attribution(
    extractor: EventExtractor,
    text: str,
    names: dict[str, EntityType],
    expected: list[tuple[str | None, list[str]]],
) -> None:
    found = run(extractor, text, names)
    got = [
        (None if q.speaker is None else q.speaker.text, [m.text for m in q.about])
        for q in quoted(found, text)
    ]
    assert got == expected


def test_events_quotation_span_is_inside_the_marks(extractor: EventExtractor) -> None:
    text = "وقال الوزير كمال داود: «الحوار مستمر بلا شروط»."
    quotation = run(extractor, text, {"كمال داود": P}).quotations[0]
    assert quotation.text == "الحوار مستمر بلا شروط"
    assert text[quotation.start : quotation.end] == quotation.text
    assert quotation.sentences == (0,)


def test_events_participle_continues_the_speaker(extractor: EventExtractor) -> None:
    text = "وأكد الوزير كمال داود أن الحوار مستمر، مضيفاً: «لا بديل عن الحل السياسي للأزمة»."
    found = run(extractor, text, {"كمال داود": P})
    assert [q.speaker.text if q.speaker else None for q in found.quotations] == ["كمال داود"]


# --- roles ---------------------------------------------------------------------------------------

ROLES = [
    pytest.param(
        "التقى رئيس المكتب السياسي لحركة النهضة، السيد رامي خوري، وفدا برلمانيا.",
        {"حركة النهضة": G, "رامي خوري": P},
        [("رئيس المكتب السياسي", "رامي خوري", "حركة النهضة")],
        id="title-org-comma-honorific-name",
    ),
    pytest.param(
        "وصل وزير الخارجية الأمريكي أنتوني بلينكن إلى القاهرة.",
        {"أنتوني بلينكن": P, "القاهرة": L},
        [("وزير الخارجية الأمريكي", "أنتوني بلينكن", None)],
        id="title-nationality-name",
    ),
    pytest.param(
        "وحذر الأمين العام للأمم المتحدة أنطونيو غوتيريش من تفاقم الأزمة.",
        {"للأمم المتحدة": G, "أنطونيو غوتيريش": P},
        [("الأمين العام", "أنطونيو غوتيريش", "للأمم المتحدة")],
        id="multiword-head-org-with-clitic",
    ),
    pytest.param(
        "وأعلن قائد الجيش الوطني الفريق أول سالم الحربي حالة الطوارئ.",
        {"الجيش الوطني": G, "سالم الحربي": P},
        [("قائد", "سالم الحربي", "الجيش الوطني")],
        id="head-org-rank-name",
    ),
    pytest.param(
        "وأعلن قائد الجيش السوداني الفريق أول سالم الحربي حالة الطوارئ.",
        {"سالم الحربي": P},
        [("قائد الجيش السوداني", "سالم الحربي", None)],
        id="head-without-org-mention",
    ),
    pytest.param(
        "وقال خالد منصور، وزير المالية في الحكومة الانتقالية، إن العجز تراجع.",
        {"خالد منصور": P},
        [("وزير المالية", "خالد منصور", None)],
        id="apposition-after-name",
    ),
    pytest.param(
        "والتقى برئيس الوزراء العراقي سامي نور في بغداد.",
        {"سامي نور": P, "بغداد": L},
        [("رئيس الوزراء العراقي", "سامي نور", None)],
        id="clitic-bi-on-head",
    ),
]


@pytest.mark.parametrize(("text", "names", "expected"), ROLES)
def test_events_role_shapes(
    extractor: EventExtractor,
    text: str,
    names: dict[str, EntityType],
    expected: list[tuple[str, str, str | None]],
) -> None:
    found = run(extractor, text, names)
    got = [
        (r.label, r.person.text, None if r.organization is None else r.organization.text)
        for r in found.roles
    ]
    assert got == expected
    for role in found.roles:
        assert text[role.start : role.end].startswith(role.label)


def test_events_role_alias_resolves_later_use(extractor: EventExtractor) -> None:
    text = (
        "استقبل قائد الحرس الوطني سالم الحربي الوفد. "
        "وأكد قائد الحرس الوطني أن الأمن مستتب في البلاد."
    )
    found = run(extractor, text, {"سالم الحربي": P})
    assert [(m.text, m.type, m.extractor, m.sentence) for m in found.alias_mentions] == [
        ("قائد الحرس الوطني", P, ALIAS_EXTRACTOR, 1)
    ]
    alias = found.alias_mentions[0]
    assert text[alias.start : alias.end] == alias.text
    statements = [e for e in found.events if e.kind is EventKind.STATEMENT]
    assert [e.participants for e in statements] == [(alias,)]


def test_events_ambiguous_role_phrase_makes_no_alias(extractor: EventExtractor) -> None:
    text = (
        "التقى وزير الخارجية المصري كمال داود ثم وزير الخارجية المصري السابق عمر فاضل. "
        "وقال وزير الخارجية المصري إن المحادثات بناءة."
    )
    found = run(extractor, text, {"كمال داود": P, "عمر فاضل": P})
    assert found.alias_mentions == ()


def test_events_role_apposition_does_not_jump_to_next_list_item(extractor: EventExtractor) -> None:
    text = "وحضر الحفل السيد خالد منصور رئيس مجلس إدارة الشركة، والدكتور عمر فاضل رئيس الهيئة."
    found = run(extractor, text, {"خالد منصور": P, "عمر فاضل": P})
    assert [(r.label, r.person.text) for r in found.roles] == [
        ("رئيس مجلس إدارة الشركة", "خالد منصور"),
        ("رئيس الهيئة", "عمر فاضل"),
    ]


def test_events_role_phrase_runs_through_organisation_and_place(extractor: EventExtractor) -> None:
    text = "وأفاد منسق الطوارئ في منظمة أطباء العالم في الموصل رامي خوري بأن الوضع صعب."
    found = run(extractor, text, {"منظمة أطباء العالم": G, "الموصل": L, "رامي خوري": P})
    assert [
        (r.label, r.person.text, r.organization.text if r.organization else None)
        for r in found.roles
    ] == [("منسق الطوارئ", "رامي خوري", "منظمة أطباء العالم")]
    statements = [e for e in found.events if e.kind is EventKind.STATEMENT]
    assert [[p.text for p in e.participants] for e in statements] == [["رامي خوري"]]


def test_events_role_phrase_stops_at_unrelated_words(extractor: EventExtractor) -> None:
    text = "رسالة إلى وزير التموين بخصوص السماح لكمال داود بنقل الطحين."
    assert run(extractor, text, {"كمال داود": P}).roles == ()


def test_events_unnamed_svo_subject_resolves_by_title(extractor: EventExtractor) -> None:
    text = (
        "زار وزير الخارجية كمال داود بغداد.\n"
        "وأوضح المتحدث باسم الوزارة ناصر كنعان أن الوزير شدد على حماية المدنيين."
    )
    found = run(extractor, text, {"كمال داود": P, "ناصر كنعان": P, "بغداد": L})
    speakers = {
        e.trigger: e.participants[0].text for e in found.events if e.kind is EventKind.STATEMENT
    }
    assert speakers == {"أوضح": "ناصر كنعان", "شدد": "كمال داود"}


def test_events_unnamed_source_after_anna_is_nobody(extractor: EventExtractor) -> None:
    text = "وقال الوزير كمال داود إن الجيش شدد على الانسحاب."
    found = run(extractor, text, {"كمال داود": P})
    assert [e.trigger for e in found.events if e.kind is EventKind.STATEMENT] == ["قال"]


def test_events_speaker_named_by_surname_the_ner_missed(extractor: EventExtractor) -> None:
    text = "التقى الوزير كمال داود الوفد. ورأى السيد داود أن «الحوار هو الطريق الوحيد للحل»."
    found = run(extractor, text, {"كمال داود": P})
    assert [q.speaker.text if q.speaker else None for q in found.quotations] == ["كمال داود"]


def test_events_manner_participle_keeps_previous_speaker(extractor: EventExtractor) -> None:
    text = (
        "وأكد الوزير كمال داود أن الحوار مستمر. "
        "وقال مخاطبا رئيس البعثة عمر فاضل: «نحن نعول على دوركم في إنجاح المبادرة»."
    )
    found = run(extractor, text, {"كمال داود": P, "عمر فاضل": P})
    assert [q.speaker.text if q.speaker else None for q in quoted(found, text)] == ["كمال داود"]


def test_events_call_has_no_place(extractor: EventExtractor) -> None:
    text = "وأجرى الرئيس نبيل شاكر اتصالا هاتفيا مع نظيره عمر فاضل بحثا فيه الأوضاع في ليبيا."
    found = run(extractor, text, {"نبيل شاكر": P, "عمر فاضل": P, "ليبيا": L})
    assert of_kind(found, EventKind.CALL) == [(["نبيل شاكر", "عمر فاضل"], None, None)]


def test_events_explicit_date_beats_relative_one(extractor: EventExtractor) -> None:
    text = "التقى الرئيس نبيل شاكر، اليوم الأربعاء (12/7/2023)، نظيره عمر فاضل."
    found = run(extractor, text, {"نبيل شاكر": P, "عمر فاضل": P}, date=dt.date(2023, 7, 13))
    assert of_kind(found, EventKind.MEETING)[0][2] == "2023-07-12"


def test_events_name_inside_venue_is_not_a_participant(extractor: EventExtractor) -> None:
    text = "واستقبل الرئيس نبيل شاكر في قصر عابدين الوزير كمال داود."
    found = run(extractor, text, {"نبيل شاكر": P, "عابدين": P, "كمال داود": P})
    assert of_kind(found, EventKind.MEETING) == [(["نبيل شاكر", "كمال داود"], "قصر عابدين", None)]
    assert [(m.text, m.type, m.extractor) for m in found.alias_mentions] == [
        ("قصر عابدين", L, "venue")
    ]


def test_events_statement_place_is_not_inside_what_was_said(extractor: EventExtractor) -> None:
    text = "وأكد الوزير كمال داود في بيروت أن الوضع في دمشق مستقر."
    found = run(extractor, text, {"كمال داود": P, "بيروت": L, "دمشق": L})
    statement = next(e for e in found.events if e.kind is EventKind.STATEMENT)
    assert statement.place is not None and statement.place.text == "بيروت"


def test_events_robust_to_missegmented_mentions(extractor: EventExtractor) -> None:
    text = "وأكد سامي نور أن الحوار مستمر. والتقى الرئيس نبيل شاكر الوفد."
    found = run(extractor, text, {"وأكد سامي نور": P, "الرئيس نبيل شاكر": P})
    statements = [e for e in found.events if e.kind is EventKind.STATEMENT]
    assert [e.participants[0].text for e in statements] == ["وأكد سامي نور"]
    assert [(r.label, r.person.text) for r in found.roles] == [("الرئيس", "الرئيس نبيل شاكر")]


def test_events_extractor_on_empty_document(extractor: EventExtractor) -> None:
    assert extractor(Document("d", ""), [], []) == Extraction((), (), (), ())


def test_events_shipped_ner_end_to_end(extractor: EventExtractor) -> None:
    from kg.ner.base import load_extractor

    try:
        ner = load_extractor("crf")
    except ModelError as error:
        pytest.skip(f"shipped CRF NER model not available yet: {error}")
    text = (
        "التقى الرئيس الفلسطيني محمود عباس في رام الله وزير الخارجية الأردني أيمن الصفدي "
        "يوم الخميس 20 أبريل 2023. وقال عباس إن «الشعب الفلسطيني لن يقبل بأي حلول منقوصة»."
    )
    doc = Document("ner", text)
    sentences = split_sentences(text)
    found = extractor(doc, sentences, ner(doc, sentences))
    meetings = [e for e in found.events if e.kind is EventKind.MEETING]
    assert meetings and meetings[0].date == dt.date(2023, 4, 20)
    assert len(meetings[0].participants) >= 2
    assert found.quotations and found.quotations[0].speaker is not None
