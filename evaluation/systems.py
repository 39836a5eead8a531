"""The six systems compared: one analysis each, everything else shared.

Every system is a Whoosh index of the same documents, scored with Naba's
BM25F (:data:`search.engine.whoosh_engine.WEIGHTING`, the same field boosts)
and searched through the same query path: the question is parsed by
:func:`search.query.parse_query` (so phrases, ``-`` and ``OR`` read the same),
its words form one group each, stop words do not count, as many groups as
:func:`search.query.required_matches` asks for must match (any one when no
document has enough, as :func:`search.searching.find` relaxes for users), and
documents with every group rank first (:meth:`WhooshEngine.search` does the
matching and the ranking for all six). Only the analysis of the words differs:

1. ``whoosh-standard``: stock Whoosh ``StandardAnalyzer`` (``\\w+`` tokens,
   lower-case, English stop words);
2. ``normalise``: Naba's tokenizer, normaliser and stop words, no stemming;
3. ``snowball``: as 2, then the Snowball Arabic stemmer;
4. ``light10``: as 2, then Larkey et al.'s light10 (Lucene-style);
5. ``isri``: as 2, then nltk's ISRI root stemmer;
6. ``naba``: Naba as shipped: the real :func:`build_schema` (stemmed and exact
   fields), the real :class:`WhooshEngine` and its query translation.

Systems 2–5 use Naba's tokenizer, normaliser and stop list so that the table
isolates the stemmer; the stemmers run between ``prepare`` and ``fold``, where
Naba's own stemmer runs.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from whoosh.analysis import Analyzer, Filter, StandardAnalyzer, Token
from whoosh.fields import TEXT, Schema
from whoosh.filedb.filestore import FileStorage, RamStorage
from whoosh.util import random_name

from search import query as query_module
from search.analysis import fold, is_stopword, prepare
from search.analysis.analyzers import tokenizer
from search.document import Document
from search.engine import Clause, EngineQuery, Group, Phrase, WhooshEngine, Word
from search.engine.whoosh_engine import TITLE_BOOST, build_schema
from search.engine.whoosh_reading import Snapshot
from search.query import ParsedQuery, parse_query

from .stemmers import STEMMERS

_ARABIC_WORD = re.compile(r"^[\u0621-\u064a]+$")


@lru_cache(maxsize=1 << 18)
def _forms(stemmer: str, surface: str) -> tuple[str, bool]:
    """(term, is stop word) of one token for a baseline stemmer; "" if nothing searchable."""
    prepared = prepare(surface)
    if not prepared:
        return "", True
    stem = STEMMERS[stemmer](prepared) if _ARABIC_WORD.match(prepared) else prepared
    return fold(stem) or fold(prepared), is_stopword(prepared)


class BaselineFilter(Filter):
    """Naba's normaliser and stop words around a baseline stemmer (named, so it pickles)."""

    def __init__(self, stemmer: str) -> None:
        self.stemmer = stemmer

    def __eq__(self, other: object) -> bool:
        return isinstance(other, BaselineFilter) and other.stemmer == self.stemmer

    def __hash__(self) -> int:
        return hash(self.stemmer)

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for token in tokens:
            term, stopped = _forms(self.stemmer, token.text)
            if not term:
                continue
            if stopped:
                if token.removestops:
                    continue
                token.stopped = True
            token.text = term
            yield token


def baseline_analyzer(stemmer: str) -> Analyzer:
    """Naba's tokenizer → prepare → ``stemmer`` → fold, Naba's stop words removed."""
    return tokenizer() | BaselineFilter(stemmer)


class BaselineEngine(WhooshEngine):
    """A :class:`WhooshEngine` whose title and body fields use a baseline analyzer.

    There are no exact fields: a word is looked up by its one analysed term in
    title and body. Matching, minimum-should-match and ranking are inherited.
    """

    def _clause(
        self, snap: Snapshot, clause: Clause, mode: str, scores: np.ndarray | None
    ) -> np.ndarray:
        # Stop words are not indexed here, so a phrase cannot be matched on
        # positions; all its words are required instead.
        texts = clause.exacts if isinstance(clause, Phrase) else (clause.term,)
        mask = np.ones(snap.size, bool)
        for text in texts:
            mask &= self._terms(snap, [("title", text, 1.0), ("body", text, 1.0)], scores)
        return mask


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


