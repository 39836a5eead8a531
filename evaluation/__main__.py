"""``python -m evaluation``: run every system on every collection, print and write the tables.

Options restrict the run (``--collections``, ``--systems``, ``--limit``) for a
quick look; the committed ``docs/quality.md`` comes from a run without them.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from search.settings import ROOT

from .collections import COLLECTIONS, EVAL_DATA
from .harness import evaluate
from .report import markdown, previous_figures, write_all
from .systems import SYSTEM_NAMES


def _names(value: str, known: tuple[str, ...], what: str) -> list[str]:
    names = [v.strip() for v in value.split(",") if v.strip()]
    unknown = [n for n in names if n not in known]
    if unknown:
        raise argparse.ArgumentTypeError(
            f"unknown {what}: {', '.join(unknown)} (known: {', '.join(known)})"
        )
    return names


def spelling_sections() -> list[str]:
    """The corrections measured over SaudiNewsNet, and the learned variant pairs' precision
    on the pairs checked by hand."""
    from . import spelling
    from .news import articles
    from .variant_pairs import score

    read = articles(EVAL_DATA.parent / "data" / "saudinewsnet")
    return [*spelling.markdown(spelling.evaluate(read.bodies, read.titles)), *score.markdown()]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evaluation", description=__doc__)
    parser.add_argument(
        "--collections",
        type=lambda v: _names(v, COLLECTIONS, "collection"),
        default=list(COLLECTIONS),
        help=f"comma-separated, default all: {','.join(COLLECTIONS)}",
    )
    parser.add_argument(
        "--systems",
        type=lambda v: _names(v, SYSTEM_NAMES, "system"),
        default=list(SYSTEM_NAMES),
        help=f"comma-separated, default all: {','.join(SYSTEM_NAMES)}",
    )
    parser.add_argument("--limit", type=int, help="only the first N questions of each collection")
    parser.add_argument(
        "--procs",
        type=int,
        default=1,
        help="processes for the collection × system pairs (default 1: on a 2-core machine"
        " shared with other work, 2 processes measured no faster)",
    )
    parser.add_argument("--docs", type=Path, default=ROOT / "docs", help="where quality.md goes")
    parser.add_argument(
        "--runs",
        type=Path,
        default=ROOT / "docs" / "quality-runs",
        help="where the per-question TSV files go",
    )
    parser.add_argument("--no-write", action="store_true", help="print the tables only")
    parser.add_argument(
        "--no-spelling",
        action="store_true",
        help="leave out the spelling measures (corrections over SaudiNewsNet, variant pairs)",
    )
    args = parser.parse_args(argv)
    if not EVAL_DATA.is_dir():
        print(f"error: the evaluation data is expected in {EVAL_DATA}", file=sys.stderr)
        return 2

    start = time.perf_counter()
    results = evaluate(args.collections, args.systems, limit=args.limit, procs=args.procs)
    extra = [] if args.no_spelling else spelling_sections()
    seconds = time.perf_counter() - start
    command = "python -m evaluation" + (" " + " ".join(argv or sys.argv[1:])).rstrip()
    previous = previous_figures(args.docs)
    print(markdown(results, seconds, command.strip(), previous, extra))
    if not args.no_write:
        for path in write_all(results, args.docs, args.runs, seconds, command.strip(), extra):
            if path.suffix != ".tsv":
                print(f"wrote {path}", file=sys.stderr)
        print(f"wrote per-question results to {args.runs}", file=sys.stderr)
    print(f"{seconds:.0f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
