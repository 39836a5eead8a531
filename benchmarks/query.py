"""``python -m benchmarks query``: latency of 200 realistic queries on the ANT index.

Queries are made from ANT's own titles, the way readers search a news archive: one to
three frequent title words, quoted phrases taken from titles, a few whole headlines
pasted into the box, and some with a source filter or sorted by date. Each goes through
:func:`search.searching.search`, the function the web app and ``python -m search query``
call, so the time includes query parsing, facets (sources, years, months: always
computed), "did you mean" when few documents match, and highlighted snippets.

Three passes (see :func:`time_queries`): right after opening the index, warm, and with
the posting cache off. The goal is p95 ≤ 30 ms.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import logging
import math
import pstats
import random
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.common import (
    ANT_ARCHIVE,
    machine_info,
    machine_line,
    table,
    unpacked_ant,
    write_section,
)
from search.analysis import analyze
from search.corpus import read_corpus
from search.searching import Index, SearchRequest, index_stats, open_index, search

GOAL_P95_MS = 30.0
SEED = 20180201  # fixed, so every run times the same queries


@dataclass(frozen=True, slots=True)
class Query:
    kind: str
    params: dict[str, Any]


def _words(title: str) -> list[str]:
    """A title's searchable words as written (no stop words, no numbers, 3+ letters)."""
    return [
        t.text
        for t in analyze(title)
        if not t.stopped and len(t.exact) >= 3 and not any(c.isdigit() for c in t.text)
    ]


def _slip(rng: random.Random, word: str) -> str:
    """``word`` with one typing slip: an inner letter dropped, or two letters swapped."""
    i = rng.randrange(1, len(word) - 1)
    if rng.random() < 0.5:
        return word[:i] + word[i + 1 :]
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


def make_queries(titles: list[str], sources: list[str], count: int = 200) -> list[Query]:
    """``count`` queries in fixed proportions, from ANT's titles and sources."""
    rng = random.Random(SEED)
    frequency: Counter[str] = Counter()
    for title in titles:
        frequency.update(set(_words(title)))
    frequent = [w for w, _ in frequency.most_common(300)]
    long_titles = [t for t in titles if len(t.split()) >= 9]
    plan = {
        "1 word": 0.25,
        "2 words": 0.20,
        "3 words": 0.15,
        "phrase": 0.10,
        "pasted headline": 0.05,
        "source filter": 0.10,
        "newest / oldest": 0.10,
        "typo": 0.05,  # what "did you mean" is for: it looks the index up for corrections
    }
    queries: list[Query] = []
    for kind, share in plan.items():
        for _ in range(round(share * count)):
            if kind.endswith(("word", "words")):
                q = " ".join(rng.sample(frequent, int(kind[0])))
                params: dict[str, Any] = {"q": q}
            elif kind == "phrase":
                words: list[str] = []
                while len(words) < 3:
                    words = _words(rng.choice(titles))
                start = rng.randrange(len(words) - 1)
                params = {"q": '"' + " ".join(words[start : start + rng.choice((2, 3))]) + '"'}
            elif kind == "pasted headline":
                params = {"q": rng.choice(long_titles)}
            elif kind == "source filter":
                q = " ".join(rng.sample(frequent, rng.choice((1, 2))))
                params = {"q": q, "source": [rng.choice(sources)]}
            elif kind == "typo":
                others = rng.sample(frequent, rng.choice((0, 1)))
                params = {"q": " ".join([_slip(rng, rng.choice(frequent)), *others])}
            else:
                q = " ".join(rng.sample(frequent, rng.choice((1, 2))))
                params = {"q": q, "sort": rng.choice(("newest", "oldest"))}
            queries.append(Query(kind, params))
    return queries[:count]


def positions_by_kind(queries: list[Query]) -> dict[str, list[int]]:
    """Each kind of query's places in ``queries``, in the order the kinds come."""
    kinds: dict[str, list[int]] = {}
    for i, query in enumerate(queries):
        kinds.setdefault(query.kind, []).append(i)
    return kinds


def percentile(values: list[float], p: float) -> float:
    """The p-th percentile (nearest rank), as latency reports usually mean it."""
    ordered = sorted(values)
    if not ordered:
        return 0.0
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


