"""Token features for the Arabic CRF tagger, and the lexicons they read.

Everything is computed on the matching form of a token (:func:`kg.text.normalize`) and on its
proclitic-stripped form, because Arabic attaches conjunctions, prepositions and the article to the
word («وبالقاهرة» → «قاهره»). Lexicon hits are features only: the CRF learns how far to trust them.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache, partial
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from kg.cache import compiled
from kg.ner.frequency import FREQUENCY, FrequencyTable
from kg.resources import data_files, entries, normalized_entries, say_cues, titles
from kg.text import normalize

# The clitic stripping the features see: the sequences of the clitic table
# (kg/data/lexicons/proclitics.txt) with the article after them, longest first so «وبال» wins
# over «و». It is part of the model's input, frozen with the shipped model as trained (so it
# keeps «وللا» and lacks «فك»); the clitic judge and the events read the table itself.
PROCLITICS: tuple[str, ...] = (
    "وبال", "فبال", "وكال", "فكال", "وللا", "وال", "فال", "بال", "كال", "ولل", "فلل",
    "لل", "ال", "وب", "فب", "ول", "فل", "وك", "و", "ف", "ب", "ل", "ك",
)  # fmt: skip

# Trigger/context lexicons (file stem → feature name) and gazetteers (file stem → feature name).
TRIGGER_FILES: Mapping[str, str] = {
    "org_heads": "ORGH",
    "location_cues": "LOCC",
    "name_particles": "NPRT",
}
# The titles of the titles table (kg.resources.titles) are the feature TTL; the trigger table's
# «say» verbs (kg.resources.say_cues) the feature SAY.
TITLE_FEATURE = "TTL"
SAY_FEATURE = "SAY"
GAZETTEER_FILES: Mapping[str, str] = {
    "gaz_loc_cldr": "GLOC",
    "names_first": "GFN",
    "names_last": "GLN",
    # Derived by training.namelists from Wikidata, Arabic Wikipedia titles and arabnamer ("GW…":
    # FeatureConfig.name_lists).
    "gaz_wiki_given": "GWG",
    "gaz_wiki_family": "GWF",
    "gaz_wiki_people": "GWP",
    "gaz_wiki_places": "GWL",
    "gaz_wiki_clubs": "GWO",
    "gaz_wiki_events": "GWE",
    "gaz_latin_names": "GWN",
}
TRAIN_GAZETTEER = "train_gazetteer.tsv"
CLUSTERS = "clusters.tsv"
# PROCLITICS grouped by first letter (order kept): most words start with none of them.
_PROCLITICS_BY_LETTER: Mapping[str, tuple[str, ...]] = {
    letter: tuple(p for p in PROCLITICS if p[0] == letter) for letter in {p[0] for p in PROCLITICS}
}


def strip_proclitics(norm: str) -> tuple[str, str]:
    """Split a normalised token into (proclitic, stem); the stem keeps at least 2-3 letters.

    >>> strip_proclitics("وبالقاهره")
    ('وبال', 'قاهره')
    >>> strip_proclitics("وزير")
    ('و', 'زير')
    >>> strip_proclitics("في")
    ('', 'في')
    """
    for p in _PROCLITICS_BY_LETTER.get(norm[:1], ()):
        # Single letters need a longer remainder: «بن», «لا» are words, not clitic + stem.
        if norm.startswith(p) and len(norm) - len(p) >= (3 if len(p) == 1 else 2):
            return p, norm[len(p) :]
    return "", norm


def _shape(tok: str) -> str:
    if tok.isdigit():
        return "D"
    has_ar = has_lat = has_dig = has_other = False
    for ch in tok:
        if "\u0600" <= ch <= "\u06ff" or "\u0750" <= ch <= "\u077f":
            if ch in "٠١٢٣٤٥٦٧٨٩":
                has_dig = True
            else:
                has_ar = True
        elif ch.isascii() and ch.isalpha():
            has_lat = True
        elif ch.isdigit():
            has_dig = True
        else:
            has_other = True
    if has_ar and not (has_lat or has_dig or has_other):
        return "A"
    if has_lat and not (has_ar or has_dig or has_other):
        return "L"
    if has_dig and not (has_ar or has_lat):
        return "N"
    if not (has_ar or has_lat or has_dig):
        return "P"
    return "M"


def _len_bucket(n: int) -> str:
    return "1" if n <= 1 else "2" if n == 2 else "3" if n == 3 else "4" if n <= 5 else "6"


_Path = str | os.PathLike[str] | None


@dataclass(frozen=True)
class Lexicons:
    """Phrase lexicons keyed by stripped first token: first → ((tokens, feature name), ...)."""

    phrases: Mapping[str, tuple[tuple[tuple[str, ...], str], ...]]
    demonym_suffixes: tuple[str, ...]
    # Train gazetteer: stripped token → entity type (PERS/LOC/ORG/MISC), single tokens only.
    train_types: Mapping[str, str] = field(default_factory=dict)
    # Unsupervised word classes (kg.ner.clusters): stripped token → ids at several granularities.
    clusters: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # Word frequency (kg.ner.frequency, from wordfreq): normalised form → Zipf in tenths.
    frequency: Mapping[str, int] = field(default_factory=dict)

    @classmethod
    def load(
        cls,
        directory: str | os.PathLike[str] | None = None,
        train_gazetteer: str | os.PathLike[str] | None = None,
        clusters: str | os.PathLike[str] | None = None,
    ) -> Lexicons:
        """Read the lexicon files (default: the packaged ``kg/data/ner``); ``train_gazetteer``
        and ``clusters`` replace the packaged train gazetteer and word-class files. The packaged
        lexicons come compiled from :mod:`kg.cache` after the first time."""
        if directory is None and train_gazetteer is None and clusters is None:
            return compiled("ner-lexicons", data_files("ner"), partial(cls._read, None, None, None))
        return cls._read(directory, train_gazetteer, clusters)

    @classmethod
    def _read(cls, directory: _Path, train_gazetteer: _Path, clusters: _Path) -> Lexicons:
        base: Traversable = (
            resources.files("kg") / "data" / "ner" if directory is None else Path(directory)
        )
        entries: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        lists = [
            (TITLE_FEATURE, normalized_entries("\n".join(titles("title")))),
            (SAY_FEATURE, normalized_entries("\n".join(say_cues()))),
        ]
        for files in (TRIGGER_FILES, GAZETTEER_FILES):
            lists += [
                (name, _normalized_lines(base / f"{stem}.txt")) for stem, name in files.items()
            ]
        for name, lines in lists:
            for line in lines:
                toks = tuple(strip_proclitics(t)[1] for t in line.split())
                entries.setdefault(toks[0], []).append((toks, name))
        phrases = {
            k: tuple(sorted(set(v), key=lambda e: (-len(e[0]), e[1], e[0])))
            for k, v in entries.items()
        }
        suffixes = tuple(
            sorted({normalize(s) for s in _lines(base / "demonym_suffixes.txt")}, key=len)[::-1]
        )
        gaz = base / TRAIN_GAZETTEER if train_gazetteer is None else Path(train_gazetteer)
        train_types: dict[str, str] = {}
        if gaz.is_file():
            for line in _lines(gaz):
                stem, _, typ = line.partition("\t")
                if stem and typ:
                    train_types[stem] = typ
        classes: dict[str, tuple[str, ...]] = {}
        cl_path = base / CLUSTERS if clusters is None else Path(clusters)
        if cl_path.is_file():
            classes = _read_clusters(_lines(cl_path))
        return cls(phrases, suffixes, train_types, classes, FrequencyTable(base / FREQUENCY))

    def with_train_types(self, train_types: Mapping[str, str]) -> Lexicons:
        """A copy with another train gazetteer (used for jackknifed training features)."""
        return replace(self, train_types=dict(train_types))

    def with_clusters_file(self, path: str | os.PathLike[str]) -> Lexicons:
        """A copy with the word classes of another cluster file (experiments)."""
        return replace(self, clusters=_read_clusters(_lines(Path(path))))


def _read_clusters(lines: Iterable[str]) -> dict[str, tuple[str, ...]]:
    out: dict[str, tuple[str, ...]] = {}
    for line in lines:
        word, _, ids = line.partition("\t")
        if ids:
            out[word] = tuple(ids.split())
    return out


def _lines(path: Traversable) -> list[str]:
    return entries(path.read_text(encoding="utf-8"))


def _normalized_lines(path: Traversable) -> list[str]:
    return normalized_entries(path.read_text(encoding="utf-8"))


@dataclass(frozen=True)
class FeatureConfig:
    """Which feature groups are on; the defaults are what the shipped model was trained with."""

    norm: bool = True
    strip: bool = True
    affixes: bool = True
    shape: bool = True
    position: bool = True
    window: bool = True
    bigrams: bool = True
    triggers: bool = True
    gazetteers: bool = True
    # The name lists of training.namelists (Wikidata, Wikipedia titles, arabnamer): names the
    # training split never labels.
    name_lists: bool = True
    train_gazetteer: bool = True
    clusters: bool = True
    # For words unseen in training: which inflected variants of the stem (article, plurals,
    # pronoun suffixes, nisba) the wordfreq list knows. Common words have a paradigm, new names
    # (بنفيكا، فولكسفاغن) mostly do not. Three dev folds: 76.2 → 76.6 (ORG +1.7). Zipf buckets
    # of the word, its stem and its neighbours gave at most +0.4 and nothing on top of this; the
    # article ratio −0.1.
    frequency: bool = True


def token_stem(tok: str) -> str:
    """The proclitic-stripped normalised form of a token (cached)."""
    return _token_info(tok)[2]


def lexicon_hits(stems: Sequence[str], lex: Lexicons, cfg: FeatureConfig) -> list[list[str]]:
    """Each token's lexicon phrase matches on the stripped forms (``name:B`` on a phrase's first
    token, ``name:I`` on the rest; a token can be in several lexicons)."""
    hits: list[list[str]] = [[] for _ in stems]
    if cfg.triggers or cfg.gazetteers:
        phrases = lex.phrases
        starts = [i for i, stem in enumerate(stems) if stem in phrases]

        def used(stem: str, following: str) -> Iterator[tuple[tuple[str, ...], str]]:
            return (entry for entry in phrases[stem] if lexicon_used(entry[1], cfg))

        for i, found in phrase_hits(stems, starts, used).items():
            hits[i] = found
    return hits


def phrase_hits(
    stems: Sequence[str],
    starts: Iterable[int],
    phrases: Callable[[str, str], Iterable[tuple[tuple[str, ...], str]]],
) -> dict[int, list[str]]:
    """The lexicon phrase matches of the tokens that have any, by position: ``name:B`` on a
    phrase's first token, ``name:I`` on the rest. ``starts`` are the positions (ascending)
    where a phrase can open; ``phrases(stem, following)`` the (words, lexicon name) phrases
    ``stem`` opens, in their order (it may leave out those whose second word is not
    ``following``, the next stem: "" at the end)."""
    n = len(stems)
    hits: dict[int, list[str]] = {}
    for i in starts:
        for words, name in phrases(stems[i], stems[i + 1] if i + 1 < n else ""):
            k = len(words)
            if k == 1 or tuple(stems[i : i + k]) == words:
                hits.setdefault(i, []).append(name + ":B")
                for j in range(i + 1, min(i + k, n)):
                    hits.setdefault(j, []).append(name + ":I")
    return hits


def lexicon_used(name: str, cfg: FeatureConfig) -> bool:
    """Whether the features use lexicon ``name`` (gazetteers ``G…``, of which the word lists
    ``GW…``; trigger lists otherwise)."""
    if name[0] == "G":
        return cfg.gazetteers and (cfg.name_lists or not name.startswith("GW"))
    return cfg.triggers


def _unseen_word(stem: str, lex: Lexicons) -> list[str]:
    """The frequency features of a word unseen in training (none for stems under 3 letters)."""
    return paradigm(stem, lex.frequency) if len(stem) >= 3 else []


# Variant name → (prefix, suffix after a plain stem, suffix after a stem in ة/ه).
_PARADIGM: Mapping[str, tuple[str, str, str]] = {
    "al": ("ال", "", "ه"),
    "pl": ("", "ات", "ات"),
    "mp": ("", "ين", "ين"),
    "ha": ("", "ها", "تها"),
    "hm": ("", "هم", "تهم"),
    "ny": ("", "يه", "يه"),
}


def paradigm(stem: str, table: Mapping[str, int]) -> list[str]:
    fem = stem.endswith("ه")
    base = stem[:-1] if fem else stem
    # A variant counts when it is at least 1 % as frequent as the stem (Zipf − 2): chance
    # homographs such as «المصر» are far rarer than the name they resemble.
    floor = table.get(stem, 0) - 20
    found = [
        name
        for name, (pre, plain, after_fem) in _PARADIGM.items()
        if table.get(pre + (base + after_fem if fem else stem + plain), 0) > max(floor, 0)
    ]
    return [*("zv:" + v for v in found), f"zv#={len(found)}"]


@lru_cache(maxsize=200_000)
def _token_info(tok: str) -> tuple[str, str, str, str]:
    """(normalised form, proclitic, stem, shape) of a token; cached (newswire repeats words)."""
    norm = normalize(tok)
    clitic, stem = strip_proclitics(norm)
    return norm, clitic, stem, _shape(tok)


#: The window offsets: the two words either side.
OFFSETS = (-2, -1, 1, 2)
_POSITIONS = ("pos=0", "pos=1", "pos=2", "pos=2", "pos=2")
#: A window position past the sentence's edge.
OUTSIDE = {d: f"w[{d}]=_" for d in OFFSETS}


@dataclass(frozen=True, slots=True)
class WordParts:
    """What the features say of one word form wherever it stands: its own features and what it
    gives its neighbours' windows (a tagger that scores words once keeps these)."""

    norm: str
    stem: str
    own: tuple[str, ...]  # the word's own features, its flags included
    flags: tuple[str, ...]  # train-gazetteer type and nisba ending
    # As the neighbour at offset d: its form, stem (and shape) and flags; its k1 word class.
    near: Mapping[int, tuple[str, ...]]
    class_near: Mapping[int, str]


