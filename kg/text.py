"""Arabic text layer: normalisation for matching, sentence splitting and word tokens with offsets.

Offsets are always code-point offsets into the *original* text; normalised forms are only used to
compare strings (so «غزّة» and «غزة» match) and never replace what the document says.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache
from itertools import pairwise

import regex

from kg.model import Sentence, Token

TATWEEL = "\u0640"
# The Arabic diacritics camel-tools' ``dediac_ar`` removes (fathatan … sukun, superscript alef).
_DIACRITICS = re.compile("[\u064b-\u0652\u0670]")
# camel-tools' normalize_unicode spells out two ligatures before NFKC; then its alef (أ إ آ ٱ),
# alef maksura and teh marbuta normalisers, as one table (tests compare with camel-tools).
_LIGATURES = str.maketrans({"\ufdfc": "ريال", "\ufdfd": "بسم الله الرحمن الرحيم"})
_LETTERS = str.maketrans(
    {"\u0623": "\u0627", "\u0625": "\u0627", "\u0622": "\u0627", "\u0671": "\u0627",
     "\u0649": "\u064a", "\u0629": "\u0647"}
)  # fmt: skip


def normalize(text: str) -> str:
    """Return the matching form of Arabic ``text``.

    Unicode-normalised (NFKC), dediacritised, alef variants unified to bare alef, alef maksura
    to yeh, teh marbuta to heh, tatweel removed: camel-tools' normalisers, in one pass each.

    >>> normalize("غزّة") == normalize("غزه")
    True
    >>> normalize("إسماعيل")
    'اسماعيل'
    """
    if is_normal_form(text):  # most words: plain letters only
        return text
    text = unicodedata.normalize("NFKC", text.translate(_LIGATURES))
    return strip_marks(text).translate(_LETTERS)


def strip_marks(text: str) -> str:
    """``text`` without diacritics and tatweel, its letters as written («على» stays «على»).

    >>> strip_marks("عَلَـى")
    'على'
    """
    return _DIACRITICS.sub("", text.replace(TATWEEL, ""))


@lru_cache(maxsize=200_000)
def normalize_token(token: str) -> str:
    """:func:`normalize` for one word, cached: news repeats its words, and every rule extractor
    and the linker compare words in their matching form (bounded memory: the cache is an LRU).

    >>> normalize_token("بغزّة")
    'بغزه'
    """
    return normalize(token)


# Plain Arabic letters (no hamza-alef forms, ة, ى, tatweel or marks) and ASCII white space
# (NFKC turns other spaces, such as U+00A0, into U+0020): text made only of these is its own
# normal form.
_NORMAL_FORM = re.compile(
    r"[\u0621\u0624\u0626-\u0628\u062a-\u063a\u0641-\u0648\u064a \t\n\r\f\v]*"
)


def is_normal_form(text: str) -> bool:
    """True when ``text`` is surely its own normal form (``normalize(text) == text``), checked
    without normalising: it may say False for some text that is, never True for text that is not.

    >>> is_normal_form("غزه القاهره"), is_normal_form("غزّة")
    (True, False)
    """
    return _NORMAL_FORM.fullmatch(text) is not None


# Hamza on a seat is written both ways in transliterated names («مائير» / «ماير»); the bare hamza
# is often left out.
_HAMZA_SEATS = str.maketrans({"ؤ": "و", "ئ": "ي", "ء": None})
_DOUBLED = re.compile(r"(.)\1+")


def collapse_letters(word: str) -> str:
    """A normalised word with its hamza seats set aside and its doubled letters written once.

    >>> collapse_letters("الفيلليبين") == collapse_letters("الفيليبين")
    True
    """
    return _DOUBLED.sub(r"\1", word.translate(_HAMZA_SEATS))


def spelling_skeleton(word: str) -> str:
    """A normalised word reduced to what its spelling variants share.

    Arabic writes foreign and some native names several ways: a long vowel added or left out
    («أمريكا» / «أميركا», «كولومبيا» / «كولمبيا»), ع or ا for a foreign initial vowel («أنان» /
    «عنان»), doubled letters, hamza seats, final ة or ا («سلوفينية» / «سلوفينيا»). The skeleton
    keeps the first letter, drops inner و and ي, collapses doubled letters and hamza seats, and
    writes a final ه as ا. Input is :func:`normalize`'s output.

    >>> spelling_skeleton("امريكا") == spelling_skeleton("اميركا")
    True
    >>> spelling_skeleton("انان") == spelling_skeleton("عنان")
    True
    >>> spelling_skeleton("سلوفينيه") == spelling_skeleton("سلوفينيا")
    True
    >>> spelling_skeleton("غزه") == spelling_skeleton("عزه")
    False
    """
    word = collapse_letters(word)
    if len(word) < 3:
        return word
    first, middle, last = word[0], word[1:-1], word[-1]
    if first == "ع":
        first = "ا"
    middle = middle.replace("و", "").replace("ي", "")
    if last == "ه":
        last = "ا"
    return first + middle + last


# A sentence ends after . ! ? ؟ or … (plus closing quotes/brackets) followed by whitespace, or at a
# line break; a dot between digits (3.5) or after a lone letter (د. = Dr.) does not end one.
_SENTENCE_END = re.compile(r"(?<!\s\w\.)(?<=[.!?؟…])[»\"”')\]]*(?=\s)|\n")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Split ``text`` into sentence spans ``(start, end)``, trimmed of surrounding whitespace.

    >>> text = "قال الوزير: «نعم». وأضاف أن الاجتماع انتهى؟ نعم"
    >>> [text[s:e] for s, e in sentence_spans(text)]
    ['قال الوزير: «نعم».', 'وأضاف أن الاجتماع انتهى؟', 'نعم']
    """
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        _append_trimmed(text, start, match.end(), spans)
        start = match.end()
    _append_trimmed(text, start, len(text), spans)
    return spans


