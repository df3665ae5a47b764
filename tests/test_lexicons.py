"""The one lexicon registry: tables with a column saying what each entry is, read by every stage
that uses them (#17)."""

from __future__ import annotations

from collections import Counter

from kg.events.lexicons import Lexicons as EventLexicons
from kg.ner.features import SAY_FEATURE, TITLE_FEATURE, Lexicons, strip_proclitics
from kg.resolve import Resolver
from kg.resources import (
    NER_ONLY,
    SAY_FLAG,
    TITLES,
    TRIGGERS,
    read_table,
    say_cues,
    titles,
    trigger_flags,
)
from kg.text import normalize


def test_lexicons_titles_table_lists_each_phrase_once_with_its_kinds() -> None:
    rows = read_table(TITLES)
    assert all(len(row) == 2 for row in rows)
    assert not [p for p, n in Counter(row[0] for row in rows).items() if n > 1]
    # One word, several uses: «الملك» is a title before a name, a form of address and a post.
    assert "الملك" in titles("title") and "الملك" in titles("honorific")
    assert "الملك" in titles("post")
    assert "وزير" in titles("post") and "وزير" not in titles("honorific")


def test_lexicons_every_stage_reads_the_titles_table() -> None:
    features = Lexicons.load().phrases
    for phrase in titles("title"):
        words = tuple(strip_proclitics(w)[1] for w in normalize(phrase).split())
        assert (words, TITLE_FEATURE) in features[words[0]], phrase
    resolver = Resolver.default()
    assert resolver.honorifics == frozenset(
        tuple(normalize(h).split()) for h in titles("honorific")
    )
    events = EventLexicons.load()
    assert normalize("وزير") in events.role_heads.by_first
    assert normalize("السيد") in events.honorifics.by_first


def test_lexicons_say_cues_are_flagged_rows_of_the_trigger_table() -> None:
    rows = read_table(TRIGGERS)
    ner_only = [row for row in rows if row[1] == NER_ONLY]
    assert ner_only and all(SAY_FLAG in trigger_flags(row) for row in ner_only)
    assert "قال" in say_cues() and "استقبل" in say_cues()  # saying and meeting both cue a name
    features = Lexicons.load().phrases
    for verb in say_cues():
        word = strip_proclitics(normalize(verb))[1]
        assert ((word,), SAY_FEATURE) in features[word], verb
    # The events see the same rows, without the NER-only ones and without the flag.
    triggers = EventLexicons.load().triggers
    kinds = {entry.payload for entries in triggers.by_first.values() for entry in entries}
    assert NER_ONLY not in kinds