@dataclass(frozen=True, slots=True)
class System:
    """A named analysis: how to build its index and how to turn a question into its query."""

    name: str
    label: str
    analyzer: Callable[[], Analyzer] | None  # None: Naba as shipped

    @property
    def shipped(self) -> bool:
        return self.analyzer is None

    def build(self, documents: dict[str, str]) -> WhooshEngine:
        """An in-memory index of ``documents`` (id → text, as the body; no title)."""
        with tempfile.TemporaryDirectory(prefix="naba-eval-") as scratch:
            storage = PrivateRamStorage(scratch)
            if self.analyzer is None:
                ix = storage.create_index(build_schema())
                engine = WhooshEngine(Path(f"ram:{self.name}"), ix)
                writer = engine.writer()
                for doc_id, text in documents.items():
                    writer.add(Document(id=doc_id, title="", body=text))
                writer.commit()
            else:
                ix = storage.create_index(_baseline_schema(self.analyzer()))
                engine = BaselineEngine(Path(f"ram:{self.name}"), ix)
                raw: Any = ix.writer()
                for doc_id, text in documents.items():
                    raw.add_document(id=doc_id, title="", body=text)
                raw.commit()
        engine.refresh()
        return engine

    def query(self, text: str) -> ParsedQuery:
        """The question as this system searches it (see the module docstring)."""
        if self.analyzer is None:
            return parse_query(text)
        return _reanalyse(parse_query(text, mode="exact"), self.analyzer())


def _baseline_schema(analyzer: Analyzer) -> Schema:
    """Naba's schema with title/body analysed by ``analyzer`` and no exact fields."""
    schema = build_schema()
    for name in ("title", "body", "title_exact", "body_exact"):
        schema.remove(name)
    schema.add("title", TEXT(analyzer=analyzer, phrase=False, field_boost=TITLE_BOOST))
    schema.add("body", TEXT(analyzer=analyzer, phrase=False))
    return schema


def _analyse(analyzer: Analyzer, text: str) -> list[Word]:
    return [
        Word(text, t.text, t.text, bool(t.stopped))
        for t in analyzer(text, removestops=False, mode="query")
    ]


def _reanalyse(parsed: ParsedQuery, analyzer: Analyzer) -> ParsedQuery:
    """Re-analyse a parsed query's words with a baseline analyzer, keeping its structure.

    ``parse_query(mode="exact")`` keeps every word; here, as in Naba's stemmed
    mode, words the baseline's analyzer stops do not count unless the query
    has nothing else, and :func:`required_matches` of the remaining groups
    must match. A word the analyzer splits in two becomes two groups.
    """

    def clauses(clause: Clause) -> list[Clause]:
        if isinstance(clause, Phrase):
            words = [w for w in _analyse(analyzer, clause.text) if not w.stopped]
            return [Phrase(clause.text, tuple(w.term for w in words))] if words else []
        return list(_analyse(analyzer, clause.text))

    groups: list[list[Clause]] = []
    for group in parsed.query.groups:
        expanded = [clauses(c) for c in group.alternatives]
        if len(expanded) == 1:
            groups.extend([c] for c in expanded[0])
        else:
            merged = [parts[0] for parts in expanded if parts]
            if merged:
                groups.append(merged)
    content = [g for g in groups if any(not _stopped(c) for c in g)]
    if content:
        groups = [[c for c in g if not _stopped(c)] for g in content]
    excluded = tuple(c for clause in parsed.query.excluded for c in clauses(clause))
    query = EngineQuery(
        groups=tuple(Group(tuple(g)) for g in groups),
        excluded=excluded,
        min_match=query_module.required_matches(len(groups)),
        mode="stemmed",
    )
    return ParsedQuery(parsed.text, query, parsed.filters, parsed.warnings)


def _stopped(clause: Clause) -> bool:
    return isinstance(clause, Word) and clause.stopped


SYSTEMS: tuple[System, ...] = (
    System("whoosh-standard", "stock Whoosh StandardAnalyzer", StandardAnalyzer),
    System("normalise", "Naba normaliser, no stemming", lambda: baseline_analyzer("none")),
    System("snowball", "Snowball Arabic stemmer", lambda: baseline_analyzer("snowball")),
    System("light10", "light10 (Lucene-style light stemmer)", lambda: baseline_analyzer("light10")),
    System("isri", "ISRI root stemmer (nltk)", lambda: baseline_analyzer("isri")),
    System("naba", "Naba as shipped (stemmed + exact fields)", None),
)
SYSTEM_NAMES = tuple(s.name for s in SYSTEMS)
