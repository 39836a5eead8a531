"""Where things are, for the modules that still ask here rather than being given it.

The environment is read by :mod:`search.settings`, once per call here; these wrappers
keep the old calls working until the callers take their values as arguments (then this
module goes). They never exit the process: a bad value is a
:class:`search.settings.SettingsError` for the entry point to report.
"""

from __future__ import annotations

import os
from pathlib import Path

from search.settings import DEFAULT_CACHE_MB, ROOT, Settings

__all__ = ["DEFAULT_CACHE_MB", "ROOT", "cache_mb", "corpus_paths", "index_dir"]


def index_dir(value: str | os.PathLike[str] | None = None) -> Path:
    """The index root: an explicit value, else ``$NABA_INDEX``, else ``index/``."""
    return Path(value or Settings.from_env().index)


def corpus_paths(values: list[str] | None = None) -> list[Path]:
    """Corpus inputs: explicit values, else ``$NABA_CORPUS``, else ``corpus/``."""
    if values:
        return [Path(v) for v in values]
    return [Path(p) for p in Settings.from_env().corpus]


def cache_mb() -> int:
    """Megabytes of decoded postings a searching process keeps: ``$NABA_CACHE_MB``.

    Decoding a common word's postings costs milliseconds in Python, so the
    words readers keep typing stay decoded. 128 MB holds every posting list
    of the four scored fields that ANT's 200 benchmark queries touch several
    times over; 0 turns the cache off.
    """
    return Settings.from_env().cache_mb
