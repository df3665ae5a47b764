"""Train the CRF tagger on a CoNLL corpus (ANERcorp), with a deterministic dev split.

``python -m kg.ner.train --help`` runs experiments and (``--ship``) rebuilds the packaged model.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import asdict, fields, replace
from pathlib import Path

import numpy as np
import pycrfsuite

from kg.errors import InputError
from kg.ner import clusters as word_classes
from kg.ner.conll import Score, bio_spans, entity_texts, evaluate, evaluate_novelty, read_conll
from kg.ner.consistency import WINDOW
from kg.ner.crf import (
    MODEL_NAME,
    CRFTagger,
    clusters_sidecar,
    features_sidecar,
    gazetteer_sidecar,
    neural_sidecar,
    write_features,
)
from kg.ner.features import (
    CLUSTERS,
    TRAIN_GAZETTEER,
    TRIGGER_FILES,
    FeatureConfig,
    Lexicons,
    as_unseen,
    sentence_features,
    strip_proclitics,
)
from kg.ner.neural import NeuralTagger
from kg.text import normalize

Sentence = list[tuple[str, str]]
JACKKNIFE_FOLDS = 5
# A second copy of each training sentence that names a person, with about this share of its
# person tokens made to look unseen (:func:`kg.ner.features.as_unseen`): later news is full of
# names the training text never had. Three dev folds, with the frequency features: 76.6 → 77.1
# (0.3 of them: 76.9; without those features 76.1 → 76.8). Hiding names of every type: lower.
UNSEEN_NAME_SHARE = 0.5
UNSEEN_NAME_TYPES = frozenset({"PERS"})
# The copies also hide, at the same share, the name after an organisation head noun («حزب X»,
# «شركة X»; the head stays visible). Six seeds × three dev folds: +0.17 F1 (ORG +0.5, unseen
# entities +0.4); hiding every ORG name instead measured −0.45.
_ORG_HEAD_HIT = TRIGGER_FILES["org_heads"] + ":B"


def default_train_path() -> Path | None:
    """ANERcorp's train.txt under ``$KG_DATA_DIR/anercorp`` or ``../shared/data/anercorp``."""
    candidates = []
    if env := os.environ.get("KG_DATA_DIR"):
        candidates.append(Path(env) / "anercorp" / "train.txt")
    repo = Path(__file__).resolve().parents[2]
    candidates.append(repo.parent / "shared" / "data" / "anercorp" / "train.txt")
    return next((p for p in candidates if p.is_file()), None)


def default_unlabelled_paths() -> list[Path]:
    """Extra unlabelled Arabic text for the word classes: the token columns of AQMAR and of the
    Wojood sample, where present next to ANERcorp (their labels are not used)."""
    train = default_train_path()
    if train is None:
        return []
    shared = train.parent.parent
    paths = sorted(p for p in (shared / "aqmar").glob("*.txt"))
    paths += [shared / "wojood-sample" / f for f in ("train.txt", "val.txt", "test.txt")]
    return [p for p in paths if p.is_file()]


WIKIFANE = Path("wikifane") / "WikiFANE_Gold_2014_500K.txt"
# WikiFANE's sentences that name an organisation join the training data (its other sentences
# do not: 490k tokens of encyclopedia text would outweigh ANERcorp's 125k of news). Real 2018
# news (the realnews-dev set, clitics stripped from labels): entity recall 0.66 → 0.74 at the
# same precision; three ANERcorp dev folds: see the README's ablation table.
EXTRA_TYPES = frozenset({"ORG"})
# WikiFANE separates clitics from their words («و الهرسك», «عاصمة ها»); ANERcorp does not.
_FANE_PROCLITICS = frozenset({"و", "ف", "ب", "ل", "ك", "ال"})
_FANE_ENCLITICS = frozenset({"ه", "ها", "هم", "هما", "هن", "نا", "كم", "كما", "ني", "ي"})
_ARABIC_LETTERS = re.compile(r"^[\u0621-\u064a\u0671-\u06d3]+$")
_MARKS = str.maketrans("", "", "\u200e\u200f")


