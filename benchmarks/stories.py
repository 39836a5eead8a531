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
exact join. ``--cost`` measures what grouping costs the product, in one run: a full
reindex of ANT with story groups and without (the same code with the story steps
replaced by nothing, builds alternated, the best of two each), then the 200 queries of
the query benchmark on the grouped index, warm, with ``group=on`` and ``group=off``.
Writes the ``stories`` (and with ``--cost`` the ``stories-cost``) section of
``docs/benchmarks.md``.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import hashlib
import shutil
import statistics
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from unittest import mock

import numpy as np

from benchmarks.common import ROOT, SHARED, machine_line, table, unpacked_ant, write_section
from benchmarks.query import make_queries, percentile, three_passes
from search import indexing
from search.analysis.stories import StoryText, boilerplate, one_story, story_text
from search.corpus import read_corpus
from search.document import Document
from search.engine import open_index, whoosh_writing
from search.indexing import reindex
from search.indexing.stories import StoryItem, story_groups
from search.searching import SearchRequest

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
        # Sizes of the sets: an article may repeat a shingle (the join counts it once).
        size_a = len(np.unique(items[position[a]].shingles))
        size_b = len(np.unique(items[position[b]].shingles))
        jaccard = signatures[a].jaccard(signatures[b])
        common = round(jaccard * (size_a + size_b) / (1 + jaccard))
        decided[(a, b)] = one_story(common, size_a, size_b)
    return decided


@contextlib.contextmanager
def without_stories() -> Iterator[None]:
    """The reindex with its story steps replaced by nothing (for the comparison only):
    no story text made while writing, no grouping at commit."""
    empty = StoryText(np.zeros(0, np.uint32), np.zeros(0, np.int32), np.zeros(0, np.uint64))
    with (
        mock.patch.object(whoosh_writing, "story_text", lambda body: empty),
        mock.patch.object(indexing, "Grouping", lambda summary: lambda articles: {}),
    ):
        yield


def story_cost() -> str:
    rows = []
    with unpacked_ant() as ant, tempfile.TemporaryDirectory() as tmp:
        best: dict[str, tuple[float, float]] = {}
        for run in range(4):
            grouped = run % 2 == 1
            where = Path(tmp) / f"index-{run}"
            with contextlib.nullcontext() if grouped else without_stories():
                started = time.perf_counter()
                summary = reindex([ant], index=where, full=True)
                seconds = time.perf_counter() - started
            label = "with story groups" if grouped else "without"
            if label not in best or seconds < best[label][0]:
                best[label] = (seconds, summary.story_seconds)
            if not grouped:
                shutil.rmtree(where)
        documents = summary.documents
        base = best["without"][0]
        for label, (seconds, story_seconds) in best.items():
            rows.append(
                [
                    label,
                    f"{seconds:.1f} s",
                    f"{documents / seconds:.0f}",
                    f"{(seconds / base - 1) * 100:+.1f} %",
                    f"{story_seconds:.1f} s" if story_seconds else "—",
                ]
            )
        docs = list(read_corpus([ant]))
        titles = [d.title for d in docs]
        queries = make_queries(titles, sorted({s for d in docs for s in d.sources}))
        handle = open_index(Path(tmp) / "index-3")
        latency = []
        for group in ("off", "on"):
            requests = [SearchRequest.from_params({**q.params, "group": group}) for q in queries]
            passes = three_passes(handle, requests)
            latency.append(
                [
                    f"group={group}",
                    f"{statistics.median(passes.warm):.1f} ms",
                    f"{percentile(passes.warm, 95):.1f} ms",
                ]
            )
    return "\n\n".join(
        [
            "## What story groups cost (issue 16, point 1)",
            machine_line(),
            f"A full reindex of ANT ({documents:,} articles, two processes), the best of two "
            "builds each, alternated: without the story steps, and with them (each article's "
            "story text made by the writing processes and stored, the groups found at the commit):",
            table(["reindex", "time", "docs/s", "against without", "grouping"], rows),
            "The query benchmark's 200 queries on the grouped index, warm:",
            table(["searches", "median", "p95"], latency),
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--minhash", action="store_true", help="also score MinHash estimates")
    parser.add_argument("--split", choices=("tune", "test"), default="test")
    parser.add_argument("--cost", action="store_true", help="also time reindex and queries")
    args = parser.parse_args()
    if args.cost:
        measured = story_cost()
        print(measured)
        write_section("stories-cost", measured)
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
