"""NER experiments: ablations, dev folds, extra training corpora, and shipping the model.

In the repository, not installed with kg (the user-facing command is ``kg ner train``, which
runs the shipped recipe of :mod:`kg.ner.train`). ``python -m training.ner_experiments --help``;
every row of ``docs/ner-experiments.md`` came from it. The char-CNN/BiLSTM companion tagger
that earlier rows name was removed (it scored −0.3 with the shipped recipe and halved the
speed; see the git history before kg 0.2.0 for its code).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import asdict, fields, replace
from pathlib import Path

from kg.ner.conll import Score, bio_spans, read_conll
from kg.ner.consistency import WINDOW
from kg.ner.crf import CRFTagger
from kg.ner.features import FeatureConfig
from kg.ner.train import (
    SHIPPED_C1,
    SHIPPED_C2,
    SHIPPED_ITERATIONS,
    UNSEEN_NAME_SHARE,
    Sentence,
    default_train_path,
    default_unlabelled_paths,
    install_sidecars,
    shipped_model_path,
    train,
)
from kg.text import normalize

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


def main(argv: Sequence[str] | None = None) -> int:
    """Experiment / shipping CLI (the user-facing command is ``kg ner train``)."""
    ap = argparse.ArgumentParser(prog="python -m training.ner_experiments", description=__doc__)
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
            dev_block=k, unseen_names=args.unseen_names,
            extra=extra,
        ))  # fmt: skip
    scores = pool_scores(folds)
    if args.ship:
        install_sidecars(model)
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