@dataclass
class Timings:
    """Milliseconds per query for each pass, each query's total hits, and the cache."""

    first: list[float]
    warm: list[float]
    uncached: list[float]
    totals: list[int]
    snapshot_ms: float
    cache_mb: float


@dataclass
class Passes:
    """Three passes over one set of requests (milliseconds per request) and what the
    posting cache held after the warm one."""

    first: list[float]
    warm: list[float]
    uncached: list[float]
    totals: list[int]
    cache_bytes: int
    cache_budget: int
    after_warm: Any = None


def three_passes(handle: Index, requests: list[SearchRequest], after_warm: Any = None) -> Passes:
    """First pass: the posting cache starts empty and fills as requests come (the first
    also maps the per-document arrays). Second pass: the same again, postings decoded.
    Third pass: the cache turned off, so every request decodes all of its words'
    postings: the worst case, a server that never saw these words. ``after_warm()``,
    if given, is called after the warm pass (to read memory there); its value is kept.
    """
    cache = handle.reader().cache  # type: ignore[attr-defined]  # the embedded engine's postings
    budget = cache.max_bytes
    cache.resize(0)
    cache.resize(budget)
    totals: list[int] = []

    def run() -> list[float]:
        times = []
        for request in requests:
            started = time.perf_counter()
            response = search(handle, request)
            times.append((time.perf_counter() - started) * 1000)
            if len(totals) < len(requests):
                totals.append(response.total)
        return times

    first = run()
    warm = run()
    measured = after_warm() if after_warm is not None else None
    cache_bytes = cache.bytes
    cache.resize(0)
    uncached = run()
    cache.resize(budget)
    return Passes(first, warm, uncached, totals, cache_bytes, budget, measured)


def time_queries(root: Path, queries: list[Query]) -> tuple[Timings, Index]:
    """:func:`three_passes` on one freshly opened index, and how long a second handle
    takes to open the index and map its arrays."""
    handle = open_index(root)
    passes = three_passes(handle, [SearchRequest.from_params(q.params) for q in queries])
    # A second handle opens the index afresh; its first call maps the arrays.
    started = time.perf_counter()
    index_stats(open_index(root))
    snapshot_ms = (time.perf_counter() - started) * 1000
    timings = Timings(
        passes.first,
        passes.warm,
        passes.uncached,
        passes.totals,
        snapshot_ms,
        passes.cache_bytes / 2**20,
    )
    return timings, handle


#: Naba's own modules a search goes through (the profile breakdown looks only at these).
_OWN = ("search/engine/whoosh_engine.py", "search/searching.py", "search/highlight.py",
        "search/suggest.py", "search/query.py")  # fmt: skip


# The entry point itself, and the engine's one-reader-at-a-time wrapper
# (``whoosh_engine._reading``), whose time is that of every method it wraps.
_SKIPPED = {"search", "locked"}


def breakdown(handle: Index, queries: list[Query], top: int = 6) -> list[tuple[str, float]]:
    """The functions of Naba's search path that take the most time, with their share.

    From a profiled (untimed) pass over the queries: profiling slows everything, roughly
    evenly, so only shares are kept. Shares are cumulative (a function's share includes
    what it calls), so they overlap. Found by file, not by name, so the breakdown follows
    the code as it changes.
    """
    requests = [SearchRequest.from_params(q.params) for q in queries]
    profiler = cProfile.Profile()
    profiler.enable()
    for request in requests:
        search(handle, request)
    profiler.disable()
    stats = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
    code = search.__code__
    entry = stats.get((code.co_filename, code.co_firstlineno, code.co_name))
    total = entry[3] if entry else 0.0
    if not total:
        return []
    parts = [
        (f"`{Path(file).stem}.{name}`", value[3] / total)
        for (file, _, name), value in stats.items()
        if file.endswith(_OWN) and name not in _SKIPPED and not name.startswith("<")
    ]
    return sorted(parts, key=lambda part: -part[1])[:top]


