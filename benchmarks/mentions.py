"""Mention-level scores of the whole extractor stack (NER backend + rule extractors) on CoNLL text.

    python benchmarks/mentions.py ../shared/data/wojood-sample/val.txt
    python benchmarks/mentions.py FILE --rules org-grammar,place-names --show added

``kg ner eval`` scores the tagger alone; this scores what ``kg build`` keeps as mentions: every
rule extractor's spans merged with the tagger's by :func:`kg.ner.base.merge_mentions`. Sentences
become documents of ``--sentences`` lines each; a mention counts when its characters and type
match a gold span exactly. Wojood's nested, 21-type labels are read from the outermost column,
with GPE, LOC and FAC scored as places and NORP, OCC and the numeric types left out. Prints one
markdown table (precision, recall, F1 per type) for the tagger alone and for tagger + rules, and
with ``--show added`` the spans the rules add, marked right or wrong.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

from kg.extract import annotate
from kg.model import Document, EntityType
from kg.ner.base import RULE_EXTRACTORS, load_extractors
from kg.ner.conll import bio_spans
from kg.ner.cues import read_typed

TYPE_OF_ENTITY = {
    EntityType.PERSON: "PERS",
    EntityType.ORGANIZATION: "ORG",
    EntityType.PLACE: "LOC",
    EntityType.MISC: "MISC",
}
Span = tuple[int, int, str]


def gold_spans(sentence: list[tuple[str, str]], offset: int) -> tuple[str, list[Span]]:
    """The sentence's text (tokens joined by spaces) and its gold (start, end, type) spans,
    character offsets counted from ``offset``."""
    starts: list[int] = []
    position = offset
    for token, _ in sentence:
        starts.append(position)
        position += len(token) + 1
    spans = [
        (starts[first], starts[end - 1] + len(sentence[end - 1][0]), kind)
        for first, end, kind in bio_spans([label for _, label in sentence])
    ]
    return " ".join(token for token, _ in sentence), spans


def documents(path: Path, size: int) -> list[tuple[Document, set[Span]]]:
    out: list[tuple[Document, set[Span]]] = []
    sentences = read_typed(path)
    for number, first in enumerate(range(0, len(sentences), size)):
        lines: list[str] = []
        gold: set[Span] = set()
        offset = 0
        for sentence in sentences[first : first + size]:
            text, spans = gold_spans(sentence, offset)
            lines.append(text)
            gold.update(spans)
            offset += len(text) + 1
        out.append((Document(f"{path.stem}-{number}", "\n".join(lines)), gold))
    return out


def predicted(doc: Document, extractors: list) -> set[Span]:
    mentions = annotate(doc, extractors).mentions
    return {(m.start, m.end, TYPE_OF_ENTITY[m.type]) for m in mentions}


def table(counts: dict[str, Counter[str]]) -> list[str]:
    rows = ["| extractors | type | precision | recall | F1 | gold |", "|---|---|---|---|---|---|"]
    for name, count in counts.items():
        for kind in ("PERS", "ORG", "LOC", "all"):
            tp, pred, gold = count[kind + ":tp"], count[kind + ":pred"], count[kind + ":gold"]
            p = tp / pred if pred else 0.0
            r = tp / gold if gold else 0.0
            f = 2 * p * r / (p + r) if p + r else 0.0
            rows.append(f"| {name} | {kind} | {p:.3f} | {r:.3f} | {f:.3f} | {gold} |")
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("file", type=Path, help="CoNLL file: token and label(s) per line")
    ap.add_argument("--ner", default="crf", help="NER backend (default: crf)")
    ap.add_argument("--rules", default=",".join(RULE_EXTRACTORS), help="rule extractors")
    ap.add_argument("--sentences", type=int, default=20, help="sentences per document")
    ap.add_argument("--show", choices=("added",), help="list the spans the rules add")
    args = ap.parse_args(argv)
    if not args.file.is_file():
        print(f"{args.file}: no such file", file=sys.stderr)
        return 2
    rules = [r for r in args.rules.split(",") if r]
    stacks = {
        "tagger": load_extractors(args.ner),
        "tagger + rules": load_extractors(args.ner, rules=rules),
    }
    counts: dict[str, Counter[str]] = {name: Counter() for name in stacks}
    added: list[str] = []
    for doc, gold in documents(args.file, args.sentences):
        found = {name: predicted(doc, extractors) for name, extractors in stacks.items()}
        for name, spans in found.items():
            count = counts[name]
            for kind in ("PERS", "ORG", "LOC"):
                count[kind + ":tp"] += len({s for s in spans & gold if s[2] == kind})
                count[kind + ":pred"] += sum(1 for s in spans if s[2] == kind)
                count[kind + ":gold"] += sum(1 for s in gold if s[2] == kind)
            scored = {s for s in spans if s[2] != "MISC"}
            count["all:tp"] += len(scored & gold)
            count["all:pred"] += len(scored)
            count["all:gold"] += sum(1 for s in gold if s[2] != "MISC")
        if args.show:
            for span in sorted(found["tagger + rules"] - found["tagger"]):
                mark = "+" if span in gold else "-"
                added.append(f"{mark} {span[2]} {doc.text[span[0] : span[1]]}")
    print("\n".join(table(counts)))
    if added:
        print("\n".join(added))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
