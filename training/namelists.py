"""Derive the shipped name lists (``kg/data/ner/gaz_wiki_*.txt``, ``gaz_latin_names.txt``).

The training split names a few thousand people, places and organisations; later news names
others. These lists add names the tagger never saw labelled, as features (never overrides):

- person given names and family names: the tokens of the Arabic labels of people in Wikidata, with
  the role Wikidata gives them, and Algerian names, from the name index shipped in the
  ``arabic-name-romanizer`` wheel (Wikidata labels, CC0 1.0; DziriNames benchmark, MIT);
- full names of well-known people, places (cities, regions, provinces), sports clubs and
  competitions: the Arabic Wikipedia titles that ``ArWikiCats`` (MIT) maps English titles to;
- names of every origin as Arabic news writes them («آرون», «آلتونين»): the Arabic side of the
  English → Arabic name dictionary of ``arabnamer`` (CC BY 4.0).

The packages are only needed to *rebuild* the lists (``make ner-data`` installs them with
``--no-deps``: only their data files are read), never at run time::

    python -m training.namelists          # rewrites the lists in kg/data/ner

Names that are also very common words (a given name «امل», a family name «بين») are left out
unless Wikidata has them often: the frequency list (:mod:`kg.ner.frequency`) says which are common.
"""

from __future__ import annotations

import argparse
import json
import re
import sqlite3
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping
from importlib import resources
from importlib.metadata import version
from importlib.util import find_spec
from pathlib import Path

from kg.ner.frequency import ARABIC_WORD, FREQUENCY, FrequencyTable
from kg.text import normalize

# File stem → what it lists (the header line); the feature names live in kg.ner.features.
LATIN_NAMES = "gaz_latin_names"
GIVEN, FAMILY, PEOPLE, PLACES, CLUBS, EVENTS = (
    "gaz_wiki_given",
    "gaz_wiki_family",
    "gaz_wiki_people",
    "gaz_wiki_places",
    "gaz_wiki_clubs",
    "gaz_wiki_events",
)
# A name token that is a common word (Zipf ≥ 4.5, e.g. «امل», «كبير») needs this many Wikidata
# people carrying it; at Zipf ≥ 5.5 («بين», «علي» = على) it is left out whatever the count.
COMMON_ZIPF, FUNCTION_ZIPF, COMMON_MIN_PEOPLE = 45, 55, 30
# Head nouns and sport phrases around a club's own name: «نادي X لكرة القدم» → «X» as well.
_CLUB_HEADS = ("نادي", "فريق")
_SPORT_TAIL = re.compile(r"\s+ل?كره\s.*$")  # on normalised text (ة → ه)
_PLACE_HEADS = ("مدينه", "منطقه", "ولايه", "مقاطعه", "محافظه", "اقليم", "اماره", "جزيره")


def _tokens(label: str) -> list[str] | None:
    """The normalised Arabic tokens of a label (None if any token is not plain Arabic)."""
    label = re.sub(r"\s*\(.*?\)\s*", " ", label)  # «مقاطعة أبفيل (كارولاينا الجنوبية)»
    toks = [normalize(t) for t in label.split()]
    if not toks or not all(ARABIC_WORD.fullmatch(t) for t in toks):
        return None
    return toks


def person_tokens(
    index: Path, frequency: Mapping[str, int]
) -> tuple[dict[str, int], dict[str, int]]:
    """(given names, family names) → number of people carrying them, from the romanizer's name
    index: Wikidata's person labels, and the Algerian names of its DziriNames benchmark (their
    role unknown: counted as given names). Three dev folds: words carried by one person only
    +0.1, the Algerian names +0.2."""
    roles: dict[str, Counter[str]] = defaultdict(Counter)
    with sqlite3.connect(f"file:{index}?mode=ro", uri=True) as db:
        rows = db.execute(
            "select arabic_key, role, count from units where source in ('wikidata', 'dzirinames')"
        )
        for key, role, count in rows:
            for tok in _tokens(key) or ():
                roles[tok]["surname" if role == "surname" else "given"] += count
    given: dict[str, int] = {}
    family: dict[str, int] = {}
    for tok, by_role in roles.items():
        people, zipf = sum(by_role.values()), frequency.get(tok, 0)
        if len(tok) < 3 or zipf >= FUNCTION_ZIPF:
            continue
        if zipf >= COMMON_ZIPF and people < COMMON_MIN_PEOPLE:
            continue
        if by_role["given"]:
            given[tok] = people
        if by_role["surname"]:
            family[tok] = people
    return given, family


