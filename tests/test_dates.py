"""Arabic date expressions to ISO dates, on hand-written news phrases."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.dates import DateMatch, document_anchor, find_dates

ANCHOR = dt.date(2023, 5, 18)  # a Thursday


def only(text: str, anchor: dt.date | None = None) -> DateMatch:
    matches = find_dates(text, anchor=anchor)
    assert len(matches) == 1, matches
    assert text[matches[0].start : matches[0].end] == matches[0].text
    return matches[0]


EXPLICIT = [
    ("وقعت الحادثة في 12/7/2023 قرب الحدود", "12/7/2023", "2023-07-12"),
    ("صدر القرار بتاريخ 2023/3/14 عن المحكمة", "2023/3/14", "2023-03-14"),
    ("جرت الانتخابات في 5-11-2022", "5-11-2022", "2022-11-05"),
    ("انطلق المؤتمر «15 مايو 2023» في الرياض", "15 مايو 2023", "2023-05-15"),
    ("وصل الوفد الخميس 20 أبريل 2023 إلى المطار", "الخميس 20 أبريل 2023", "2023-04-20"),
    ("عقد اللقاء يوم الأحد، 14 مايو 2023", "يوم الأحد، 14 مايو 2023", "2023-05-14"),
    ("في 3 حزيران 2023 أعلنت الحكومة", "3 حزيران 2023", "2023-06-03"),
    ("في 9 تموز 2021", "9 تموز 2021", "2021-07-09"),
    ("منذ 1 كانون الثاني 2024", "1 كانون الثاني 2024", "2024-01-01"),
    ("بتاريخ 12 تشرين الأول 2020", "12 تشرين الأول 2020", "2020-10-12"),
    ("في 7 أيلول 2019 بدأ", "7 أيلول 2019", "2019-09-07"),
    ("يوم 15 مايو/أيار 2023", "15 مايو/أيار 2023", "2023-05-15"),
    ("يوم 4 حزيران (يونيو) 2023", "4 حزيران (يونيو) 2023", "2023-06-04"),
    ("في ١٥ أيار ٢٠٢٣ وصل", "١٥ أيار ٢٠٢٣", "2023-05-15"),
    ("بتاريخ ١٢/٧/٢٠٢٣ صدر", "١٢/٧/٢٠٢٣", "2023-07-12"),
    ("في 2 من شهر آب عام 2022", "2 من شهر آب عام 2022", "2022-08-02"),
    ("في 30 جوان 2021", "30 جوان 2021", "2021-06-30"),
    ("حدث في 12/25/2023 فقط", "12/25/2023", "2023-12-25"),
]


@pytest.mark.parametrize(("text", "expression", "iso"), EXPLICIT)
def test_dates_explicit_forms(text: str, expression: str, iso: str) -> None:
    match = only(text)
    assert (match.text, match.date) == (expression, dt.date.fromisoformat(iso))


RELATIVE = [
    ("أعلن الجيش اليوم عن خطة جديدة", "اليوم", "2023-05-18"),
    ("وصل الوفد أمس إلى العاصمة", "أمس", "2023-05-17"),
    ("وصل الوفد يوم أمس", "يوم أمس", "2023-05-17"),
    ("وبالأمس أعلنت الحكومة", "الأمس", "2023-05-17"),
    ("وقعت الغارة أول أمس", "أول أمس", "2023-05-16"),
    ("انتهت المحادثات قبل يومين", "قبل يومين", "2023-05-16"),
    ("بدأ الإضراب قبل ثلاثة أيام", "قبل ثلاثة أيام", "2023-05-15"),
    ("بدأ الإضراب قبل 5 أيام", "قبل 5 أيام", "2023-05-13"),
    ("زار الوزير المدينة الأسبوع الماضي", "الأسبوع الماضي", "2023-05-11"),
    ("يعقد المؤتمر غدا في عمان", "غدا", "2023-05-19"),
    ("التقى الوفدان الثلاثاء في جنيف", "الثلاثاء", "2023-05-16"),
    ("التقى الوفدان يوم الخميس في جنيف", "يوم الخميس", "2023-05-18"),
    ("التقى الوفدان الخميس الماضي في جنيف", "الخميس الماضي", "2023-05-11"),
    ("يلتقي الوفدان السبت المقبل في جنيف", "السبت المقبل", "2023-05-20"),
    ("ووصل في 10 مايو إلى بيروت", "10 مايو", "2023-05-10"),
]


@pytest.mark.parametrize(("text", "expression", "iso"), RELATIVE)
def test_dates_relative_resolved_with_anchor(text: str, expression: str, iso: str) -> None:
    match = only(text, ANCHOR)
    assert (match.text, match.date) == (expression, dt.date.fromisoformat(iso))


@pytest.mark.parametrize(("text", "expression", "_iso"), RELATIVE)
def test_dates_relative_unresolved_without_anchor(text: str, expression: str, _iso: str) -> None:
    assert (only(text).text, only(text).date) == (expression, None)


def test_dates_day_month_picks_year_nearest_anchor() -> None:
    assert only("وقع الحادث في 28 ديسمبر", dt.date(2024, 1, 3)).date == dt.date(2023, 12, 28)


NEVER_GUESSED = [
    ("في 31/4/2023 وقع", "31/4/2023"),  # April has 30 days
    ("في 30 فبراير 2023 وقع", "30 فبراير 2023"),
    ("في 12/7/23 وقع", "12/7/23"),  # two-digit year
    ("في مارس 2023 بدأت", "مارس 2023"),  # a month is not a day
    ("بين 15 مايو/حزيران 2023", "15 مايو/حزيران 2023"),  # contradictory double month
]


@pytest.mark.parametrize(("text", "expression"), NEVER_GUESSED)
def test_dates_impossible_or_partial_dates_stay_none(text: str, expression: str) -> None:
    match = only(text, ANCHOR)
    assert (match.text, match.date) == (expression, None)


@pytest.mark.parametrize(
    "text",
    [
        "مارس الرئيس ضغوطا كبيرة",  # the verb «مارس», not March
        "قتل 15 شخصا في الهجوم",
        "وفي صباح اليوم التالي غادر",  # relative to the story, not to the anchor
        "حصل على 3/4 الأصوات",
    ],
)
def test_dates_non_dates_are_ignored(text: str) -> None:
    assert [m.date for m in find_dates(text, anchor=ANCHOR)] == []


def test_dates_several_in_order_with_offsets() -> None:
    text = "وصل أمس، أي في 17 مايو 2023، وغادر اليوم"
    found = find_dates(text, anchor=ANCHOR)
    assert [(m.text, m.date) for m in found] == [
        ("أمس", dt.date(2023, 5, 17)),
        ("17 مايو 2023", dt.date(2023, 5, 17)),
        ("اليوم", ANCHOR),
    ]
    assert all(text[m.start : m.end] == m.text for m in found)


def test_dates_offsets_survive_diacritics() -> None:
    text = "وَصَلَ الوَفْدُ أَمْسِ فِي ١٥ أَيَّار ٢٠٢٣"
    found = find_dates(text, anchor=ANCHOR)
    assert [text[m.start : m.end] for m in found] == ["أَمْسِ", "١٥ أَيَّار ٢٠٢٣"]
    assert found[1].date == dt.date(2023, 5, 15)


@pytest.mark.parametrize(
    ("text", "published", "expected"),
    [
        ("التقى الوفدان أمس", dt.date(2023, 1, 2), dt.date(2023, 1, 2)),
        ("التقى الوفدان أمس. وكان ذلك في 3 حزيران 2023", None, dt.date(2023, 6, 3)),
        ("التقى الوفدان أمس في 12/7/23", None, None),
        ("التقى الوفدان أمس", None, None),
    ],
)
def test_dates_document_anchor(
    text: str, published: dt.date | None, expected: dt.date | None
) -> None:
    assert document_anchor(text, published) == expected


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="غزّةﻻﷲ ـأإآىًٌa1١٢\u00a0\u2009]^-\\", max_size=12))
def test_dates_fold_maps_each_character_back(text: str) -> None:
    """fold's table gives what folding each character alone gives, and every folded
    character points at the one it came from."""
    from kg.dates import _fold_char, fold

    folded, origin = fold(text)
    pieces = [_fold_char(char) for char in text]
    assert folded == "".join(pieces)
    assert origin == [index for index, piece in enumerate(pieces) for _ in piece]