DEFAULT_EXTRA = Path("(wikifane)")  # `--extra` without a file: the corpus next to ANERcorp


def default_extra_path() -> Path | None:
    """WikiFANE Gold (CC BY-SA 3.0) next to ANERcorp, where present."""
    train = default_train_path()
    path = train.parent.parent / WIKIFANE if train is not None else None
    return path if path is not None and path.is_file() else None


def extra_sentences(
    train_path: str | os.PathLike[str],
    path: Path | None = None,
    types: frozenset[str] = EXTRA_TYPES,
) -> list[Sentence]:
    """The WikiFANE training sentences (``path``, default :func:`default_extra_path`; none if
    absent), less those overlapping the test files next to ``train_path`` (ANERcorp's).

    Not part of the shipped recipe: +1.1 on the dev folds and 73.8 on the official test file,
    but no gain on real news, a 3.5× larger model and a tagger at the 20,000 tokens/s floor
    (see the README's ablation table); ``python -m kg.ner.train --extra`` trains with it."""
    path = path or default_extra_path()
    if path is None:
        return []
    folder = Path(train_path).parent
    tests = [folder / name for name in ("test.txt", "test.repaired.txt")]
    exclude = [s for test in tests if test.is_file() for s in read_conll(test)]
    return read_wikifane(path, types, exclude)


def _fane_mapping(path: Path) -> dict[str, str]:
    """WikiFANE fine class → ANERcorp type, from ``label_mapping.tsv`` next to the corpus."""
    out: dict[str, str] = {}
    for line in (path.parent / "label_mapping.tsv").read_text(encoding="utf-8").splitlines():
        cols = line.split("\t")
        if len(cols) == 3 and not line.startswith("#"):
            out[cols[0]] = "PERS" if cols[2] == "PER" else cols[2]
    return out


def rejoin_clitics(sentence: Sequence[tuple[str, str]]) -> Sentence:
    """A clitic-segmented sentence as ANERcorp writes it: proclitics glued to the next word
    (ل + الـ → لل), pronoun suffixes to the word before (ة → ت). The joined word takes its
    word's label, or a clitic's B- label where the entity began on the clitic.

    >>> rejoin_clitics([("و", "O"), ("ب", "O"), ("القاهرة", "B-LOC"), ("عاصمة", "O"), ("ها", "O")])
    [('وبالقاهرة', 'B-LOC'), ('عاصمتها', 'O')]
    >>> rejoin_clitics([("ل", "O"), ("الحزب", "B-ORG")])
    [('للحزب', 'B-ORG')]
    """
    out: list[list[str]] = []
    pending: list[tuple[str, str]] = []
    for token, label in sentence:
        if token in _FANE_PROCLITICS:
            pending.append((token, label))
            continue
        if token in _FANE_ENCLITICS and out and not pending and _ARABIC_LETTERS.match(out[-1][0]):
            word = out[-1][0]
            out[-1][0] = (word[:-1] + "ت" if word.endswith("ة") else word) + token
            continue
        if pending and _ARABIC_LETTERS.match(token):
            prefix = "".join(p for p, _ in pending)
            if prefix.endswith("ل") and token.startswith("ال") and len(token) > 2:
                token = token[1:]
            begins = [lab for _, lab in pending if lab.startswith("B-")]
            if begins and not label.startswith("B-"):
                label = begins[0]
            out.append([prefix + token, label])
        else:
            out.extend([p, lab] for p, lab in pending)
            out.append([token, label])
        pending = []
    out.extend([p, lab] for p, lab in pending)
    return [(t, lab) for t, lab in out]


def _five_grams(sentence: Sequence[tuple[str, str]]) -> set[tuple[str, ...]]:
    words = [normalize(t) for t, _ in sentence]
    return {tuple(words[i : i + 5]) for i in range(len(words) - 4)}


