"""Benchmark the NER word classes on large unlabelled text: time and peak memory of
``kg.ner.clusters.vectors`` + ``classes`` as the text grows.

python benchmarks/word_classes.py                # 2x, 20x and 100x the shipped text
python benchmarks/word_classes.py --copies 2 20  # smaller runs

No large Arabic text ships with kg or ../shared, so the text is synthetic: the shipped word-class
text (ANERcorp train, AQMAR, Wojood) repeated, each copy giving its rare words (≤ 3 sightings) an
ending of its own, so the vocabulary grows with the text as a real corpus's does. It is written
as plain text, one sentence a line, and read the way ``kg ner train --unlabelled FILE`` reads it.
Each size runs in its own subprocess, so the peak memory is its own.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path


def write_text(copies: int, path: Path) -> None:
    from kg.ner import clusters
    from kg.ner.conll import read_conll
    from kg.ner.train import default_train_path, default_unlabelled_paths

    train = default_train_path()
    if train is None:
        raise SystemExit("needs ../shared/data/anercorp (or KG_DATA_DIR)")
    base = [[t for t, _ in s] for s in read_conll(train)]
    for extra in default_unlabelled_paths():
        base.extend(clusters.read_tokens(extra))
    freq = Counter(t for s in base for t in s)
    with open(path, "w", encoding="utf-8") as fh:
        for k in range(copies):
            ending = "ا" + chr(0x628 + k % 20) + chr(0x628 + k // 20)  # ا + two letters
            for sentence in base:
                fh.write(" ".join(t + ending if freq[t] <= 3 else t for t in sentence) + "\n")


def measure(path: Path) -> dict[str, float]:
    """One size, in this process: words, vocabulary, seconds, peak RSS."""
    from kg.ner import clusters

    text = clusters.UnlabelledText(paths=[path])
    start = time.perf_counter()
    vocab, vec = clusters.vectors(text)
    counted = time.perf_counter()
    clusters.classes(vocab, vec)
    done = time.perf_counter()
    return {
        "words": sum(len(s) for s in text),
        "vocab": len(vocab),
        "vectors_s": counted - start,
        "kmeans_s": done - counted,
        "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--copies", type=int, nargs="+", default=[2, 20, 100])
    ap.add_argument("--one", type=Path, help=argparse.SUPPRESS)  # worker: measure this file
    args = ap.parse_args()
    if args.one:
        print(json.dumps(measure(args.one)))
        return
    print("| copies | words | stems with classes | counting + SVD | k-means | peak memory |")
    print("|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for copies in args.copies:
            path = Path(tmp) / f"text{copies}.txt"
            write_text(copies, path)
            out = subprocess.run(
                [sys.executable, __file__, "--one", str(path)],
                capture_output=True,
                text=True,
                check=True,
            )
            r = json.loads(out.stdout)
            print(
                f"| {copies} | {r['words']:,.0f} | {r['vocab']:,.0f} | {r['vectors_s']:.0f} s "
                f"| {r['kmeans_s']:.0f} s | {r['peak_mib']:,.0f} MiB |",
                flush=True,
            )
            path.unlink()


if __name__ == "__main__":
    main()
