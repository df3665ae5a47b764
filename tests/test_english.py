"""kg.english: English labels (with their source) and Wikipedia links for Arabic entities."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

import kg
from kg.english import LABEL_SOURCES, EnglishNamer, variant_key
from kg.model import Document, EntityType
from kg.vocab import KGO, RDFS, SDO


@pytest.fixture(scope="module")
def namer() -> EnglishNamer:
    return EnglishNamer.default()


def test_known_names_come_from_their_table(namer: EnglishNamer) -> None:
    tokyo = namer.name("طوكيو", EntityType.PLACE)
    assert (tokyo.label, tokyo.source) == ("Tokyo", "wikipedia-title")
    assert tokyo.links == (
        "https://en.wikipedia.org/wiki/Tokyo",
        "https://ar.wikipedia.org/wiki/طوكيو",
    )
    finland = namer.name("فنلندا", EntityType.PLACE)
    assert (finland.label, finland.source) == ("Finland", "cldr")
    mandela = namer.name("نيلسون مانديلا", EntityType.PERSON)
    assert mandela.label == "Nelson Mandela" and mandela.links


def test_a_title_of_another_kind_gives_no_link(namer: EnglishNamer) -> None:
    # A person's page never names a place, and a place's page is no person's.
    as_place = namer.name("نيلسون مانديلا", EntityType.PLACE)
    assert as_place.links == () and as_place.source != "wikipedia-title"
    assert namer.name("طوكيو", EntityType.PERSON).links == ()


def test_organisations_are_composed_in_english_order(namer: EnglishNamer) -> None:
    ministry = namer.name("وزارة الزراعة الفنلندية", EntityType.ORGANIZATION)
    assert (ministry.label, ministry.source) == ("Ministry of Agriculture (Finland)", "composed")
    bank = namer.name("البنك المركزي الدنماركي", EntityType.ORGANIZATION)
    assert (bank.label, bank.source) == ("Central Bank (Denmark)", "composed")
    # An unknown word is spelled out, and the label says it is a transliteration.
    unknown = namer.name("شركة زمردة للتجارة", EntityType.ORGANIZATION)
    assert unknown.source == "transliteration" and unknown.label.endswith("Company")


def test_unknown_names_are_marked_as_transliterations(namer: EnglishNamer) -> None:
    name = namer.name("زمردة", EntityType.PLACE)
    assert name.source == "transliteration" and name.label.isascii() and name.links == ()
    assert {n.source for n in (name,)} <= set(LABEL_SOURCES)


def test_a_build_labels_every_entity_in_english() -> None:
    text = (
        "وصل نيلسون مانديلا إلى طوكيو أمس، وقالت وزارة الزراعة الفنلندية إن "
        "الوفد سيزور هلسنكي الأسبوع المقبل."
    )
    graph = kg.build([Document("d1", text)])
    entities = set(graph.dataset.subjects(predicate=KGO.mentionCount))
    assert entities
    for entity in entities:
        english = [
            label
            for label in graph.dataset.objects(subject=entity, predicate=RDFS.label)
            if getattr(label, "language", None) == "en"
        ]
        sources = list(graph.dataset.objects(subject=entity, predicate=KGO.labelSource))
        assert len(english) == 1 and len(sources) == 1 and str(sources[0]) in LABEL_SOURCES
    links = {str(o) for o in graph.dataset.objects(predicate=SDO.sameAs)}
    assert "https://en.wikipedia.org/wiki/Tokyo" in links
    rows = list(csv.DictReader(io.StringIO(graph.entities_csv())))
    by_english = {row["label_en"]: row for row in rows}
    assert by_english["Tokyo"]["label_source"] == "wikipedia-title"
    assert all(row["label_en"] for row in rows)
    found = graph.query(
        'SELECT ?e WHERE { ?e rdfs:label ?name FILTER (lang(?name) = "en" && '
        'lcase(str(?name)) = "tokyo") }'
    )
    assert len(found) == 1


def test_english_tables_rebuild_identically(tmp_path: Path) -> None:
    from importlib.util import find_spec

    from tests.conftest import SHARED_DATA
    from training.english import main

    for package in ("ArWikiCats", "arabnamer"):  # only needed to rebuild the tables
        if find_spec(package) is None:
            pytest.skip(f"{package} is not installed (make ner-data installs it)")
    pairs = SHARED_DATA / "wikidata-name-pairs" / "ar_en_person_name_tokens.tsv"
    if not pairs.is_file():
        pytest.skip(f"{pairs} is not here (a user's clone)")
    assert main(["--out", str(tmp_path), "--name-pairs", str(pairs)]) == 0
    shipped = Path(kg.__file__).parent / "data" / "english"
    for made in sorted(tmp_path.iterdir()):
        assert made.read_bytes() == (shipped / made.name).read_bytes(), made.name


def test_another_spelling_of_a_title_gets_its_name_but_no_link(namer: EnglishNamer) -> None:
    # ج for غ, a space left out: the English title's name, never a link (not the same page).
    for spelling, english in (("سالزبورج", "Salzburg"), ("كوالا لمبور", "Kuala Lumpur")):
        name = namer.name(spelling, EntityType.PLACE)
        assert (name.label, name.source, name.links) == (english, "wikipedia-title", ())
    # A short name has no variants: too many other names share them.
    assert variant_key("روما") == ""


def test_country_names_follow_wikipedia_where_cldr_has_a_style_of_its_own(
    namer: EnglishNamer,
) -> None:
    # CLDR's "Côte d’Ivoire" and "Bosnia & Herzegovina" are the English Wikipedia's
    # "Ivory Coast" and "Bosnia and Herzegovina"; a plain CLDR name stays CLDR's.
    assert namer.name("ساحل العاج", EntityType.PLACE).label == "Ivory Coast"
    assert namer.name("البوسنة والهرسك", EntityType.PLACE).label == "Bosnia and Herzegovina"
    assert namer.name("النمسا", EntityType.PLACE).source == "cldr"


def test_a_qualified_title_names_its_bare_form_without_a_link(namer: EnglishNamer) -> None:
    # «أونوميتشي (هيروشيما)» is the page; «أونوميتشي» alone may be another place.
    name = namer.name("أونوميتشي", EntityType.PLACE)
    assert (name.label, name.links) == ("Onomichi", ())


def test_category_names_name_bodies_but_never_people(namer: EnglishNamer) -> None:
    guard = namer.name("الحرس الوطني", EntityType.ORGANIZATION)
    assert (guard.label, guard.links) == ("National Guard", ())
    assert namer.name("الحرس الوطني", EntityType.PERSON).label != "National Guard"


def test_name_words_take_the_spelling_most_labels_give(namer: EnglishNamer) -> None:
    # «دافيد»: one Wikidata pair says "Dafydd", the romanizer's index many "David";
    # «ولفغانغ» is in no Wikidata pair, but in arabnamer's dictionary.
    assert namer.name("دافيد شولتس", EntityType.PERSON).label.startswith("David ")
    assert namer.name("ولفغانغ شولتس", EntityType.PERSON).label.startswith("Wolfgang ")


def test_a_spelled_name_does_not_depend_on_the_names_beside_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The model pads a batch of words of mixed lengths, which changed their spelling: a name
    # spelled alone and among others must come out the same (a rebuild gives the same labels).
    monkeypatch.setenv("KG_CACHE_DIR", "off")  # no names spelled before: the model spells all
    names = [
        "بيرنوا دوفريسنيل",  # spelled "…snel" beside the others before
        "زمردة قنطوري", "فرانشيسكا بلاتيني", "إبريزيو كوندوليوني", "سو ليم", "جوليانو ماريتي",
        "كيرستوفر لانغديل", "ماتيلدا بروكشتاين", "أوسفالدو تشيكاريني", "لوتار ماينسفيلد",
        "غوندولين هاركورتس",
    ]  # fmt: skip
    alone = [EnglishNamer.default().name(n, EntityType.PERSON) for n in names]
    assert {name.source for name in alone} != {"name-index"}
    namer = EnglishNamer.default()
    together = namer.names((n, EntityType.PERSON) for n in names[::-1])
    assert together[::-1] == alone
