"""Print sampled pairs side by side for judging (the viewer the labels in pairs.tsv came from).

Usage (from the repository root)::

    python evaluation/story_pairs/show.py --sample evaluation/story_pairs/sample.tsv \\
        --texts /tmp/story_pairs_texts.jsonl --start 0 --count 10 [--chars 800] [--full]

``--texts`` is the JSON Lines file ``sample.py --texts`` wrote. Rows are numbered from 0
in the order of the sample file.

For each pair it prints the signals, both titles, a word-overlap summary and the start of
both texts (B's sentences found in A cut to 30 characters, unless ``--full``), each
sentence prefixed by a mark: ``=`` when at least half of its word
5-shingles occur in the other text, ``~`` when some do (a fifth to a half), a space when
(almost) none do. The *sentence map* is the same marks for the whole text, in order,
so a copy shows as ``=====`` and a shared trailer (a block of related-story teasers
appended by the crawler) as ``    ===`` at the end. Words are compared in Naba's exact
form (:mod:`search.analysis`), so spelling variants of hamza, ya and ta marbuta match.
*Covered* is the share of a text's words that lie in a 5-word run also found in the other
text: how much of each article is common text (rewording lowers it).
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repository root

from search.analysis.analyzers import find_words, word_forms

_SENTENCE_END = re.compile(r"(?<=[.!?؟])\s+|\n+")


def words(text: str) -> list[str]:
    return [f for f in (word_forms(w).exact for w in find_words(text)) if f]


def shingle_set(ws: list[str], n: int = 5) -> set[tuple[str, ...]]:
    return {tuple(ws[i : i + n]) for i in range(len(ws) - n + 1)}


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(text) if s and s.strip()]


def marks(sents: list[str], other: set[tuple[str, ...]]) -> list[str]:
    out = []
    for s in sents:
        sh = shingle_set(words(s))
        if not sh:
            out.append(".")  # too short to tell (under five words)
            continue
        share = len(sh & other) / len(sh)
        out.append("=" if share >= 0.5 else "~" if share >= 0.2 else " ")
    return out


def coverage(ws: list[str], other: set[tuple[str, ...]], n: int = 5) -> float:
    """Share of a text's words that lie inside a word 5-shingle found in the other text."""
    covered = [False] * len(ws)
    for i in range(len(ws) - n + 1):
        if tuple(ws[i : i + n]) in other:
            covered[i : i + n] = [True] * n
    return sum(covered) / len(ws) if ws else 0.0


def longest_run(a: list[str], b: list[str]) -> int:
    """Longest common run of words (dynamic programming over the shorter text)."""
    best = 0
    prev = [0] * (len(b) + 1)
    for x in a:
        cur = [0] * (len(b) + 1)
        for j, y in enumerate(b, 1):
            if x == y:
                cur[j] = prev[j - 1] + 1
                if cur[j] > best:
                    best = cur[j]
        prev = cur
    return best


def show_pair(n: int, row: dict, texts: dict, chars: int, full: bool) -> None:
    a, b = texts[row["id_a"]], texts[row["id_b"]]
    wa, wb = words(a["body"]), words(b["body"])
    sa, sb = shingle_set(wa), shingle_set(wb)
    sents_a, sents_b = sentences(a["body"]), sentences(b["body"])
    ma, mb = marks(sents_a, sb), marks(sents_b, sa)
    print(
        f"### [{n}] {row['corpus']} {row['stratum']}  J={row['jaccard']} "
        f"K={row['containment']} C={row['cosine']}"
    )
    for tag, d, w, m in (("A", a, wa, ma), ("B", b, wb, mb)):
        print(
            f"{tag} {d['id'][:90]} | {','.join(d['sources'])} {d['date']} | {len(w)} words, "
            f"{coverage(w, sb if tag == 'A' else sa):.0%} covered | "
            f"{m.count('=')}/{len(m)} sentences found in other"
        )
        print(f"  title: {d['title']}")
        print(f"  map: [{''.join(m)}]")
    print(f"  longest common run: {longest_run(wa[:1500], wb[:1500])} words")
    for tag, sents, m in (("A", sents_a, ma), ("B", sents_b, mb)):
        print(f"--- {tag}")
        used = 0
        for s, k in zip(sents, m, strict=True):
            if not full and used >= chars:
                print(f"   [... {len(sents) - sents.index(s)} more sentences]")
                break
            if tag == "B" and k == "=" and not full:
                s = s[:30] + " …" if len(s) > 30 else s  # (read in A)
            print(f" {k} {s}")
            used += len(s)
    print()


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--sample", type=Path, default=Path(__file__).with_name("sample.tsv"))
    p.add_argument("--texts", type=Path, required=True)
    p.add_argument("--start", type=int, default=0)
    p.add_argument("--count", type=int, default=10)
    p.add_argument("--chars", type=int, default=800, help="characters of each text to show")
    p.add_argument("--full", action="store_true", help="show whole texts")
    args = p.parse_args(argv)
    texts = {}
    with args.texts.open(encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            texts[d["id"]] = d
    with args.sample.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
    for n in range(args.start, min(len(rows), args.start + args.count)):
        show_pair(n, rows[n], texts, args.chars, args.full)
    return 0


if __name__ == "__main__":
    sys.exit(main())
