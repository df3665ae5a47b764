"""The CRF tagger: shipped model, training round trip, and a dev-split score floor."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kg.errors import InputError, ModelError
from kg.ner.conll import bio_spans, evaluate, read_conll
from kg.ner.crf import CRFTagger
from kg.ner.train import default_train_path, split_dev, train

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"


def _spans(tokens: list[str], labels: list[str]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for start, end, typ in bio_spans(labels):
        out.setdefault(typ, []).append(" ".join(tokens[start:end]))
    return out


@pytest.fixture(scope="module")
def shipped() -> CRFTagger:
    return CRFTagger.load()


def test_shipped_model_loads(shipped: CRFTagger) -> None:
    assert shipped.name == "crf"
    assert {"O", "B-PERS", "I-PERS", "B-LOC", "B-ORG", "B-MISC"} <= set(shipped.labels)
    # The default tagger: CRF with word classes (+ document consistency at tagging time).
    assert shipped._lexicons.clusters


def test_shipped_model_is_small_and_loads_fast() -> None:
    import time

    from kg.ner.crf import MODEL_NAME

    data = Path(__file__).resolve().parents[1] / "kg" / "data"
    files = [data / MODEL_NAME, *(data / "ner").iterdir()]
    assert sum(p.stat().st_size for p in files if p.is_file()) < 50 * 2**20
    start = time.perf_counter()
    CRFTagger.load()
    assert time.perf_counter() - start < 3.0  # ~0.3 s measured; slack for a busy test machine


@pytest.mark.parametrize(
    ("sentence", "person", "place"),
    [
        (
            "قال الرئيس المصري عبد الفتاح السيسي في القاهرة إن الحكومة ستواصل الإصلاحات .",
            "السيسي",
            "القاهرة",
        ),
        (
            "وأكد وزير الخارجية الأردني أيمن الصفدي خلال زيارته إلى بيروت أمس دعم بلاده للبنان .",
            "الصفدي",
            "بيروت",
        ),
        (
            "التقى الملك عبد الله الثاني في عمان رئيس الوزراء البريطاني توني بلير .",
            "بلير",
            "عمان",
        ),
    ],
)
def test_shipped_model_tags_people_and_places(
    shipped: CRFTagger, sentence: str, person: str, place: str
) -> None:
    tokens = sentence.split()
    (labels,) = shipped.tag([tokens])
    assert len(labels) == len(tokens)
    spans = _spans(tokens, labels)
    assert any(person in s for s in spans.get("PERS", [])), spans
    assert any(place in s for s in spans.get("LOC", [])), spans


def test_tag_empty_input(shipped: CRFTagger) -> None:
    assert shipped.tag([]) == []
    assert shipped.tag([[]]) == [[]]


def test_load_errors(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="not found"):
        CRFTagger.load(tmp_path / "missing.crfsuite")
    bad = tmp_path / "bad.crfsuite"
    bad.write_bytes(b"not a model at all")
    with pytest.raises(ModelError):
        CRFTagger.load(bad)


TINY = """\
قال O
الرئيس O
أحمد B-PERS
سالم I-PERS
في O
دمشق B-LOC
. O

زار O
الوزير O
خالد B-PERS
عمان B-LOC
. O

أعلنت O
شركة B-ORG
النور I-ORG
في O
بغداد B-LOC
. O

