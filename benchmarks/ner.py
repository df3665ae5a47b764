"""Benchmark the CRF NER tagger on ANERcorp: entity P/R/F1, speed, model size and load time.

python benchmarks/ner.py              # shipped model; its dev row is NOT clean (dev was trained on)
python benchmarks/ner.py --clean-dev  # also retrain without dev (about a minute): a clean dev row
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from importlib import resources
from pathlib import Path

from kg.ner.conll import Score, evaluate, read_conll
from kg.ner.crf import MODEL_NAME, CRFTagger
from kg.ner.train import default_train_path, split_dev, train

TYPES = ("PERS", "LOC", "ORG", "MISC")


def _row(name: str, scores: dict[str, Score], tokens_per_s: float) -> str:
    cells = [name]
    for key in ("overall", *TYPES):
        s = scores.get(key, Score(0.0, 0.0, 0.0, 0))
        cells.append(f"{100 * s.precision:.1f} / {100 * s.recall:.1f} / **{100 * s.f1:.1f}**")
    cells.append(f"{tokens_per_s:,.0f}")
    return "| " + " | ".join(cells) + " |"


def _run(
    tagger: CRFTagger, sentences: list[list[tuple[str, str]]]
) -> tuple[dict[str, Score], float]:
    tokens = [[t for t, _ in s] for s in sentences]
    start = time.perf_counter()
    pred = tagger.tag(tokens)
    elapsed = time.perf_counter() - start
    gold = [[lab for _, lab in s] for s in sentences]
    return evaluate(gold, pred), sum(map(len, tokens)) / elapsed


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--model", type=Path, default=None, help="model file (default: shipped)")
    ap.add_argument(
        "--clean-dev", action="store_true", help="retrain without dev for a clean dev row"
    )
    ap.add_argument("--c1", type=float, default=0.1)
    ap.add_argument("--c2", type=float, default=0.01)
    ap.add_argument("--iterations", type=int, default=200)
    args = ap.parse_args()
    train_path = default_train_path()
    if train_path is None:
        print("ANERcorp not found (../shared/data/anercorp or $KG_DATA_DIR)", file=sys.stderr)
        return 2
    data = train_path.parent

    start = time.perf_counter()
    tagger = CRFTagger.load(args.model)
    load_s = time.perf_counter() - start
    if args.model is None:
        with resources.as_file(resources.files("kg") / "data" / MODEL_NAME) as p:
            size = p.stat().st_size
    else:
        size = args.model.stat().st_size

    _, dev = split_dev(read_conll(train_path), 0.1)
    header = "| split | overall P / R / F1 | " + " | ".join(f"{t} P / R / F1" for t in TYPES)
    print(header + " | tokens/s |")
    print("|---" * (len(TYPES) + 3) + "|")
    if args.clean_dev:
        with tempfile.TemporaryDirectory() as tmp:
            model = Path(tmp) / "dev.crfsuite"
            train(
                train_path, model, c1=args.c1, c2=args.c2, max_iterations=args.iterations,
                use_dev_for_final=False,
            )  # fmt: skip
            scores, tps = _run(CRFTagger.load(model), dev)
        print(_row("dev (clean: model trained without dev)", scores, tps))
    scores, tps = _run(tagger, dev)
    print(_row("dev (seen in training)" if args.model is None else "dev", scores, tps))
    for name, file in (("test official", "test.txt"), ("test repaired", "test.repaired.txt")):
        if (data / file).is_file():
            scores, tps = _run(tagger, read_conll(data / file))
            print(_row(name, scores, tps))
    print()
    print(f"model size: {size / 2**20:.2f} MiB; load time: {load_s * 1000:.0f} ms; "
          f"single process, {os.cpu_count()} CPUs visible")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
