"""The camel backend on a tiny BERT built here: real camel-tools loading and prediction, offline."""

from __future__ import annotations

import json
import os
import random
import socket
from pathlib import Path

import pytest

from kg.errors import ModelError
from kg.model import Document, EntityType
from kg.ner import camel
from kg.ner.base import TaggerExtractor, load_tagger
from kg.ner.camel import CamelTagger
from kg.text import split_sentences
from tests.conftest import fresh_python

LABELS = ["B-LOC", "B-ORG", "B-PERS", "B-MISC", "I-LOC", "I-ORG", "I-PERS", "I-MISC", "O"]
SPECIAL = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]


def _words(text: str) -> list[str]:
    return text.split()


STUB = {"version": "1.6", "packages": {}, "components": {}}

FIRST_NAMES = _words(
    "محمد أحمد علي عمر خالد سعيد يوسف إبراهيم حسن محمود مصطفى عادل رجب إيمانويل جو"
)
LAST_NAMES = _words("السيسي الصفدي عباس أردوغان ماكرون بايدن الأسد عون سعيد النعيمي الشرع")
# Names outside the vocabulary ([UNK] to the model), as most names in real news are.
OOV_FIRST = _words("زيد وليد كمال نبيل فؤاد رامي سامي هشام")
OOV_LAST = _words("الحسيني البرغوثي الخطيب الزعبي")
HELD_OUT_FIRST, HELD_OUT_LAST = "طارق", "الهاشمي"  # never in the vocabulary nor in training
PLACES = _words("غزة القاهرة عمان بيروت دمشق بغداد الرياض أنقرة باريس واشنطن القدس الدوحة")
TITLES = _words("الرئيس الملك الأمير")
VERBS = _words("قال أكد أعلن استقبل التقى بحث أضاف صرح دعا")
FILLER = _words(
    "إن أن في إلى من على عن مع بعد قبل خلال اليوم أمس الاجتماع الوضع الأوضاع الحكومة الاتفاق "
    "وزير الخارجية المصري الأردني الوفد الجهود تدعم يدعم جهود السلام الحرب المفاوضات القمة "
    "منظمة الأمم المتحدة جامعة الدول العربية مجلس الأمن المؤتمر الصحفي هذا هذه التي الذي "
    "وقد كما أيضا بين حول ضد مؤتمر مسؤول المسؤولين الشعب البلاد العاصمة المدينة الأسبوع "
    "الماضي المقبل عاجل رسمي زيارة رسمية لقاء محادثات الملف النووي الإنساني المساعدات "
    "وقف إطلاق النار الأزمة الاقتصادية الانتخابات البرلمان رئيس الوزراء وزراء السفير "
    "الإسرائيلي الفلسطيني السوري اللبناني التركي الفرنسي الأمريكي القطري السعودي العراقي"
)
PUNCTUATION = [*"،.«»:؟!()-\"'", "؛"]
DIGITS = list("0123456789٠١٢٣٤٥٦٧٨٩")


def _vocabulary() -> list[str]:
    words = [
        *FIRST_NAMES,
        *LAST_NAMES,
        *PLACES,
        *TITLES,
        *VERBS,
        *FILLER,
        *PUNCTUATION,
        *DIGITS,
        # A few suffix pieces, so some words split into several pieces («القاهرةة», «غزةات»).
        *["##ة", "##ات", "##ها", "##ين"],
    ]
    return SPECIAL + list(dict.fromkeys(words))


def _training_sentences(rng: random.Random) -> list[tuple[list[str], list[str]]]:
    """Hand-written patterns: title + person, preposition + place, the UN as an organisation."""
    data: list[tuple[list[str], list[str]]] = []
    for _ in range(64):
        verb, title = rng.choice(VERBS), rng.choice(TITLES)
        first, last, place = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES), rng.choice(PLACES)
        if rng.random() < 0.5:  # unknown names too: the model must learn the title context
            first, last = rng.choice(OOV_FIRST), rng.choice(OOV_LAST)
        filler = rng.sample(FILLER[:40], 2)
        pattern = rng.randrange(3)
        if pattern == 0:
            words = [verb, title, first, last, "إن", *filler, "في", place, "."]
            tags = ["O", "O", "B-PERS", "I-PERS", "O", "O", "O", "O", "B-LOC", "O"]
        elif pattern == 1:
            words = [title, first, "،", verb, "أن", "منظمة", "الأمم", "المتحدة", *filler, "."]
            tags = ["O", "B-PERS", "O", "O", "O", "B-ORG", "I-ORG", "I-ORG", "O", "O", "O"]
        else:
            words = ["وصل", title, first, last, "إلى", place, "«", *filler, "»", "."]
            tags = ["O", "O", "B-PERS", "I-PERS", "O", "B-LOC", "O", "O", "O", "O", "O"]
        data.append((words, tags))
    return data


