"""Roles: posts and their holders («وزير الخارجية الأردني أيمن الصفدي», «…، رئيس المكتب السياسي
لحركة حماس»).

Over 500 lines on purpose: one grammar of posts (the holder after the post or before it, lists of
holders, pronouns, former posts, the label) whose rules call one another. What stands apart is
apart: the post's organisation (:mod:`kg.events.organisations`) and the later uses of a post
phrase as its holder's alias (:mod:`kg.events.aliases`).
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import replace

from kg.events.lexicons import (
    COMMAS,
    FORMER,
    MAX_ROLE_TOKENS,
    QUOTE_MARKS,
    VERB_SUFFIXES,
)
from kg.events.organisations import OrganisationReader
from kg.events.tokens import (
    DocView,
    Match,
    is_definite,
    match_at,
    mention_key,
    opening_positions,
    same_person,
)
from kg.model import EntityType, Mention, Role
from kg.text import normalize


class RoleFinder(OrganisationReader):
    """Finds role phrases with the person (and organisation) they belong to."""

    def roles(self, view: DocView) -> list[Role]:
        roles: list[Role] = []
        for sentence in view.sentences:
            span = view.tokens_of(sentence.index)
            heads = opening_positions(self.lexicons.role_heads, view, span)
            i = span.start
            previous: Role | None = None
            while (k := bisect_left(heads, i)) < len(heads):
                i = heads[k]  # no post opens at the tokens before
                head = match_at(self.lexicons.role_heads, view, i, span.stop)
                if head is not None and self._accusative(view, head):
                    head = None  # «عيّنه مسؤولا عن …», «نظيرا ومسؤولا»: a predicate, not a title
                if head is not None and self._feminine_ending(view, head):
                    head = None  # «محافظة», «منظمة»: another noun, not «محافظ» + a pronoun
                found = [] if head is None else self._roles_from(view, head, span, previous, roles)
                if found:
                    roles.extend(found)
                    previous = found[0]
                    i = max(i + 1, view.token_span(found[0].start, found[0].end).stop)
                else:
                    i = i + 1 if head is None else head.last
        return roles

    def _roles_from(
        self,
        view: DocView,
        head: Match,
        span: range,
        previous: Role | None,
        earlier: Sequence[Role] = (),
    ) -> list[Role]:
        """The post at ``head`` and its holder; one role per holder when «منصب …» is followed by
        a list of them («تولى منصب مدير النادي، فلان، وفلان، وفلان»)."""
        role = self._role_from(view, head, span, previous, earlier)
        if not self._is_post_word(view, head.first - 1):
            return [] if role is None else [role]
        end = view.token_span(role.start, role.end).stop if role else head.last
        comma = next((k for k in range(end, span.stop) if view.toks[k].norm in COMMAS), None)
        listed = [] if comma is None else self._listed_holders(view, comma, span.stop)
        if comma is None or not listed:
            return [] if role is None else [role]
        org = role.organization if role else self._organization_in(view, head.last, comma)
        phrase_end = max(head.last, comma)
        made = [self._make_role(view, head, phrase_end, person, org) for person in listed]
        # Each holder's post runs to their name, so each is a membership of its own.
        return [replace(r, end=r.person.end) for r in made if r is not None]

    def _prepositional_title(self, view: DocView, k: int) -> bool:
        """«للسيد», «بالرئيس»: a title glued to a preposition and the article."""
        norm = view.toks[k].norm
        return norm.startswith(("لل", "بال")) and (
            "ال" + norm[2:] in self.lexicons.honorifics.by_first
            or "ال" + norm[3:] in self.lexicons.honorifics.by_first
        )

    @staticmethod
    def _possessive(view: DocView, head: Match) -> bool:
        """Whether the head carries a pronoun suffix that stands for its body («رئيسها»)."""
        word = normalize(view.doc.text[head.start : view.toks[head.first].token.end])
        stem = head.entry.segments[0][0]
        return any(word == stem + suffix for suffix in ("ها", "هم"))

    def _is_post_word(self, view: DocView, k: int) -> bool:
        return k >= 0 and any(f.stem == "منصب" for f in view.toks[k].noun_forms)

    def _listed_holders(self, view: DocView, comma: int, stop: int) -> list[Mention]:
        """The people of a comma-separated list that closes the sentence: «، فلان، وفلان.»;
        an item the NER missed (up to three words) may stand among them."""
        people: list[Mention] = []
        k = comma
        while k < stop and view.toks[k].norm in COMMAS:
            k += 1
            person = self._person_at(view, self._honorific_end(view, k, stop))
            if person is not None:
                people.append(person)
                k = view.token_span(person.start, person.end).stop
                continue
            words = 0
            while k < stop and not view.toks[k].is_punct and k not in view.mention_at:
                k, words = k + 1, words + 1
            if words == 0 or words > 3:
                return []
        if any(not view.toks[j].is_punct or view.toks[j].norm in COMMAS for j in range(k, stop)):
            return []  # the list must close the sentence
        return people if len(people) >= 2 else []

    def _role_from(
        self,
        view: DocView,
        head: Match,
        span: range,
        previous: Role | None = None,
        earlier: Sequence[Role] = (),
    ) -> Role | None:
        stop = span.stop
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
        after_place = False  # «في/لدى» just before: a place named there is where, not whose
        while k < stop and k - head.first < MAX_ROLE_TOKENS:
            tok, mention = view.toks[k], view.mention_at.get(k)
            # The first word after a head in construct state is its complement, never a title
            # of the holder: «نائب [الرئيس] نادر …» although «الرئيس» is also an honorific.
            complement = k == head.last and not head.definite
            start = k if complement else self._honorific_end(view, k, stop)
            direct = self._person_at(view, start)
            if direct is not None and k > head.last and self._prepositional_title(view, k - 1):
                break  # «… للسيد داود»: a name behind a preposition is not the holder
            employer = complement and len(head.entry.segments[0]) == 1
            if direct is not None and not employer and not self._after_preposition(view, direct):
                return self._make_role(view, head, phrase_end, direct, org)
            if direct is not None and employer:
                # «مستشارة جابر، سلمى ناصر»: a name in the genitive is whose post it is.
                org = org or direct
                k = phrase_end = view.token_span(direct.start, direct.end).stop
                closed = True
                continue
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
                after_place = True
                continue
            if mention is None and org is None:
                made = self._organization_at(view, k, stop)
                if made is not None:
                    # «عضو مجلس الأعيان»: an organisation the NER did not mark.
                    org = made
                    k = phrase_end = view.token_span(made.start, made.end).stop
                    closed = True
                    continue
            if mention is not None:
                if org is None and self._is_organization(view, mention, after_place):
                    org = mention
                k = phrase_end = view.token_span(mention.start, mention.end).stop
                closed = True
                after_place = False
                continue
            if closed and not self._continues_idafa(view, k):
                break
            closed = closed or is_definite(tok)
            k = phrase_end = k + 1
            after_place = False
        if org is None and k < stop:
            org = self._organization_after(view, k, stop)
        generic: int | None = None
        if org is None:
            org = self._generic_organization(view, head, phrase_end)
            generic = None if org is None else phrase_end - 1
        before = head.first - 1
        if before >= 0 and view.toks[before].norm in ("،", ",", "("):
            before -= 1  # «X، رئيس …», «X (رئيس …)»: an apposition to the name before
        person = view.mention_at.get(before)
        if person is not None and person.type is EntityType.PERSON:
            # «خالد العسيلي رئيس مجلس الإدارة، والدكتور …»: an apposition to the name before.
            return self._make_role(view, head, phrase_end, person, org, generic)
        if ahead is None:
            ahead = self._holder_of_post(view, head, span, earlier)
        if ahead is None and self._word_class(view, head.first - 1) == "pronoun":
            ahead = self._pronoun_holder(view, head.first - 1, span)
        if ahead is None and not head.definite and self._glued(view, head) in ("ك", "وك"):
            # «وانضم داود إلى الشركة كمستشار»: «ك» + a post is the capacity of the person the
            # clause is about, like «بصفته».
            ahead = self._pronoun_holder(view, head.first, span, governed=True)
        if ahead is None and previous is not None and self._coordinated(view, head, previous):
            # «…، سفير بلاده لدى ماليزيا ومحافظ إقليم لابلاند السابق»: a second post of the
            # same holder.
            ahead = previous.person
        if ahead is None and k < stop and view.toks[k].norm not in ("،", ","):
            # «الناشطة المعروفة في الحي، سلمى ناصر، …»
            ahead = self._name_after_comma(view, k, stop)
        if ahead is None:
            ahead = self._former_post_holder(view, head, org, earlier)
        return self._make_role(view, head, phrase_end, ahead, org, generic)

    @staticmethod
    def _accusative(view: DocView, head: Match) -> bool:
        """Whether the head word carries the accusative alef of an indefinite noun («مسؤولا»)."""
        if head.definite:
            return False
        word = normalize(view.doc.text[head.start : view.toks[head.first].token.end])
        return word == head.entry.segments[0][0] + "ا"

    def _feminine_ending(self, view: DocView, head: Match) -> bool:
        """Whether the head word is written with «ة» that the match read as the pronoun «ه»,
        and no feminine post is written that way («المستشارة» is one, «محافظة» is not)."""
        word = view.doc.text[head.start : view.toks[head.first].token.end]
        letters = [c for c in word if not "\u064b" <= c <= "\u0652"]  # vowel marks aside
        if letters[-1:] != ["ة"] or head.entry.segments[0][0].endswith("ه"):
            return False
        heads = self.lexicons.role_heads.by_first
        return not any(
            f.stem.endswith("ه") and f.stem in heads for f in view.toks[head.first].noun_forms
        )

    def _pronoun_holder(
        self, view: DocView, pronoun: int, span: range, *, governed: bool = False
    ) -> Mention | None:
        """«سامي نور، المقيم في الحي، وهو رئيس النقابة»: the nearest person before
        the pronoun, outside prepositional phrases, holds the post. ``governed`` also passes
        over a name after a preposition written apart («لدى كمال داود», «مع …»)."""
        for k in range(pronoun - 1, span.start - 1, -1):
            mention = view.mention_at.get(k)
            if (
                mention is not None
                and mention.type is EntityType.PERSON
                and not self._after_preposition(view, mention)
            ):
                first = view.token_span(mention.start, mention.end).start
                if governed and self._word_class(view, first - 1) in GOVERNING:
                    continue
                return mention
        return None

    def _holder_of_post(
        self, view: DocView, head: Match, span: range, earlier: Sequence[Role] = ()
    ) -> Mention | None:
        """The holder of «منصب …»: «تولى داود منصب …», «داود، الذي يشغل منصب …», «وتولى منصب …»
        (the person the text was talking about)."""
        post = head.first - 1
        if post < span.start or not self._is_post_word(view, post):
            return None
        for j in range(post - 1, max(span.start, post - 5) - 1, -1):
            mention = view.mention_at.get(j)
            if mention is not None:
                return mention if mention.type is EntityType.PERSON else None
            word_class = self._word_class(view, j)
            if word_class == "holds" and self._word_class(view, j - 1) != "relative":
                return self._holding_subject(view, j, post, earlier)
            if word_class == "relative":
                comma = j - 1
                if comma >= span.start and view.toks[comma].norm in ("،", ","):
                    named = view.mention_at.get(comma - 1)
                    if named is not None and named.type is EntityType.PERSON:
                        return named
                return None
            if view.toks[j].is_punct:
                break
        # «يشغل داود، وهو …، منصب …»: the verb opens the sentence, its subject comes right after.
        for verb in range(span.start, min(span.start + 2, post)):
            if self._word_class(view, verb) == "holds":
                if any(self._is_post_word(view, j) for j in range(verb + 1, post)):
                    return None
                return self._holding_subject(view, verb, post, earlier)
        return None

    def _holding_subject(
        self, view: DocView, verb: int, post: int, earlier: Sequence[Role]
    ) -> Mention | None:
        """The subject of a verb of holding («شغل», «تولى») before «منصب» at ``post``."""
        k = verb + 1
        person = self._person_at(view, self._honorific_end(view, k, post))
        if person is not None:
            return None if self._after_preposition(view, person) else person
        if all(self._word_class(view, j) is not None for j in range(k, post)):
            # «وشغل بعد ذلك منصب …»: no subject, so the person the text was talking about.
            return self._topic_person(view, view.toks[verb].sentence, earlier)
        tok = view.toks[k]
        if k in view.mention_at or tok.is_punct or is_definite(tok) or self._word_class(view, k):
            return None
        return self._person_by_tail(view, k)

    def _topic_person(
        self, view: DocView, sentence: int, earlier: Sequence[Role]
    ) -> Mention | None:
        """Whom the previous sentence was about: the holder of its first post, else the first
        person it names outside a prepositional phrase or a quotation."""
        before = [s.index for s in view.sentences if s.index < sentence]
        if not before:
            return None
        previous = before[-1]
        held = [r.person for r in earlier if r.sentence == previous]
        if held:
            return held[0]
        return next(
            (
                m
                for m in view.mentions
                if m.sentence == previous
                and m.type is EntityType.PERSON
                and not view.in_quote(m.start, m.end)
                and not self._after_preposition(view, m)
            ),
            None,
        )

    @staticmethod
    def _person_by_tail(view: DocView, k: int) -> Mention | None:
        """«يشغل نور …» where the NER found only «سامي عادل» of «سامي عادل نور» elsewhere: a word
        that trails a person mention elsewhere in the document, unmarked, is that person's
        surname."""
        word = view.toks[k].norm
        found: Mention | None = None
        for mention in view.mentions:
            if mention.type is not EntityType.PERSON:
                continue
            after = view.token_span(mention.start, mention.end).stop
            if after == k or after >= len(view.toks) or after in view.mention_at:
                continue
            if view.toks[after].norm != word:
                continue
            if found is not None and not same_person(found, mention):
                return None  # two people end that way: no telling which
            found = found or mention
        return found

    @staticmethod
    def _glued(view: DocView, head: Match) -> str:
        """The clitics written before the head word: «و», «ك», «وك» …"""
        return normalize(view.doc.text[view.toks[head.first].token.start : head.start])

    @staticmethod
    def _coordinated(view: DocView, head: Match, previous: Role) -> bool:
        """«… وحاكم …» right after the previous post's phrase: a second post of its holder."""
        token = view.toks[head.first].token
        glued = normalize(view.doc.text[token.start : head.start])
        return glued.startswith("و") and view.token_span(previous.start, previous.end).stop == (
            head.first
        )

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
            if nxt is None:
                stop = view.tokens_of(view.toks[k].sentence).stop
                return k + 1 >= stop or self._organization_at(view, k + 1, stop) is None
            return nxt.type not in (EntityType.ORGANIZATION, EntityType.PLACE)
        if word_class is not None and word_class != "placenoun":
            return True
        if k in view.mention_at:
            return False  # a name opens here: «وزارة الدفاع …» is no «و» + «زاره» (a verb)
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
        generic: int | None = None,
    ) -> Role | None:
        """The role of ``person``; ``generic`` is the token of a word like «الوزارة» that stood
        for ``org`` (named elsewhere), so the label stops before it."""
        if person is None:
            return None
        if generic is not None and org is not None:
            label = self._label(view, head, view.toks[generic - 1].token.end, org)
            end = view.toks[phrase_end - 1].token.end
            sentence = view.toks[head.first].sentence
            return Role(view.doc.id, head.start, end, label, person, sentence, org)
        if org is None and self._possessive(view, head):
            span = view.tokens_of(view.toks[head.first].sentence)
            org = self._organization_before(view, head, span)
        label_stop = phrase_end
        where = next(
            (
                k
                for k in range(head.last, phrase_end - 1)
                if self._word_class(view, k) == "place" and k + 1 in view.mention_at
            ),
            None,
        )
        if org is None and where is not None:
            label_stop = where  # «السفير الأمريكي [في القاهرة]»: where the post is held
        if org is not None and org.start > head.start:
            label_stop = max(head.last, min(phrase_end, view.token_span(org.start, org.end).start))
            # «… في [منظمة]», «محافظ إقليم [لابلاند]»: those words belong with the organisation.
            while label_stop > head.last and (
                view.toks[label_stop - 1].is_punct
                or self._is_genitive_glue(view, label_stop - 1)
                or self._word_class(view, label_stop - 1) in ("place", "placenoun")
            ):
                label_stop -= 1
        label_end = view.toks[label_stop - 1].token.end
        label = self._label(view, head, label_end, org)
        end = view.toks[phrase_end - 1].token.end
        if org is not None and org.start > head.start:
            status = self._status_after(view, org)
            if status is not None:
                label = f"{_definite(label)} {view.doc.text[status.start : status.end]}"
                end = max(end, status.end)
        return Role(
            view.doc.id, head.start, end, label, person, view.toks[head.first].sentence, org
        )

    def _former_post_holder(
        self, view: DocView, head: Match, org: Mention | None, earlier: Sequence[Role]
    ) -> Mention | None:
        """«وقال مدرب نادي الأفق السابق …» with no name in its sentence, in a story about the coach
        of another body: the one person known so far by that post elsewhere once held this one."""
        if org is None or org.start < head.start:
            return None
        sentence = view.toks[head.first].sentence
        if any(m.sentence == sentence and m.type is EntityType.PERSON for m in view.mentions):
            return None
        status = self._status_after(view, org)
        if status is None or normalize(view.doc.text[status.start : status.end]) not in FORMER:
            return None
        post = _bare_head(head.entry.segments[0][0])
        holders: list[Mention] = []
        for role in earlier:
            other = role.organization
            if other is None or _bare_head(normalize(role.label.split()[0])) != post:
                continue
            if mention_key(other) == mention_key(org):
                return None  # the post itself is known: whoever held it before is someone else
            if not any(same_person(role.person, h) for h in holders):
                holders.append(role.person)
        return holders[0] if len(holders) == 1 else None

    def _status_after(self, view: DocView, org: Mention) -> Match | None:
        """«السابق» after the organisation of the post: «محافظ إقليم لابلاند السابق»."""
        k = view.token_span(org.start, org.end).stop
        stop = view.tokens_of(org.sentence).stop
        return match_at(self.lexicons.role_status, view, k, stop) if k < stop else None

    @staticmethod
    def _label(view: DocView, head: Match, label_end: int, org: Mention | None) -> str:
        """The post as a base form: no preposition, no pronoun suffix on its head word.

        «للرئيس» → «الرئيس»; «رئيسها التنفيذي» → «الرئيس التنفيذي» (the suffix stood for the
        organisation, so the head takes the article its adjective agrees with).
        """
        words = view.doc.text[head.start : label_end].split()
        first = words[0]
        if normalize(first).startswith("لل"):
            first = "ال" + first[2:]
        stem = head.entry.segments[0][0]
        bare = normalize(first)
        for suffix in VERB_SUFFIXES:  # the pronoun suffixes: «رئيسها», «رئيسهم»
            if bare.endswith(suffix) and bare[: -len(suffix)] == stem and first.endswith(suffix):
                first = first[: -len(suffix)]
                if len(words) > 1 and normalize(words[1]).startswith("ال"):
                    first = _definite(first)
                break
        return " ".join([first, *words[1:]])

    @staticmethod
    def _is_genitive_glue(view: DocView, k: int) -> bool:
        # «رئيس المكتب السياسي لحركة [النهضة]»: the «ل»-word belongs to the organisation's name.
        tok = view.toks[k]
        return view.mention_at.get(k) is None and tok.norm.startswith("ل") and len(tok.norm) > 3

    # -- aliases --------------------------------------------------------------------------------


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


# Function-word classes before a name that make it a complement, not the clause's subject.
GOVERNING = frozenset({"place", "goal", "with", "target", "source", "clause"})


def _bare_head(word: str) -> str:
    """A post's head word without the article: «المدرب» and «مدرب» are one post."""
    return word[2:] if word.startswith("ال") and len(word) > 4 else word


def _definite(label: str) -> str:
    """The label with the article on its last word: «نائب رئيس» → «نائب الرئيس»."""
    words = label.split()
    if not normalize(words[-1]).startswith("ال"):
        words[-1] = "ال" + words[-1]
    return " ".join(words)