def word_parts(tok: str, lex: Lexicons, cfg: FeatureConfig) -> WordParts:
    """The :class:`WordParts` of ``tok``: the same strings :func:`sentence_features` gives it."""
    norm, _, stem, shape = info = _token_info(tok)
    head, own, flags, classes = _word_features(info, lex, cfg)
    near = {
        d: (*(_as_neighbour(norm, stem, shape, d) if cfg.window else ()), *flags_at(flags, d))
        for d in OFFSETS
    }
    class_near = {d: f"k1[{d}]={classes[1]}" for d in (-1, 1)} if classes else {}
    return WordParts(norm, stem, (*head, *own, *flags), tuple(flags), near, class_near)


def _word_features(
    info: tuple[str, str, str, str], lex: Lexicons, cfg: FeatureConfig
) -> tuple[list[str], list[str], list[str], tuple[str, ...]]:
    """A word's own features: head ("b", frequency, word classes), own (form, stem, clitic,
    affixes, shape, length), flags (train-gazetteer type, nisba ending), and its classes."""
    norm, clitic, stem, shape = info
    head = ["b"]
    if cfg.frequency and stem not in lex.train_types:
        # Seen words are left out: their own identity says more (adding it: −0.1).
        head.extend(_unseen_word(stem, lex))
    classes: tuple[str, ...] = ()
    if cfg.clusters and lex.clusters:
        classes = lex.clusters.get(stem, ())
        head.extend(f"k{g}={c}" for g, c in enumerate(classes))
    own: list[str] = []
    if cfg.norm:
        own.append("w=" + norm)
    if cfg.strip:
        own.append("s=" + stem)
        own.append("c=" + clitic)
    if cfg.affixes:
        own.extend(("p1=" + stem[:1], "p2=" + stem[:2], "p3=" + stem[:3]))
        own.extend(("x1=" + norm[-1:], "x2=" + norm[-2:], "x3=" + norm[-3:]))
    if cfg.shape:
        own.append("sh=" + shape)
        own.append("ln=" + _len_bucket(len(stem)))
    flags: list[str] = []
    if cfg.train_gazetteer and lex.train_types:
        flags.append("T" + lex.train_types.get(stem, "?"))
    if cfg.triggers:
        for suf in lex.demonym_suffixes:
            if len(stem) > len(suf) + 2 and stem.endswith(suf):
                flags.append("NSB:" + ("al" if clitic.endswith("ال") else "") + suf)
                break
    return head, own, flags, classes