قال O
السيد O
محمود B-PERS
في O
القاهرة B-LOC
. O
"""


def test_train_tiny_model_and_reload(tmp_path: Path) -> None:
    corpus = tmp_path / "tiny.txt"
    corpus.write_text(TINY * 3, encoding="utf-8")
    model = tmp_path / "tiny.crfsuite"
    scores = train(corpus, model, dev_fraction=0.25, c1=0.0, c2=0.01, max_iterations=30)
    assert "overall" in scores
    assert model.is_file()
    assert model.with_suffix(".gazetteer.tsv").is_file()
    tagger = CRFTagger.load(model)
    gold = read_conll(corpus)[:4]
    pred = tagger.tag([[t for t, _ in s] for s in gold])
    assert evaluate([[lab for _, lab in s] for s in gold], pred)["overall"].f1 > 0.5


def test_train_adds_unlabelled_plain_text_to_the_word_classes(tmp_path: Path) -> None:
    corpus = tmp_path / "tiny.txt"
    corpus.write_text(TINY * 3, encoding="utf-8")
    news = tmp_path / "news.txt"  # plain text: words the labelled file never has
    news.write_text("وصل الوفد الرسمي إلى طرابلس صباح اليوم قادما من عمان\n" * 2, encoding="utf-8")
    model = tmp_path / "tiny.crfsuite"
    train(corpus, model, dev_fraction=0.25, c1=0.0, c2=0.01, max_iterations=30, unlabelled=[news])
    classes = model.with_suffix(".clusters.tsv").read_text(encoding="utf-8")
    words = {line.split("\t")[0] for line in classes.splitlines()[1:]}
    assert {"طرابلس", "وفد", "قاهره"} <= words  # stems, from the text and from the CoNLL file
    with pytest.raises(InputError, match=r"missing\.txt"):
        train(
            corpus, model, c1=0.0, c2=0.01, max_iterations=30, unlabelled=[tmp_path / "missing.txt"]
        )


def test_read_wikifane_rejoins_clitics_maps_classes_and_drops_test_overlap(tmp_path: Path) -> None:
    from training.ner_experiments import read_wikifane

    (tmp_path / "label_mapping.tsv").write_text(
        "# fine\tcoarse8\tanercorp4\nSports\tORG\tORG\nNation\tGPE\tLOC\nArtist\tPER\tPER\n",
        encoding="utf-8",
    )
    rows = [
        "\ufeff\u200eو\tO", "ب\tO", "نادي\tB-Sports", "النصر\tI-Sports", "فاز\tO", "ت\tO", "",
        "غنى\tO", "فيروز\tB-Artist", "في\tO", "لبنان\tB-Nation", "",
        "قال\tO", "رئيس\tO", "نادي\tB-Sports", "الهلال\tI-Sports", "اليوم\tO", "إن\tO", "",
    ]  # fmt: skip
    corpus = tmp_path / "fane.txt"
    corpus.write_text("\r\n".join(rows) + "\r\n", encoding="utf-8")
    test = [[("قال", "O"), ("رئيس", "O"), ("نادي", "B-ORG"), ("الهلال", "I-ORG"), ("اليوم", "O")]]
    got = read_wikifane(corpus, exclude=test)
    # Only the sentence naming an organisation is kept; the one sharing five words with the
    # test sentence is dropped; «و ب نادي» is one word again, with the name's label.
    assert got == [[("وبنادي", "B-ORG"), ("النصر", "I-ORG"), ("فاز", "O"), ("ت", "O")]]
    assert len(read_wikifane(corpus, frozenset({"ORG", "PERS"}))) == 3


def test_train_with_extra_sentences(tmp_path: Path) -> None:
    import pycrfsuite

    corpus = tmp_path / "tiny.txt"
    corpus.write_text(TINY * 3, encoding="utf-8")
    extra = [[("زار", "O"), ("وفد", "O"), ("شركة", "B-ORG"), ("أرامكو", "I-ORG")]]
    model = tmp_path / "tiny.crfsuite"
    train(corpus, model, dev_fraction=0.25, c1=0.0, c2=0.01, max_iterations=30, extra=extra)
    tagger = pycrfsuite.Tagger()
    tagger.open(str(model))
    attributes = {a for a, _ in tagger.info().state_features}
    tagger.close()
    assert "w=ارامكو" in attributes and "Xw=ارامكو" in attributes  # shared and source copies
    assert "Xw=محمود" not in attributes  # ANERcorp's own features get no source copy


@pytest.mark.corpus
def test_shipped_model_dev_floor(shipped: CRFTagger) -> None:
    path = default_train_path()
    if path is None or not SHARED.is_dir():
        pytest.skip("ANERcorp not found: needs ../shared/data/anercorp/train.txt (or KG_DATA_DIR)")
    _, dev = split_dev(read_conll(path), 0.1)
    pred = shipped.tag([[t for t, _ in s] for s in dev])
    scores = evaluate([[lab for _, lab in s] for s in dev], pred)
    # The shipped model is trained on train+dev, so this is a regression floor, not a dev score.
    # A clean (held-out) dev F1 of the shipped recipe is 0.734, see train.py.
    assert scores["overall"].f1 > 0.95


def test_pool_scores_micro_averages_dev_folds() -> None:
    from kg.ner.conll import Score
    from training.ner_experiments import pool_scores

    a = {"overall": Score(0.5, 0.5, 0.5, 10)}  # 5 of 10 gold found, 10 predicted
    b = {"overall": Score(1.0, 0.25, 0.4, 20)}  # 5 of 20 gold found, 5 predicted
    assert pool_scores([a]) == a
    pooled = pool_scores([a, b])["overall"]
    assert pooled.support == 30
    assert pooled.precision == pytest.approx(10 / 15)
    assert pooled.recall == pytest.approx(10 / 30)


def test_frequency_list_separates_common_words_from_new_names() -> None:
    from kg.ner.features import FeatureConfig, Lexicons, sentence_features

    lex = Lexicons.load(train_gazetteer=os.devnull)  # no train gazetteer: every word is unseen
    # The shipped wordfreq list: normalised forms (ة → ه, أ → ا), Zipf in tenths.
    assert len(lex.frequency) > 100_000
    assert lex.frequency["في"] > 70
    assert lex.frequency["الحكومه"] > lex.frequency["فولكسفاغن"] > 0
    tokens = ["وقال", "وزير", "الخارجية", "إن", "فولكسفاغن", "ستفتح", "مصنعا", "في", "القاهرة", "."]
    feats = sentence_features(tokens, lex, FeatureConfig(frequency=True))
    variants = {
        tok: {x for x in f if x.startswith("zv")} for tok, f in zip(tokens, feats, strict=True)
    }
    # Common words come with the article, plurals or pronoun suffixes; a car maker's name has none.
    assert {"zv:al", "zv:mp", "zv#=2"} <= variants["الخارجية"]
    assert "zv:al" in variants["وزير"]
    assert "zv:al" in variants["القاهرة"]
    assert variants["فولكسفاغن"] == {"zv#=0"}
    assert variants["في"] == variants["."] == set()  # too short for a paradigm
    # Words the train gazetteer knows get nothing; switched off, the group adds nothing.
    seen = lex.with_train_types({"خارجيه": "O"})
    assert not any(x.startswith("zv") for x in sentence_features(tokens, seen)[2])
    off = sentence_features(tokens, lex, FeatureConfig(frequency=False))
    assert not any(x.startswith("zv") for f in off for x in f)


def test_frequency_file_round_trip(tmp_path: Path) -> None:
    from kg.ner.features import Lexicons
    from kg.ner.frequency import read

    lines = ["7.6\tفي", "3.1\tقاهره سلتيك"]
    assert read(lines) == {"في": 76, "قاهره": 31, "سلتيك": 31}
    # A lexicon directory without the list loads an empty one (no unseen word has a paradigm).
    lex_dir = tmp_path / "ner"
    data = Path(__file__).resolve().parents[1] / "kg" / "data" / "ner"
    lex_dir.mkdir()
    for p in data.iterdir():
        if p.name != "frequency.tsv":
            (lex_dir / p.name).write_bytes(p.read_bytes())
    assert Lexicons.load(lex_dir).frequency == {}
    (lex_dir / "frequency.tsv").write_text("# header\n" + "\n".join(lines) + "\n", "utf-8")
    assert Lexicons.load(lex_dir).frequency["سلتيك"] == 31


def test_frequency_list_rebuilds_from_wordfreq(tmp_path: Path) -> None:
    pytest.importorskip("wordfreq")  # only needed to rebuild the list (the `data` extra)
    from kg.ner.frequency import FREQUENCY
    from training.frequency import main

    out = tmp_path / FREQUENCY
    assert main(["--out", str(out)]) == 0
    shipped = Path(__file__).resolve().parents[1] / "kg" / "data" / "ner" / FREQUENCY
    assert out.read_bytes() == shipped.read_bytes()


def _unseen_copies(
    sentences: list[list[tuple[str, str]]],
) -> tuple[list[tuple[list[list[str]], list[str]]], list[list[list[str]]]]:
    """The unseen-name copies of ``sentences`` at share 1.0, and the sentences' own features."""
    from kg.ner.features import FeatureConfig, Lexicons, sentence_features
    from kg.ner.train import unseen_name_copies

    lex = Lexicons.load()
    feats = [sentence_features([t for t, _ in s], lex) for s in sentences]
    return unseen_name_copies(sentences, feats, lex, FeatureConfig(), 1.0), feats


