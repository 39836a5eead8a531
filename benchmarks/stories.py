"""Story grouping measured: precision and recall on the judged pairs, and its cost.

    python -m benchmarks.stories [--minhash]

Reads ANT and SaudiNewsNet whole (groups are transitive: a pair can be joined through a
third article), groups each with :mod:`search.indexing.stories`, and scores every pair of
``evaluation/story_pairs/pairs.tsv``: predicted *same* when both articles end in one
group. The pairs were sampled to be hard (half from the overlap bands where copies and
different stories meet), so these figures are lower bounds for an archive as a whole.
Reported twice: on all pairs, and on the half the thresholds were not chosen with (pairs
split by a hash of their ids; the thresholds of :mod:`search.analysis.stories` were tuned
on the other half, ``--split tune``).

``--minhash`` also scores the same decision on 128-value MinHash estimates (datasketch,
from ``requirements-bench.txt``) instead of exact counts: the measured reason for the
exact join. Writes the ``stories`` section of ``docs/benchmarks.md``.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import time
from collections.abc import Iterator

import numpy as np

from benchmarks.common import ROOT, SHARED, machine_line, table, unpacked_ant, write_section
from search.analysis.stories import boilerplate, one_story, story_text
from search.corpus import read_corpus
from search.document import Document
from search.indexing.stories import StoryItem, story_groups

PAIRS = ROOT / "evaluation" / "story_pairs" / "pairs.tsv"
SAUDI = SHARED / "data" / "saudinewsnet"


def in_half(row: dict[str, str], half: str) -> bool:
    """The pairs the thresholds were tuned on (``tune``), or the others (``test``)."""
    digest = hashlib.blake2b(f"{row['id_a']}|{row['id_b']}".encode(), digest_size=2).digest()
    return (digest[0] % 2 == 0) == (half == "tune")


def score(rows: list[dict[str, str]], same: dict[tuple[str, str], bool]) -> dict[str, float]:
    tp = sum(1 for r in rows if r["label"] == "same" and same[(r["id_a"], r["id_b"])])
    fp = sum(1 for r in rows if r["label"] != "same" and same[(r["id_a"], r["id_b"])])
    fn = sum(1 for r in rows if r["label"] == "same" and not same[(r["id_a"], r["id_b"])])
    return {
        "pairs": len(rows),
        "precision": tp / (tp + fp) if tp + fp else 1.0,
        "recall": tp / (tp + fn) if tp + fn else 1.0,
        "tp": tp,
        "fp": fp,
        "fn": fn,
    }


def corpora() -> Iterator[tuple[str, list[Document]]]:
    with unpacked_ant() as ant:
        yield "ant", list(read_corpus([ant]))
    yield "snn", list(read_corpus([SAUDI]))


def minhash_same(items: list[StoryItem], wanted: set[tuple[str, str]]) -> dict:
    """The same decision on MinHash estimates of the common shingles."""
    from datasketch import MinHash  # bench-only dependency

    position = {item.id: i for i, item in enumerate(items)}
    signatures: dict[str, MinHash] = {}
    for pair in wanted:
        for doc_id in pair:
            if doc_id not in signatures:
                minhash = MinHash(num_perm=128, seed=1)
                minhash.update_batch(
                    [int(h).to_bytes(4, "little") for h in items[position[doc_id]].shingles]
                )
                signatures[doc_id] = minhash
    decided = {}
    for a, b in wanted:
        size_a, size_b = len(items[position[a]].shingles), len(items[position[b]].shingles)
        jaccard = signatures[a].jaccard(signatures[b])
        common = round(jaccard * (size_a + size_b) / (1 + jaccard))
        decided[(a, b)] = one_story(common, size_a, size_b)
    return decided


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--minhash", action="store_true", help="also score MinHash estimates")
    parser.add_argument("--split", choices=("tune", "test"), default="test")
    args = parser.parse_args()
    rows = list(csv.DictReader(PAIRS.open(encoding="utf-8"), delimiter="\t"))
    same: dict[tuple[str, str], bool] = {}
    estimated: dict[tuple[str, str], bool] = {}
    cost = []
    for name, documents in corpora():
        started = time.perf_counter()
        texts = [story_text(d.body) for d in documents]
        sources = [d.sources[0] if d.sources else "" for d in documents]
        common = boilerplate(zip(sources, texts, strict=True))
        items = [
            StoryItem(d.id, d.date, text.without(common))
            for d, text in zip(documents, texts, strict=True)
        ]
        shingled = time.perf_counter()
        groups = story_groups(items)
        grouped = time.perf_counter()
        group_of = {item.id: group for item, group in zip(items, groups, strict=True)}
        wanted = {(r["id_a"], r["id_b"]) for r in rows if r["corpus"] == name}
        same.update({(a, b): group_of[a] == group_of[b] for a, b in wanted})
        if args.minhash:
            estimated.update(minhash_same(items, wanted))
        sizes = np.unique(np.array(groups), return_counts=True)[1]
        cost.append(
            [
                name,
                f"{len(documents):,}",
                f"{(shingled - started):.1f} s",
                f"{(grouped - shingled):.1f} s",
                f"{int((sizes > 1).sum()):,}",
                f"{int(sizes[sizes > 1].sum()):,}",
                f"{int(sizes.max())}",
            ]
        )
    quality = []
    for label, subset in (
        ("all pairs", rows),
        (f"{args.split} half", [r for r in rows if in_half(r, args.split)]),
        ("ANT", [r for r in rows if r["corpus"] == "ant"]),
        ("SaudiNewsNet", [r for r in rows if r["corpus"] == "snn"]),
    ):
        for method, decided in (("exact", same), ("minhash-128", estimated)):
            if not decided:
                continue
            s = score(subset, decided)
            quality.append(
                [
                    label,
                    method,
                    str(s["pairs"]),
                    f"{s['precision']:.3f}",
                    f"{s['recall']:.3f}",
                    f"{s['tp']}/{s['fp']}/{s['fn']}",
                ]
            )
    markdown = "\n\n".join(
        [
            "## Story groups (issue 16, point 1)",
            machine_line(),
            "Precision and recall of *same story* on the judged pairs "
            "(`evaluation/story_pairs`; a pair is predicted same when both articles end in "
            "one group of the whole corpus). `minhash-128` is the same rule on MinHash "
            "estimates (pairwise, no grouping). tp/fp/fn: true and false positives, misses.",
            table(["pairs", "method", "n", "precision", "recall", "tp/fp/fn"], quality),
            "Cost on the whole corpus (shingling includes the boilerplate count; grouping is "
            "the join and the union of pairs):",
            table(
                ["corpus", "articles", "shingling", "grouping", "groups", "in groups", "largest"],
                cost,
            ),
        ]
    )
    print(markdown)
    write_section("stories", markdown)


if __name__ == "__main__":
    main()
