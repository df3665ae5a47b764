"""Arabic date expressions -> ISO dates, anchored on the document date.

Handles numeric dates (12/7/2023, 2023/3/14), day-month-year with Egyptian, Levantine and
Maghrebi month names («15 مايو 2023», «الخميس 20 أبريل 2023», «3 حزيران 2023», «مايو/أيار»),
Eastern Arabic digits (٢٠٢٣), weekday-only («الخميس الماضي») and relative expressions («أمس»,
«قبل يومين», «الأسبوع الماضي»). Explicit dates get their date; relative and weekday-only ones get
one only against an anchor. Two-digit years, month-only and impossible dates are found but keep
``date=None``: a date is never guessed.

Matching runs on a character-wise folded copy of the text (diacritics dropped, alef/yeh/teh
marbuta unified) whose every character maps back to the original, so offsets stay exact.

>>> [(m.text, str(m.date)) for m in find_dates("وصل الوفد في ١٥ أيار ٢٠٢٣ ثم غادر")]
[('١٥ أيار ٢٠٢٣', '2023-05-15')]
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache, partial

from kg.resources import read_table
from kg.text import normalize

# A news date is within this span of years; a number outside is a count or a page, not a year.
MIN_YEAR, MAX_YEAR = 1900, 2100
# A day-month without a year takes the anchor's year, or the neighbouring year when that puts it
# closer to the anchor («25 ديسمبر» in a report of 3 January is last year's).
_YEAR_CANDIDATE_SHIFTS = (-1, 0, 1)


@dataclass(frozen=True)
class DateMatch:
    """A date expression: its span in the text given and its ISO date when known."""

    start: int
    end: int
    text: str
    date: dt.date | None


def fold(text: str) -> tuple[str, list[int]]:
    """Matching form of ``text`` and, for each of its characters, the index it came from.

    >>> folded, where = fold("غزّة")
    >>> folded, where
    ('غزه', [0, 1, 3])
    """
    table = _fold_table()
    folded = text.translate(table)  # fills the table with the text's characters
    if table.uneven.isdisjoint(text):
        return folded, list(range(len(text)))  # one character each: the common case
    origin: list[int] = []
    done = 0
    for match in table.uneven_pattern().finditer(text):
        index = match.start()
        origin.extend(range(done, index))
        origin.extend([index] * len(table[ord(text[index])]))
        done = index + 1
    origin.extend(range(done, len(text)))
    return folded, origin


class _FoldTable(dict[int, str]):
    """A :meth:`str.translate` table: each character's matching form (:func:`_fold_char`),
    worked out the first time it is met; ``uneven`` holds the characters that fold to none
    or to several (a mark, a ligature)."""

    def __init__(self) -> None:
        super().__init__()
        self.uneven: set[str] = set()

    def uneven_pattern(self) -> re.Pattern[str]:
        """A pattern matching any character of ``uneven``."""
        return _any_of("".join(sorted(self.uneven)))

    def __missing__(self, code: int) -> str:
        char = chr(code)
        piece = self[code] = _fold_char(char)
        if len(piece) != 1:
            self.uneven.add(char)
        return piece


@lru_cache(maxsize=1)
def _fold_table() -> _FoldTable:
    # One per process, as _fold_char's cache; at most one entry per character of Unicode.
    return _FoldTable()


@lru_cache(maxsize=64)
def _any_of(chars: str) -> re.Pattern[str]:
    return re.compile(f"[{re.escape(chars)}]")


@lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    return normalize(char) if char.strip() else char


@dataclass(frozen=True)
class _Lexicon:
    months: dict[str, int]
    weekdays: dict[str, int]
    relative: dict[str, int]
    numbers: dict[str, int]


@lru_cache(maxsize=1)
def _lexicon() -> _Lexicon:
    # Loaded once per process on first use; the cache is the only state and it is immutable data.
    def table(name: str) -> dict[str, int]:
        return {normalize(row[0]): int(row[1]) for row in read_table(f"events/{name}.tsv")}

    return _Lexicon(
        table("months"), table("weekdays"), table("relative_dates"), table("number_words")
    )


def _alternation(words: Iterable[str]) -> str:
    # Longest first so «كانون الثاني» is not cut to a prefix; spaces match any run of spaces.
    ordered = sorted(set(words), key=len, reverse=True)
    return "|".join(re.escape(word).replace(r"\ ", r"\s+") for word in ordered)


@dataclass(frozen=True)
class _Patterns:
    textual: re.Pattern[str]
    month_year: re.Pattern[str]
    day_first: re.Pattern[str]
    year_first: re.Pattern[str]
    weekday: re.Pattern[str]
    relative: re.Pattern[str]
    days_ago: re.Pattern[str]


# The letters a glued proclitic starts with (the clitic group of the patterns' left edge).
_CLITIC_LETTERS = "وفبل"


@lru_cache(maxsize=1)
def _patterns() -> _Patterns:
    lex = _lexicon()
    month = f"(?:{_alternation(lex.months)})"
    weekday = f"(?:{_alternation(lex.weekdays)})"
    # No letter or digit may touch a match, except one glued proclitic before it («وأمس»).
    left = r"(?<![\w/.\-])(?P<clitic>(?:[وف][بل]?|[بل])(?=\w))?"
    right = r"(?![\w/])"
    # Two-digit years are not read after a month name: «15 مايو 25 قتيلا» is a count, not 2025.
    year = r"(?P<year>\d{4})(?!\d)"
    alt_month = rf"(?:\s*[/(]\s*(?P<month2>{month})\s*\)?)?"
    textual = (
        rf"(?:(?:يوم\s+)?(?P<weekday>{weekday})\s*[،,]?\s*)?"
        rf"(?P<day>\d{{1,2}})\s*(?:من\s+)?(?:شهر\s+)?(?P<month>{month}){alt_month}"
        rf"(?:\s*[،,]?\s*(?:من\s+)?(?:عام|العام|سنه)?\s*{year}(?:\s*م(?!\w))?)?"
    )
    return _Patterns(
        textual=re.compile(_opening(["يوم"], lex.weekdays, digits=True) + left + textual + right),
        month_year=re.compile(
            _opening(["شهر"], lex.months)
            + rf"{left}(?:شهر\s+)?(?P<month>{month}){alt_month}\s+(?:عام|من\s+عام|من)?\s*"
            rf"(?P<year>\d{{4}})(?!\d)"
        ),
        day_first=re.compile(
            r"(?=\d)(?<![\d/.\-])(?P<a>\d{1,2})\s?([/\-.])\s?(?P<b>\d{1,2})\s?\2\s?(?P<year>\d{4}|\d{2})"
            r"(?![\d/.\-]?\d)"
        ),
        year_first=re.compile(
            r"(?=\d)(?<![\d/.\-])(?P<year>\d{4})([/\-.])(?P<a>\d{1,2})\2(?P<b>\d{1,2})(?![\d/.\-]?\d)"
        ),
        weekday=re.compile(
            _opening(["يوم"], lex.weekdays) + rf"{left}(?:يوم\s+)?(?P<weekday>{weekday})"
            r"(?:\s+(?P<direction>الماضي|المنصرم|الفائت|المقبل|القادم))?" + right
        ),
        # «اليوم التالي/نفسه» is a day relative to the story, not to the anchor.
        relative=re.compile(
            _opening(["يوم"], lex.relative)
            + rf"{left}(?:يوم\s+)?(?P<rel>{_alternation(lex.relative)}){right}"
            r"(?!\s+(?:التالي|نفسه|ذاته|السابق))"
        ),
        days_ago=re.compile(
            _opening(["قبل"])
            + rf"{left}قبل\s+(?P<count>\d{{1,2}}|{_alternation(lex.numbers)})\s+(?:ايام|يوما)"
            + right
        ),
    )


def _opening(*words: Iterable[str], digits: bool = False) -> str:
    """A look-ahead for what a match can start with: a proclitic, the first letter of one of
    ``words`` (or a digit). The patterns open with a look-behind and are tried at every
    character; most characters fail this one test instead of every alternative after it."""
    letters = sorted({word[0] for group in words for word in group} | set(_CLITIC_LETTERS))
    return "(?=[" + "".join(map(re.escape, letters)) + (r"\d" if digits else "") + "])"


def find_dates(text: str, *, anchor: dt.date | None = None) -> list[DateMatch]:
    """Every date expression in ``text``, in order; overlapping finds keep the most explicit.

    >>> [(m.text, str(m.date)) for m in find_dates("الخميس 20 أبريل 2023 و 2023/3/14")]
    [('الخميس 20 أبريل 2023', '2023-04-20'), ('2023/3/14', '2023-03-14')]
    >>> [(m.text, m.date) for m in find_dates("وصل أمس")]
    [('أمس', None)]
    >>> [(m.text, str(m.date)) for m in find_dates("وصل أمس", anchor=dt.date(2023, 5, 2))]
    [('أمس', '2023-05-01')]
    """
    return DateScan(text).dates(anchor)


def document_anchor(text: str, published: dt.date | None) -> dt.date | None:
    """The date relative expressions refer to: the publication date, else the first full date.

    >>> document_anchor("غزة - أعلن الجيش أمس ... في 12/7/2023", None)
    datetime.date(2023, 7, 12)
    >>> document_anchor("أعلن الجيش أمس", dt.date(2024, 1, 2))
    datetime.date(2024, 1, 2)
    >>> document_anchor("أعلن الجيش أمس", None) is None
    True
    """
    return DateScan(text).anchor(published)


# How a found expression is dated against an anchor (None: no anchor).
_Dating = Callable[[dt.date | None], dt.date | None]


class DateScan:
    """The date expressions of one text, found once and then dated against any anchor (the
    patterns are the costly part; a document asks for its dates with and without an anchor).

    >>> scan = DateScan("وصل أمس، وفي 12/7/2023 غادر")
    >>> scan.anchor(None), [m.text for m in scan.dates()]
    (datetime.date(2023, 7, 12), ['أمس', '12/7/2023'])
    >>> [str(m.date) for m in scan.dates(scan.anchor(None))]
    ['2023-07-11', '2023-07-12']
    """

    def __init__(self, text: str) -> None:
        self.text = text
        folded, origin = fold(text)
        lex, patterns = _lexicon(), _patterns()
        found: list[tuple[int, int, _Dating]] = []  # folded spans, in priority order
        for match in patterns.textual.finditer(folded):
            found.append((*_core_span(match), partial(_textual_date, match, lex)))
        for match in patterns.day_first.finditer(folded):
            date = _numeric_date(match, year_first=False)
            found.append((match.start(), match.end(), partial(_fixed, date)))
        for match in patterns.year_first.finditer(folded):
            date = _numeric_date(match, year_first=True)
            found.append((match.start(), match.end(), partial(_fixed, date)))
        for match in patterns.month_year.finditer(folded):
            # a month is not a day: never pick one
            found.append((*_core_span(match), partial(_fixed, None)))
        for match in patterns.days_ago.finditer(folded):
            count = match.group("count")
            days = int(count) if count.isdigit() else lex.numbers[_squash(count)]
            found.append((*_core_span(match), partial(_shift, -days)))
        for match in patterns.relative.finditer(folded):
            offset = lex.relative[_squash(match.group("rel"))]
            found.append((*_core_span(match), partial(_shift, offset)))
        for match in patterns.weekday.finditer(folded):
            weekday = lex.weekdays[match.group("weekday")]
            direction = match.group("direction")
            found.append((*_core_span(match), partial(_weekday_date, weekday, direction)))
        self._found: list[tuple[int, int, _Dating]] = []
        for start, end, dating in _without_overlaps(found):
            first, last = origin[start], _with_marks(text, origin[end - 1] + 1)
            self._found.append((first, last, dating))

    def dates(self, anchor: dt.date | None = None) -> list[DateMatch]:
        """The expressions in order, dated against ``anchor``."""
        return [
            DateMatch(first, last, self.text[first:last], dating(anchor))
            for first, last, dating in self._found
        ]

    def anchor(self, published: dt.date | None) -> dt.date | None:
        """:func:`document_anchor` of the text."""
        if published is not None:
            return published
        return next((m.date for m in self.dates() if m.date is not None), None)


def _fixed(date: dt.date | None, anchor: dt.date | None) -> dt.date | None:
    return date


def _with_marks(text: str, end: int) -> int:
    # Diacritics after the last letter («أَمْسِ») fold away but belong to the expression.
    while end < len(text) and not _fold_char(text[end]):
        end += 1
    return end


def _core_span(match: re.Match[str]) -> tuple[int, int]:
    # A glued proclitic («وأمس») is not part of the date expression.
    return max(match.start(), match.end("clitic")), match.end()


def _squash(words: str) -> str:
    return " ".join(words.split())


def _safe_date(year: int, month: int, day: int) -> dt.date | None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        return None
    try:
        return dt.date(year, month, day)
    except ValueError:  # 31 April, 30 February, month 13: impossible, so no date
        return None


def _textual_date(match: re.Match[str], lex: _Lexicon, anchor: dt.date | None) -> dt.date | None:
    month = lex.months[_squash(match.group("month"))]
    second = match.group("month2")
    if second is not None and lex.months[_squash(second)] != month:
        return None  # «مايو/حزيران» contradicts itself
    day, year_text = int(match.group("day")), match.group("year")
    if year_text is not None:
        return _safe_date(int(year_text), month, day) if len(year_text) == 4 else None
    if anchor is None:
        return None
    candidates = [_safe_date(anchor.year + shift, month, day) for shift in _YEAR_CANDIDATE_SHIFTS]
    valid = [c for c in candidates if c is not None]
    return min(valid, key=lambda c: abs((c - anchor).days)) if valid else None


def _numeric_date(match: re.Match[str], *, year_first: bool) -> dt.date | None:
    year_text = match.group("year")
    if len(year_text) != 4:
        return None
    first, second = int(match.group("a")), int(match.group("b"))
    if year_first:
        return _safe_date(int(year_text), first, second)
    # Arabic news writes day/month; month/day is read only when day/month is impossible.
    return _safe_date(int(year_text), second, first) or (
        _safe_date(int(year_text), first, second) if second > 12 else None
    )


# The dating functions take the anchor last, so that DateScan binds the rest with partial.
def _shift(days: int, anchor: dt.date | None) -> dt.date | None:
    return None if anchor is None else anchor + dt.timedelta(days=days)


def _weekday_date(weekday: int, direction: str | None, anchor: dt.date | None) -> dt.date | None:
    """The named weekday nearest the anchor: on or before it unless «المقبل» says after.

    A bare weekday in a report is nearly always the recent past (or today); «الماضي» excludes
    today, «المقبل»/«القادم» looks forward.
    """
    if anchor is None:
        return None
    back = (anchor.weekday() - weekday) % 7
    if direction in ("المقبل", "القادم"):
        return anchor + dt.timedelta(days=(weekday - anchor.weekday()) % 7 or 7)
    if direction is not None and back == 0:
        back = 7
    return anchor - dt.timedelta(days=back)


def _without_overlaps(
    found: list[tuple[int, int, _Dating]],
) -> list[tuple[int, int, _Dating]]:
    # ``found`` lists the most explicit patterns first, so the first claim on a span wins.
    kept: list[tuple[int, int, _Dating]] = []
    for start, end, dating in found:
        if all(end <= other_start or start >= other_end for other_start, other_end, _ in kept):
            kept.append((start, end, dating))
    return sorted(kept, key=lambda claim: claim[:2])
