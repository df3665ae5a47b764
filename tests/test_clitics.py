from __future__ import annotations

from pathlib import Path

import pytest

from kg.clitics import CliticJudge, Verdict
from kg.model import EntityType, Mention
from kg.ner.conll import bio_spans, read_conll
from kg.resolve import Resolver
from kg.text import normalize


@pytest.fixture(scope="module")
def judge() -> CliticJudge:
    return CliticJudge.default()


@pytest.mark.parametrize(
    ("word", "bare"),
    [
        ("وكينيا", "كينيا"),
        ("بنيجيريا", "نيجيريا"),
        ("للهند", "الهند"),  # ل + ال is written «لل»
        ("وللاتحاد", "الاتحاد"),
        ("بالمملكة", "المملكة"),
        ("وبغداد", "بغداد"),  # not «وب» + «غداد»
        ("وبراون", "براون"),
        ("وميشيل", "ميشيل"),
    ],
)
def test_clitics_strip_glued_proclitics(judge: CliticJudge, word: str, bare: str) -> None:
    split = judge.split(normalize(word))
    assert split.verdict is Verdict.STRIP
    assert split.bare == normalize(bare)


@pytest.mark.parametrize("word", ["وليد", "بلال", "لبنان", "فنزويلا", "بيروت", "ويلز", "لوزان"])
def test_clitics_keep_a_real_first_letter(judge: CliticJudge, word: str) -> None:
    assert judge.split(normalize(word)).verdict is Verdict.KEEP


def test_resolve_labels_never_carry_a_vouched_clitic() -> None:
    text = "وصل وفد من وكينيا وللاتحاد الدولي وديفيد شتاينر"
    names = [("وكينيا", EntityType.PLACE), ("وللاتحاد الدولي", EntityType.ORGANIZATION),
             ("وديفيد شتاينر", EntityType.PERSON)]  # fmt: skip
    mentions = [
        Mention("d", text.index(name), text.index(name) + len(name), name, kind, 0)
        for name, kind in names
    ]
    labels = {e.label for e in Resolver.default().resolve(mentions)}
    assert labels == {"كينيا", "الاتحاد الدولي", "ديفيد شتاينر"}


def test_resolve_conjunction_before_a_listed_name_that_opens_a_longer_name() -> None:
    # «ألفا» is listed and «والفا» is not: before more name words, «و» is the conjunction
    # (the frequency list alone cannot say so for a one-word mention).
    text = "وجه الأمين العام رسالة، وألفا كرايستبرغ رئيس المفوضية"
    name = "وألفا كرايستبرغ"
    start = text.index(name)
    mention = Mention("d", start, start + len(name), name, EntityType.PERSON, 0)
    assert {e.label for e in Resolver.default().resolve([mention])} == {"ألفا كرايستبرغ"}


ANERCORP_TRAIN = Path(__file__).resolve().parents[2] / "shared" / "data" / "anercorp" / "train.txt"


@pytest.mark.skipif(not ANERCORP_TRAIN.is_file(), reason="needs ../shared/data/anercorp/train.txt")
def test_clitics_no_glued_duplicates_among_anercorp_gold_names() -> None:
    # ANERcorp labels the conjunction and prepositions inside its entities («ومحمد هنيدي»,
    # «وتنزانيا»: 240 labels start with «و»). Resolved, no label may be another label with a
    # proclitic glued on, and hardly any may start with «و» at all.
    sentences = read_conll(ANERCORP_TRAIN)
    mentions = []
    for index, sentence in enumerate(sentences):
        tokens = [token for token, _ in sentence]
        for first, last, label in bio_spans([label for _, label in sentence]):
            if label != "MISC":
                text = " ".join(tokens[first:last])
                mention = Mention(f"d{index // 40}", index * 1000 + first, index * 1000 + last,
                                  text, EntityType.from_label(label), index)  # fmt: skip
                mentions.append(mention)
    labels = {e.label for e in Resolver.default().resolve(mentions)}
    normal = {normalize(label) for label in labels}
    judge = CliticJudge.default()
    glued = sorted(
        label
        for label in labels
        if normalize(label)[:1] in "وفبلك"
        and normalize(label)[1:] in normal
        and not judge.is_name(normalize(label.split()[0]))  # «ليون», «فاس» are names themselves
    )
    assert glued == []
    assert sum(label.startswith("و") for label in labels) < 60  # «وليد», «وارسو», «وكالة» …