def read_wikifane(
    path: str | os.PathLike[str],
    types: frozenset[str] = EXTRA_TYPES,
    exclude: Sequence[Sentence] = (),
) -> list[Sentence]:
    """WikiFANE's sentences that name an entity of ``types``, clitics rejoined, its 51 fine
    classes mapped to PERS/ORG/LOC/MISC; sentences sharing a normalised 5-word run with an
    ``exclude`` sentence (the test file's) are dropped.

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "label_mapping.tsv").write_text("Sports\\tORG\\tORG\\n", encoding="utf-8")
    >>> text = "\\u200eفاز\\tO\\nنادي\\tB-Sports\\nالنصر\\tI-Sports\\n\\nقال\\tO\\n"
    >>> _ = (folder / "c.txt").write_text(text, encoding="utf-8")
    >>> read_wikifane(folder / "c.txt")
    [[('فاز', 'O'), ('نادي', 'B-ORG'), ('النصر', 'I-ORG')]]
    """
    mapping = _fane_mapping(Path(path))
    banned: set[tuple[str, ...]] = set()
    for sentence in exclude:
        banned |= _five_grams(sentence)
    out: list[Sentence] = []
    for raw in read_conll(path):
        tokens = [(t.translate(_MARKS), lab) for t, lab in raw]
        sentence = rejoin_clitics([(t, lab) for t, lab in tokens if t])
        labels = [lab[:2] + mapping[lab[2:]] if lab != "O" else "O" for _, lab in sentence]
        if not any(typ in types for _, _, typ in bio_spans(labels)):
            continue
        spans = {s: typ for s, _, typ in bio_spans(labels)}
        labels = [
            ("B-" if i in spans else "I-") + lab[2:] if lab != "O" else "O"
            for i, lab in enumerate(labels)
        ]
        sentence = [(t, lab) for (t, _), lab in zip(sentence, labels, strict=True)]
        if banned and _five_grams(sentence) & banned:
            continue
        out.append(sentence)
    return out


def _word_classes(
    sentences: Sequence[Sentence], unlabelled: Sequence[Path], path: Path, source: str
) -> dict[str, np.ndarray]:
    """Write the word classes to ``path``; return the word vectors they came from (the neural
    tagger's initial embeddings)."""
    text = word_classes.UnlabelledText([[t for t, _ in s] for s in sentences], unlabelled)
    vocab, vec = word_classes.vectors(text)
    word_classes.write(word_classes.classes(vocab, vec), path, source)
    return dict(zip(vocab, vec, strict=True))


def split_dev(
    sentences: Sequence[Sentence], dev_fraction: float, block: int = 0
) -> tuple[list[Sentence], list[Sentence]]:
    """(train, dev): dev is the last ``dev_fraction`` of sentences, so the split is reproducible;
    ``block`` k > 0 takes the k-th such block before it instead (extra dev folds for selection).

    >>> split_dev([[("a", "O")], [("b", "O")], [("c", "O")], [("d", "O")]], 0.25, block=1)[1]
    [[('c', 'O')]]
    """
    n_dev = round(len(sentences) * dev_fraction)
    hi = len(sentences) - block * n_dev
    lo = hi - n_dev
    return [*sentences[:lo], *sentences[hi:]], list(sentences[lo:hi])


def build_train_gazetteer(
    sentences: Sequence[Sentence], min_count: int = 1, min_ratio: float = 0.5
) -> dict[str, str]:
    """Stripped token → majority label type (PERS/LOC/ORG/MISC or O), kept when that type was seen
    ≥ ``min_count`` times and is ≥ ``min_ratio`` of the token's occurrences («مصر» LOC, «رئيس» O).
    Words seen once count too (three dev folds: 77.0 against 76.6 with ``min_count`` 2); the
    jackknifed training features teach the CRF how far to trust them.

    Absence is informative too: a token in no entry is unseen, as most test names are."""
    counts: defaultdict[str, Counter[str]] = defaultdict(Counter)
    for sent in sentences:
        for tok, label in sent:
            stem = strip_proclitics(normalize(tok))[1]
            counts[stem][label[2:] if label != "O" else "O"] += 1
    out: dict[str, str] = {}
    for stem, c in counts.items():
        n, typ = max((n, t) for t, n in c.items())
        if n >= min_count and n / sum(c.values()) >= min_ratio:
            out[stem] = typ
    return out


