"""Names found through the names beside them: list items and places placed in a larger place.

News lists names of one kind together («تنافس X مع A وB وC», «لاعبون من A، وB، وC») and places a
small place in a known one («في X، Y», «في X في Y»). When the tagger or a rule extractor has found
one item of such a list, the other items are names of the same type if their words can only be
names (:class:`kg.ner.cues.NameWords`); a name-like word placed in a known place is a place.

:class:`ListItems` runs after the other extractors' mentions are merged (it reads them), so it is a
*completer* (:class:`kg.ner.base.Completer`): :func:`kg.ner.base.complete_mentions` hands it the
merged mentions and keeps what it returns. It also drops the one misreading its neighbours
disprove: a common noun joined by «و» to something that is no person («وجميل» = «and
beautiful») is not a one-word person.

>>> from kg.model import Document
>>> from kg.text import split_sentences
>>> text = "تتنافس الشركة مع فيرنهولد وكراسبيك وبرايتمور. وافتتح فرعا في بلونتسيل، أونتاريو."
>>> doc = Document("d", text)
>>> sentences = split_sentences(text)
>>> found = [Mention("d", text.index("وبرايتمور"), text.index("وبرايتمور") + 9,
...                  "وبرايتمور", EntityType.ORGANIZATION, 0, "crf"),
...          Mention("d", text.index("أونتاريو"), text.index("أونتاريو") + 8, "أونتاريو",
...                  EntityType.PLACE, 1, "crf")]
>>> revised = ListItems.default().complete(doc, sentences, found)
>>> [(m.text, m.type.name) for m in revised if m.extractor == "list-items"]
[('فيرنهولد', 'ORGANIZATION'), ('وكراسبيك', 'ORGANIZATION'), ('بلونتسيل', 'PLACE')]
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence

from kg.clitics import CONJUNCTION
from kg.model import Document, EntityType, Mention, Sentence
from kg.ner.base import ShippedCompleter
from kg.ner.cues import MAX_NAME_WORDS, NameWords
from kg.text import normalize_token

LIST_COMMAS = frozenset({"،", ","})
PLACE_PREPOSITION = "في"
TYPED = frozenset({EntityType.PERSON, EntityType.ORGANIZATION, EntityType.PLACE})


class ListItems(ShippedCompleter):
    """Completes lists of same-type names and places inside known places (module docstring)."""

    name = "list-items"
    labels = ("PERS", "LOC", "ORG")

    def __init__(self, words: NameWords) -> None:
        self.words = words

    @classmethod
    def default(cls) -> ListItems:
        return cls(NameWords.default())

    def complete(
        self, doc: Document, sentences: Sequence[Sentence], mentions: Sequence[Mention]
    ) -> list[Mention]:
        """``mentions`` with the unmarked list items and places next to them added, and
        common nouns read as one-word names dropped."""
        ordered = sorted(mentions, key=lambda m: (m.start, m.end))
        kept = [
            mention
            for previous, mention in zip([None, *ordered], ordered, strict=False)
            if not self._coordinated_noun(doc, mention, previous)
        ]
        found: list[Mention] = []
        by_sentence: dict[int, list[Mention]] = {}
        for mention in kept:
            if mention.type in TYPED:
                by_sentence.setdefault(mention.sentence, []).append(mention)
        for sentence in sentences:
            marked = by_sentence.get(sentence.index)
            if marked:
                found.extend(_Sentence(self, doc, sentence, marked).new_mentions())
        starts = [m.start for m in kept]
        free: dict[tuple[int, int], Mention] = {}
        for mention in found:  # a place item may also be a list item: one mention of it
            after = bisect_left(starts, mention.end)  # the kept mentions starting before its end
            if after == 0 or kept[after - 1].end <= mention.start:
                free[(mention.start, mention.end)] = mention
        return sorted([*kept, *free.values()], key=lambda m: (m.start, m.end))

    def _coordinated_noun(self, doc: Document, mention: Mention, previous: Mention | None) -> bool:
        """A one-word person «وX» where X is a common noun (used with the article and in the
        plural: «وجميل» = «and beautiful») and the item before «و» (``previous``, the
        mention before it) is no person. In ANERcorp train no gold person has that shape."""
        word = normalize_token(mention.text)
        if mention.type is not EntityType.PERSON or " " in mention.text.strip():
            return False
        if not word.startswith(CONJUNCTION) or not self.words.common_noun(word[1:]):
            return False
        if (
            previous is not None
            and previous.sentence == mention.sentence
            and previous.type is EntityType.PERSON
        ):
            gap = doc.text[previous.end : mention.start].strip()
            return gap not in ("", *LIST_COMMAS)  # «X، وY» lists two people
        return True


class _Sentence:
    """One sentence's tokens, which of them are marked and by which mention."""

    def __init__(
        self, items: ListItems, doc: Document, sentence: Sentence, marked: Sequence[Mention]
    ) -> None:
        self.items = items
        self.doc = doc
        self.sentence = sentence
        self.tokens = sentence.tokens
        self.norms = sentence.norms
        self.owner: dict[int, Mention] = {}
        self.first: dict[Mention, int] = {}
        self.last: dict[Mention, int] = {}
        token_starts = [token.start for token in self.tokens]
        for mention in marked:
            k = bisect_left(token_starts, mention.start)
            while k < len(self.tokens) and self.tokens[k].end <= mention.end:
                self.owner[k] = mention
                self.first.setdefault(mention, k)
                self.last[mention] = k
                k += 1

    def new_mentions(self) -> list[Mention]:
        out: list[Mention] = []
        for mention in sorted(self.first, key=lambda m: m.start):
            out.extend(self._following_items(mention))
            out.extend(self._preceding_items(mention))
            if mention.type is EntityType.PLACE:
                out.extend(self._place_inside(mention))
        return out

    def _following_items(self, mention: Mention) -> list[Mention]:
        """«M وX», «M، X، وY»: items after the marked name, until the list ends. An item
        after a bare comma counts only when a later item has its «و» («M، X، وY»): «M، X»
        alone is more often a name and its post («ماركوفيتسكي، زعيم الحزب»)."""
        out: list[Mention] = []
        pending: list[Mention] = []
        k = self.last[mention] + 1
        while k < len(self.tokens):
            comma = conjunction = False
            if self.norms[k] in LIST_COMMAS:
                comma, k = True, k + 1
            if k < len(self.tokens) and self.norms[k] == CONJUNCTION:
                conjunction, k = True, k + 1  # «و» written apart
            if k >= len(self.tokens):
                break
            conjunction = conjunction or self.norms[k].startswith(CONJUNCTION)
            if not (comma or conjunction):
                break
            if conjunction:
                out += pending
                pending = []
            if k in self.owner:
                k = self.last[self.owner[k]] + 1
                continue
            end = self._item_end(k)
            if end == k:
                break
            (out if conjunction else pending).append(self._mention(k, end, mention))
            k = end
        return out

    def _preceding_items(self, mention: Mention) -> list[Mention]:
        """«X وM», «X، Y، وM»: the items before a marked name that «و» or a comma joins to it."""
        out: list[Mention] = []
        position = self.first[mention]
        while position > 0:
            end = position
            if self.norms[end - 1] in LIST_COMMAS or self.norms[end - 1] == CONJUNCTION:
                end -= 1
            elif not self.norms[position].startswith(CONJUNCTION):
                break
            if end - 1 in self.owner:
                position = self.first[self.owner[end - 1]]
                continue
            start = self._item_start(end, joined=True)
            if start == end:
                break
            out.append(self._mention(start, end, mention))
            position = start
        return out

    def _place_inside(self, place: Mention) -> list[Mention]:
        """«في X، M», «في X في M»: a name-like word after «في» placed in the known place M."""
        first = self.first[place]
        end = first - 1
        if end < 1 or self.norms[end] not in (*LIST_COMMAS, PLACE_PREPOSITION):
            return []
        start = self._item_start(end, joined=False)
        if start == end or start == 0 or self.norms[start - 1] != PLACE_PREPOSITION:
            return []
        return [self._mention(start, end, place)]

    def _item_start(self, end: int, *, joined: bool) -> int:
        """Start of the unmarked name-like item that ends before ``end``; with ``joined`` its
        first word may carry the «و» that joins it to an item before it."""
        start = end
        while start > 0 and end - start < MAX_NAME_WORDS and start - 1 not in self.owner:
            norm = self.norms[start - 1]
            if self.items.words(norm):
                start -= 1
            elif joined and self.items.words.after_conjunction(norm):
                return start - 1  # the item opens with «و»: the list goes on before it
            else:
                break
        return start

    def _item_end(self, k: int) -> int:
        """End of the name-like item at ``k`` (its first word without the «و»)."""
        if not self.items.words.after_conjunction(self.norms[k]):
            return k
        end = k + 1
        while end < len(self.tokens) and end - k < MAX_NAME_WORDS:
            norm = self.norms[end]
            if end in self.owner or norm.startswith(CONJUNCTION) or not self.items.words(norm):
                break
            end += 1
        return end

    def _mention(self, start: int, end: int, like: Mention) -> Mention:
        first, last = self.tokens[start], self.tokens[end - 1]
        text = self.doc.text[first.start : last.end]
        return Mention(
            self.doc.id, first.start, last.end, text, like.type, self.sentence.index, ListItems.name
        )
