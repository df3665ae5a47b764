"""Role aliases: a post phrase used later on its own («قائد الحرس الوطني») is a mention of the
person the document first named with it, unless the phrase names two people."""

from __future__ import annotations

from collections.abc import Sequence

from kg.events.lexicons import ALIAS_EXTRACTOR, words_of
from kg.events.tokens import DocView, Form, same_person, segment_at
from kg.model import EntityType, Mention, Role


def role_aliases(view: DocView, roles: Sequence[Role]) -> list[tuple[Mention, Mention]]:
    """Later uses of a role phrase alone («قائد الحرس الوطني») as mentions of its holder."""
    holders: dict[tuple[str, ...], tuple[Mention, int]] = {}
    ambiguous: set[tuple[str, ...]] = set()
    for role in roles:
        key = words_of(view.doc.text[role.start : role.end])
        if len(key) < 2:
            continue  # «الرئيس» alone names nobody in particular
        holders.setdefault(key, (role.person, role.end))
    for key, (person, _) in holders.items():
        # «وزير الخارجية المصري» is ambiguous once «… المصري السابق» names someone else.
        if any(
            other[: len(key)] == key and not same_person(person, holder)
            for other, (holder, _) in holders.items()
        ):
            ambiguous.add(key)
    for role in roles:
        key = words_of(view.doc.text[role.start : role.end])
        if key in holders and not same_person(holders[key][0], role.person):
            ambiguous.add(key)
    role_spans = [(r.start, r.end) for r in roles]
    aliases: list[tuple[Mention, Mention]] = []
    firsts = {key[0] for key in holders if key not in ambiguous}
    starts = _tokens_by_first_word(view, firsts) if firsts else {}
    for key, (holder, first_end) in holders.items():
        if key in ambiguous:
            continue
        for i in starts.get(key[0], ()):
            if view.toks[i].token.start < first_end:
                continue
            alias = _alias_at(view, key, i, role_spans)
            if alias is not None:
                aliases.append((alias, holder))
    return aliases


def _tokens_by_first_word(view: DocView, firsts: set[str]) -> dict[str, list[int]]:
    """Token indices (in order) by the words of ``firsts`` a role phrase could start with
    there: the token as it is and its noun readings («والقائد» → «القائد», «قائد»)."""
    starts: dict[str, list[int]] = {}
    # A word's readings depend on its text alone: worked out once per word of the document.
    opened: dict[str, tuple[str, ...]] = {}
    for i, tok in enumerate(view.toks):
        words = opened.get(tok.token.text)
        if words is None:
            readings = dict.fromkeys([tok.norm, *(form.stem for form in tok.noun_forms)])
            words = opened[tok.token.text] = tuple(word for word in readings if word in firsts)
        for word in words:  # most tokens: none (no phrase a holder was named with starts here)
            starts.setdefault(word, []).append(i)
    return starts


def _alias_at(
    view: DocView, key: tuple[str, ...], i: int, role_spans: list[tuple[int, int]]
) -> Mention | None:
    tok = view.toks[i]
    form = next((f for f in tok.noun_forms if f.stem == key[0]), None)
    if tok.norm == key[0]:
        form = Form(tok.norm, 0, False)
    stop = view.tokens_of(tok.sentence).stop
    if form is None or not segment_at(view, key[1:], i + 1, stop):
        return None
    end = view.toks[i + len(key) - 1].token.end
    start = tok.start_of(form)
    overlaps = any(s < end and start < e for s, e in role_spans)
    named = any(
        view.mention_at.get(k) is not None and view.mention_at[k].type is EntityType.PERSON
        for k in range(i, i + len(key))
    )
    if overlaps or named:
        return None
    return view.mention(start, end, EntityType.PERSON, tok.sentence, ALIAS_EXTRACTOR)
