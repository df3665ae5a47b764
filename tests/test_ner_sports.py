"""Clubs named after their towns, in sports news and elsewhere."""

from __future__ import annotations

import pytest

from kg.model import Document, EntityType, Mention
from kg.ner.sports import SportsClubs
from kg.text import split_sentences

SPORT = "قاد المدرب فريقه إلى الفوز في المباراة وسجل اللاعب هدفا. "


@pytest.fixture(scope="module")
def clubs() -> SportsClubs:
    return SportsClubs.default()


def _type_of(clubs: SportsClubs, text: str, name: str) -> EntityType:
    start = text.index(name)
    found = [Mention("d", start, start + len(name), name, EntityType.PLACE, 1, "crf")]
    [mention] = clubs.complete(Document("d", text), split_sentences(text), found)
    return mention.type


def test_ner_sports_a_town_club_in_sports_news_is_the_club(clubs: SportsClubs) -> None:
    text = SPORT + "وتغلب ليفربول على ضيفه بهدفين."
    assert _type_of(clubs, text, "ليفربول") is EntityType.ORGANIZATION


def test_ner_sports_the_same_town_elsewhere_stays_a_place(clubs: SportsClubs) -> None:
    text = "افتتح الوزير مصنعا جديدا. ووصل الوفد إلى ليفربول صباح أمس."
    assert _type_of(clubs, text, "ليفربول") is EntityType.PLACE


def test_ner_sports_the_town_of_a_match_stays_a_place(clubs: SportsClubs) -> None:
    text = SPORT + "وأقيمت المباراة في ليفربول أمام جمهور كبير."
    assert _type_of(clubs, text, "ليفربول") is EntityType.PLACE


def test_ner_sports_a_country_stays_a_place(clubs: SportsClubs) -> None:
    # «الكويت» is a club's name too; the country's team is named for the country.
    text = SPORT + "وخسر المنتخب أمام الكويت بهدف."
    assert _type_of(clubs, text, "الكويت") is EntityType.PLACE
