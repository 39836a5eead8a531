"""Helpers shared by the tests: where ../shared lives, and running the real CLI."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SEEDS = SHARED / "seeds"


def run_cli(*args: str, stdin: bytes | None = None, env: dict[str, str] | None = None):
    """Run ``python -m search`` as a user would, from the repository root."""
    return subprocess.run(
        [sys.executable, "-m", "search", *args],
        input=stdin,
        capture_output=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONIOENCODING": "utf-8", **(env or {})},
        timeout=600,
    )


def build_index(root: Path, *paths: Path) -> Path:
    """Index ``paths`` into the index root ``root`` with the real reindex code."""
    from search.indexing import reindex

    reindex(list(paths), index=root, full=True)
    return root


def best_of(runs: int, work: Callable[[], object]) -> float:
    """The shortest of ``runs`` timings of ``work``, in seconds: the growth tests compare
    two of these, and the best run is the one least disturbed by a busy machine."""
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - started)
    return best