def _as_neighbour(norm: str, stem: str, shape: str, d: int) -> tuple[str, ...]:
    seen = (f"w[{d}]={norm}", f"s[{d}]={stem}")
    return (*seen, f"sh[{d}]={shape}") if abs(d) == 1 else seen


def flags_at(hits: Sequence[str], d: int) -> list[str]:
    """Flags (lexicon hits and the like) as the token at offset ``-d`` sees them."""
    return [f"{h}[{d}]" for h in hits]


def position_features(i: int, n: int) -> list[str]:
    """The features of the ``i``-th of ``n`` tokens' place in the sentence."""
    found = ["BOS"] if i == 0 else []
    if i == n - 1:
        found.append("EOS")
    found.append(_POSITIONS[i] if i < 5 else "pos=5")
    return found


def word_pairs(norms: Sequence[str], stems: Sequence[str], cfg: FeatureConfig) -> list[list[str]]:
    """The word pairs of a sentence's tokens, by kind (each kind one string per token): the
    word before and this one, this one and the word after, the stems before and this one
    (``_`` past the sentence's edge)."""
    if not norms:
        return [[] for _ in range(3 if cfg.strip else 2)]
    before, after = ["_", *norms[:-1]], [*norms[1:], "_"]
    pairs = [
        [f"w-1|w={b}|{w}" for b, w in zip(before, norms, strict=True)],
        [f"w|w+1={w}|{a}" for w, a in zip(norms, after, strict=True)],
    ]
    if cfg.strip:
        pairs.append([f"s-1|s={b}|{s}" for b, s in zip(["_", *stems[:-1]], stems, strict=True)])
    return pairs


