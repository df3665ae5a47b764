from __future__ import annotations

import pytest

from kg.clitics import CliticJudge, Verdict
from kg.model import EntityType, Mention
from kg.resolve import Resolver
from kg.text import normalize


@pytest.fixture(scope="module")
def judge() -> CliticJudge:
    return CliticJudge.default()


@pytest.mark.parametrize(
    ("word", "bare"),
    [
        ("وتركيا", "تركيا"),
        ("بتايوان", "تايوان"),
        ("للصين", "الصين"),  # ل + ال is written «لل»
        ("وللاتحاد", "الاتحاد"),
        ("بالولايات", "الولايات"),
        ("وبغداد", "بغداد"),  # not «وب» + «غداد»
        ("وبروس", "بروس"),
        ("ونيكولاس", "نيكولاس"),
    ],
)
def test_clitics_strip_glued_proclitics(judge: CliticJudge, word: str, bare: str) -> None:
    split = judge.split(normalize(word))
    assert split.verdict is Verdict.STRIP
    assert split.bare == normalize(bare)


@pytest.mark.parametrize("word", ["وليد", "بلال", "لبنان", "فرنسا", "بكين", "واشنطن", "لاهاي"])
def test_clitics_keep_a_real_first_letter(judge: CliticJudge, word: str) -> None:
    assert judge.split(normalize(word)).verdict is Verdict.KEEP


def test_resolve_labels_never_carry_a_vouched_clitic() -> None:
    text = "وصل وفد من وتركيا وللاتحاد الأوروبي وديفيد شتاينر"
    names = [("وتركيا", EntityType.PLACE), ("وللاتحاد الأوروبي", EntityType.ORGANIZATION),
             ("وديفيد شتاينر", EntityType.PERSON)]  # fmt: skip
    mentions = [
        Mention("d", text.index(name), text.index(name) + len(name), name, kind, 0)
        for name, kind in names
    ]
    labels = {e.label for e in Resolver.default().resolve(mentions)}
    assert labels == {"تركيا", "الاتحاد الأوروبي", "ديفيد شتاينر"}
