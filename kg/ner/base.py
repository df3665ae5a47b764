"""The extractor Protocol, the backend registry and the span helpers every backend shares."""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from importlib import import_module
from importlib.metadata import entry_points
from typing import Any, Protocol, Self, runtime_checkable

from kg.errors import ConfigError
from kg.model import Document, EntityType, Mention, Sentence
from kg.ner.conll import bio_spans

ENTRY_POINT_GROUP = "kg.ner_backends"
KNOWN_TYPES = frozenset({*(t.value for t in EntityType), "PER", "GPE", "MIS"})

# Built-in backends as "module:factory" so heavy imports (torch for camel) happen only on demand.
BUILTIN_BACKENDS = {
    "crf": "kg.ner.crf:CRFTagger.load",
    "camel": "kg.ner.camel:CamelTagger.load",
}

# Rule extractors that run beside the backend (``BuildConfig.rules``), by name.
RULE_EXTRACTORS = {
    "org-grammar": "kg.ner.rules:OrganisationGrammar.default",
    "place-names": "kg.ner.places:PlaceNames.default",
    "person-names": "kg.ner.rules:shipped_person_names",
    "acronyms": "kg.ner.acronyms:Acronyms.default",
    "cued-names": "kg.ner.cues:CuedNames.default",
    "list-items": "kg.ner.neighbours:ListItems.default",
    "sports-clubs": "kg.ner.sports:SportsClubs.default",
    "type-agreement": "kg.ner.agreement:TypeAgreement.default",
}


@runtime_checkable
class Extractor(Protocol):
    """Finds entity mentions in a document; never mutates it."""

    name: str
    labels: tuple[str, ...]

    def __call__(self, doc: Document, sentences: Sequence[Sentence]) -> list[Mention]: ...


@runtime_checkable
class Completer(Protocol):
    """An extractor that also reads the mentions the others found (merged) and revises them:
    adds list items beside a found name, drops a common noun that is no name."""

    name: str

    def complete(
        self, doc: Document, sentences: Sequence[Sentence], mentions: Sequence[Mention]
    ) -> list[Mention]: ...


class ShippedRule:
    """A rule extractor its ``default()`` builds from the shipped tables. It pickles as that
    call: the worker processes of a parallel build load the tables themselves rather than
    receive them (they are large)."""

    @classmethod
    def default(cls) -> Self:
        raise NotImplementedError(f"{cls.__name__} has no shipped default")

    def __reduce__(self) -> tuple[object, ...]:
        return (type(self).default, ())


class ShippedCompleter(ShippedRule):
    """A :class:`ShippedRule` that finds nothing on its own: it revises the others' mentions
    (:class:`Completer`)."""

    def __call__(self, doc: Document, sentences: Sequence[Sentence]) -> list[Mention]:
        return []  # it reads the other extractors' mentions: see ``complete``


def complete_mentions(
    doc: Document, sentences: Sequence[Sentence], extractors: Sequence[Extractor]
) -> list[Mention]:
    """Every extractor's mentions merged, then revised by each :class:`Completer` among them."""
    mentions = merge_mentions(extractor(doc, sentences) for extractor in extractors)
    for extractor in extractors:
        if isinstance(extractor, Completer):
            mentions = extractor.complete(doc, sentences, mentions)
    return mentions


class SequenceTagger(Protocol):
    """A token-level BIO tagger (what `kg ner tag` and `kg ner eval` run)."""

    name: str
    labels: tuple[str, ...]

    def tag(self, sentences: Sequence[Sequence[str]]) -> list[list[str]]: ...


