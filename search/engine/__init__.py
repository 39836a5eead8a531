"""Full-text engines behind one small interface (:mod:`.base`), opened by location.

An index location is a string. :func:`open_index` and :func:`create_index` are
the one factory that turns it into an :class:`~.base.Index`: a folder path
(``index/``, the default) is the embedded Whoosh engine; a URL with a scheme
names another engine (``postgresql://…`` is the next one: a module that
registers its scheme in :data:`ENGINES`). Nothing above this package knows which
engine it got.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable

from .base import (
    DAY_FACET,
    DEFAULT_CACHE_MB,
    STORY_FACET,
    UNDATED,
    Clause,
    EngineHit,
    EngineQuery,
    EngineResult,
    FacetSpec,
    Filters,
    Group,
    Index,
    IndexIncompatible,
    IndexMissing,
    IndexOptions,
    IndexReader,
    IndexStats,
    IndexUnsafe,
    IndexWriter,
    Memo,
    Mode,
    Phrase,
    ReindexRunning,
    ServerHealth,
    Sort,
    StoryArticle,
    StoryGrouping,
    Word,
)

#: Location schemes other than a folder path, and how each opens.
ENGINES: dict[str, Callable[[str, IndexOptions], Index]] = {}


def _postgres(location: str, options: IndexOptions) -> Index:
    """``postgresql://…``: imported when used, so the embedded engine's commands do not
    load a database driver."""
    from .postgres import open_postgres

    return open_postgres(location, options)


ENGINES["postgresql"] = ENGINES["postgres"] = _postgres
_SCHEME = re.compile(r"^([a-z][a-z0-9+.-]+)://", re.IGNORECASE)


class UnknownLocation(ValueError):
    """An index location no engine here can open (a mistyped or unsupported URL)."""


def _engine(
    location: str | os.PathLike[str],
) -> tuple[Callable[[str, IndexOptions], Index], str]:
    text = os.fspath(location)
    if not text.strip():
        raise UnknownLocation("an index location may not be empty")
    match = _SCHEME.match(text)
    if match is None:
        from .whoosh_index import open_folder

        return open_folder, text
    scheme = match.group(1).lower()
    if scheme not in ENGINES:
        known = ", ".join(f"{s}://" for s in sorted(ENGINES)) or "none yet"
        raise UnknownLocation(
            f"no engine for {scheme}:// index locations (a folder path is the embedded "
            f"engine; URL schemes: {known})"
        )
    return ENGINES[scheme], text


def create_index(location: str | os.PathLike[str], options: IndexOptions | None = None) -> Index:
    """The index at ``location``, which may hold no index yet (a reindex builds one)."""
    factory, text = _engine(location)
    return factory(text, options or IndexOptions())


def open_index(location: str | os.PathLike[str], options: IndexOptions | None = None) -> Index:
    """The index at ``location``; :class:`~.base.IndexMissing` if none was built there yet.

    ``options``: what this process may cache, where it may read, how long a search may
    run (:class:`~.base.IndexOptions`, from the settings).
    """
    index = create_index(location, options)
    try:
        index.reader()  # fail now, with a clear message, if there is no index
    except BaseException:
        # The web app tries again on every request until there is an index: each try
        # must not leave a connection pool behind.
        index.close()
        raise
    return index


def comparison_index(
    name: str,
    documents: dict[str, str],
    forms: object,
    titles: dict[str, str] | None = None,
    sources: dict[str, list[str]] | None = None,
) -> IndexReader:
    """An in-memory index of ``documents`` for ``python -m evaluation``: Naba's engine with
    Naba's analysis (``forms="naba"``) or a comparison analysis (a word → forms function,
    or ``None`` for stock Whoosh's); see :mod:`.whoosh_baseline`."""
    from .whoosh_baseline import build_in_memory

    return build_in_memory(name, documents, forms, titles or {}, sources or {})  # type: ignore[arg-type]


def comparison_query_words(forms: object, text: str) -> list[tuple[str, bool]]:
    """A query's (term, stop word) pairs under a comparison analysis of :func:`comparison_index`."""
    from .whoosh_baseline import query_words

    return query_words(forms, text)  # type: ignore[arg-type]


__all__ = [
    "DAY_FACET",
    "DEFAULT_CACHE_MB",
    "ENGINES",
    "STORY_FACET",
    "UNDATED",
    "Clause",
    "EngineHit",
    "EngineQuery",
    "EngineResult",
    "FacetSpec",
    "Filters",
    "Group",
    "Index",
    "IndexIncompatible",
    "IndexMissing",
    "IndexOptions",
    "IndexReader",
    "IndexStats",
    "IndexUnsafe",
    "IndexWriter",
    "Memo",
    "Mode",
    "Phrase",
    "ReindexRunning",
    "ServerHealth",
    "Sort",
    "StoryArticle",
    "StoryGrouping",
    "UnknownLocation",
    "Word",
    "comparison_index",
    "comparison_query_words",
    "create_index",
    "open_index",
]
