"""``python -m benchmarks.retrieval``: what issue 15's retrieval changes cost a query.

The query benchmark's 200 queries (:func:`benchmarks.query.make_queries`, from ANT's
titles, each through :func:`search.searching.search`) run on one ANT index with two
versions of Naba in turn: this checkout, and the revision before the changes
(``--before``, checked out in a git worktree beside this one while it runs). The queries
are made once, here, and handed to both; the index is the same for both (this version's,
with its learned spelling variants: the older one ignores them). The runs alternate,
``--rounds`` each, so that a busy machine slows both alike, and each query keeps its best
time over a side's rounds: a query's own cost, with the machine's noise taken out the
same way for both. The goal: warm latency within 20 % of the version before.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import statistics
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

from benchmarks.common import ANT_ARCHIVE, machine_info, machine_line, table, write_section
from benchmarks.query import make_queries, percentile, positions_by_kind
from search.corpus import read_corpus
from search.settings import ROOT

#: The last commit before issue 15's changes (ranked tiers, variants, corrections).
BEFORE = "bb18a23"
GOAL = 1.20
#: Run in each version's tree: one pass to fill the posting cache, then the warm pass,
#: each query's milliseconds printed as JSON. Only what both versions have is used.
_TIMER = """
import json, sys, time
from search.searching import SearchRequest, open_index, search
params = json.load(open(sys.argv[2], encoding="utf-8"))
handle = open_index(sys.argv[1])
requests = [SearchRequest.from_params(p) for p in params]
for request in requests:
    search(handle, request)
times = []
for request in requests:
    started = time.perf_counter()
    search(handle, request)
    times.append((time.perf_counter() - started) * 1000)
print(json.dumps(times))
"""


def one_run(tree: Path, index: str, queries: Path, python: str) -> list[float]:
    """Each query's warm time, in ms, in the version checked out in ``tree``."""
    done = subprocess.run(
        [python, "-c", _TIMER, index, str(queries)],
        cwd=tree,
        env={**os.environ, "PYTHONPATH": str(tree)},
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        raise RuntimeError(f"the timing failed in {tree}:\n{done.stderr[-3000:]}")
    return [float(t) for t in json.loads(done.stdout.strip().splitlines()[-1])]


def figures(times: list[float]) -> tuple[float, float, float]:
    """(median, p95, mean) in ms."""
    return statistics.median(times), percentile(times, 95), statistics.fmean(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.retrieval")
    parser.add_argument("--index", required=True, help="an ANT index root (built by reindex)")
    parser.add_argument("--before", default=BEFORE, help="the revision to compare with")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-record", action="store_true")
    args = parser.parse_args(argv)
    python = sys.executable
    logging.getLogger("search.corpus").setLevel(logging.ERROR)
    titles, source_counts = [], Counter[str]()
    for doc in read_corpus([ANT_ARCHIVE]):
        titles.append(doc.title)
        source_counts.update(doc.sources)
    queries = make_queries(titles, [s for s, _ in source_counts.most_common()])
    # Beside this checkout, so that its ``../shared`` (the ANT archive) is found there too.
    before = ROOT.parent / f".naba-before-{os.getpid()}"
    subprocess.run(
        ["git", "worktree", "add", "--detach", str(before), args.before],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    runs: dict[str, list[list[float]]] = {"before": [], "after": []}
    try:
        with tempfile.TemporaryDirectory(prefix="naba-retrieval-") as tmp:
            given = Path(tmp) / "queries.json"
            given.write_text(json.dumps([q.params for q in queries], ensure_ascii=False), "utf-8")
            for _ in range(args.rounds):
                for name, tree in (("before", before), ("after", ROOT)):
                    runs[name].append(one_run(tree, args.index, given, python))
                    print(name, *(f"{v:.2f}" for v in figures(runs[name][-1])), flush=True)
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", str(before)], cwd=ROOT, check=False)
    best = {name: [min(t) for t in zip(*rounds, strict=True)] for name, rounds in runs.items()}
    measured = {name: figures(times) for name, times in best.items()}
    ratio_median = measured["after"][0] / measured["before"][0]
    ratio_p95 = measured["after"][1] / measured["before"][1]
    verdict = "met" if max(ratio_median, ratio_p95) <= GOAL else "**missed**"
    rows = [
        [name, f"{v[0]:.2f} ms", f"{v[1]:.2f} ms", f"{v[2]:.2f} ms"]
        for name, v in (
            ("before (" + args.before + ")", measured["before"]),
            ("after", measured["after"]),
        )
    ]
    kinds = positions_by_kind(queries)
    kind_rows = [
        [
            kind,
            str(len(idx)),
            f"{statistics.median(best['before'][i] for i in idx):.2f} ms",
            f"{statistics.median(best['after'][i] for i in idx):.2f} ms",
            f"{max(best['before'][i] for i in idx):.2f} ms",
            f"{max(best['after'][i] for i in idx):.2f} ms",
        ]
        for kind, idx in kinds.items()
    ]
    kind_table = table(
        ["queries", "n", "median before", "median after", "slowest before", "slowest after"],
        kind_rows,
    )
    section = f"""## What issue 15's retrieval changes cost

{machine_line(machine_info())}

`python -m benchmarks.retrieval --index INDEX`: the query benchmark's {len(queries)} queries
(warm) on one ANT index, run by the revision before issue 15 ({args.before}) and by this one,
alternated, {args.rounds} rounds each; each query's best time of a side's rounds. This one
ranks every match in tiers (any word matches), searches spelling variants learned from ANT,
and looks for corrections its own way.

{table(["version", "median", "p95", "mean"], rows)}

After / before: median ×{ratio_median:.2f}, p95 ×{ratio_p95:.2f}. Goal ≤ ×{GOAL:.2f}: {verdict}.

{kind_table}
"""
    print(section)
    if not args.no_record:
        write_section("retrieval-cost", section)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