class TaggerExtractor:
    """Adapts a :class:`SequenceTagger` to the :class:`Extractor` Protocol.

    The tagger sees the tokens of each sentence; its BIO labels become mentions whose offsets
    point into the original document text.
    """

    def __init__(
        self, tagger: SequenceTagger, source: tuple[str, str | None] | None = None
    ) -> None:
        self.tagger = tagger
        self.name = tagger.name
        self.labels = tagger.labels
        self.source = source  # (backend name, model path) it was loaded from, if known

    def __reduce__(self) -> tuple[Any, ...]:
        # Compiled taggers (crfsuite, torch) do not pickle; worker processes of a parallel
        # build reload the backend by name instead.
        if self.source is None:
            raise TypeError(f"extractor {self.name!r} was not loaded by name and cannot be copied")
        return (load_extractor, self.source)

    def __call__(self, doc: Document, sentences: Sequence[Sentence]) -> list[Mention]:
        token_texts = [[token.text for token in sentence.tokens] for sentence in sentences]
        predicted = self.tagger.tag(token_texts)
        mentions: list[Mention] = []
        for sentence, labels in zip(sentences, predicted, strict=True):
            for first, last, label in bio_spans(labels):
                if label not in KNOWN_TYPES:
                    continue  # e.g. DATE from a richer model: not an entity of the graph
                start, end = sentence.tokens[first].start, sentence.tokens[last - 1].end
                mentions.append(
                    Mention(
                        doc_id=doc.id,
                        start=start,
                        end=end,
                        text=doc.text[start:end],
                        type=EntityType.from_label(label),
                        sentence=sentence.index,
                        extractor=self.name,
                    )
                )
        return mentions


# Rule extractors whose span, where another extractor has the very same span with one of these
# types, is read with the rule's type instead.
OVERRULES: Mapping[str, frozenset[EntityType]] = {"place-names": frozenset({EntityType.PERSON})}


def merge_mentions(mention_lists: Iterable[Iterable[Mention]]) -> list[Mention]:
    """The one overlap policy for mentions from several extractors.

    Sorted by position; where spans overlap, the longer span wins, then a person, organisation
    or place over MISC (the catch-all: «مسجد الفتح» is a place), then the earlier extractor;
    but a listed place beats a person reading of the same words (``OVERRULES``), and an
    organisation that ran into the person another extractor found at its end gives the person up.
    """
    ranked: list[tuple[int, int, Mention]] = []
    for rank, mentions in enumerate(mention_lists):
        ranked.extend((rank, index, mention) for index, mention in enumerate(mentions))
    # A span that shorter spans of other extractors tile exactly is two names run together
    # («[المحكمة الدستورية] [جوناثان بريمروز]» tagged as one): the finer reading wins.
    by_start: dict[int, list[Mention]] = defaultdict(list)
    for _, _, mention in ranked:
        by_start[mention.start].append(mention)
    ranked = [item for item in ranked if not _tiled(item[2], by_start)]
    # «رئيس شركة X [Given Surname]» read as one organisation: another extractor's person ends it.
    by_end: dict[int, list[Mention]] = defaultdict(list)
    for _, _, mention in ranked:
        by_end[mention.end].append(mention)
    ranked = [(rank, index, _without_person(m, by_end)) for rank, index, m in ranked]
    # A listed place the tagger read as a person («زيارة كاتماندو») is the place: the place list
    # leaves out words that are also person names, unless a place cue stands before them.
    overruled = {
        (other.start, other.end, other.extractor)
        for _, _, mention in ranked
        for other in by_start[mention.start]
        if other.end == mention.end
        and other.type in OVERRULES.get(mention.extractor, ())
        and other.extractor != mention.extractor
    }
    ranked = [
        item for item in ranked if (item[2].start, item[2].end, item[2].extractor) not in overruled
    ]
    ranked.sort(
        key=lambda item: (
            -(item[2].end - item[2].start),
            item[2].type is EntityType.MISC,
            item[0],
            item[1],
        )
    )
    kept = _Spans()
    for _, _, mention in ranked:
        kept.add_if_free(mention)
    return sorted(kept.mentions, key=lambda m: (m.start, m.end))


class _Spans:
    """Mentions whose spans do not overlap, with their spans in order: whether a span overlaps
    any of them is a look at its two neighbours, not one comparison per mention kept."""

    def __init__(self) -> None:
        self.mentions: list[Mention] = []
        self._starts: list[int] = []
        self._ends: list[int] = []
        self._empty = False  # an empty span kept (a bug upstream): compare with each instead

    def add_if_free(self, mention: Mention) -> None:
        """Keep ``mention`` unless it overlaps one kept (``start < other.end`` and
        ``other.start < end``)."""
        start, end = mention.start, mention.end
        at = bisect_right(self._starts, start)
        if start >= end or self._empty:
            self._empty = True
            if any(start < other.end and other.start < end for other in self.mentions):
                return
        else:
            # Kept spans are disjoint and sorted: only the last starting at or before
            # ``start`` and the first after it can overlap.
            if at > 0 and self._ends[at - 1] > start:
                return
            if at < len(self._starts) and self._starts[at] < end:
                return
        self._starts.insert(at, start)
        self._ends.insert(at, end)
        self.mentions.append(mention)