def _arwikicats_values(root: Path, *names: str) -> Iterator[str]:
    for name in names:
        data = json.loads((root / name).read_text(encoding="utf-8"))
        for value in data.values():
            if isinstance(value, str) and value:
                yield value


def _with_and_without_head(toks: list[str], heads: tuple[str, ...]) -> list[tuple[str, ...]]:
    """A title, and the title less its head noun («منطقه عسير» → also «عسير»)."""
    if len(toks) > 1 and toks[0] in heads:
        return [tuple(toks), tuple(toks[1:])]
    return [tuple(toks)]


def wikipedia_lists(root: Path) -> dict[str, set[tuple[str, ...]]]:
    """File stem → normalised title phrases, from ArWikiCats' JSON tables under ``root``."""
    people: set[tuple[str, ...]] = set()
    for label in _arwikicats_values(root, "people/peoples.json"):
        if (toks := _tokens(label)) and len(toks) >= 2:
            people.add(tuple(toks))
    places: set[tuple[str, ...]] = set()
    place_files = (
        "cities/cities_full.json",
        "geography/popopo.json",
        "geography/P17_PP.json",
        "geography/P17_2_final_ll.json",
        "geography/India_dd.json",
        "geography/us_counties.json",
    )
    for label in _arwikicats_values(root, *place_files):
        if toks := _tokens(label):
            places.update(_with_and_without_head(toks, _PLACE_HEADS))
    clubs: set[tuple[str, ...]] = set()
    events: set[tuple[str, ...]] = set()
    for label in _arwikicats_values(root, "sports/Clubs_key.json"):
        toks = _tokens(_SPORT_TAIL.sub("", normalize(label)))
        if not toks:
            continue
        if toks[0] in ("دوري", "بطوله", "كاس"):
            events.add(tuple(toks))
            continue
        clubs.update(_with_and_without_head(toks, _CLUB_HEADS))
    for label in _arwikicats_values(
        root, "sports/clubs_teams_leagues.json", "sports/inter_federations.json"
    ):
        if (toks := _tokens(re.sub(r"[\d–-]+", " ", label))) and len(toks) >= 2:
            events.add(tuple(toks))
    return {PEOPLE: people, PLACES: places, CLUBS: clubs, EVENTS: events}


_HEADERS: Mapping[str, str] = {
    GIVEN: "Given names of people in Wikidata (Arabic labels; CC0 1.0) and of the DziriNames "
    "benchmark (Benakmoume, 2026, MIT; from Amoura's Algerian names dataset, MIT, and Zerrouki's "
    "Algerian Name Transcription Corpus, CC0), via the name index of arabic-name-romanizer "
    "{romanizer} (MIT)",
    FAMILY: "Family names of people in Wikidata (Arabic labels; CC0 1.0), via the name index "
    "of arabic-name-romanizer {romanizer} (MIT)",
    PEOPLE: "Full names of well-known people: Arabic Wikipedia titles as mapped by ArWikiCats "
    "{arwikicats} (MIT)",
    PLACES: "Places (cities, regions, provinces): Arabic Wikipedia titles as mapped by "
    "ArWikiCats {arwikicats} (MIT)",
    CLUBS: "Sports clubs: Arabic Wikipedia titles as mapped by ArWikiCats {arwikicats} (MIT)",
    LATIN_NAMES: "Names as Arabic writes them: the Arabic side of the English-Arabic name "
    "dictionary of arabnamer {arabnamer} (Yousef, E., 2026, "
    "https://github.com/sayedyousef/arabnamer; CC BY 4.0), single words",
    EVENTS: "Leagues and competitions: Arabic Wikipedia titles as mapped by ArWikiCats "
    "{arwikicats} (MIT)",
}


