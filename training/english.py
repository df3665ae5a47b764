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
import sqlite3
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from contextlib import closing
from importlib.metadata import version
from pathlib import Path

from kg.text import normalize
from training.namelists import _package_dir

# ArWikiCats file -> the kind of page its titles name, the most reliable English first: where
# files give one Arabic title different English titles, the first file's names it.
# P17_2_final_ll comes last: beside English titles it keys pages by their names in other
# languages (Cebuano's "habagatang ..." for the southern half of a country).
SOURCES = {
    "people/peoples.json": "person",
    "cities/cities_full.json": "place",
    "geography/popopo.json": "place",
    "geography/P17_PP.json": "place",
    "geography/India_dd.json": "place",
    "geography/us_counties.json": "place",
    "geography/New_Keys.json": "place",
    "sports/Clubs_key.json": "organisation",
    "geography/P17_2_final_ll.json": "place",
    # Category names: bodies, regions and plain nouns («الحرس الوطني», «آلات موسيقية»). They
    # name an entity whose label is one, never link it.
    "keys/keys2.json": "other",
    "keys/keys2_py.json": "other",
    "population/pop_final_3.json": "other",
}
# «فيرفاكس (فرجينيا)»: the words in brackets tell pages of one name apart.
_QUALIFIER = re.compile(r"\s*\([^()]*\)\s*$")
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
    """(normalised Arabic, Arabic title, English title, kind), one row per Arabic title.

    Where one Arabic title has several English titles, the most reliable file's (the countries
    first, then :data:`SOURCES` in order; within a file the shortest) names the entity and the
    kind says "ambiguous": kg makes no link. A title with a qualifier in brackets is also listed
    without it («أونوميتشي» for «أونوميتشي (هيروشيما)»), marked ambiguous (the bare name may be
    another place), unless a page of the bare title is listed.
    """
    found: dict[str, set[tuple[int, str, str, str]]] = defaultdict(set)
    # The countries, by their Arabic names: their English is the name Wikipedia's categories use.
    for entry in _nationalities(root):
        found[normalize(entry["ar"])].add((0, entry["ar"], title_case(entry["en"]), "place"))
    for rank, (name, kind) in enumerate(SOURCES.items(), start=1):
        for english, arabic in _pairs(root, name):
            found[normalize(arabic)].add((rank, arabic, title_case(english), kind))
    bare: dict[str, set[tuple[int, str, str, str]]] = defaultdict(set)
    for titles in found.values():
        for rank, arabic, english, kind in titles:
            key = normalize(_QUALIFIER.sub("", arabic))
            if key and key not in found:
                # "Fairfax, Virginia": English qualifies a place after a comma, too.
                plain = _QUALIFIER.sub("", english).split(", ")[0]
                bare[key].add((rank, arabic, plain, kind))
    rows = []
    for key, titles in [*found.items(), *bare.items()]:
        _, arabic, english, kind = min(titles, key=lambda t: (t[0], len(t[2]), t))
        if key in bare or len({t[2].casefold() for t in titles}) > 1:
            # Two pages may share the Arabic name: the best English title still names the
            # entity in English, but no link is made ("ambiguous" says so).
            kind = f"{kind}-ambiguous" if len({t[3] for t in titles}) == 1 else "ambiguous"
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


def name_tokens(pairs: Path, index: Path | None = None) -> list[tuple[str, str]]:
    """(normalised Arabic name word, its English spelling): the spelling most labels give the
    word, capitalised. Wikidata's person-name pairs vote; where no spelling of a word has more
    than one pair, so do the name words of the romanizer's index (``index``: its
    ``names.sqlite3``, the rows it took from Wikidata): a lone pair's spelling («D'aij» for
    «دعيج») loses to the index's «Duaij». Ties go to the pairs' spelling, then code-point
    order. The index is drawn mostly from Arab, Iranian and Pakistani names, so it does not
    outvote spellings two or more pairs agree on. Only the pairs' words are listed (the type
    agreement reads them as person words)."""
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    with open(pairs, encoding="utf-8") as stream:
        next(stream)  # the header
        for line in stream:
            arabic, english, count = line.rstrip("\n").split("\t")
            if arabic and _is_latin_name(english):
                counts[normalize(arabic)][english.lower()] += int(count)
    votes = {key: Counter(spellings) for key, spellings in counts.items()}
    if index is not None:
        with closing(sqlite3.connect(f"file:{index}?mode=ro", uri=True)) as db:
            # Its Wikidata rows only: they are CC0, as the pairs are.
            query = "SELECT arabic_key, latin, count FROM units WHERE source = 'wikidata'"
            for arabic, latin, count in db.execute(query):
                key = normalize(arabic)
                if key in votes and max(counts[key].values()) == 1 and _is_latin_name(latin):
                    votes[key][latin.lower()] += int(count)
    rows = []
    for key, spellings in votes.items():
        best = min(spellings, key=lambda s: (-spellings[s], -counts[key][s], s))
        rows.append((key, "-".join(_capitalise(part) for part in best.split("-"))))
    return sorted(rows)


def dictionary_name_words(
    path: Path, listed: Iterable[str], known: Iterable[str]
) -> list[tuple[str, str]]:
    """(normalised Arabic name word, English) from arabnamer's English -> Arabic name dictionary
    (``dict_FINAL.json``) for the one-word names it spells one way, limited to the words of
    ``listed`` (kg's list of its names, ``gaz_latin_names.txt``: the type agreement reads these
    words as person words already) that ``known`` (the Wikidata words) lacks: «ولفغانغ» Wolfgang."""
    allowed, have = set(listed), set(known)
    found: dict[str, set[str]] = defaultdict(set)
    for english, arabic in json.loads(path.read_text(encoding="utf-8")).items():
        key = normalize(arabic.strip())
        if " " not in key and key in allowed and key not in have and _is_latin_name(english):
            found[key].add(english.lower())
    return sorted(
        (key, "-".join(_capitalise(part) for part in next(iter(names)).split("-")))
        for key, names in found.items()
        if len(names) == 1
    )


def _is_latin_name(english: str) -> bool:
    return english.isascii() and english.replace("'", "").replace("-", "").isalpha()


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
    romanizer = _package_dir("arabic_name_romanizer", "arabic-name-romanizer")
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
    wikidata = name_tokens(args.name_pairs, romanizer / "resources" / "names.sqlite3")
    listed = Path(__file__).resolve().parents[1] / "kg" / "data" / "ner" / "gaz_latin_names.txt"
    dictionary = dictionary_name_words(
        _package_dir("arabnamer", "arabnamer") / "data" / "dict_FINAL.json",
        (w for w in listed.read_text(encoding="utf-8").split("\n") if w and w[0] != "#"),
        (word for word, _ in wikidata),
    )
    words = write(
        args.out / "name_tokens.tsv",
        "normalised Arabic name word, the English spelling most Wikidata person labels give it: "
        "the person-name token pairs of Merhav and Ash (COLING 2018) and the Wikidata rows of "
        f"arabic-name-romanizer {version('arabic-name-romanizer')}'s name index (both CC0 1.0); "
        f"for words Wikidata lacks, arabnamer {version('arabnamer')}'s name dictionary "
        "(CC BY 4.0); rebuilt by python -m training.english",
        sorted([*wikidata, *dictionary]),
    )
    print(f"{titles} Wikipedia titles, {adjectives} nisbas, {words} name words -> {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