def test_unseen_name_copies_hide_person_names_only() -> None:
    from kg.text import normalize

    person = [("وصل", "O"), ("أيمن", "B-PERS"), ("الصفدي", "I-PERS"), ("إلى", "O"),
              ("عمان", "B-LOC")]  # fmt: skip
    place_only = [("وصل", "O"), ("إلى", "O"), ("عمان", "B-LOC")]
    copies, feats = _unseen_copies([person, place_only])
    assert len(copies) == 1  # only the sentence that names a person comes again
    copy, labels = copies[0]
    assert labels == [label for _, label in person]
    for i in (1, 2):  # the person's tokens: no form, stem or word class; unknown to the gazetteer
        assert not [f for f in copy[i] if f.startswith(("w=", "s=", "k0="))]
        assert "T?" in copy[i] and "zv#=" in " ".join(copy[i])
    assert not [f for f in copy[0] if f.startswith(("w[1]=", "w[2]=", "w|w+1="))]
    # The neighbours keep their own forms, and lose the hidden name from their windows.
    assert "w=عمان" in copy[4] and "w[-2]=" + normalize("الصفدي") in feats[0][4]
    assert not [f for f in copy[4] if f.startswith("w[-2]=")]
    assert "w=" + normalize("إلى") in copy[3]
    again, _ = _unseen_copies([person, place_only])
    assert again == copies  # seeded: the same corpus gives the same training items