def _append_trimmed(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start < end:
        spans.append((start, end))


def tokenize(text: str, start: int = 0, end: int | None = None) -> list[Token]:
    """Word tokens of ``text[start:end]`` with code-point offsets into ``text``.

    The pieces of :func:`word_pieces` (punctuation split off, clitics kept attached), words the
    source glued together cut apart (:func:`split_glued`), each mapped back onto the original.

    >>> [t.text for t in tokenize("التقى الرئيسُ، في «غزة».")]
    ['التقى', 'الرئيسُ', '،', 'في', '«', 'غزة', '»', '.']
    >>> tokenize("أمس في غزة", 4)[0]
    Token(text='في', start=4, end=6)
    """
    end = len(text) if end is None else end
    tokens: list[Token] = []
    append, find = tokens.append, text.find
    cursor = start
    for piece in word_pieces(text[start:end]):
        found = find(piece, cursor, end)
        if found < 0:  # the pieces only split the text, so this is a bug in word_pieces
            raise ValueError(f"token {piece!r} not found in text after offset {cursor}")
        words = _words_of(piece)
        if len(words) == 1:  # most pieces: one word
            cursor = found + len(piece)
            append(Token(piece, found, cursor))
            continue
        for word in words:
            append(Token(word, found, found + len(word)))
            found += len(word)
        cursor = found
    return tokens


@lru_cache(maxsize=50_000)
def _words_of(piece: str) -> tuple[str, ...]:
    """The words of one piece: glued words cut, then unspaced ones (one look-up a piece)."""
    return tuple(word for glued in split_glued(piece) for word in split_unspaced(glued))


# What may split off a word: a flag (two regional indicators), an emoji with its modifier,
# presentation selector, keycap or tag sequence and any zero-width-joined emoji after it, a
# keycap, or one symbol or punctuation character.
_EMOJI = r"""
    \p{Emoji}(?:\p{EMod}|\uFE0F\u20E3?|[\U000E0020-\U000E007E]+\U000E007F)?"""
_SPLIT_CANDIDATE = regex.compile(
    rf"""(?:
        (?:\p{{RI}}\p{{RI}}|{_EMOJI})(?:\u200D(?:\p{{RI}}\p{{RI}}|{_EMOJI}))*
      | [0-9*\#]\u20E3
      | \p{{S}}
      | \p{{P}}
    )""",
    regex.VERBOSE,
)


def word_pieces(text: str) -> list[str]:
    """``text`` split at white space, with punctuation, symbols and emoji split off the words.

    The pieces of camel-tools' ``simple_word_tokenize`` (tested to agree), found without the
    character tables it builds over all of Unicode when imported (0.4 s of every start): most
    words hold no candidate at all, and only they are scanned character by character.

    >>> word_pieces("قال: «نعم»، 2023 😀!")
    ['قال', ':', '«', 'نعم', '»', '،', '2023', '😀', '!']
    """
    pieces: list[str] = []
    for word in text.split():
        first = _SPLIT_CANDIDATE.search(word)
        if first is None:
            pieces.append(word)
            continue
        start, index = 0, first.start()
        while index < len(word):
            match = _SPLIT_CANDIDATE.match(word, index)
            if match is not None and _splits_off(match[0]):
                if index != start:
                    pieces.append(word[start:index])
                pieces.append(match[0])
                index = start = match.end()
            else:
                index += 1
        if start < len(word):
            pieces.append(word[start:])
    return pieces


def _splits_off(candidate: str) -> bool:
    # One punctuation or symbol character, or a whole emoji (a digit matches as an emoji
    # character but is none).
    if len(candidate) == 1 and unicodedata.category(candidate)[0] in "PS":
        return True
    return candidate in _emoji()


@lru_cache(maxsize=1)
def _emoji() -> frozenset[str]:
    from emoji import EMOJI_DATA  # only text with emoji or digits needs the table

    return frozenset(EMOJI_DATA)


# Letters Arabic writes only at the end of a word (teh marbuta, alef maksura, optionally with
# their marks), or the adverbial ending «ًا» / «اً»: a letter right after them (not a hamza:
# «شاطىء» is an old spelling of «شاطئ») opens the next word, which the source glued on
# («مجلةزيلتارا», «علىالرغم», «دائمًابعد»).
_WORD_END = re.compile(
    r"(?<=[\u0621-\u064a]{2})(?:[ةى]|\u064bا|ا\u064b)[\u064b-\u0652]*(?=[\u0622-\u064a])"
)
# «إ» opens a word: inside a token it follows only proclitics and the article («والإعلام»,
# «لإيران»); after anything else it starts a glued word («أمامإبراهيم»).
_HAMZA_BELOW = re.compile(r"(?<=[\u0621-\u064a\u064b-\u0652])(?=إ)")
# Arabic and Latin letters never share a word.
_SCRIPT_CHANGE = re.compile(
    r"[\u0621-\u064a][\u064b-\u0652]*(?=[A-Za-z])|[A-Za-z](?=[\u0621-\u064a])"
)
# A letter that _WORD_END, _HAMZA_BELOW or _SCRIPT_CHANGE needs to cut a token.
_CUT_LETTER = re.compile(r"[ةى\u064bإA-Za-z]")
MIN_GLUED_LETTERS = 2
# Two glued words of the shapes kg.glue cuts have at least this many letters, and at most this
# many (a longer token is no two words, and each cut tried costs a look-up of its halves).
MIN_UNSPACED_LETTERS = 6
MAX_UNSPACED_LETTERS = 30
_CLITICS_BEFORE_HAMZA = re.compile(r"^(?:[وف]?[بلكس]?(?:ال)?|[وف]?لل)$")


@lru_cache(maxsize=50_000)
def split_glued(token: str) -> tuple[str, ...]:
    """``token`` cut where the source glued two words together, by spelling alone.

    >>> split_glued("مجلةزيلتارا"), split_glued("أمامإبراهيم"), split_glued("علىالرغم")
    (('مجلة', 'زيلتارا'), ('أمام', 'إبراهيم'), ('على', 'الرغم'))
    >>> split_glued("شركةZentrix")
    ('شركة', 'Zentrix')
    >>> split_glued("والإعلام"), split_glued("مدينة"), split_glued("أيضًا")
    (('والإعلام',), ('مدينة',), ('أيضًا',))
    """
    if _CUT_LETTER.search(token) is None:
        return (token,)  # most words: no letter any of the three cuts needs
    cuts = {m.end() for m in _WORD_END.finditer(token)}
    for match in _HAMZA_BELOW.finditer(token):
        start = max((c for c in cuts if c < match.start()), default=0)
        before = strip_marks(token[start : match.start()])
        if not _CLITICS_BEFORE_HAMZA.match(before):
            # «منالإنتقادات»: the article belongs to the glued word after it
            article = before.endswith("ال") and not _CLITICS_BEFORE_HAMZA.match(before[:-2])
            cuts.add(match.start() - 2 if article else match.start())
    # A piece of one letter is a typo («أخرىن»), not a word.
    bounds = [0, *sorted(cuts), len(token)]
    cuts = {
        cut
        for before, cut, after in zip(bounds, bounds[1:], bounds[2:], strict=False)
        if cut - before >= MIN_GLUED_LETTERS and after - cut >= MIN_GLUED_LETTERS
    }
    # A change of script is always a cut, even after a one-letter clitic: «شركةZentrix», «وCNN».
    cuts |= {m.end() for m in _SCRIPT_CHANGE.finditer(token)}
    if not cuts:
        return (token,)
    bounds = [0, *sorted(cuts), len(token)]
    return tuple(token[a:b] for a, b in pairwise(bounds) if a < b)


def split_unspaced(word: str) -> tuple[str, ...]:
    """``word`` cut where the source ran two words together with no trace in the spelling,
    as the shipped word lists show it (:class:`kg.glue.GlueLexicon`). Not cached here:
    :func:`tokenize` keeps each piece's words.

    >>> split_unspaced("القرارالنهائي"), split_unspaced("النهائي")
    (('القرار', 'النهائي'), ('النهائي',))
    """
    if not MIN_UNSPACED_LETTERS <= len(word) <= MAX_UNSPACED_LETTERS:
        return (word,)  # too short to be two words; too long to be two words worth a try
    from kg.glue import shipped_glue  # the word lists load on the first long word, not on import

    return shipped_glue().split(word)


def split_sentences(text: str) -> list[Sentence]:
    """Sentences of ``text``, each with its tokens; sentences without tokens are dropped.

    >>> [len(s.tokens) for s in split_sentences("وصل الوفد. ثم غادر")]
    [3, 2]
    """
    sentences: list[Sentence] = []
    for start, end in sentence_spans(text):
        tokens = tokenize(text, start, end)
        if tokens:
            sentences.append(Sentence(len(sentences), start, end, tuple(tokens)))
    return sentences


def iter_token_texts(sentences: list[Sentence]) -> Iterator[list[str]]:
    """The token strings of each sentence, the shape NER taggers consume."""
    for sentence in sentences:
        yield [token.text for token in sentence.tokens]
