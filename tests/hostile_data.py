"""Hostile inputs shared by the tests/test_hostile_*.py files and benchmarks/reliability.py.

Synthetic Arabic news (built from a few names and templates written for the tests, not from the
seed) and one example of every kind of bad input the issue lists, as ``name -> bytes``.
"""

from __future__ import annotations

import codecs
import json
import random
from pathlib import Path

PEOPLE = ("أيمن الصفدي", "عبد الفتاح السيسي", "محمود عباس", "سامح شكري", "نجيب ميقاتي")
PLACES = ("القاهرة", "عمان", "بيروت", "غزة", "رام الله", "دمشق")
ORGS = ("الأمم المتحدة", "جامعة الدول العربية", "حركة فتح")
GOOD_TEXT = "قال وزير الخارجية الأردني أيمن الصفدي في عمان إن المحادثات مستمرة."

XSS_PAYLOADS = (
    "</script><script>alert('kg-xss-1')</script>",
    "<img src=x onerror=\"alert('kg-xss-2')\">",
    "<a href=\"javascript:alert('kg-xss-3')\">رابط</a>",
    "<svg onload=\"console.log('kg-xss-4')\"></svg>",
)


def news_text(rng: random.Random, sentences: int = 16) -> str:
    """A plausible Arabic news paragraph mentioning people, places and organisations."""
    parts: list[str] = []
    for _ in range(sentences // 2):
        person, place, org = rng.choice(PEOPLE), rng.choice(PLACES), rng.choice(ORGS)
        parts.append(f"وقال {person} في {place} إن {org} تتابع الوضع عن كثب.")
        parts.append(f"واستقبل {rng.choice(PEOPLE)} وفدا من {org} في {rng.choice(PLACES)}.")
    return " ".join(parts)


def write_corpus(path: Path, documents: int, *, seed: int = 0, prefix: str = "n") -> Path:
    """A JSONL feed of ``documents`` synthetic news items (about 0.1 s of extraction each)."""
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as stream:
        for i in range(documents):
            record = {"id": f"{prefix}{i}", "text": news_text(rng), "date": "2023-05-15"}
            stream.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path


def _line(record: object) -> str:
    return json.dumps(record, ensure_ascii=False)


def bad_inputs() -> dict[str, tuple[bytes, str]]:
    """File name -> (content, a phrase the problem reported for it must contain)."""
    bidi = "\u202bقال \u2067أيمن الصفدي\u2069 في \u200fعمان\u202c إن OK."
    return {
        "empty.txt": (b"", "empty"),
        "blank.txt": (b" \n\t\n", "empty"),
        "binary.txt": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        "cp1256.txt": ("وصل الوفد إلى القاهرة صباح اليوم".encode("cp1256"), "Windows-1256"),
        "latin1.txt": ("Müller fährt nach Köln".encode("latin-1"), "not valid UTF-8"),
        "nul.txt": ("نص\x00عربي".encode(), "binary"),
        "english.txt": (b"Nothing but English here.", "no Arabic letters"),
        "mojibake.txt": ("وصل".encode().decode("latin-1").encode(), "no Arabic letters"),
        "bad-utf16.txt": (codecs.BOM_UTF16_LE + b"\x41", "byte-order mark"),
        "feed.jsonl": (
            "\n".join(
                [
                    _line({"id": "ok-1", "text": GOOD_TEXT}),
                    "{not json",
                    "[" * 50_000,
                    _line({"text": "نص بلا معرّف"}),
                    _line({"id": "no-text"}),
                    _line({"id": "ok-1", "text": "نص مكرر"}),
                    '{"id": "lone", "text": "نص \\udc00"}',
                    _line({"id": "date", "text": "نص", "date": "أمس"}),
                    _line({"id": "english", "text": "English only"}),
                    _line({"id": 3.5, "text": "نص"}),
                    _line({"id": "../../x", "text": "زار الوفد غزة."}),
                    _line({"id": "مسافة وعربي", "text": "وصل الوفد إلى بيروت."}),
                    _line({"id": "bidi", "text": bidi}),
                ]
            ).encode()
            + b"\n",
            ":2: invalid JSON",
        ),
    }


#: Problems expected from feed.jsonl in :func:`bad_inputs`, by line.
FEED_PROBLEMS = {
    2: "invalid JSON",
    3: "nested too deeply",
    4: "missing or invalid 'id'",
    5: "missing or empty 'text'",
    6: "duplicate document id 'ok-1'",
    7: "lone surrogate",
    8: "not an ISO date",
    9: "no Arabic letters",
    10: "missing or invalid 'id'",
}
#: Ids of feed.jsonl that are good documents (unsafe in IRIs or paths, but good).
FEED_GOOD_IDS = ("ok-1", "../../x", "مسافة وعربي", "bidi")
