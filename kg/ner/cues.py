"""Names announced by the word before them: «الرئيس X», «مدينة X», «صحيفة X», «وقال X».

News introduces a name it does not expect its readers to know with a word that says what it is:
a title, a place noun, a kind of organisation, a verb of saying. When the name itself is a word
the tagger has never seen («تروفيمتشوك», «كرايستبرغ»), that word before it is the best evidence of
its type. :class:`CuedNames` marks a run of name-like words after such a cue.

The cues are learnt, not listed: :func:`derive` counts, in labelled CoNLL text, what follows each
word when the next word looks like a name (:class:`NameWords`), and keeps the words after which
that next word mostly starts a person, place or organisation. The shipped table
(``kg/data/ner/name_cues.tsv``) comes from ANERcorp train and the Wojood sample's train file::

    python -m kg.ner.cues ../shared/data/anercorp/train.txt ../shared/data/wojood-sample/train.txt

>>> from kg.model import Document
>>> from kg.text import split_sentences
>>> doc = Document("d", "وقال الرئيس كرايستبرغ إن الوفد وصل إلى مدينة تروفيمسك.")
>>> [(m.text, m.type.name) for m in CuedNames.default()(doc, split_sentences(doc.text))]
[('كرايستبرغ', 'PERSON'), ('تروفيمسك', 'PLACE')]
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from importlib.resources import files
from pathlib import Path

from kg.clitics import ARTICLE, CONJUNCTION, CliticJudge, Verdict, shipped_proclitics
from kg.errors import ModelError
from kg.model import Document, EntityType, Mention, Sentence
from kg.ner.base import ShippedRule
from kg.ner.conll import bio_spans, read_conll
from kg.ner.features import paradigm
from kg.ner.frequency import ARABIC_WORD
from kg.ner.scan import Span, WordGate, function_words, same, scan
from kg.resources import read_lexicon
from kg.text import normalize

CUES_FILE = "name_cues.tsv"
# A proclitic before the article («والشركات», «بالقرب», «للحركة»): never a name word.
DEFINITE_PREFIXES = ("ال", "وال", "فال", "بال", "كال", "لل", "ولل", "فلل")
# A word opening with a shipped one-letter proclitic (و ف ب ل ك) is clitic + word when the word
# alone is this much commoner (Zipf 0.3, about twice as common): «ورجح» (2.4 against 2.8), not a
# transliteration whose remainder is barely commoner.
CLITIC_MARGIN = 3
# Imperfect-verb prefixes: «يقف» is a verb when «تقف» or «نقف» is common.
PERSON_PREFIXES = ("ي", "ت", "ن", "ا")
FUTURE = "س"
# Past-tense endings: «سأل» is a verb when «سألت» or «سألوا» is common.
PAST_ENDINGS = ("ت", "وا", "تم", "نا")
# Subject endings of both tenses, taken off before the tests: «يحصلوا», «اقتسموا».
VERB_ENDINGS = ("وا", "ون", "ين", "ان", "ن")
# Frequencies in Zipf tenths (kg.ner.frequency): 3.0 = once per million words.
MAX_UNKNOWN_FREQUENCY = 30  # rarer words without a common reading pass as names
MAX_LISTED_FREQUENCY = 45  # a listed name may be commoner, not an everyday word («يوم»)
# A word this common passes only when no inflected variant of it is in use (a foreign surname
# in the news: no form with the article, none with a pronoun suffix): a name, not a noun.
MAX_UNINFLECTED_FREQUENCY = 46
MIN_COMMON = 35  # a stem this common (Zipf 3.5) makes a word its inflected form
MIN_VERB_FORM = 30  # another form of a verb this common (Zipf 3.0) makes a word that verb
MIN_ARTICLE_FORM = 30  # a word used this often with the article is a noun («الزعيمة»)
# Pronoun suffixes: «زيارته» is «زيارة» + «ه», not a name.
ENCLITICS = ("تهما", "تهم", "تها", "تنا", "هما", "كما", "يها", "يهم", "ته", "تك", "ها", "هم", "هن",
             "نا", "كم", "ني", "يه", "ه", "ك", "ي")  # fmt: skip
# A hamza seated on yeh or waw before a suffix stands alone at the end of the bare word.
HAMZA_SEATS = str.maketrans({"ئ": "ء", "ؤ": "ء"})
MAX_NAME_WORDS = 3
MAX_CACHED_WORDS = 200_000
# Cue selection: seen at least this often before a name-like word, and (with add-one smoothing)
# at least this share of those times before a name of one type.
MIN_CUE_COUNT = 4
MIN_CUE_SHARE = 0.7
TYPES = {"PERS": EntityType.PERSON, "LOC": EntityType.PLACE, "ORG": EntityType.ORGANIZATION}
# Labels of other corpora read as these types (Wojood: GPE and facilities are places).
LABEL_TYPES = {"PERS": "PERS", "PER": "PERS", "LOC": "LOC", "GPE": "LOC", "FAC": "LOC",
               "ORG": "ORG"}  # fmt: skip


class NameWords:
    """Decides whether a normalised word can be part of a name: an Arabic word without the
    article that is no function word and no inflected form of a common word, and that is
    rare, or a listed name, or common but never inflected.

    >>> words = NameWords.default()
    >>> [words(w) for w in ("كرايستبرغ", "زيارته", "الرئيس", "تحقيقا", "في")]
    [True, False, False, False, False]
    """

    def __init__(self, judge: CliticJudge, stop_words: Iterable[str]) -> None:
        self.judge = judge
        self.frequency = judge.frequency
        self.stop_words = frozenset(stop_words)
        self.proclitic_letters = frozenset(c for c in shipped_proclitics() if len(c) == 1)
        self._cache: dict[str, bool] = {}

    @classmethod
    def default(cls) -> NameWords:
        not_names = [normalize(word) for word in read_lexicon("lexicons/not_names.txt")]
        return cls(CliticJudge.default(), [*function_words(), *not_names])

    def __call__(self, norm: str) -> bool:
        known = self._cache.get(norm)
        if known is None:
            if len(self._cache) >= MAX_CACHED_WORDS:
                self._cache.clear()  # a corpus of millions of documents stays flat in memory
            known = self._cache[norm] = self._decide(norm)
        return known

    def _decide(self, norm: str) -> bool:
        if len(norm) < 3 or norm in self.stop_words or ARABIC_WORD.fullmatch(norm) is None:
            return False
        split = self.judge.split(norm)
        if split.verdict is Verdict.STRIP:
            return False  # «وتركيا»: the next item of a list, or a preposition and a word
        frequency = self.frequency.get(norm, 0)
        listed = self.judge.is_name(norm) and frequency <= MAX_LISTED_FREQUENCY
        if norm.startswith(ARTICLE) or (
            norm.startswith(DEFINITE_PREFIXES) and norm not in self.judge.names
        ):
            # «الشركات», «بالقرب»; the tagger and the lists find «ال» names. A listed name may
            # open like a clitic and the article: «فالنسيا», «كاليفورنيا».
            return False
        if (
            norm[0] in self.proclitic_letters
            and not listed
            and self.frequency.get(norm[1:], 0) >= frequency + CLITIC_MARGIN
        ):
            return False  # «وربما», «لكرة», «ورجح»: a clitic on a word commoner than the whole
        if listed and frequency < MAX_UNKNOWN_FREQUENCY:
            return True
        if self._verb(norm) or self.frequency.get(ARTICLE + norm, 0) >= MIN_ARTICLE_FORM:
            return False  # «يقف», «سأل»; «حاكم» (a listed surname, but «الحاكم» is a noun)
        if listed:
            return not self._inflected(norm)  # «فوزه» is «فوز» + «ه», though a listed name too
        if self._inflected(norm) or _verb_shaped(norm):
            return False
        if frequency < MAX_UNKNOWN_FREQUENCY:
            return True
        return frequency <= MAX_UNINFLECTED_FREQUENCY and self.uninflected(norm)

    def uninflected(self, norm: str) -> bool:
        """No inflected form of the word (with the article, plural, pronoun suffix) is in
        common use: a name, or a function word."""
        return paradigm(norm, self.frequency)[-1] == "zv#=0"

    def common_noun(self, norm: str) -> bool:
        """A noun in common use: with the article and in the plural («سلام»: «السلام»,
        «سلامات»)."""
        variants = paradigm(norm, self.frequency)
        return "zv:al" in variants and "zv:pl" in variants

    def after_conjunction(self, norm: str) -> bool:
        """A name-like word, or «و» glued to one («وكراسبيك»; not «وفقا», a word of its own)."""
        if self(norm):
            return True
        split = self.judge.split(norm)
        return (
            norm.startswith(CONJUNCTION)
            and split.verdict is not Verdict.KEEP
            and self.frequency.get(norm, 0) < MAX_UNKNOWN_FREQUENCY
            and self(norm[1:])
        )

    def is_verb(self, norm: str) -> bool:
        """Whether ``norm`` is a verb form by the frequency list («قالت», «أعلن»)."""
        return self._verb(norm)

    def cue_key(self, norm: str) -> str:
        """The form a cue is counted and looked up under: without a glued proclitic
        («وقال», «للسيد», «بمدينة» count as «قال», «السيد», «مدينة»)."""
        return self.judge.bare(norm)

    def _verb(self, norm: str) -> bool:
        """A verb form: the same stem with another person prefix or a past ending is common."""
        words = {norm}
        for word in list(words):
            if word.startswith(CONJUNCTION) and len(word) > 3:
                words.add(word[1:])  # «ويحصلوا»
        for word in list(words):
            if word.startswith(FUTURE) and len(word) > 3:
                words.add(word[1:])  # «سنتحرك»
        forms: set[str] = set()
        for word in words:
            past = word[:-1] if word.endswith("ت") else word
            forms.update(past + ending for ending in PAST_ENDINGS)
            if word[0] not in PERSON_PREFIXES or len(word) < 3:
                continue
            stems = {word}
            stems.update(
                word[: -len(ending)]
                for ending in VERB_ENDINGS
                if word.endswith(ending) and len(word) - len(ending) >= 3
            )  # «يحصلون»
            for stem in stems:
                forms.update(prefix + stem[1:] for prefix in PERSON_PREFIXES)
        forms -= words
        return any(self.frequency.get(form, 0) >= MIN_VERB_FORM for form in forms)

    def _inflected(self, norm: str) -> bool:
        """An inflected form of a common word: a clitic, a pronoun suffix or the accusative «ا»
        on a stem that is common itself or with the article."""
        stems = {norm}
        split = self.judge.split(norm)
        if split.bare:
            stems.add(split.bare)
        if norm[0] in self.proclitic_letters:
            stems.add(norm[1:])  # «ومحيطها»
        for word in list(stems):
            if word.endswith("ا") and len(word) > 3:
                stems.add(word[:-1])  # «تحقيقا»
            for suffix in ENCLITICS:
                if word.endswith(suffix) and len(word) - len(suffix) >= 2:
                    stem = word[: -len(suffix)]
                    stems.add(stem)
                    stems.add(stem[:-1] + stem[-1].translate(HAMZA_SEATS))  # «وزرائه»
                    if suffix.startswith("ت"):
                        stems.add(stem + "ه")  # «زيارته» → «زيارة»
        return any(
            (stem != norm and self.frequency.get(stem, 0) >= MIN_COMMON)
            or self.frequency.get(ARTICLE + stem, 0) >= MIN_COMMON
            for stem in stems
        )


def _verb_shaped(norm: str) -> bool:
    """A rare word shaped like a verb: the plural ending «وا» («واستباحوا»), the derived
    stems «استفعل» and «انتفعل», or their openings with the feminine past «ت» («وتضاعفت»)."""
    word = norm[1:] if norm[0] in "وف" and len(norm) > 4 else norm
    if word.endswith("وا") or (word.startswith(("است", "انت")) and len(word) >= 5):
        return True  # and the derived stems: «واستخلف», «وانتظم»
    if word.startswith(("ي", "ت", "ن")) and word.endswith(("ون", "ين")):
        return True  # the imperfect plural: «يعانون»
    return word.endswith("ت") and word.startswith(("است", "ان", "ت", "ا"))


class CuedNames(ShippedRule):
    """Marks one to three name-like words after a learnt cue word, typed by the cue."""

    name = "cued-names"
    labels = ("PERS", "LOC", "ORG")

    def __init__(self, cues: Mapping[str, EntityType], words: NameWords) -> None:
        self.cues = dict(cues)
        self.words = words
        self._cue = WordGate(self._is_cue)

    @classmethod
    def default(cls) -> CuedNames:
        return cls(read_cues(), NameWords.default())

    def __call__(self, doc: Document, sentences: Sequence[Sentence]) -> list[Mention]:
        return scan(doc, sentences, self.name, self._match, same, self._after_cues)

    def _is_cue(self, norm: str) -> bool:
        return self.words.cue_key(norm) in self.cues

    def _after_cues(self, norms: Sequence[str]) -> list[int]:
        """The words after a cue word: where :meth:`_match` can find a name."""
        return [i + 1 for i in self._cue.positions(norms[:-1])]

    def _match(self, norms: Sequence[str], i: int) -> Span | None:
        if i == 0 or (cue := self.cues.get(self.words.cue_key(norms[i - 1]))) is None:
            return None
        end = i
        while end < len(norms) and end - i < MAX_NAME_WORDS and self.words(norms[end]):
            end += 1
        return (i, end, cue) if end > i else None


def read_cues() -> dict[str, EntityType]:
    """The shipped cue table: normalised cue word → the type of the name it announces."""
    text = (files("kg") / "data" / "ner" / CUES_FILE).read_text(encoding="utf-8")
    cues: dict[str, EntityType] = {}
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        word, _, rest = line.partition("\t")
        label = rest.partition("\t")[0]
        if label not in TYPES:
            raise ModelError(f"{CUES_FILE}:{number}: bad line {line!r}")
        cues[word] = TYPES[label]
    return cues


def read_typed(path: Path) -> list[list[tuple[str, str]]]:
    """(token, label) sentences of a CoNLL file with the types mapped through ``LABEL_TYPES``
    (others become O); nested labels (Wojood) give the outermost one."""
    sentences = read_conll(path, label_column=1)
    typed: list[list[tuple[str, str]]] = []
    for sentence in sentences:
        out = []
        for token, label in sentence:
            prefix, _, kind = label.partition("-")
            out.append((token, f"{prefix}-{LABEL_TYPES[kind]}" if kind in LABEL_TYPES else "O"))
        typed.append(out)
    return typed


def derive(
    sentences: Iterable[Sequence[tuple[str, str]]], words: NameWords
) -> dict[str, tuple[str, int, int]]:
    """Cue word → (type, times before a name of that type, times before a name-like word),
    for the words that pass ``MIN_CUE_COUNT`` and ``MIN_CUE_SHARE``.

    Only words outside any name count as cues, and only before a name-like word."""
    seen: dict[str, Counter[str]] = defaultdict(Counter)
    for sentence in sentences:
        norms = [normalize(token) for token, _ in sentence]
        spans = bio_spans([label for _, label in sentence])
        starts = {start: kind for start, _, kind in spans}
        inside = {k for start, end, _ in spans for k in range(start, end)}
        for i in range(1, len(norms)):
            if i - 1 in inside or (i in inside and i not in starts) or not words(norms[i]):
                continue
            seen[words.cue_key(norms[i - 1])][starts.get(i, "O")] += 1
    cues: dict[str, tuple[str, int, int]] = {}
    for word, counts in seen.items():
        total = sum(counts.values())
        typed = [(k, n) for k, n in counts.items() if k in TYPES]
        kind, hits = max(typed, key=lambda kn: kn[1], default=("O", 0))
        if total >= MIN_CUE_COUNT and (hits + 1) / (total + 2) >= MIN_CUE_SHARE:
            cues[word] = (kind, hits, total)
    return cues


def write(cues: Mapping[str, tuple[str, int, int]], path: Path, sources: Sequence[str]) -> None:
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(
            "# Words that announce a name of a type (kg.ner.cues.CuedNames), learnt from labelled"
            f" text: {', '.join(sources)}.\n"
            "# Rebuilt by python -m kg.ner.cues. Columns: normalised word <TAB> type <TAB> times"
            " before a name of that type <TAB> times before a name-like word.\n"
        )
        for word in sorted(cues):
            kind, hits, total = cues[word]
            fh.write(f"{word}\t{kind}\t{hits}\t{total}\n")


def main(argv: Sequence[str] | None = None) -> int:
    """Rebuild the shipped cue table from labelled CoNLL files."""
    ap = argparse.ArgumentParser(prog="python -m kg.ner.cues", description=__doc__)
    ap.add_argument("files", nargs="+", type=Path, help="labelled CoNLL files")
    default = Path(__file__).resolve().parents[1] / "data" / "ner" / CUES_FILE
    ap.add_argument("--out", type=Path, default=default)
    args = ap.parse_args(argv)
    words = NameWords.default()
    sentences = [s for path in args.files for s in read_typed(path)]
    cues = derive(sentences, words)
    write(cues, args.out, [f"{path.parent.name}/{path.name}" for path in args.files])
    print(f"{args.out}: {len(cues)} cues from {len(sentences)} sentences", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
