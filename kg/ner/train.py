"""Train the CRF tagger on a CoNLL corpus (ANERcorp), with a deterministic dev split: the shipped
recipe behind ``kg ner train``. Experiments and ablations (``python -m training.ner_experiments``,
in the repository, not installed) call :func:`train` with other settings.
"""

from __future__ import annotations

import os
import random
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from pathlib import Path

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


def _word_classes(
    sentences: Sequence[Sentence], unlabelled: Sequence[Path], path: Path, source: str
) -> None:
    """Write the word classes of the training tokens and the ``unlabelled`` text to ``path``."""
    text = word_classes.UnlabelledText([[t for t, _ in s] for s in sentences], unlabelled)
    vocab, vec = word_classes.vectors(text)
    word_classes.write(word_classes.classes(vocab, vec), path, source)


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
    (another corpus: ``training.ner_experiments``) join the training part of both models, never
    dev.
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
        lex = base
        if config.clusters:
            classes = clusters_sidecar(dev_model)
            _word_classes(train_part, unlabelled, classes, source + " minus dev")
            lex = base.with_clusters_file(clusters_sidecar(dev_model))
        _fit(train_part, dev_model, lex, config, params, unseen_names, extra)
        tagger = pycrfsuite.Tagger()
        tagger.open(str(dev_model))
        dev_tokens = [[t for t, _ in s] for s in dev]
        pred = CRFTagger(tagger, lex.with_train_types(gaz), config, window=window).tag(dev_tokens)
        tagger.close()
        gold = [[lab for _, lab in s] for s in dev]
        scores = evaluate(gold, pred)
        scores.update(evaluate_novelty(dev_tokens, gold, pred, entity_texts(train_part)))
        if use_dev_for_final:
            dev_model.unlink()
            features_sidecar(dev_model).unlink(missing_ok=True)
            clusters_sidecar(dev_model).unlink(missing_ok=True)
        else:
            write_gazetteer(gaz, gazetteer_sidecar(model), f"{Path(train_path).name} minus dev")
    if use_dev_for_final or not dev:
        lex = base
        if config.clusters:
            _word_classes(sentences, unlabelled, clusters_sidecar(model), source)
            lex = base.with_clusters_file(clusters_sidecar(model))
        _fit(sentences, model, lex, config, params, unseen_names, extra)
        write_gazetteer(
            build_train_gazetteer(sentences), gazetteer_sidecar(model), Path(train_path).name
        )
    return scores


SHIPPED_C1, SHIPPED_C2, SHIPPED_ITERATIONS = 0.05, 0.01, 200  # chosen on dev (see README)


def shipped_model_path() -> Path:
    """Where the packaged model lives (``kg/data/ner-crf.crfsuite``)."""
    return Path(__file__).resolve().parents[1] / "data" / MODEL_NAME


def install_sidecars(model: Path) -> None:
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
    )  # fmt: skip
    if model_path is None:
        install_sidecars(model)
    CRFTagger.load(model_path)  # fail loudly if the written model is unusable
    return scores


def train_clean_dev(train_path: str | os.PathLike[str], model_path: str | os.PathLike[str]) -> Path:
    """A model with the shipped settings trained *without* the dev split (for clean dev rows);
    its gazetteer and word classes are written as sidecars, so ``CRFTagger.load`` reads them."""
    model = Path(model_path)
    train(
        train_path, model, c1=SHIPPED_C1, c2=SHIPPED_C2, max_iterations=SHIPPED_ITERATIONS,
        config=FeatureConfig(), unlabelled=default_unlabelled_paths(), use_dev_for_final=False,
    )  # fmt: skip
    return model
