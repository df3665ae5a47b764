"""Benchmark the NER backends on ANERcorp: entity P/R/F1 per type on dev / official test / repaired
test, tokens/s (one core, feature extraction included), peak memory, model size and load time.

python benchmarks/ner.py              # crf (shipped) + camel; the crf dev row is NOT clean
python benchmarks/ner.py --clean-dev  # also retrain the crf without dev (~20 min): a clean dev row
python benchmarks/ner.py --dev-model M # clean dev row from a model trained without dev

Each backend runs in its own single-threaded subprocess, so peak memory and load time are its own.
camel uses camel-tools' pretrained AraBERT NER model when its data is installed; otherwise a tiny
BERT built and briefly fine-tuned here stands in (labelled so: it only shows that the backend runs
and what it costs, its scores mean nothing).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from kg.ner.conll import evaluate, read_conll
from kg.ner.train import default_train_path, split_dev

TYPES = ("PERS", "LOC", "ORG", "MISC")
SPLITS = (("dev", None), ("test official", "test.txt"), ("test repaired", "test.repaired.txt"))
SINGLE_THREAD = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def _size(path: Path) -> int:
    return (
        sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
        if path.is_dir()
        else (path.stat().st_size)
    )


def _shipped_crf_size() -> int:
    data = Path(__file__).resolve().parents[1] / "kg" / "data"
    files = [data / "ner-crf.crfsuite", *(data / "ner").glob("*")]
    return sum(p.stat().st_size for p in files if p.is_file())


def _tiny_bert(directory: Path, sentences: list[list[tuple[str, str]]]) -> Path:
    """A 2-layer, 64-wide BERT over ANERcorp's 3,000 most frequent words, fine-tuned a little."""
    from collections import Counter

    import torch
    from transformers import BertConfig, BertForTokenClassification, BertTokenizer

    torch.manual_seed(0)
    labels = sorted({lab for s in sentences for _, lab in s})
    words = Counter(t for s in sentences for t, _ in s)
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *(w for w, _ in words.most_common(3000))]
    vocab = list(dict.fromkeys(vocab))
    tok = BertTokenizer(
        vocab={w: i for i, w in enumerate(vocab)}, do_lower_case=False, strip_accents=False,
        tokenize_chinese_chars=False,
    )  # fmt: skip
    config = BertConfig(
        vocab_size=len(vocab), hidden_size=64, num_hidden_layers=2, num_attention_heads=2,
        intermediate_size=128, max_position_embeddings=512,
        id2label=dict(enumerate(labels)), label2id={lab: i for i, lab in enumerate(labels)},
    )  # fmt: skip
    model = BertForTokenClassification(config)
    index = {w: i for i, w in enumerate(vocab)}
    lid = {lab: i for i, lab in enumerate(labels)}
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3)
    rng = random.Random(0)
    model.train()
    for _ in range(150):
        batch = rng.sample([s for s in sentences if len(s) <= 60], 16)
        ids = [[2, *(index.get(t, 1) for t, _ in s), 3] for s in batch]
        ys = [[-100, *(lid[lab] for _, lab in s), -100] for s in batch]
        width = max(map(len, ids))
        x = torch.tensor([r + [0] * (width - len(r)) for r in ids])
        y = torch.tensor([r + [-100] * (width - len(r)) for r in ys])
        opt.zero_grad()
        model(input_ids=x, attention_mask=(x != 0).long(), labels=y).loss.backward()
        opt.step()
    model.eval()
    model.save_pretrained(directory)
    tok.save_pretrained(directory)
    (directory / "vocab.txt").write_text("\n".join(vocab) + "\n", encoding="utf-8")
    return directory


def _camel_env(tmp: Path) -> tuple[str | None, str]:
    """(model dir or None for camel-tools' own model, label) — the real data when installed."""
    from kg.ner import camel

    try:
        camel.CamelTagger.load(None)
        return None, "camel (camel-tools AraBERT NER)"
    except Exception:
        return "", "camel (TINY stand-in BERT, real camel data absent: scores meaningless)"


