"""``python -m benchmarks [NAME [OPTIONS]]``: run one benchmark, or all of them in turn."""

from __future__ import annotations

import argparse
import importlib
import sys
import tempfile
from pathlib import Path

BENCHMARKS = {
    "analysis": "analyzer throughput, cold and warm, next to Whoosh's StandardAnalyzer",
    "index": "full ANT rebuild: docs/s, peak memory, index size; procs 1 and 2; stock Whoosh",
    "query": "latency of 200 realistic queries on the ANT index: median and p95",
    "html_extraction": "article text of saved pages: trafilatura against readability-lxml",
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="Run Naba's benchmarks and record them in docs/benchmarks.md.",
        epilog="\n".join(f"{name}: {text}" for name, text in BENCHMARKS.items()),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("name", nargs="?", metavar="NAME", help="one of: " + ", ".join(BENCHMARKS))
    args, rest = parser.parse_known_args(argv)
    if args.name is not None and args.name not in BENCHMARKS:
        parser.error(f"unknown benchmark {args.name!r}; choose from {', '.join(BENCHMARKS)}")
    # Options after a NAME (``index --rounds 2``) belong to that benchmark; with no NAME,
    # every benchmark runs, and the query benchmark reuses the index benchmark's ANT
    # index instead of building its own.
    if args.name:
        return int(importlib.import_module(f"benchmarks.{args.name}").main(rest))
    status = 0
    with tempfile.TemporaryDirectory(prefix="naba-bench-") as tmp:
        kept = str(Path(tmp) / "index")
        extra = {"analysis": [], "index": ["--keep", kept], "query": ["--index", kept]}
        extra["html_extraction"] = []
        for name in BENCHMARKS:
            module = importlib.import_module(f"benchmarks.{name}")
            status |= module.main([*rest, *extra[name]])
    return status


if __name__ == "__main__":
    sys.exit(main())