def _fine_tune(model: object, tokenizer: object, steps: int, seed: int) -> None:
    import torch

    label_ids = {label: index for index, label in enumerate(LABELS)}
    rows_ids: list[list[int]] = []
    rows_labels: list[list[int]] = []
    for words, tags in _training_sentences(random.Random(seed)):
        ids, targets = [2], [-100]  # [CLS]
        for word, tag in zip(words, tags, strict=True):
            pieces = tokenizer.convert_tokens_to_ids(tokenizer.tokenize(word))  # type: ignore[attr-defined]
            ids += pieces
            targets += [label_ids[tag]] + [-100] * (len(pieces) - 1)
        rows_ids.append([*ids, 3])  # [SEP]
        rows_labels.append([*targets, -100])
    width = max(map(len, rows_ids))
    input_ids = torch.tensor([row + [0] * (width - len(row)) for row in rows_ids])
    labels = torch.tensor([row + [-100] * (width - len(row)) for row in rows_labels])
    mask = (input_ids != 0).long()
    optimizer = torch.optim.AdamW(model.parameters(), lr=5e-3)  # type: ignore[attr-defined]
    model.train()  # type: ignore[attr-defined]
    # One thread: a model this small gains nothing from two, and on a busy 2-core machine torch's
    # worker threads wait on each other (measured 3x slower there).
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        for _ in range(steps):
            optimizer.zero_grad()
            loss = model(input_ids=input_ids, attention_mask=mask, labels=labels).loss  # type: ignore[operator]
            loss.backward()
            optimizer.step()
    finally:
        torch.set_num_threads(threads)
    model.eval()  # type: ignore[attr-defined]


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A ~150 KB BertForTokenClassification, briefly fine-tuned on the patterns above."""
    import torch
    from transformers import BertConfig, BertForTokenClassification, BertTokenizer

    torch.manual_seed(0)
    vocab = _vocabulary()
    directory = tmp_path_factory.mktemp("tiny-camel-ner")
    # Defaults would lower-case and strip accents: «أعلن» would become «اعلن», i.e. [UNK].
    tokenizer = BertTokenizer(
        vocab={token: index for index, token in enumerate(vocab)},
        do_lower_case=False,
        strip_accents=False,
        tokenize_chinese_chars=False,
    )
    config = BertConfig(
        vocab_size=len(vocab),
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=512,  # camel-tools pads every segment to 256 pieces
        id2label=dict(enumerate(LABELS)),
        label2id={label: index for index, label in enumerate(LABELS)},
    )
    model = BertForTokenClassification(config)
    _fine_tune(model, tokenizer, steps=60, seed=1)
    model.save_pretrained(directory)
    tokenizer.save_pretrained(directory)
    # save_pretrained writes tokenizer.json only; camel-tools' own models ship vocab.txt.
    (directory / "vocab.txt").write_text("\n".join(vocab) + "\n", encoding="utf-8")
    return directory


@pytest.fixture(autouse=True)
def offline_camel_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """camel-tools data and kg's cache in temp dirs, and any network connection an error."""
    data = tmp_path / "camel-data"
    data.mkdir()
    (data / "catalogue.json").write_text(json.dumps(STUB), encoding="utf-8")
    monkeypatch.setenv("CAMELTOOLS_DATA", str(data))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))  # camel-tools mkdirs ~/.camel_tools

    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"network access attempted: {args}")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    return data


@pytest.fixture
def tagger(tiny_model_dir: Path) -> CamelTagger:
    loaded = load_tagger("camel", str(tiny_model_dir))
    assert isinstance(loaded, CamelTagger)
    return loaded


def _is_bio(labels: list[str], allowed: tuple[str, ...]) -> bool:
    return all(label in allowed and (label == "O" or label[:2] in ("B-", "I-")) for label in labels)


def test_load_via_registry(tagger: CamelTagger, tiny_model_dir: Path) -> None:
    assert tagger.name == "camel"
    assert tagger.labels == tuple(LABELS)
    assert tagger.batch_size == 32
    assert tagger.source == str(tiny_model_dir)