def write_gazetteer(gazetteer: Mapping[str, str], path: Path, source: str) -> None:
    """Write a train gazetteer as TSV with a provenance header."""
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(
            f"# Derived from {source}: proclitic-stripped normalised token <TAB> entity type.\n"
        )
        for stem in sorted(gazetteer):
            fh.write(f"{stem}\t{gazetteer[stem]}\n")


def _blocks(n: int) -> list[tuple[int, int]]:
    # Contiguous blocks for first-pass labels: neighbouring sentences share a story, so a model
    # that saw the next sentence would make the document cues look more reliable than they are.
    return [
        (k * n // JACKKNIFE_FOLDS, (k + 1) * n // JACKKNIFE_FOLDS) for k in range(JACKKNIFE_FOLDS)
    ]


def _jackknifed_features(
    sentences: Sequence[Sentence],
    lexicons: Lexicons,
    config: FeatureConfig,
) -> list[list[list[str]]]:
    """Training features where each fold sees a train gazetteer built from the other folds, so
    the CRF learns how reliable the gazetteer is on *unseen* text."""
    # Interleaved folds (sentence i goes to fold i mod K): on dev this beat contiguous blocks
    # (69.3 vs 68.1 F1), i.e. a gazetteer that also knows the story's other names is closer to
    # the shipped one, built from all of train.
    out: list[list[list[str]]] = [[] for _ in sentences]
    for k in range(JACKKNIFE_FOLDS):
        lex = lexicons
        if config.train_gazetteer:
            rest = [s for i, s in enumerate(sentences) if i % JACKKNIFE_FOLDS != k]
            lex = lexicons.with_train_types(build_train_gazetteer(rest))
        for i in range(k, len(sentences), JACKKNIFE_FOLDS):
            out[i] = sentence_features([t for t, _ in sentences[i]], lex, config)
    return out


def _train_crf(
    items: Sequence[tuple[list[list[str]], list[str]]], path: Path, params: Mapping[str, object]
) -> None:
    trainer = pycrfsuite.Trainer(verbose=False)
    for feats, labels in items:
        trainer.append(pycrfsuite.ItemSequence(feats), labels)
    trainer.set_params(dict(params))
    path.parent.mkdir(parents=True, exist_ok=True)
    trainer.train(str(path))


def unseen_name_copies(
    sentences: Sequence[Sentence],
    features: Sequence[list[list[str]]],
    lexicons: Lexicons,
    config: FeatureConfig,
    share: float,
    types: frozenset[str] = UNSEEN_NAME_TYPES,
) -> list[tuple[list[list[str]], list[str]]]:
    """Training items in which about ``share`` of the tokens of ``types`` entities look unseen,
    and about ``share`` of the organisation names that follow a head noun inside their entity
    («حزب X»: X), one per sentence that has any (seeded: the same corpus gives the same items).

    >>> lex = Lexicons.load()
    >>> sentence = [("قال", "O"), ("سامي", "B-PERS"), ("نور", "I-PERS")]
    >>> [feats] = [sentence_features([t for t, _ in sentence], lex)]
    >>> [(copy, labels)] = unseen_name_copies([sentence], [feats], lex, FeatureConfig(), 1.0)
    >>> labels, [f for f in copy[1] if f.startswith("w=")]
    (['O', 'B-PERS', 'I-PERS'], [])
    """
    rng = random.Random(0)
    copies = []
    for sentence, feats in zip(sentences, features, strict=True):
        labels = [label for _, label in sentence]
        hidden = [label[2:] in types and rng.random() < share for label in labels]
        for start, end, typ in bio_spans(labels):
            head = typ == "ORG" and end - start > 1 and _ORG_HEAD_HIT in feats[start]
            if head and rng.random() < share:
                hidden[start + 1 : end] = [True] * (end - start - 1)
        if any(hidden):
            tokens = [token for token, _ in sentence]
            copies.append((as_unseen(tokens, feats, hidden, lexicons, config), labels))
    return copies


def source_copies(features: Sequence[Sequence[str]], prefix: str = "X") -> list[list[str]]:
    """Each feature of an extra-corpus token, and again under ``prefix`` ("frustratingly easy"
    domain adaptation, Daumé III 2007): the prefixed copies, which never fire when tagging,
    learn where WikiFANE's conventions differ from ANERcorp's, and the shared ones keep what
    both agree on. Three dev folds: 77.0 F1 with WikiFANE's sentences added as they are,
    79.9 with the copies (the recipe without WikiFANE: 78.8).

    >>> source_copies([["b", "w=x"]])
    [['b', 'w=x', 'Xb', 'Xw=x']]
    """
    return [[*f, *(prefix + a for a in f)] for f in features]


def _fit(
    sentences: Sequence[Sentence],
    model_path: Path,
    lexicons: Lexicons,
    config: FeatureConfig,
    params: Mapping[str, object],
    unseen_names: float = UNSEEN_NAME_SHARE,
    extra: Sequence[Sentence] = (),
) -> None:
    """Train one model file. With ``unseen_names`` > 0, sentences naming persons come again
    with some names unseen.
    ``extra`` labelled sentences (WikiFANE's) are added once, their train-gazetteer flags from
    ``sentences`` (what the tagger will know), with no unseen copies, and each of their features
    also under a source prefix (:func:`source_copies`)."""
    labels = [[lab for _, lab in s] for s in sentences]
    features = _jackknifed_features(sentences, lexicons, config)
    items = list(zip(features, labels, strict=True))
    if unseen_names > 0:
        items.extend(unseen_name_copies(sentences, features, lexicons, config, unseen_names))
    if extra:
        known = (
            lexicons.with_train_types(build_train_gazetteer(sentences))
            if config.train_gazetteer
            else lexicons
        )
        items.extend(
            (
                source_copies(sentence_features([t for t, _ in s], known, config)),
                [lab for _, lab in s],
            )
            for s in extra
        )
    _train_crf(items, model_path, params)
    write_features(config, model_path)


def _fit_neural(
    sentences: Sequence[Sentence],
    model: Path,
    lexicons: Lexicons,
    epochs: int,
    vectors: Mapping[str, np.ndarray],
) -> NeuralTagger | None:
    if epochs <= 0:
        return None
    from kg.ner.neural_train import train_neural

    train_neural(sentences, neural_sidecar(model), lexicons, epochs=epochs, vectors=vectors)
    return NeuralTagger.load(neural_sidecar(model), lexicons)


def _params(c1: float, c2: float, max_iterations: int) -> dict[str, object]:
    return {
        "c1": c1,
        "c2": c2,
        "max_iterations": max_iterations,
        "feature.possible_transitions": True,
    }


def train(
    train_path: str | os.PathLike[str],
    model_path: str | os.PathLike[str],
    *,
    dev_fraction: float = 0.1,
    c1: float,
    c2: float,
    max_iterations: int,
    use_dev_for_final: bool = True,
    seed: int = 0,
    config: FeatureConfig | None = None,
    unlabelled: Sequence[Path] = (),
    window: int = WINDOW,
    neural_epochs: int = 0,
    dev_block: int = 0,
    unseen_names: float = UNSEEN_NAME_SHARE,
    extra: Sequence[Sentence] = (),
) -> dict[str, Score]:
    """Train a model and return its scores on the dev split (last ``dev_fraction`` of sentences,
    or the ``dev_block``-th block of that size before it): "overall", one per type, and "seen" /
    "unseen" for the dev entities whose text the training part does / does not label.

    The returned scores always come from a model trained *without* dev (so they are clean). With
    ``use_dev_for_final`` the file written to ``model_path`` is then retrained on train+dev with the
    same settings. The train gazetteer used by the written model goes to ``<model>.gazetteer.tsv``
    and, with ``config.clusters``, its word classes (built from the training tokens plus the
    ``unlabelled`` CoNLL files' tokens; the dev model's from train-minus-dev only) to
    ``<model>.clusters.tsv``. ``unseen_names`` is the share of person tokens hidden in the
    extra training copies (:func:`unseen_name_copies`; 0: none). ``extra`` labelled sentences
    (:func:`read_wikifane`) join the training part of both models, never dev. With
    ``neural_epochs`` a char-CNN/BiLSTM companion is trained too (``<model>.neural.npz``, needs
    torch) and averaged with the CRF at tagging time.
    L-BFGS training is deterministic; ``seed`` is accepted for API symmetry and recorded only.
    """
    del seed  # crfsuite's L-BFGS has no randomness; kept so callers can pin it explicitly
    for path in unlabelled:  # fail before minutes of training, not after
        if not Path(path).is_file():
            raise InputError(f"{path}: unlabelled text file not found")
    config = config or FeatureConfig()
    sentences = read_conll(train_path)
    if not sentences:
        raise InputError(f"{train_path}: no sentences")
    train_part, dev = split_dev(sentences, dev_fraction, dev_block)
    base = Lexicons.load(train_gazetteer=os.devnull, clusters=os.devnull)
    model = Path(model_path)
    model.parent.mkdir(parents=True, exist_ok=True)
    params = _params(c1, c2, max_iterations)
    groups = Counter(p.parent.name for p in unlabelled)
    source = ", ".join([Path(train_path).name, *(f"{d} ({n} files)" for d, n in groups.items())])

    scores: dict[str, Score] = {}
    if dev:
        dev_model = model.with_suffix(".dev.crfsuite") if use_dev_for_final else model
        gaz = build_train_gazetteer(train_part)
        lex, vectors = base, {}
        if config.clusters or neural_epochs:
            vectors = _word_classes(
                train_part, unlabelled, clusters_sidecar(dev_model), source + " minus dev"
            )
            lex = base.with_clusters_file(clusters_sidecar(dev_model))
        _fit(train_part, dev_model, lex, config, params, unseen_names, extra)
        neural = _fit_neural(train_part, dev_model, lex, neural_epochs, vectors)
        tagger = pycrfsuite.Tagger()
        tagger.open(str(dev_model))
        dev_tokens = [[t for t, _ in s] for s in dev]
        pred = CRFTagger(
            tagger, lex.with_train_types(gaz), config, neural=neural, window=window
        ).tag(dev_tokens)
        tagger.close()
        gold = [[lab for _, lab in s] for s in dev]
        scores = evaluate(gold, pred)
        scores.update(evaluate_novelty(dev_tokens, gold, pred, entity_texts(train_part)))
        if use_dev_for_final:
            dev_model.unlink()
            features_sidecar(dev_model).unlink(missing_ok=True)
            clusters_sidecar(dev_model).unlink(missing_ok=True)
            neural_sidecar(dev_model).unlink(missing_ok=True)
        else:
            write_gazetteer(gaz, gazetteer_sidecar(model), f"{Path(train_path).name} minus dev")
    if use_dev_for_final or not dev:
        lex, vectors = base, {}
        if config.clusters or neural_epochs:
            vectors = _word_classes(sentences, unlabelled, clusters_sidecar(model), source)
            lex = base.with_clusters_file(clusters_sidecar(model))
        _fit(sentences, model, lex, config, params, unseen_names, extra)
        _fit_neural(sentences, model, lex, neural_epochs, vectors)
        write_gazetteer(
            build_train_gazetteer(sentences), gazetteer_sidecar(model), Path(train_path).name
        )
    return scores


def pool_scores(folds: Sequence[Mapping[str, Score]]) -> dict[str, Score]:
    """Micro-averaged scores over several dev folds (counts recovered from P, R and support)."""
    if len(folds) == 1:
        return dict(folds[0])
    out: dict[str, Score] = {}
    for key in folds[0]:
        tp = n_pred = n_gold = 0.0
        for fold in folds:
            s = fold[key]
            hits = s.recall * s.support
            tp += hits
            n_pred += hits / s.precision if s.precision else 0.0
            n_gold += s.support
        p = tp / n_pred if n_pred else 0.0
        r = tp / n_gold if n_gold else 0.0
        out[key] = Score(p, r, 2 * p * r / (p + r) if p + r else 0.0, round(n_gold))
    return out


SHIPPED_C1, SHIPPED_C2, SHIPPED_ITERATIONS = 0.05, 0.01, 200  # chosen on dev (see README)
# The char-CNN/BiLSTM companion is opt-in (`--neural-epochs 20`): +1.5 dev F1 averaged with an
# earlier CRF, −0.3 with the shipped recipe (three folds), and it halves throughput.
SHIPPED_NEURAL_EPOCHS = 0


def shipped_model_path() -> Path:
    """Where the packaged model lives (``kg/data/ner-crf.crfsuite``)."""
    return Path(__file__).resolve().parents[1] / "data" / MODEL_NAME


def _install_sidecars(model: Path) -> None:
    # The packaged tagger reads its gazetteer and word classes from kg/data/ner, not sidecars.
    gazetteer_sidecar(model).replace(model.parent / "ner" / TRAIN_GAZETTEER)
    if clusters_sidecar(model).is_file():
        clusters_sidecar(model).replace(model.parent / "ner" / CLUSTERS)


def train_default(
    train_path: str | os.PathLike[str],
    model_path: str | os.PathLike[str] | None = None,
    unlabelled: Sequence[Path] = (),
) -> dict[str, Score]:
    """Rebuild a model with the shipped settings; ``None`` replaces the packaged model.
    ``unlabelled`` text files (CoNLL or plain text) join AQMAR and Wojood in the word classes.

    Returns clean dev scores (a model trained without the last 10 % of sentences); the written
    model is then trained on everything. Deterministic: the same corpus gives the same file.
    """
    model = Path(model_path) if model_path is not None else shipped_model_path()
    scores = train(
        train_path, model, c1=SHIPPED_C1, c2=SHIPPED_C2, max_iterations=SHIPPED_ITERATIONS,
        config=FeatureConfig(), unlabelled=[*default_unlabelled_paths(), *unlabelled],
        neural_epochs=SHIPPED_NEURAL_EPOCHS,
    )  # fmt: skip
    if model_path is None:
        _install_sidecars(model)
    CRFTagger.load(model_path)  # fail loudly if the written model is unusable
    return scores


def train_clean_dev(train_path: str | os.PathLike[str], model_path: str | os.PathLike[str]) -> Path:
    """A model with the shipped settings trained *without* the dev split (for clean dev rows);
    its gazetteer and word classes are written as sidecars, so ``CRFTagger.load`` reads them."""
    model = Path(model_path)
    train(
        train_path, model, c1=SHIPPED_C1, c2=SHIPPED_C2, max_iterations=SHIPPED_ITERATIONS,
        config=FeatureConfig(), unlabelled=default_unlabelled_paths(), use_dev_for_final=False,
        neural_epochs=SHIPPED_NEURAL_EPOCHS,
    )  # fmt: skip
    return model


def main(argv: Sequence[str] | None = None) -> int:
    """Experiment / shipping CLI (the user-facing commands live in :mod:`kg.cli`)."""
    ap = argparse.ArgumentParser(prog="python -m kg.ner.train", description=__doc__)
    ap.add_argument("--train", type=Path, default=default_train_path())
    ap.add_argument("--model", type=Path, default=Path("out/ner-crf.crfsuite"))
    ap.add_argument("--c1", type=float, default=SHIPPED_C1)
    ap.add_argument("--c2", type=float, default=SHIPPED_C2)
    ap.add_argument("--iterations", type=int, default=SHIPPED_ITERATIONS)
    ap.add_argument("--dev-fraction", type=float, default=0.1, help="0: skip the dev model")
    ap.add_argument("--dev-only", action="store_true", help="only train without dev and score dev")
    ap.add_argument(
        "--dev-folds", type=int, default=1,
        help="with --dev-only: score the last N dev-sized blocks of train, each with a model "
        "trained without it, and pool the counts (N=3: ~2,900 entities instead of 969)",
    )  # fmt: skip
    ap.add_argument(
        "--off", action="append", default=[], choices=[f.name for f in fields(FeatureConfig)],
        help="switch a feature group off (ablation); repeatable",
    )  # fmt: skip
    ap.add_argument(
        "--on", action="append", default=[], choices=[f.name for f in fields(FeatureConfig)],
        help="switch a feature group on; repeatable",
    )  # fmt: skip
    ap.add_argument(
        "--window", type=int, default=WINDOW, help="document consistency window (0: off)"
    )
    ap.add_argument(
        "--neural-epochs", type=int, default=0,
        help="also train the char-CNN/BiLSTM companion (torch) for this many epochs",
    )  # fmt: skip
    ap.add_argument(
        "--no-unlabelled", dest="default_unlabelled", action="store_false",
        help="word classes from the training tokens only (not AQMAR / Wojood text)",
    )  # fmt: skip
    ap.add_argument(
        "--unlabelled", action="append", type=Path, default=[], metavar="FILE",
        help="more unlabelled Arabic text for the word classes (CoNLL or plain text); repeatable",
    )  # fmt: skip
    ap.add_argument(
        "--unseen-names", type=float, default=UNSEEN_NAME_SHARE,
        help="share of person tokens hidden in the extra training copies (0: no copies)",
    )  # fmt: skip
    ap.add_argument(
        "--extra", type=Path, nargs="?", const=DEFAULT_EXTRA, default=None, metavar="FILE",
        help="add a labelled WikiFANE file to training (no FILE: ../shared/data/wikifane's); "
        "not in the shipped recipe",
    )  # fmt: skip
    ap.add_argument(
        "--extra-types", default=",".join(sorted(EXTRA_TYPES)),
        help="add the extra file's sentences that name these types (comma-separated)",
    )  # fmt: skip
    ap.add_argument("--ship", action="store_true", help="write the packaged model and gazetteer")
    args = ap.parse_args(argv)
    if args.train is None:
        print("no training corpus found (set KG_DATA_DIR)", file=sys.stderr)
        return 2
    config = replace(
        FeatureConfig(), **{name: False for name in args.off}, **{n: True for n in args.on}
    )
    model: Path = args.model
    if args.ship:
        model = shipped_model_path()
    start = time.perf_counter()
    types = frozenset(t for t in args.extra_types.split(",") if t)
    extra: list[Sentence] = []
    if args.extra is not None:
        path = default_extra_path() if args.extra == DEFAULT_EXTRA else args.extra
        if path is None or not path.is_file():
            print(f"{args.extra}: WikiFANE file not found", file=sys.stderr)
            return 2
        extra = extra_sentences(args.train, path, types)
    folds = []
    for k in range(args.dev_folds if args.dev_only else 1):
        folds.append(train(
            args.train, model, c1=args.c1, c2=args.c2, max_iterations=args.iterations,
            dev_fraction=args.dev_fraction,
            use_dev_for_final=not args.dev_only, config=config,
            unlabelled=[*(default_unlabelled_paths() if args.default_unlabelled else []),
                        *args.unlabelled], window=args.window,
            neural_epochs=args.neural_epochs, dev_block=k, unseen_names=args.unseen_names,
            extra=extra,
        ))  # fmt: skip
    scores = pool_scores(folds)
    if args.ship:
        _install_sidecars(model)
    result = {
        "off": args.off, "unseen_names": args.unseen_names, "extra_sentences": len(extra),
        "c1": args.c1, "c2": args.c2, "iterations": args.iterations,
        "seconds": round(time.perf_counter() - start, 1),
        "dev": {k: {f: round(v, 4) if isinstance(v, float) else v for f, v in asdict(s).items()}
                for k, s in scores.items()},
    }  # fmt: skip
    print(json.dumps(result, ensure_ascii=False))
    if not args.dev_only:
        CRFTagger.load(None if args.ship else model)  # fail loudly if the written model is unusable
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