def sentence_features(
    tokens: Sequence[str], lex: Lexicons, cfg: FeatureConfig | None = None
) -> list[list[str]]:
    """One list of string features per token (python-crfsuite's attribute format)."""
    cfg = cfg or FeatureConfig()
    n = len(tokens)
    infos = [_token_info(t) for t in tokens]
    norms = [i[0] for i in infos]
    stems = [i[2] for i in infos]
    words = [_word_features(info, lex, cfg) for info in infos]

    # Lexicon phrase matches on stripped forms (a token can be in several lexicons), then the
    # word's own flags.
    hits = lexicon_hits(stems, lex, cfg)
    for i, (_, _, flags, _) in enumerate(words):
        hits[i].extend(flags)
    use_classes = cfg.clusters and bool(lex.clusters)
    pairs = word_pairs(norms, stems, cfg) if cfg.bigrams else []
    feats: list[list[str]] = []
    for i in range(n):
        head, own, _, _ = words[i]
        f = head.copy()
        if use_classes:
            for d in (-1, 1):
                if 0 <= i + d < n and words[i + d][3]:
                    f.append(f"k1[{d}]={words[i + d][3][1]}")
        f.extend(own)
        if cfg.position:
            f.extend(position_features(i, n))
        f.extend(hits[i])
        for d in OFFSETS:
            j = i + d
            if not 0 <= j < n:
                if cfg.window:
                    f.append(OUTSIDE[d])
                continue
            if cfg.window:
                f.extend(_as_neighbour(norms[j], stems[j], infos[j][3], d))
            f.extend(flags_at(hits[j], d))
        f.extend(kind[i] for kind in pairs)
        feats.append(f)
    return feats


