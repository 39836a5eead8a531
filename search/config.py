"""Where things are, from environment variables, so the CLI, the web app and
the tests agree without passing paths through every layer.

``NABA_INDEX``   index root directory (default ``index/``)
``NABA_CORPUS``  corpus path(s), separated by the OS path separator (default ``corpus/``)
``NABA_CACHE_MB`` memory for decoded postings per searching process (default 128)
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def index_dir(value: str | os.PathLike[str] | None = None) -> Path:
    """The index root: an explicit value, else ``$NABA_INDEX``, else ``index/``."""
    return Path(value or os.environ.get("NABA_INDEX") or ROOT / "index")


def corpus_paths(values: list[str] | None = None) -> list[Path]:
    """Corpus inputs: explicit values, else ``$NABA_CORPUS``, else ``corpus/``."""
    if values:
        return [Path(v) for v in values]
    env = os.environ.get("NABA_CORPUS")
    if env:
        return [Path(p) for p in env.split(os.pathsep) if p]
    return [ROOT / "corpus"]


DEFAULT_CACHE_MB = 128


def cache_mb() -> int:
    """Megabytes of decoded postings a searching process keeps: ``$NABA_CACHE_MB``.

    Decoding a common word's postings costs milliseconds in Python, so the
    words readers keep typing stay decoded. 128 MB holds every posting list
    of the four scored fields that ANT's 200 benchmark queries touch several
    times over; 0 turns the cache off.
    """
    value = os.environ.get("NABA_CACHE_MB", "").strip()
    if not value:
        return DEFAULT_CACHE_MB
    try:
        return max(0, int(value))
    except ValueError:
        raise SystemExit(
            f"error: NABA_CACHE_MB must be a whole number of megabytes, not {value!r}"
        ) from None