def test_unseen_name_copies_hide_the_name_after_an_organisation_head() -> None:
    headed = [("أعلن", "O"), ("حزب", "B-ORG"), ("الفجر", "I-ORG"), ("الجديد", "I-ORG")]
    bare = [("انتقدت", "O"), ("أوبك", "B-ORG"), ("القرار", "O")]
    copies, _ = _unseen_copies([headed, bare])
    assert len(copies) == 1  # an organisation without a head noun is not hidden
    copy, labels = copies[0]
    assert labels == [label for _, label in headed]
    assert "ORGH:B" in copy[1] and "w=حزب" in copy[1]  # the head stays as it is
    for i in (2, 3):  # the name after it looks unseen
        assert not [f for f in copy[i] if f.startswith(("w=", "s="))] and "T?" in copy[i]


def test_train_records_feature_settings_and_load_uses_them(tmp_path: Path) -> None:
    from dataclasses import replace

    from kg.errors import ModelError
    from kg.ner.crf import features_sidecar
    from kg.ner.features import FeatureConfig

    corpus = tmp_path / "tiny.txt"
    corpus.write_text(TINY * 3, encoding="utf-8")
    model = tmp_path / "ablated.crfsuite"
    ablated = replace(FeatureConfig(), affixes=False, clusters=False)
    train(corpus, model, dev_fraction=0.25, c1=0.0, c2=0.01, max_iterations=20, config=ablated)
    assert features_sidecar(model).is_file()
    assert CRFTagger.load(model)._config == ablated  # it tags with the features it learnt
    assert not model.with_suffix(".dev.features.json").exists()
    # The default settings need no record, and a stale one is removed.
    train(corpus, model, dev_fraction=0.25, c1=0.0, c2=0.01, max_iterations=20)
    assert not features_sidecar(model).exists()
    assert CRFTagger.load(model)._config == FeatureConfig()
    features_sidecar(model).write_text('{"no_such_feature": true}', encoding="utf-8")
    with pytest.raises(ModelError, match="no_such_feature"):
        CRFTagger.load(model)