# Features naming the token itself (form, stem, word classes, bigrams with it) and those naming
# a neighbour in the ±2 window, which :func:`as_unseen` drops; the train gazetteer's flags.
_OWN_IDENTITY = ("w=", "s=", "w-1|w=", "w|w+1=", "s-1|s=")
_NEIGHBOUR_IDENTITY = ("w[", "s[", "k1[")
_TRAIN_TYPES = frozenset("T" + t for t in ("PERS", "LOC", "ORG", "MISC", "O", "?"))


def as_unseen(
    tokens: Sequence[str],
    feats: Sequence[Sequence[str]],
    hidden: Sequence[bool],
    lex: Lexicons,
    cfg: FeatureConfig | None = None,
) -> list[list[str]]:
    """``feats`` of ``tokens`` as if the ``hidden`` tokens were words never seen in training.

    Their form, stem, word classes and bigrams go, here and in the neighbours' windows; the
    train gazetteer does not know them (``T?``), and they get the frequency features of an
    unseen word. Affixes, shape, lexicon cues and the context stay. Training on such copies
    teaches the CRF to find a name it has never met from what surrounds it, as it must on
    later news.

    >>> lex = Lexicons.load()
    >>> tokens = ["زار", "فولكسفاغن"]
    >>> feats = sentence_features(tokens, lex)
    >>> unseen = as_unseen(tokens, feats, [False, True], lex)
    >>> name = unseen[1]
    >>> [f for f in name if f.startswith(("w=", "s="))], "T?" in name, "zv#=0" in name
    ([], True, True)
    >>> any(f.startswith("w[1]=") for f in unseen[0]), "x1=ن" in name
    (False, True)
    """
    cfg = cfg or FeatureConfig()
    n = len(feats)
    out: list[list[str]] = []
    for i, token_feats in enumerate(feats):
        kept: list[str] = []
        for feat in token_feats:
            if hidden[i]:
                if feat.startswith((*_OWN_IDENTITY, "zv")) or (
                    feat[0] == "k" and feat[1:2].isdigit()
                ):
                    continue
                if feat in _TRAIN_TYPES:
                    kept.append("T?")
                    continue
            neighbour_type = feat.endswith("]") and feat[: feat.find("[")] in _TRAIN_TYPES
            if feat.startswith(_NEIGHBOUR_IDENTITY) or neighbour_type:
                offset = int(feat[feat.index("[") + 1 : feat.index("]")])
                if 0 <= i + offset < n and hidden[i + offset]:
                    if neighbour_type:
                        kept.append(f"T?[{offset}]")
                    continue
            if feat.startswith(("w-1|w=", "s-1|s=")) and i > 0 and hidden[i - 1]:
                continue
            if feat.startswith("w|w+1=") and i + 1 < n and hidden[i + 1]:
                continue
            kept.append(feat)
        if hidden[i] and cfg.frequency:
            kept[1:1] = _unseen_word(_token_info(tokens[i])[2], lex)
        out.append(kept)
    return out


def batch_features(
    sentences: Sequence[Sequence[str]], lex: Lexicons, cfg: FeatureConfig | None = None
) -> list[list[list[str]]]:
    """Features for consecutive sentences (one document)."""
    return [sentence_features(s, lex, cfg) for s in sentences]
