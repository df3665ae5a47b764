"""Learnt cue words, name-like words, list items and places inside places, on invented news
sentences (the names are made up: nothing here comes from the dev documents or the seed)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.extract import annotate
from kg.model import Document, EntityType, Mention
from kg.ner.base import Completer, complete_mentions, load_rules
from kg.ner.cues import CuedNames, NameWords, derive, read_cues, read_typed, write
from kg.ner.neighbours import ListItems
from kg.ner.rules import PersonNames
from kg.pipeline import BuildConfig
from kg.text import normalize, split_sentences


@pytest.fixture(scope="module")
def words() -> NameWords:
    return NameWords.default()


@pytest.mark.parametrize(
    "word",
    ["كرايستبرغ", "تروفيمسك", "فيرنهولد", "بلونتسيل"],  # invented transliterations
)
def test_cues_unheard_foreign_words_are_name_like(words: NameWords, word: str) -> None:
    assert words(normalize(word))


@pytest.mark.parametrize(
    "word",
    [
        "زيارته",  # a noun with a pronoun suffix
        "تحقيقًا",  # a noun in the accusative
        "الرئيس",  # the article
        "والشركات",  # a clitic and the article
        "يقف",  # an imperfect verb («تقف», «نقف» are common)
        "سأل",  # a past verb («سألت» is common)
        "وربما",  # a clitic on a common word
        "ويحصلوا",  # a plural verb
        "وزرائه",  # «وزراء» + «ه»: the hamza changes its seat before the suffix
        "في",
        "كلتا",  # a function word (kg/data/lexicons/not_names.txt)
    ],
)
def test_cues_everyday_words_are_not_name_like(words: NameWords, word: str) -> None:
    assert not words(normalize(word))


def _found(extractor: CuedNames | PersonNames, text: str) -> list[tuple[str, EntityType]]:
    doc = Document("d", text)
    return [(m.text, m.type) for m in extractor(doc, split_sentences(text))]


def test_cues_a_title_or_a_place_noun_types_the_unknown_name_after_it() -> None:
    cued = CuedNames.default()
    text = "وقال الرئيس كرايستبرغ إن الوفد وصل إلى مدينة تروفيمسك أمس."
    assert _found(cued, text) == [
        ("كرايستبرغ", EntityType.PERSON),
        ("تروفيمسك", EntityType.PLACE),
    ]
    # A common word after the cue is no name.
    assert _found(cued, "وقال الرئيس إن الوفد وصل إلى مدينة كبيرة.") == []


def test_cues_shipped_table_has_the_three_types() -> None:
    cues = read_cues()
    assert {EntityType.PERSON, EntityType.PLACE, EntityType.ORGANIZATION} <= set(cues.values())
    assert cues[normalize("مدينة")] is EntityType.PLACE
    assert cues[normalize("الرئيس")] is EntityType.PERSON


def test_cues_are_learnt_from_labelled_text(tmp_path: Path, words: NameWords) -> None:
    conll = tmp_path / "train.txt"
    sentences = []
    for name in ("كرايستبرغ", "فيرنهولد", "بلونتسيل", "تروفيمسك", "ماركوفيتسكي"):
        sentences.append(f"زار O\nالوفد O\nبلدة O\n{name} B-LOC\nأمس O\n")
        sentences.append(f"وصل O\nالسفير O\n{name} B-PERS\n")
    conll.write_text("\n".join(sentences), encoding="utf-8")
    cues = derive(read_typed(conll), words)
    assert cues[normalize("بلدة")] == ("LOC", 5, 5)
    assert cues[normalize("السفير")] == ("PERS", 5, 5)
    out = tmp_path / "cues.tsv"
    write(cues, out, ["train.txt"])
    lines = out.read_text(encoding="utf-8").splitlines()[2:]
    assert lines == ["السفير\tPERS\t5\t5", "بلده\tLOC\t5\t5"]


def _mention(text: str, name: str, kind: EntityType, sentence: int = 0) -> Mention:
    start = text.index(name)
    return Mention("d", start, start + len(name), name, kind, sentence, "crf")


def _completed(text: str, found: list[Mention]) -> list[tuple[str, EntityType, str]]:
    revised = ListItems.default().complete(Document("d", text), split_sentences(text), found)
    return [(m.text, m.type, m.extractor) for m in revised]


def test_neighbours_list_items_take_the_type_of_the_found_item() -> None:
    text = "تتنافس الشركة مع فيرنهولد وكراسبيك وبرايتمور في السوق."
    found = [_mention(text, "وبرايتمور", EntityType.ORGANIZATION)]
    assert _completed(text, found) == [
        ("فيرنهولد", EntityType.ORGANIZATION, "list-items"),
        ("وكراسبيك", EntityType.ORGANIZATION, "list-items"),
        ("وبرايتمور", EntityType.ORGANIZATION, "crf"),
    ]


def test_neighbours_a_comma_alone_does_not_make_a_list() -> None:
    # «X، Y» is more often a name and what it is; only «X، Y، وZ» is a list.
    text = "وصل ماركوفيتسكي، كرايستبرغ إلى المدينة."
    found = [_mention(text, "ماركوفيتسكي", EntityType.PERSON)]
    assert [m for m, *_ in _completed(text, found)] == ["ماركوفيتسكي"]
    text = "وصل ماركوفيتسكي، كرايستبرغ، وفيرنهولد إلى المدينة."
    found = [_mention(text, "ماركوفيتسكي", EntityType.PERSON)]
    assert [m for m, *_ in _completed(text, found)] == [
        "ماركوفيتسكي",
        "كرايستبرغ",
        "وفيرنهولد",
    ]


def test_neighbours_a_name_placed_in_a_known_place_is_a_place() -> None:
    text = "افتتح المتجر الثاني في بلونتسيل، أونتاريو الشهر الماضي."
    found = [_mention(text, "أونتاريو", EntityType.PLACE)]
    assert ("بلونتسيل", EntityType.PLACE, "list-items") in _completed(text, found)


def test_neighbours_a_coordinated_common_noun_is_no_person() -> None:
    # «وجميل» after a noun phrase is «and beautiful», not a man called Jamil ...
    text = "كان المشهد مؤثرا، وجميل لكل من حضر."
    found = [_mention(text, "وجميل", EntityType.PERSON)]
    assert _completed(text, found) == []
    # ... but after a person it is the next person of a list.
    text = "وصل حسن، وجميل إلى الاجتماع."
    found = [_mention(text, "حسن", EntityType.PERSON), _mention(text, "وجميل", EntityType.PERSON)]
    assert [m for m, *_ in _completed(text, found)] == ["حسن", "وجميل"]


def test_neighbours_completer_runs_after_the_merge_in_a_build() -> None:
    [items] = load_rules(["list-items"])
    assert isinstance(items, Completer)
    assert "list-items" in BuildConfig().rules and "cued-names" in BuildConfig().rules

    class Found:  # a stand-in extractor that found one organisation
        name, labels = "demo", ("ORG",)

        def __call__(self, doc: Document, sentences: object) -> list[Mention]:
            return [_mention(doc.text, "وبرايتمور", EntityType.ORGANIZATION)]

    text = "تتنافس الشركة مع فيرنهولد وبرايتمور."
    doc = Document("d", text)
    mentions = complete_mentions(doc, split_sentences(text), [Found(), items])
    assert [m.text for m in mentions] == ["فيرنهولد", "وبرايتمور"]
    assert [m.text for m in annotate(doc, [Found(), items]).mentions] == [
        "فيرنهولد",
        "وبرايتمور",
    ]


def test_person_names_a_common_given_name_before_an_unheard_surname() -> None:
    people = PersonNames.default()
    # «فيل» is an everyday word too (an elephant); before a surname nobody writes otherwise
    # it is a name.
    assert _found(people, "وقال فيل كرايستبرغ إن الفريق جاهز.") == [
        ("فيل كرايستبرغ", EntityType.PERSON)
    ]
    assert _found(people, "شاهد الزوار فيل الحديقة أمس.") == []