@contextlib.contextmanager
def ant_index(given: str | None) -> Iterator[Path]:
    """The index root to query: the one given, or ANT indexed into a temporary folder."""
    if given:
        yield Path(given)
        return
    from search.indexing import reindex

    with unpacked_ant() as ant, tempfile.TemporaryDirectory(prefix="naba-bench-q-") as tmp:
        print("indexing ANT (use --index DIR to reuse an index) …", file=sys.stderr, flush=True)
        summary = reindex([ant], index=Path(tmp) / "index", full=True)
        print(f"  {summary.documents:,} documents in {summary.seconds:.0f} s", file=sys.stderr)
        yield Path(tmp) / "index"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks query")
    parser.add_argument("--index", help="an ANT index root to query (default: build one)")
    parser.add_argument("--count", type=int, default=200, help="number of queries")
    parser.add_argument("--no-record", action="store_true", help="leave docs/benchmarks.md alone")
    args = parser.parse_args(argv)

    logging.getLogger("search.corpus").setLevel(logging.ERROR)
    info = machine_info()
    titles, source_counts = [], Counter[str]()
    for doc in read_corpus([ANT_ARCHIVE]):
        titles.append(doc.title)
        source_counts.update(doc.sources)
    queries = make_queries(titles, [s for s, _ in source_counts.most_common()], args.count)
    with ant_index(args.index) as root:
        timings, handle = time_queries(root, queries)
        parts = breakdown(handle, queries)
    warm, totals = timings.warm, timings.totals

    rows = []
    for label, times in (
        ("first pass (empty posting cache)", timings.first),
        ("second pass (warm)", warm),
        ("third pass (posting cache off)", timings.uncached),
    ):
        rows.append(
            [
                label,
                f"{statistics.median(times):.1f} ms",
                f"{percentile(times, 95):.1f} ms",
                f"{max(times):.1f} ms",
                f"{statistics.fmean(times):.1f} ms",
            ]
        )
    by_kind = positions_by_kind(queries)
    kind_rows = [
        [
            kind,
            str(len(idx)),
            f"{statistics.median(totals[i] for i in idx):,.0f}",
            f"{statistics.median(warm[i] for i in idx):.1f} ms",
            f"{percentile([warm[i] for i in idx], 95):.1f} ms",
        ]
        for kind, idx in by_kind.items()
    ]
    p95 = percentile(warm, 95)
    verdict = "met" if p95 <= GOAL_P95_MS else "**missed**"
    others = "; ".join(
        f"{name} {value:.1f} ms ({'met' if value <= GOAL_P95_MS else 'missed'})"
        for name, value in (
            ("first pass", percentile(timings.first, 95)),
            ("cache off", percentile(timings.uncached, 95)),
        )
    )
    slowest = sorted(range(len(queries)), key=lambda i: -warm[i])[:3]
    slow_text = "; ".join(
        f"`{queries[i].params}` {warm[i]:.0f} ms ({totals[i]:,} hits)" for i in slowest
    )
    index_text = (
        "the 2-process build of `python -m benchmarks index --keep DIR`, after its incremental runs"
        if args.index
        else "built here with `reindex --full`"
    )
    parts_text = ", ".join(f"{label} {share:.0%}" for label, share in parts) or "not measured"
    section = f"""## Queries

{machine_line(info)}

`python -m benchmarks query`: {len(queries)} queries made from ANT's titles (fixed seed) on the
ANT index ({index_text}), each through `search.searching.search` with facets, snippets and
"did you mean", 10 hits per page.

{table(["pass", "median", "p95", "max", "mean"], rows)}

By kind (warm pass):

{table(["kind", "queries", "median hits", "median", "p95"], kind_rows)}

Goal p95 ≤ {GOAL_P95_MS:.0f} ms (warm): {verdict} ({p95:.1f} ms); {others}. Slowest (warm):
{slow_text}.

Postings are decoded from Whoosh's blocks into numpy arrays once per word and kept in a
bounded cache (`NABA_CACHE_MB`, default 128): after the first two passes it held
{timings.cache_mb:.0f} MB. The first query on a newly opened index (or after a reindex)
also builds the per-document arrays for filters, facets and scoring: {timings.snapshot_ms:.0f} ms
here, part of the first pass's maximum.

Where the time goes (share of `search()` spent in each of Naba's slowest functions,
cumulative, from a profiled fourth pass, warm): {parts_text}.
"""
    print(section)
    if not args.no_record:
        print(f"recorded in {write_section('query', section)}")
    return 0