def _uncommon(word: str, frequency: Mapping[str, int]) -> bool:
    """A name word worth listing when no count of people vouches for it: 3 letters or more and
    not a common word."""
    return len(word) >= 3 and frequency.get(word, 0) < COMMON_ZIPF


def add_name_ends(
    people: Iterable[tuple[str, ...]],
    given: dict[str, int],
    family: dict[str, int],
    frequency: Mapping[str, int],
) -> None:
    """Add the first and last words of well-known people's full names to the given and family
    names (Wikidata's person labels are mostly from the Arab world and Iran; Wikipedia's people
    add «توني», «بلير»): measured +0.2 F1 on three dev folds."""
    for toks in people:
        for tok, names in ((toks[0], given), (toks[-1], family)):
            if _uncommon(tok, frequency):
                names.setdefault(tok, 0)


def transliterated_names(path: Path, frequency: Mapping[str, int]) -> set[str]:
    """The Arabic name words of arabnamer's dictionary (``dict_FINAL.json``), common words out."""
    out: set[str] = set()
    for label in json.loads(path.read_text(encoding="utf-8")).values():
        for tok in _tokens(label) or ():
            if _uncommon(tok, frequency):
                out.add(tok)
    return out


def write(stem: str, phrases: Iterable[str], out_dir: Path, versions: Mapping[str, str]) -> int:
    """Write one gazetteer file (sorted, deduplicated, normalised); returns its entry count."""
    entries = sorted(set(phrases))
    out_dir.mkdir(parents=True, exist_ok=True)
    with open(out_dir / f"{stem}.txt", "w", encoding="utf-8", newline="\n") as fh:
        fh.write(f"# {_HEADERS[stem].format(**versions)}.\n")
        fh.write("# Normalised with kg.text.normalize; rebuilt by python -m training.namelists.\n")
        fh.writelines(e + "\n" for e in entries)
    return len(entries)


def _package_dir(module: str, dist: str) -> Path:
    """Where an installed package's files are, found without importing it (importing would
    pull in run-time dependencies the lists do not need)."""
    spec = find_spec(module)
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit(f"{dist} is not installed: pip install --no-deps {dist}")
    return Path(next(iter(spec.submodule_search_locations)))


def main(argv: list[str] | None = None) -> int:
    """Rebuild the name lists from the installed packages."""
    ap = argparse.ArgumentParser(prog="python -m training.namelists", description=__doc__)
    default = Path(__file__).resolve().parents[1] / "kg" / "data" / "ner"
    ap.add_argument("--out", type=Path, default=default)
    args = ap.parse_args(argv)
    romanizer = _package_dir("arabic_name_romanizer", "arabic-name-romanizer")
    arwikicats = _package_dir("ArWikiCats", "arwikicats")
    arabnamer = _package_dir("arabnamer", "arabnamer")
    versions = {
        "romanizer": version("arabic-name-romanizer"),
        "arwikicats": version("arwikicats"),
        "arabnamer": version("arabnamer"),
    }
    frequency = FrequencyTable(resources.files("kg") / "data" / "ner" / FREQUENCY)
    given, family = person_tokens(romanizer / "resources" / "names.sqlite3", frequency)
    lists = wikipedia_lists(arwikicats / "jsons")
    add_name_ends(lists[PEOPLE], given, family, frequency)
    latin = transliterated_names(arabnamer / "data" / "dict_FINAL.json", frequency)
    counts = {
        GIVEN: write(GIVEN, given, args.out, versions),
        FAMILY: write(FAMILY, family, args.out, versions),
        LATIN_NAMES: write(LATIN_NAMES, latin, args.out, versions),
    }
    for stem, phrases in lists.items():
        counts[stem] = write(stem, (" ".join(p) for p in phrases), args.out, versions)
    print(json.dumps(counts), file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
