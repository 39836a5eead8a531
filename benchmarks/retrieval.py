"""``python -m benchmarks.retrieval``: what issue 15's retrieval changes cost a query.

The query benchmark (:mod:`benchmarks.query`: 200 queries from ANT's titles, through
:func:`search.searching.search`) runs on one ANT index with two versions of Naba in
turn: this checkout, and the revision before the changes (``--before``, checked out
in a git worktree beside this one while it runs). The index is the same for both (this
version's, with its learned spelling variants: the older one ignores them), and the
runs alternate,
``--rounds`` each, so that a busy machine slows both alike; each side's best round is
compared. The goal: warm latency within 20 % of the version before.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from pathlib import Path

from benchmarks.common import machine_info, machine_line, table, write_section
from search.settings import ROOT

#: The last commit before issue 15's changes (ranked tiers, variants, corrections).
BEFORE = "bb18a23"
GOAL = 1.20
_ROW = re.compile(
    r"^\| second pass \(warm\) \| ([\d.]+) ms \| ([\d.]+) ms \| [\d.]+ ms \| ([\d.]+) ms"
)


def one_run(tree: Path, index: str, python: str) -> tuple[float, float, float]:
    """(median, p95, mean) of the warm pass, in ms, of the query benchmark in ``tree``."""
    done = subprocess.run(
        [python, "-m", "benchmarks", "query", "--index", index, "--no-record"],
        cwd=tree,
        env={**os.environ, "PYTHONPATH": str(tree)},
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        raise RuntimeError(f"the query benchmark failed in {tree}:\n{done.stderr[-3000:]}")
    out = done.stdout
    for line in out.splitlines():
        found = _ROW.match(line)
        if found:
            return float(found.group(1)), float(found.group(2)), float(found.group(3))
    raise RuntimeError(f"no warm pass in the output of {tree}:\n{out[-2000:]}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.retrieval")
    parser.add_argument("--index", required=True, help="an ANT index root (built by reindex)")
    parser.add_argument("--before", default=BEFORE, help="the revision to compare with")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-record", action="store_true")
    args = parser.parse_args(argv)
    python = sys.executable
    # Beside this checkout, so that its ``../shared`` (the ANT archive) is found there too.
    before = ROOT.parent / f".naba-before-{os.getpid()}"
    subprocess.run(
        ["git", "worktree", "add", "--detach", str(before), args.before],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    try:
        runs: dict[str, list[tuple[float, float, float]]] = {"before": [], "after": []}
        for _ in range(args.rounds):
            for name, tree in (("before", before), ("after", ROOT)):
                runs[name].append(one_run(tree, args.index, python))
                print(name, runs[name][-1], flush=True)
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", str(before)], cwd=ROOT, check=False)
    best = {name: min(values, key=lambda v: v[0]) for name, values in runs.items()}
    ratio_median = best["after"][0] / best["before"][0]
    ratio_p95 = best["after"][1] / best["before"][1]
    verdict = "met" if max(ratio_median, ratio_p95) <= GOAL else "**missed**"
    rows = [
        [name, f"{v[0]:.1f} ms", f"{v[1]:.1f} ms", f"{v[2]:.1f} ms"]
        for name, v in (("before (" + args.before + ")", best["before"]), ("after", best["after"]))
    ]
    section = f"""## What issue 15's retrieval changes cost

{machine_line(machine_info())}

`python -m benchmarks.retrieval --index INDEX`: the query benchmark's 200 queries (warm pass)
on one ANT index, run by the revision before issue 15 ({args.before}) and by this one, alternated,
{args.rounds} rounds each, the best round of each. This one ranks every match in tiers (any word
matches), searches spelling variants learned from ANT, and looks for corrections its own way.

{table(["version", "median", "p95", "mean"], rows)}

After / before: median ×{ratio_median:.2f}, p95 ×{ratio_p95:.2f}. Goal ≤ ×{GOAL:.2f}: {verdict}.
"""
    print(section)
    if not args.no_record:
        write_section("retrieval-cost", section)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