def worker(backend: str, model: str | None, data: Path, dev_model: str | None) -> dict[str, object]:
    """Runs in a subprocess: load, tag every split, report scores, speed and peak memory."""
    import torch

    torch.set_num_threads(1)
    from kg.ner.base import load_tagger

    start = time.perf_counter()
    tagger = load_tagger(backend, model)
    load_s = time.perf_counter() - start
    _, dev = split_dev(read_conll(data / "train.txt"), 0.1)
    out: dict[str, object] = {"load_s": load_s, "rows": {}}
    rows: dict[str, object] = {}
    total_tokens, total_s = 0, 0.0
    for name, file in SPLITS:
        sentences = dev if file is None else read_conll(data / file)
        runner = tagger
        if file is None and dev_model is not None:
            runner = load_tagger(backend, dev_model)
        tokens = [[t for t, _ in s] for s in sentences]
        t0 = time.perf_counter()
        pred = runner.tag(tokens)
        dt = time.perf_counter() - t0
        if runner is tagger:
            total_tokens += sum(map(len, tokens))
            total_s += dt
        scores = evaluate([[lab for _, lab in s] for s in sentences], pred)
        rows[name] = {k: [v.precision, v.recall, v.f1, v.support] for k, v in scores.items()}
    out["rows"] = rows
    out["tokens_per_s"] = total_tokens / total_s
    out["peak_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


def _cell(v: list[float] | None) -> str:
    if not v:
        return "–"
    return f"{100 * v[0]:.1f} / {100 * v[1]:.1f} / **{100 * v[2]:.1f}**"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--clean-dev", action="store_true", help="retrain the crf without dev first")
    ap.add_argument("--backends", default="crf,camel")
    ap.add_argument(
        "--dev-model", type=Path, help="an existing crf model trained without dev (clean dev row)"
    )
    ap.add_argument("--worker", nargs=4, metavar=("BACKEND", "MODEL", "DATA", "DEV_MODEL"),
                    help=argparse.SUPPRESS)  # fmt: skip
    args = ap.parse_args()
    if args.worker:
        b, m, d, dm = args.worker
        print(json.dumps(worker(b, m or None, Path(d), dm or None)))
        return 0
    train_path = default_train_path()
    if train_path is None:
        print("ANERcorp not found (../shared/data/anercorp or $KG_DATA_DIR)", file=sys.stderr)
        return 2
    data = train_path.parent
    results = []
    with tempfile.TemporaryDirectory() as tmp_dir:
        tmp = Path(tmp_dir)
        for backend in args.backends.split(","):
            model, dev_model, label, size = "", "", backend, 0
            dev_note = "dev seen in training"
            if backend == "crf":
                label = "crf (default: CRF + word classes + document consistency)"
                size = _shipped_crf_size()
                if args.dev_model:
                    dev_model = str(args.dev_model)
                    dev_note = "dev clean (model trained without dev)"
                elif args.clean_dev:
                    from kg.ner.train import train_clean_dev

                    dev_model = str(train_clean_dev(train_path, tmp / "dev" / "m.crfsuite"))
                    dev_note = "dev clean (model trained without dev)"
            elif backend == "camel":
                camel_model, label = _camel_env(tmp)
                if camel_model == "":
                    sentences, _ = split_dev(read_conll(train_path), 0.1)
                    model = str(_tiny_bert(tmp / "tiny-bert", sentences))
                    size = _size(Path(model))
                dev_note = "dev unseen by the tiny BERT's 150 steps" if model else "dev"
            env = {**os.environ, **SINGLE_THREAD}
            proc = subprocess.run(
                [sys.executable, __file__, "--worker", backend, model, str(data), dev_model],
                capture_output=True, text=True, env=env, check=False,
            )  # fmt: skip
            if proc.returncode != 0:
                print(f"{backend}: failed\n{proc.stderr[-2000:]}", file=sys.stderr)
                continue
            res = json.loads(proc.stdout.strip().splitlines()[-1])
            results.append((label, dev_note, size, res))

    head = ["backend", "split", "overall P / R / F1", *(f"{t} P / R / F1" for t in TYPES)]
    head += ["tokens/s (1 core)", "peak MiB", "model MiB", "load s"]
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for label, dev_note, size, res in results:
        for name, _ in SPLITS:
            row = res["rows"][name]
            split = f"{name} ({dev_note})" if name == "dev" else name
            cells = [label, split, _cell(row.get("overall"))]
            cells += [_cell(row.get(t)) for t in TYPES]
            cells += [f"{res['tokens_per_s']:,.0f}", f"{res['peak_mib']:.0f}",
                      f"{size / 2**20:.1f}", f"{res['load_s']:.2f}"]  # fmt: skip
            print("| " + " | ".join(cells) + " |")
    print(f"\n{os.cpu_count()} CPUs visible; each backend in a single-threaded subprocess.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
