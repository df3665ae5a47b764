"""The organisation of a post: named in the post phrase («رئيس [مجلس الأعيان]»), behind a
preposition, just after it («… في [هيئة …]»), before it («الشركة … رئيسها»), or the one body of
a generic head the document names («المتحدثة باسم [الوزارة]»). A base of
:class:`kg.events.roles.RoleFinder`, kept apart so each file reads as one question."""

from __future__ import annotations

from kg.events.lexicons import MAX_ORG_GAP, MAX_ORG_TOKENS, NISBA_ENDINGS, ROLE_ORG_EXTRACTOR
from kg.events.reader import Reader
from kg.events.tokens import DocView, Match, is_definite
from kg.model import EntityType, Mention
from kg.text import normalize


class OrganisationReader(Reader):
    """Finds the organisation a post belongs to (see the module docstring)."""

    def _organization_in(self, view: DocView, start: int, stop: int) -> Mention | None:
        """The first organisation named between ``start`` and ``stop`` of a post phrase."""
        for k in range(start, stop):
            mention = view.mention_at.get(k)
            if mention is None:
                made = self._organization_at(view, k, stop)
                if made is not None:
                    return made
            elif self._is_organization(view, mention, self._word_class(view, k - 1) == "place"):
                return mention
        return None

    @staticmethod
    def _organization_before(view: DocView, head: Match, span: range) -> Mention | None:
        """«وقالت الشركة، بحسب رئيسها التنفيذي …»: the last organisation named before the post
        in its sentence is what the suffix refers to."""
        for k in range(head.first - 1, span.start - 1, -1):
            mention = view.mention_at.get(k)
            if mention is not None and mention.type is EntityType.ORGANIZATION:
                return mention
        return None

    def _is_organization(self, view: DocView, mention: Mention, after_place: bool) -> bool:
        """Whether a name inside a post phrase is the post's organisation.

        Organisations are; so is a country or city in the idafa («رئيس بيرو», «سفير الولايات
        المتحدة لدى …») but not one after «في» (where the post is held); and so is a name behind
        a preposition whatever the NER called it («المستشار الإعلامي لجابر»).
        """
        if mention.type is EntityType.ORGANIZATION:
            return True
        if mention.type is EntityType.PLACE:
            return not after_place
        return mention.type is EntityType.PERSON and self._after_preposition(view, mention)

    def _organization_at(self, view: DocView, k: int, stop: int) -> Mention | None:
        """An organisation named by a head noun and its idafa complement: «[ب]مجلس الأعيان».

        The name runs to its first definite word and the nisba adjectives after it («مجلس
        الأعيان الأردني»); a head with nothing after it names nothing.
        """
        tok = view.toks[k]
        form = next((f for f in tok.noun_forms if f.stem in self.lexicons.organization_heads), None)
        if form is None:
            return None
        start = tok.start_of(form)
        glued = normalize(view.doc.text[tok.token.start : start])
        if len(glued) > 2:
            return None
        # Right after the post, only a head in construct state names a body («عضو مجلس الأعيان»);
        # with the article it belongs to the post itself («قائد الجيش السوداني»). Behind a
        # preposition it is a body either way («عضو في البرلمان الأفريقي»).
        prepositional = glued[-1:] in ("ل", "ب") or self._word_class(view, k - 1) == "place"
        if form.definite and not prepositional:
            return None
        closed = form.definite
        end = k + 1
        while end < stop and end - k < MAX_ORG_TOKENS:
            nxt = view.toks[end]
            if nxt.is_punct or end in view.mention_at or self._word_class(view, end) is not None:
                break
            if nxt.norm.startswith(("وال", "بال", "لل")):
                break  # «حزب الخضر والمؤيدة …», «لجنة الزراعة بالبرلمان»
            if closed and not (is_definite(nxt) and nxt.norm.endswith(NISBA_ENDINGS)):
                break
            closed = closed or is_definite(nxt)
            end += 1
        if end == k + 1:
            return None
        last = view.toks[end - 1].token.end
        return view.mention(start, last, EntityType.ORGANIZATION, tok.sentence, ROLE_ORG_EXTRACTOR)

    def _generic_organization(self, view: DocView, head: Match, end: int) -> Mention | None:
        """«المتحدثة باسم الوزارة»: a post phrase that ends on a definite generic head refers to
        the one organisation of that head the document names («وزارة الخارجية»); none when it
        names two («وزارة الخارجية» and «وزارة الدفاع») or none."""
        k = end - 1
        if k < head.last or k in view.mention_at:
            return None
        stem = next(
            (
                f.stem
                for f in view.toks[k].noun_forms
                if f.definite and f.stem in self.lexicons.generic_organizations
            ),
            None,
        )
        if stem is None:
            return None
        found: Mention | None = None
        names: set[tuple[str, ...]] = set()
        for mention in view.mentions:
            if mention.type is not EntityType.ORGANIZATION:
                continue
            span = view.token_span(mention.start, mention.end)
            if len(span) < 2 or view.toks[span.start].token.start < mention.start:
                continue
            first = view.toks[span.start]
            # The head in construct state opens the name: «[و]وزارة الخارجية», not «الوزارة».
            if not any(f.stem == stem and not f.definite for f in first.noun_forms):
                continue
            names.add(tuple(view.toks[j].norm for j in span[1:]))
            found = found or mention
        return found if len(names) == 1 else None

    def _organization_after(self, view: DocView, k: int, stop: int) -> Mention | None:
        """«مسؤول التدريب على السلامة في [هيئة …]»: the body named by «في» just after a post
        phrase that ended on a prepositional complement."""
        for j in range(k, min(stop - 1, k + MAX_ORG_GAP)):
            if view.toks[j].is_punct or j in view.mention_at:
                return None
            if self._word_class(view, j) == "place":
                named = view.mention_at.get(j + 1)
                if named is not None:
                    return named if named.type is EntityType.ORGANIZATION else None
                return self._organization_at(view, j + 1, stop)
            if self._word_class(view, j) not in (None, "target", "goal"):
                return None
        return None
