"""Comparison indexes for ``python -m evaluation``: Naba's engine with another analysis.

The retrieval evaluation asks what Naba's analysis is worth against other
analyses (stock Whoosh, other stemmers) with everything else equal: the same
BM25F, the same field boosts, the same query translation, minimum-should-match
and tie-breaking. A baseline index holds ``title`` and ``body`` analysed by the
other analysis and no exact fields, so a word is looked up by its one analysed
term and a phrase needs all its words (there are no positions of stop words to
match on). Baselines are built in memory; they are never a product index.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from whoosh.analysis import Analyzer, StandardAnalyzer
from whoosh.fields import TEXT, Schema
from whoosh.filedb.filestore import FileStorage, RamStorage
from whoosh.util import random_name

from search.analysis import WordForms
from search.document import Document

from .base import Clause, Phrase
from .whoosh_analysis import stemmed_analyzer
from .whoosh_engine import TITLE_BOOST, WhooshEngine, build_schema
from .whoosh_reading import Snapshot

#: A comparison analysis: a word's forms (``exact`` = ``term``), or ``None`` for
#: Whoosh's stock ``StandardAnalyzer``. It must be picklable (a module-level function or
#: a ``functools.partial`` of one): Whoosh stores the analyzer in the index.
Forms = Callable[[str], WordForms] | None


def analyzer(forms: Forms) -> Analyzer:
    """The Whoosh analyzer of a comparison analysis (Naba's token pattern around ``forms``)."""
    return StandardAnalyzer() if forms is None else stemmed_analyzer(forms)


def query_words(forms: Forms, text: str) -> list[tuple[str, bool]]:
    """``text``'s (term, stop word) pairs as the analysis reads a query, stop words kept."""
    return [
        (t.text, bool(t.stopped)) for t in analyzer(forms)(text, removestops=False, mode="query")
    ]


class BaselineEngine(WhooshEngine):
    """A :class:`WhooshEngine` whose title and body fields use a comparison analysis.

    Matching, minimum-should-match and ranking are inherited; only the terms a clause
    stands for differ.
    """

    def _clause(
        self,
        snap: Snapshot,
        clause: Clause,
        mode: str,
        scores: np.ndarray | None,
        into: np.ndarray,
    ) -> None:
        # Stop words are not indexed here, so a phrase cannot be matched on
        # positions; all its words are required instead.
        texts = clause.exacts if isinstance(clause, Phrase) else (clause.term,)
        mask = np.ones(snap.size, bool)
        for text in texts:
            found = np.zeros(snap.size, bool)
            self._terms(snap, [("title", text, 1.0), ("body", text, 1.0)], scores, found)
            mask &= found
        into |= mask


class PrivateRamStorage(RamStorage):
    """Whoosh's in-memory storage, with its writer's scratch files in a private folder.

    Stock :class:`RamStorage` puts them in ``$TMPDIR/MAIN.tmp``, one folder
    shared by every process on the machine, and a writer that finishes
    deletes that folder under any other writer still using it (two
    evaluation processes, or a test run next to one, fail at random).
    """

    def __init__(self, scratch: str) -> None:
        super().__init__()
        self.scratch = scratch

    def temp_storage(self, name: str | None = None) -> FileStorage:
        path = Path(self.scratch) / (name or f"{random_name()}.tmp")
        return FileStorage(str(path)).create()


def build_in_memory(
    name: str,
    documents: dict[str, str],
    forms: Forms | str,
    titles: dict[str, str],
    sources: dict[str, list[str]] | None = None,
) -> WhooshEngine:
    """An in-memory index of ``documents`` (id → body) with their ``titles`` and, for
    Naba's own, ``sources`` (either may be empty).

    ``forms="naba"`` builds Naba's own schema (stemmed and exact fields) and engine;
    anything else a baseline of that analysis.
    """
    with tempfile.TemporaryDirectory(prefix="naba-eval-") as scratch:
        storage = PrivateRamStorage(scratch)
        if forms == "naba":
            ix = storage.create_index(build_schema())
            engine = WhooshEngine(Path(f"ram:{name}"), ix)
            writer = engine.writer()
            for doc_id, text in documents.items():
                outlets = list((sources or {}).get(doc_id, ()))
                writer.add(
                    Document(id=doc_id, title=titles.get(doc_id, ""), body=text, sources=outlets)
                )
            writer.commit()
        else:
            ix = storage.create_index(_baseline_schema(analyzer(forms)))  # type: ignore[arg-type]
            engine = BaselineEngine(Path(f"ram:{name}"), ix)
            raw: Any = ix.writer()
            for doc_id, text in documents.items():
                raw.add_document(id=doc_id, title=titles.get(doc_id, ""), body=text)
            raw.commit()
    engine.refresh()
    return engine


def _baseline_schema(analysis: Analyzer) -> Schema:
    """Naba's schema with title/body analysed by ``analysis`` and no exact fields."""
    schema = build_schema()
    for name in ("title", "body", "title_exact", "body_exact"):
        schema.remove(name)
    schema.add("title", TEXT(analyzer=analysis, phrase=False, field_boost=TITLE_BOOST))
    schema.add("body", TEXT(analyzer=analysis, phrase=False))
    return schema
