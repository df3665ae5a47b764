"""Roles («وزير الخارجية الأردني أيمن الصفدي», «…، رئيس المكتب السياسي لحركة حماس») and the
role phrases used later on their own as aliases of the person who holds them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from kg.events.lexicons import ALIAS_EXTRACTOR, MAX_ROLE_TOKENS, QUOTE_MARKS, words_of
from kg.events.reader import Reader
from kg.events.tokens import (
    DocView,
    Form,
    Match,
    is_definite,
    match_at,
    same_person,
    segment_at,
)
from kg.model import EntityType, Mention, Role


class RoleFinder(Reader):
    """Finds role phrases with the person (and organisation) they belong to."""

    def roles(self, view: DocView) -> list[Role]:
        roles: list[Role] = []
        for sentence in view.sentences:
            span = view.tokens_of(sentence.index)
            i = span.start
            while i < span.stop:
                head = match_at(self.lexicons.role_heads, view, i, span.stop)
                role = None if head is None else self._role_from(view, head, span.stop)
                if role is not None:
                    roles.append(role)
                    i = max(i + 1, view.token_span(role.start, role.end).stop)
                else:
                    i = i + 1 if head is None else head.last
        return roles

    def _role_from(self, view: DocView, head: Match, stop: int) -> Role | None:
        inside = view.mention_at.get(head.first)
        if inside is not None:
            return self._role_inside(view, head, inside)
        # A multi-word head must not run into a name: «قائد [الجيش الوطني]».
        named = next((k for k in range(head.first + 1, head.last) if k in view.mention_at), None)
        if named is not None:
            head = replace(head, last=named, head_last=named, end=view.toks[named - 1].token.end)
        org: Mention | None = None
        ahead: Mention | None = None  # a person after a comma: «… لحركة النهضة، السيد خوري»
        # An idafa chain ends in its one definite word; after it only adjectives and «ل»-phrases
        # follow («وزير التموين الأردني [بخصوص] …» stops at the indefinite word).
        closed = False
        k = phrase_end = head.last
        while k < stop and k - head.first < MAX_ROLE_TOKENS:
            tok, mention = view.toks[k], view.mention_at.get(k)
            direct = self._person_at(view, self._honorific_end(view, k, stop))
            if direct is not None:
                return self._make_role(view, head, phrase_end, direct, org)
            if tok.norm in ("،", ","):
                ahead = self._person_after_comma(view, k + 1, stop)
                break
            if tok.token.text in QUOTE_MARKS:
                k += 1  # «رئيس المكتب السياسي لحركة «النهضة»»: quoted names stay in the phrase
                continue
            if tok.is_punct or self._ends_role(view, k):
                break
            if self._word_class(view, k) == "place":
                k += 1  # «في/لدى» before a named organisation or place, checked just above
                continue
            if mention is not None:
                if org is None and mention.type is EntityType.ORGANIZATION:
                    org = mention
                k = phrase_end = view.token_span(mention.start, mention.end).stop
                closed = True
                continue
            if closed and not self._continues_idafa(view, k):
                break
            closed = closed or is_definite(tok)
            k = phrase_end = k + 1
        before = head.first - 1
        if before >= 0 and view.toks[before].norm in ("،", ","):
            before -= 1
        person = view.mention_at.get(before)
        if person is not None and person.type is EntityType.PERSON:
            # «خالد العسيلي رئيس مجلس الإدارة، والدكتور …»: an apposition to the name before.
            return self._make_role(view, head, phrase_end, person, org)
        return self._make_role(view, head, phrase_end, ahead, org)

    def _person_after_comma(self, view: DocView, k: int, stop: int) -> Mention | None:
        if k >= stop or view.toks[k].norm.startswith("و"):
            return None  # «، والدكتور …» starts the next item of a list, not this role's holder
        return self._person_at(view, self._honorific_end(view, k, stop))

    def _continues_idafa(self, view: DocView, k: int) -> bool:
        tok = view.toks[k]
        if is_definite(tok) and match_at(self.lexicons.role_heads, view, k, k + 1) is None:
            return True
        return tok.norm.startswith("ل") and len(tok.norm) > 3  # «لحركة», «للشؤون»

    def _ends_role(self, view: DocView, k: int) -> bool:
        word_class = self._word_class(view, k)
        if word_class == "place":  # «منسق الطوارئ في منظمة …» keeps going into the name
            nxt = view.mention_at.get(k + 1)
            return nxt is None or nxt.type not in (EntityType.ORGANIZATION, EntityType.PLACE)
        if word_class is not None and word_class != "placenoun":
            return True
        trigger = match_at(self.lexicons.triggers, view, k, k + 1)
        return trigger is not None and trigger.entry.verb

    def _role_inside(self, view: DocView, head: Match, mention: Mention) -> Role | None:
        """A title the NER kept inside a person mention: «الرئيس الفلسطيني محمود عباس»."""
        span = view.token_span(mention.start, mention.end)
        if mention.type is not EntityType.PERSON or span.start != head.first or not head.definite:
            return None
        end = head.last
        while end < span.stop - 1 and view.toks[end].norm.startswith("ال"):
            end += 1  # nisba adjectives and definite complements, never the last (name) word
        if end >= span.stop:
            return None
        label_end = view.toks[end - 1].token.end
        return _role(view, head, label_end, label_end, mention, None)

    def _make_role(
        self,
        view: DocView,
        head: Match,
        phrase_end: int,
        person: Mention | None,
        org: Mention | None,
    ) -> Role | None:
        if person is None:
            return None
        label_stop = phrase_end
        if org is not None:
            label_stop = max(head.last, view.token_span(org.start, org.end).start)
            while label_stop > head.last and (
                view.toks[label_stop - 1].is_punct
                or self._is_genitive_glue(view, label_stop - 1)
                or self._word_class(view, label_stop - 1) == "place"  # «… في [منظمة]»
            ):
                label_stop -= 1
        label_end = view.toks[label_stop - 1].token.end
        return _role(view, head, view.toks[phrase_end - 1].token.end, label_end, person, org)

    @staticmethod
    def _is_genitive_glue(view: DocView, k: int) -> bool:
        # «رئيس المكتب السياسي لحركة [النهضة]»: the «ل»-word belongs to the organisation's name.
        tok = view.toks[k]
        return view.mention_at.get(k) is None and tok.norm.startswith("ل") and len(tok.norm) > 3

    # -- aliases --------------------------------------------------------------------------------

    def aliases(self, view: DocView, roles: Sequence[Role]) -> list[tuple[Mention, Mention]]:
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
        for key, (holder, first_end) in holders.items():
            if key in ambiguous:
                continue
            for i, tok in enumerate(view.toks):
                if tok.token.start < first_end:
                    continue
                alias = self._alias_at(view, key, i, role_spans)
                if alias is not None:
                    aliases.append((alias, holder))
        return aliases

    def _alias_at(
        self, view: DocView, key: tuple[str, ...], i: int, role_spans: list[tuple[int, int]]
    ) -> Mention | None:
        tok = view.toks[i]
        form = next((f for f in tok.noun_forms if f.stem == key[0]), None)
        if tok.norm == key[0]:
            form = Form(tok.norm, tok.token.start, False)
        stop = view.tokens_of(tok.sentence).stop
        if form is None or not segment_at(view, key[1:], i + 1, stop):
            return None
        end = view.toks[i + len(key) - 1].token.end
        overlaps = any(s < end and form.start < e for s, e in role_spans)
        named = any(
            view.mention_at.get(k) is not None and view.mention_at[k].type is EntityType.PERSON
            for k in range(i, i + len(key))
        )
        if overlaps or named:
            return None
        return Mention(
            view.doc.id,
            form.start,
            end,
            view.doc.text[form.start : end],
            EntityType.PERSON,
            tok.sentence,
            ALIAS_EXTRACTOR,
        )


def _role(
    view: DocView,
    head: Match,
    end: int,
    label_end: int,
    person: Mention,
    org: Mention | None,
) -> Role:
    """A role phrase from its head word to ``end``; the label stops at ``label_end``."""
    return Role(
        view.doc.id,
        head.start,
        end,
        view.doc.text[head.start : label_end],
        person,
        view.toks[head.first].sentence,
        org,
    )