def test_fine_tuned_model_learns_title_then_person(tagger: CamelTagger) -> None:
    # Held out: a name the model has never seen ([UNK] to it) after a title, then «في» + place.
    sentence = ["أكد", "الرئيس", HELD_OUT_FIRST, HELD_OUT_LAST, "إن", "الحكومة", "في", "بغداد", "."]
    assert tagger._tokenizer.tokenize(HELD_OUT_FIRST) == ["[UNK]"]
    (labels,) = tagger.tag([sentence])
    assert labels[2:4] == ["B-PERS", "I-PERS"], labels
    assert labels[7] == "B-LOC", labels


def test_one_label_per_token_on_awkward_input(tagger: CamelTagger) -> None:
    sentences = [
        ["قال", "الرئيس", "،", "«", "نعم", "»", ".", "؟", "!"],  # punctuation
        ["أعلن", "إبراهيم", "أن", "مؤتمر", "الأمم", "آمن"],  # hamza words
        ["زار", "Zürich", "🙂", "وكذلك", "ـــ"],  # not in the vocabulary
        [],  # an empty sentence
        ["غزة", "القاهرةة", "بيروت"] * 200,  # 600 words, 800 pieces: four segments
        ["\u200f", "", "عمان", "\u200c\u200d"],  # words the tokenizer reduces to nothing
        ["." * 300, "في", "غزة"],  # one word of 300 pieces: longer than a segment
    ]
    # The saved tokenizer settings survive loading: hamza words are not reduced to [UNK].
    assert [tagger._tokenizer.tokenize(word) for word in sentences[1][:2]] == [
        ["أعلن"],
        ["إبراهيم"],
    ]
    predicted = tagger.tag(sentences)
    assert [len(labels) for labels in predicted] == [len(tokens) for tokens in sentences]
    for labels in predicted:
        assert _is_bio(labels, tagger.labels)
    assert predicted[5][:2] == ["O", "O"] and predicted[5][3] == "O"


def test_tokens_without_word_pieces_do_not_shift_labels(tagger: CamelTagger) -> None:
    plain = ["قال", "الرئيس", "محمد", "عباس", "في", "غزة", "."]
    marked = ["\u200f", *plain[:3], "\u200f", *plain[3:]]
    (labels_plain, labels_marked) = tagger.tag([plain, marked])
    assert labels_marked == ["O", *labels_plain[:3], "O", *labels_plain[3:]]


def test_batch_size_does_not_change_labels(tiny_model_dir: Path) -> None:
    sentences = [["قال", "الرئيس", name, "في", "غزة"] for name in FIRST_NAMES] + [[]]
    one = CamelTagger.load(tiny_model_dir, batch_size=1).tag(sentences)
    many = CamelTagger.load(tiny_model_dir, batch_size=64).tag(sentences)
    assert one == many
    assert CamelTagger.load(tiny_model_dir).tag([]) == []


def test_fast_alignment_matches_camel_tools(tagger: CamelTagger) -> None:
    import numpy as np
    from camel_tools.ner import NERecognizer

    rng = np.random.default_rng(0)
    logits = rng.normal(size=(7, 256, len(LABELS)))
    label_ids = np.where(rng.random((7, 256)) < 0.3, 8, -100)
    sent_ids = np.array([0, 0, 1, 2, 2, 2, 3])
    recognizer = tagger._recognizer
    original = NERecognizer._align_predictions(recognizer, logits, label_ids, sent_ids)
    assert recognizer._align_predictions(logits, label_ids, sent_ids) == original


def test_extractor_offsets_round_trip(tagger: CamelTagger) -> None:
    text = (
        "أكد الرئيس طارق الهاشمي أن الحكومة في بغداد تدعم الاتفاق. "
        "وقال الملك عمر عون، «نعم»، في\u200f القاهرة أمس!\n"
        "التقى الأمير خالد النعيمي منظمة الأمم المتحدة في الدوحة."
    )
    doc = Document("camel-doc", text)
    mentions = TaggerExtractor(tagger)(doc, split_sentences(text))
    assert mentions
    for mention in mentions:
        assert mention.text == doc.text[mention.start : mention.end]
        assert mention.extractor == "camel"
    assert any(m.type is EntityType.PERSON and m.text.startswith("طارق") for m in mentions)