# Words an organisation keeps before a person's name it ran into: a head and a name.
MIN_ORGANISATION_WORDS = 2


def _without_person(mention: Mention, by_end: Mapping[int, Sequence[Mention]]) -> Mention:
    """``mention`` without the person's name another extractor found at its end, where what is
    left is an organisation of two words or more («شركة X» + «Y Z»); else ``mention``."""
    if mention.type is not EntityType.ORGANIZATION:
        return mention
    for other in by_end.get(mention.end, ()):
        if (
            other.type is EntityType.PERSON
            and other.extractor != mention.extractor
            and other.start > mention.start
        ):
            kept = mention.text[: other.start - mention.start].rstrip()
            if len(kept.split()) >= MIN_ORGANISATION_WORDS:
                return replace(mention, end=mention.start + len(kept), text=kept)
    return mention


# Characters between two adjacent tokens of one sentence (a space, or a space and a mark).
MAX_TILE_GAP = 2


def _tiled(mention: Mention, by_start: Mapping[int, Sequence[Mention]]) -> bool:
    """Whether two or more shorter mentions cover ``mention`` end to end."""
    position, pieces = mention.start, 0
    while True:
        inside = [
            other
            for other in by_start.get(position, ())
            if other.end <= mention.end and other.end - other.start < mention.end - mention.start
        ]
        if not inside:
            return False
        piece = max(inside, key=lambda other: other.end)
        pieces += 1
        if piece.end == mention.end:
            return pieces >= 2
        following = [
            start for start in range(piece.end, piece.end + MAX_TILE_GAP + 1) if start in by_start
        ]
        if not following:
            return False
        position = following[0]


def available_backends() -> dict[str, str]:
    """Backend names mapped to their ``module:factory`` targets, plugins included."""
    backends = dict(BUILTIN_BACKENDS)
    for entry in entry_points(group=ENTRY_POINT_GROUP):
        backends.setdefault(entry.name, entry.value)
    return backends


def load_tagger(name: str, model_path: str | None = None) -> SequenceTagger:
    """Load the NER backend called ``name`` (``crf``, ``camel`` or a plugin).

    Raises :class:`~kg.errors.ConfigError` listing the known names for an unknown one.
    """
    backends = available_backends()
    if name not in backends:
        known = ", ".join(sorted(backends))
        raise ConfigError(f"unknown NER backend {name!r}; choose one of: {known}")
    factory = _resolve(backends[name])
    tagger: SequenceTagger = factory(model_path)
    return tagger


def load_extractor(name: str, model_path: str | None = None) -> Extractor:
    """Load backend ``name`` wrapped as an :class:`Extractor`."""
    return TaggerExtractor(load_tagger(name, model_path), (name, model_path))


def check_rules(names: Iterable[str]) -> None:
    """:class:`~kg.errors.ConfigError` naming the known rule extractors when one of ``names``
    is not one (checked before any work, without loading them)."""
    for name in names:
        if name not in RULE_EXTRACTORS:
            known = ", ".join(sorted(RULE_EXTRACTORS))
            raise ConfigError(f"unknown rule extractor {name!r}; choose from: {known}")


def load_rules(names: Sequence[str]) -> list[Extractor]:
    """The rule extractors called ``names`` (see ``RULE_EXTRACTORS``).

    Raises :class:`~kg.errors.ConfigError` listing the known names for an unknown one.
    """
    check_rules(names)
    extractors: list[Extractor] = []
    for name in names:
        module_name, _, attribute_path = RULE_EXTRACTORS[name].partition(":")
        obj: Any = import_module(module_name)
        for attribute in attribute_path.split("."):
            obj = getattr(obj, attribute)
        extractors.append(obj())
    return extractors


def load_extractors(
    name: str, model_path: str | None = None, rules: Sequence[str] = ()
) -> list[Extractor]:
    """Backend ``name`` first (it wins ties when spans overlap), then the rule extractors."""
    return [load_extractor(name, model_path), *load_rules(rules)]


def _resolve(target: str) -> Callable[[str | None], SequenceTagger]:
    module_name, _, attribute_path = target.partition(":")
    obj: object = import_module(module_name)
    for attribute in attribute_path.split("."):
        obj = getattr(obj, attribute)
    if not callable(obj):
        raise ConfigError(f"NER backend target {target!r} is not callable")
    return obj
