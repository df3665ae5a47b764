"""The name lists derived from Wikidata, Wikipedia titles and arabnamer (training.namelists)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from kg.ner.features import FeatureConfig, Lexicons, sentence_features
from training.namelists import person_tokens, transliterated_names, wikipedia_lists

DATA = Path(__file__).resolve().parents[1] / "kg" / "data" / "ner"


def _lists(feats: list[str]) -> set[str]:
    """The name-list features of one token itself (not its neighbours')."""
    return {f for f in feats if f.startswith("GW") and "[" not in f}


def test_shipped_lists_flag_names_the_training_split_never_labels() -> None:
    lex = Lexicons.load()
    tokens = ["وأضاف", "المدرب", "ماتيو", "شرودر", "أن", "نادي", "بنفيكا", "سيلعب", "في", "لشبونة"]
    feats = sentence_features(tokens, lex)
    hits = dict(zip(tokens, map(_lists, feats), strict=True))
    assert "GWN:B" in hits["ماتيو"] and "GWN:B" in hits["شرودر"]  # names as Arabic writes them
    assert {"GWO:B", "GWO:I"} & hits["بنفيكا"]  # a club, alone or after «نادي»
    assert "GWO:B" in hits["نادي"]  # «نادي بنفيكا» is a listed title as a whole
    assert "GWL:B" in hits["لشبونة"]  # through the clitic-stripped form too
    assert hits["وأضاف"] == hits["المدرب"] == hits["في"] == set()  # common words are left out
    assert any(f == "GWO:B[1]" for f in feats[5])  # and the window sees the neighbours' hits
    off = sentence_features(tokens, lex, FeatureConfig(name_lists=False))
    assert not any(f.startswith("GW") for token_feats in off for f in token_feats)


def test_shipped_lists_carry_their_sources() -> None:
    for name in ("given", "family", "people", "places", "clubs", "events"):
        header = (DATA / f"gaz_wiki_{name}.txt").read_text("utf-8").splitlines()[0]
        assert header.startswith("# ") and ("Wikidata" in header or "Wikipedia" in header)
    latin = (DATA / "gaz_latin_names.txt").read_text("utf-8")
    assert "CC BY 4.0" in latin.splitlines()[0]
    assert len(latin.splitlines()) > 10_000


def test_person_tokens_keep_roles_and_drop_common_words(tmp_path: Path) -> None:
    index = tmp_path / "names.sqlite3"
    with sqlite3.connect(index) as db:
        db.execute("create table units (arabic_key, role, count, source)")
        db.executemany(
            "insert into units values (?, ?, ?, ?)",
            [
                ("سامي", "given", 5, "wikidata"),
                ("العطار", "surname", 3, "wikidata"),
                ("العطار", "given", 1, "wikidata"),
                ("نادرة", "given", 1, "wikidata"),  # one person is enough for a rare word
                ("أمل", "given", 4, "wikidata"),  # a common word, not often enough a name
                ("في", "surname", 90, "wikidata"),  # a function word whatever the count
                ("رابح", "unknown", 9, "dzirinames"),  # Algerian names: role unknown
                ("كريم", "given", 2, "other"),  # a source not read
            ],
        )
    frequency = {"امل": 50, "في": 76, "سامي": 35}
    given, family = person_tokens(index, frequency)
    # Normalised (ة → ه, أ → ا); all roles counted; an unknown role counts as a given name.
    assert given == {"سامي": 5, "العطار": 4, "نادره": 1, "رابح": 9}
    assert family == {"العطار": 4}


def test_wikipedia_lists_split_titles_by_kind(tmp_path: Path) -> None:
    tables = {
        "people/peoples.json": {"a": "فلان الفلاني", "b": "مادونا"},
        "cities/cities_full.json": {"c": "مدينة السادس من أكتوبر", "d": "سيدي (الجزائر)"},
        "geography/popopo.json": {"e": "منطقة عسير"},
        "geography/P17_PP.json": {},
        "geography/P17_2_final_ll.json": {"f": "Xanadu"},
        "geography/India_dd.json": {},
        "geography/us_counties.json": {},
        "sports/Clubs_key.json": {"g": "نادي فالنسيا لكرة القدم", "h": "دوري الدرجة الأولى"},
        "sports/clubs_teams_leagues.json": {"i": "بوندسليغا 2"},
        "sports/inter_federations.json": {"j": "دوري أبطال أوروبا 2017–18"},
    }
    for name, table in tables.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(json.dumps(table, ensure_ascii=False), "utf-8")
    lists = wikipedia_lists(tmp_path)
    assert lists["gaz_wiki_people"] == {("فلان", "الفلاني")}  # one-word names are too ambiguous
    assert ("منطقه", "عسير") in lists["gaz_wiki_places"]
    assert ("عسير",) in lists["gaz_wiki_places"]  # the head noun dropped as well
    assert ("سيدي",) in lists["gaz_wiki_places"]  # the disambiguation in brackets dropped
    assert not any("Xanadu" in p for p in lists["gaz_wiki_places"])  # Arabic titles only
    assert lists["gaz_wiki_clubs"] == {("نادي", "فالنسيا"), ("فالنسيا",)}
    assert ("دوري", "الدرجه", "الاولي") in lists["gaz_wiki_events"]
    assert ("دوري", "ابطال", "اوروبا") in lists["gaz_wiki_events"]  # years dropped


def test_transliterated_names_are_single_words(tmp_path: Path) -> None:
    path = tmp_path / "dict.json"
    names = {"aaron": "آرون", "van gogh": "فان جوخ", "amal": "أمل", "li": "لي"}
    path.write_text(json.dumps(names, ensure_ascii=False), "utf-8")
    assert transliterated_names(path, {"امل": 50}) == {"ارون", "فان", "جوخ"}


def test_name_lists_rebuild_identically(tmp_path: Path) -> None:
    from importlib.util import find_spec

    from training.namelists import main

    for module in ("arabic_name_romanizer", "ArWikiCats", "arabnamer"):
        if find_spec(module) is None:  # only needed to rebuild the lists (the `data` extra)
            pytest.skip(f"{module} is not installed")

    assert main(["--out", str(tmp_path)]) == 0
    for made in sorted(tmp_path.iterdir()):
        assert made.read_bytes() == (DATA / made.name).read_bytes(), made.name
