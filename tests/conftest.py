"""Shared fixtures: real Arabic snippets and a tiny deterministic extractor for stage tests."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from kg.model import Document, EntityType, Mention, Sentence
from tests.browser import CHROMIUM, CHROMIUM_ARGS, unavailable_reason

# The compiled-table cache (kg.cache) of this test session, not the user's: the CLI tests'
# processes inherit it.
os.environ.setdefault("KG_CACHE_DIR", tempfile.mkdtemp(prefix="kg-test-cache-"))

REPO = Path(__file__).resolve().parent.parent
SHARED_DATA = REPO.parent / "shared" / "data"
SEEDS = REPO / "seeds"


def fresh_python(
    code: str, *args: str, env: dict[str, str] | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """Run ``code`` (with ``args`` in its sys.argv) in a new interpreter: what a fresh
    process imports and prints, and how it exits."""
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=timeout,
    )


def fresh_output(code: str) -> str:
    """What ``code`` prints in a new interpreter (stripped); it must exit cleanly."""
    done = fresh_python(code)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


class LexiconExtractor:
    """Marks fixed phrases: lets pipeline tests run without depending on the trained model."""

    name = "lexicon"
    labels = ("PERS", "ORG", "LOC")

    def __init__(self, phrases: dict[str, EntityType]) -> None:
        self.phrases = phrases

    def __call__(self, doc: Document, sentences: Sequence[Sentence]) -> list[Mention]:
        found: list[Mention] = []
        for phrase, entity_type in self.phrases.items():
            for match in re.finditer(re.escape(phrase), doc.text):
                sentence = next(s for s in sentences if s.start <= match.start() < s.end)
                found.append(
                    Mention(
                        doc.id,
                        match.start(),
                        match.end(),
                        phrase,
                        entity_type,
                        sentence.index,
                        self.name,
                    )
                )
        return found


@pytest.fixture
def news_documents() -> list[Document]:
    """Two short news items written for the tests (not from the seed)."""
    return [
        Document(
            "cairo-talks",
            "استقبل الرئيس المصري عبد الفتاح السيسي في القاهرة وزير الخارجية الأردني أيمن الصفدي. "
            "وبحث السيسي والصفدي الأوضاع في غزة. وقال الصفدي إن الأردن يدعم جهود مصر.",
        ),
        Document(
            "amman-visit",
            "وصل أيمن الصفدي إلى عمان قادما من القاهرة. "
            "وأكد الصفدي أن منظمة الأمم المتحدة تتابع الوضع.",
        ),
    ]


@pytest.fixture
def news_extractor() -> LexiconExtractor:
    return LexiconExtractor(
        {
            "عبد الفتاح السيسي": EntityType.PERSON,
            "السيسي": EntityType.PERSON,
            "أيمن الصفدي": EntityType.PERSON,
            "والصفدي": EntityType.PERSON,
            "الصفدي": EntityType.PERSON,
            "القاهرة": EntityType.PLACE,
            "غزة": EntityType.PLACE,
            "الأردن": EntityType.PLACE,
            "مصر": EntityType.PLACE,
            "عمان": EntityType.PLACE,
            "منظمة الأمم المتحدة": EntityType.ORGANIZATION,
        }
    )


def require_shared_data() -> Path:
    """Skip the calling test when ../shared/data (the corpora) is not beside the repo."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"corpora not available: {SHARED_DATA} does not exist (a user's clone)")
    return SHARED_DATA


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless Chromium for every browser test; skips with the reason when unavailable."""
    reason = unavailable_reason()
    if reason is not None:
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