def test_missing_path_and_incomplete_directories(tmp_path: Path, tiny_model_dir: Path) -> None:
    with pytest.raises(ModelError, match="not found") as missing:
        load_tagger("camel", str(tmp_path / "nowhere"))
    assert str(tmp_path / "nowhere") in str(missing.value)

    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(ModelError, match=r"config\.json") as no_config:
        load_tagger("camel", str(empty))
    assert str(empty) in str(no_config.value)

    no_vocab = tmp_path / "no-vocab"
    no_vocab.mkdir()
    (no_vocab / "config.json").write_bytes((tiny_model_dir / "config.json").read_bytes())
    with pytest.raises(ModelError, match=r"vocab\.txt"):
        load_tagger("camel", str(no_vocab))


def _copy_model(source: Path, target: Path) -> Path:
    target.mkdir()
    for item in source.iterdir():
        (target / item.name).write_bytes(item.read_bytes())
    return target


def test_corrupt_weights_and_non_bio_labels(tmp_path: Path, tiny_model_dir: Path) -> None:
    corrupt = _copy_model(tiny_model_dir, tmp_path / "corrupt")
    (corrupt / "model.safetensors").write_bytes(b"not a safetensors file")
    with pytest.raises(ModelError, match="cannot load") as error:
        load_tagger("camel", str(corrupt))
    assert str(corrupt) in str(error.value)

    no_o = _copy_model(tiny_model_dir, tmp_path / "no-o")
    config = json.loads((no_o / "config.json").read_text(encoding="utf-8"))
    config["id2label"] = {str(i): f"LABEL_{i}" for i in range(len(LABELS))}
    config["label2id"] = {f"LABEL_{i}": i for i in range(len(LABELS))}
    (no_o / "config.json").write_text(json.dumps(config), encoding="utf-8")
    with pytest.raises(ModelError, match="'O'"):
        load_tagger("camel", str(no_o))


def test_pretrained_not_in_catalogue(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # camel-tools fixes its data dir at first import, so point the lookup at a known state.
    monkeypatch.setattr(camel, "camel_data_dir", lambda: tmp_path / "camel-data")
    with pytest.raises(ModelError, match="camel_data -i ner-arabert"):
        load_tagger("camel", None)


# Run in a fresh interpreter: camel-tools reads CAMELTOOLS_DATA only at its first import.
_NO_CATALOGUE_SCRIPT = """
import socket, sys, time
def no_network(*args, **kwargs):
    raise SystemExit("network access attempted")
socket.socket.connect = no_network
from kg.errors import ModelError
from kg.ner.base import load_tagger
start = time.monotonic()
try:
    load_tagger("camel", None)
except ModelError as error:
    print(f"{time.monotonic() - start:.3f}", error)
assert "camel_tools.data" not in sys.modules and "torch" not in sys.modules
if len(sys.argv) > 1:
    tagger = load_tagger("camel", sys.argv[1])
    import os
    print("tagged", tagger.tag([["في", "غزة"]]), os.environ.get("CAMELTOOLS_DATA"))
"""


def _run_fresh(data_dir: Path, tmp_path: Path, *args: str) -> list[str]:
    env = {
        **os.environ,
        "CAMELTOOLS_DATA": str(data_dir),
        "XDG_CACHE_HOME": str(tmp_path / "xdg"),
        "HOME": str(tmp_path / "home"),
    }
    result = fresh_python(_NO_CATALOGUE_SCRIPT, *args, env=env)
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


def test_pretrained_without_catalogue_fails_fast(tmp_path: Path) -> None:
    empty = tmp_path / "empty-camel-data"
    empty.mkdir()
    (line,) = _run_fresh(empty, tmp_path)
    seconds, message = line.split(" ", 1)
    assert float(seconds) < 1.0
    assert "camel_data -i ner-arabert" in message and "--ner-model" in message
    assert str(empty / "catalogue.json") in message
    assert not (empty / "catalogue.json").exists()


def test_local_model_without_catalogue_uses_stub(tmp_path: Path, tiny_model_dir: Path) -> None:
    empty = tmp_path / "empty-camel-data"
    empty.mkdir()
    lines = _run_fresh(empty, tmp_path, str(tiny_model_dir))
    assert lines[1].startswith("tagged [[") and lines[1].endswith(str(empty))  # env restored
    stub = tmp_path / "xdg" / "kg" / "camel-stub" / "catalogue.json"
    assert json.loads(stub.read_text(encoding="utf-8")) == STUB
    assert not (empty / "catalogue.json").exists()
