"""The one search API the command line and the web app share.

``open_index`` gives an :class:`IndexHandle` that follows the live
generation of an index root (a reindex switches it; the handle reopens on the
next call). ``SearchRequest.from_params`` validates what a user sent and
raises :class:`InvalidRequest` with a message fit to show; ``search`` returns
a :class:`SearchResponse` whose ``to_dict()`` is the JSON contract of
``python -m search query --json`` and ``GET /api/search``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from search import config, store
from search.analysis import analyze, normalize, strip_marks, word_forms
from search.engine import (
    Engine,
    EngineHit,
    EngineResult,
    FacetSpec,
    Filters,
    Mode,
    Sort,
    StoredDocument,
    WhooshEngine,
)
from search.highlight import Highlighter, highlight_all, snippet
from search.metadata import canonical_source_or_self, source_label
from search.query import ParsedQuery, parse_query

DEFAULT_PER_PAGE = 10
MAX_PER_PAGE = 50
# Deep pages cost as much as all pages before them; nobody reads past 1000.
MAX_RESULT_WINDOW = 1000
SORTS: tuple[Sort, ...] = ("relevance", "newest", "oldest")
MODES: tuple[Mode, ...] = ("stemmed", "exact")
# "Did you mean" is offered when a query finds fewer documents than this.
SUGGEST_BELOW = 3
# Looking up corrections costs ~10-50 ms a word: a query of thirty rare long words
# (a pasted paragraph, or an attack) took 1.7 s on ANT before this cap. Typos are
# corrected in the first few rare words, and words longer than any real one are not.
MAX_CORRECTED_WORDS = 4
MAX_CORRECTED_LETTERS = 20
_MONTH = re.compile(r"^\d{4}-\d{2}$")
_ARTICLES = frozenset({"ال", "وال", "بال", "فال", "كال", "لل"})


class InvalidRequest(ValueError):
    """A parameter the user sent cannot be used; the message says which and why."""


# --- the index ---------------------------------------------------------------


class IndexHandle:
    """The live generation of an index root, reopened when a reindex switches it."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._lock = threading.Lock()
        self._generation: Path | None = None
        self._engine: WhooshEngine | None = None

    @property
    def engine(self) -> WhooshEngine:
        live = store.live_generation(self.root)
        with self._lock:
            if self._engine is None or live != self._generation:
                # The previous generation's engine is not closed here: a
                # concurrent request may still be reading from it.
                self._engine = WhooshEngine.open(live)
                self._generation = live
            else:
                self._engine.refresh()
            return self._engine


def open_index(root: Path | str | None = None) -> IndexHandle:
    """A handle on the index at ``root`` (default ``$NABA_INDEX`` or ``index/``).

    Raises :class:`search.store.IndexMissing` when there is no index yet.
    """
    handle = IndexHandle(config.index_dir(root))
    handle.engine  # noqa: B018 - fail now, with a clear message, if there is no index
    return handle


# --- the request ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SearchRequest:
    q: str = ""
    sources: tuple[str, ...] = ()
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    years: tuple[int, ...] = ()
    months: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    sort: Sort = "relevance"
    page: int = 1
    per_page: int = DEFAULT_PER_PAGE
    mode: Mode = "stemmed"

    def __post_init__(self) -> None:
        if self.sort not in SORTS:
            raise InvalidRequest(f"sort must be one of {', '.join(SORTS)}")
        if self.mode not in MODES:
            raise InvalidRequest(f"mode must be one of {', '.join(MODES)}")
        if not 1 <= self.per_page <= MAX_PER_PAGE:
            raise InvalidRequest(f"per_page must be between 1 and {MAX_PER_PAGE}")
        if self.page < 1:
            raise InvalidRequest("page must be 1 or more")
        if self.page * self.per_page > MAX_RESULT_WINDOW:
            raise InvalidRequest(
                f"page × per_page may not exceed {MAX_RESULT_WINDOW}; narrow the search instead"
            )
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise InvalidRequest("from must not be after to")
        for month in self.months:
            if not _MONTH.match(month) or not 1 <= int(month[5:]) <= 12:
                raise InvalidRequest(f"month must look like 2023-08, not {month!r}")

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> SearchRequest:
        """Build a request from URL-style parameters (a value may be a list)."""

        def values(name: str) -> list[str]:
            value = params.get(name)
            if value is None:
                return []
            items = value if isinstance(value, list | tuple) else [value]
            return [str(v).strip() for v in items if str(v).strip()]

        def one(name: str) -> str | None:
            items = values(name)
            return items[-1] if items else None

        def integer(name: str, default: int) -> int:
            value = one(name)
            if value is None:
                return default
            try:
                return int(value)
            except ValueError:
                raise InvalidRequest(f"{name} must be a whole number, not {value!r}") from None

        def date(name: str) -> dt.date | None:
            value = one(name)
            if value is None:
                return None
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                raise InvalidRequest(
                    f"{name} must be a date like 2023-08-16, not {value!r}"
                ) from None

        years = []
        for value in values("year"):
            if not value.isdigit() or len(value) != 4:
                raise InvalidRequest(f"year must look like 2023, not {value!r}")
            years.append(int(value))
        return cls(
            q=one("q") or "",
            sources=tuple(dict.fromkeys(canonical_source_or_self(s) for s in values("source"))),
            date_from=date("from"),
            date_to=date("to"),
            years=tuple(years),
            months=tuple(values("month")),
            categories=tuple(values("category")),
            sort=one("sort") or "relevance",  # type: ignore[arg-type]
            page=integer("page", 1),
            per_page=integer("per_page", DEFAULT_PER_PAGE),
            mode=one("mode") or "stemmed",  # type: ignore[arg-type]
        )

    def filters(self, parsed: ParsedQuery) -> Filters:
        """The request's filters combined with those typed in the query (``source:…``)."""
        typed = parsed.filters
        starts = [d for d in (self.date_from, typed.date_from) if d]
        ends = [d for d in (self.date_to, typed.date_to) if d]
        return Filters(
            sources=tuple(dict.fromkeys(self.sources + typed.sources)),
            date_from=max(starts, default=None),
            date_to=min(ends, default=None),
            years=tuple(dict.fromkeys(self.years + typed.years)),
            months=tuple(dict.fromkeys(self.months + typed.months)),
            categories=tuple(dict.fromkeys(self.categories + typed.categories)),
        )

    def filters_dict(self) -> dict[str, Any]:
        return {
            "sources": list(self.sources),
            "from": self.date_from.isoformat() if self.date_from else None,
            "to": self.date_to.isoformat() if self.date_to else None,
            "years": list(self.years),
            "months": list(self.months),
            "categories": list(self.categories),
        }


# --- the response --------------------------------------------------------------


@dataclass(slots=True)
class Hit:
    id: str
    title: str  # safe HTML
    title_text: str
    date: dt.date | None
    sources: list[str]
    url: str | None
    category: str | None
    score: float
    snippet: str  # safe HTML

    def to_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["date"] = self.date.isoformat() if self.date else None
        data["score"] = round(self.score, 4)
        return data


@dataclass(slots=True)
class SearchResponse:
    query: str
    total: int
    page: int
    per_page: int
    sort: Sort
    mode: Mode
    filters: dict[str, Any]
    hits: list[Hit]
    facets: dict[str, dict[str, int]]
    suggestion: str | None = None
    warnings: list[str] = field(default_factory=list)
    relaxed: bool = False

    @property
    def pages(self) -> int:
        return max(1, math.ceil(min(self.total, MAX_RESULT_WINDOW) / self.per_page))

    def to_dict(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "total": self.total,
            "page": self.page,
            "per_page": self.per_page,
            "pages": self.pages,
            "sort": self.sort,
            "mode": self.mode,
            "filters": self.filters,
            "hits": [hit.to_dict() for hit in self.hits],
            "facets": self.facets,
            "suggestion": self.suggestion,
            "warnings": self.warnings,
            "relaxed": self.relaxed,
        }


def _highlighter(parsed: ParsedQuery | None) -> Highlighter:
    if parsed is None:
        return Highlighter()
    return Highlighter(parsed.terms, parsed.exacts, parsed.phrases)


def _hit(found: EngineHit, highlighter: Highlighter) -> Hit:
    doc = found.document
    return Hit(
        id=doc.id,
        title=highlight_all(doc.title, highlighter),
        title_text=doc.title,
        date=doc.date,
        sources=doc.sources,
        url=doc.url,
        category=doc.category,
        score=found.score,
        snippet=snippet(doc.body, highlighter),
    )


def search(handle: IndexHandle, request: SearchRequest) -> SearchResponse:
    """Run a search: hits for the page, facets over the whole result set, a suggestion."""
    engine = handle.engine
    parsed = parse_query(request.q, mode=request.mode)
    filters = request.filters(parsed)
    facets = FacetSpec(
        sources=dataclasses.replace(filters, sources=()),
        dates=dataclasses.replace(filters, years=(), months=(), date_from=None, date_to=None),
    )
    result, relaxed = find(
        engine,
        parsed,
        filters,
        sort=request.sort,
        offset=(request.page - 1) * request.per_page,
        limit=request.per_page,
        facets=facets,
    )
    highlighter = _highlighter(parsed)
    suggestion = None
    if (relaxed or result.total < SUGGEST_BELOW) and parsed.words:
        strict_total = 0 if relaxed else result.total
        suggestion = _did_you_mean(engine, request, parsed, filters, strict_total)
    return SearchResponse(
        query=request.q,
        total=result.total,
        page=request.page,
        per_page=request.per_page,
        sort=request.sort,
        mode=request.mode,
        filters=request.filters_dict(),
        hits=[_hit(h, highlighter) for h in result.hits],
        facets=result.facets,
        suggestion=suggestion,
        warnings=parsed.warnings,
        relaxed=relaxed,
    )


def find(
    engine: Engine,
    parsed: ParsedQuery,
    filters: Filters,
    *,
    sort: Sort,
    offset: int,
    limit: int,
    facets: FacetSpec | None = None,
) -> tuple[EngineResult, bool]:
    """Run a parsed query; when too few words match anywhere, relax to any word.

    A question or a pasted headline can share fewer words with every article
    than :func:`~search.query.required_matches` asks for; an empty page is then
    less useful than the documents with some of the words, ranked, and a
    notice saying so (the response's ``relaxed``). Measured with ``python -m evaluation``
    (``docs/quality.md``), which calls this function for every system.
    """
    result = engine.search(
        parsed.query, filters, sort=sort, offset=offset, limit=limit, facets=facets
    )
    query = parsed.query
    if result.total or query.min_match <= 1 or len(query.groups) < 2:
        return result, False
    any_word = dataclasses.replace(query, min_match=1)
    relaxed = engine.search(any_word, filters, sort=sort, offset=offset, limit=limit, facets=facets)
    return relaxed, bool(relaxed.total)


def _did_you_mean(
    engine: Engine,
    request: SearchRequest,
    parsed: ParsedQuery,
    filters: Filters,
    total: int,
) -> str | None:
    """A corrected query built from the index vocabulary, if it finds more.

    Hamza, ة/ه and ى/ي variants already meet through normalisation, so what
    is left to correct is a typo: a word the index does not know (or barely
    knows) is replaced by the most frequent indexed word one edit away (two
    for long words), for the first :data:`MAX_CORRECTED_WORDS` such words.
    """
    text = request.q
    changed = False
    tried = 0
    for word in parsed.words:
        if word.stopped or not 3 <= len(word.exact) <= MAX_CORRECTED_LETTERS:
            continue
        frequency = engine.doc_frequency(word.exact)
        if frequency >= SUGGEST_BELOW:
            continue
        if tried == MAX_CORRECTED_WORDS:
            break
        tried += 1
        distance = 2 if len(word.exact) >= 7 else 1
        best, best_frequency = None, frequency
        for candidate in engine.similar_terms(word.exact, distance):
            if candidate == word.exact:
                continue
            candidate_frequency = engine.doc_frequency(candidate)
            if candidate_frequency > best_frequency:
                best, best_frequency = candidate, candidate_frequency
        if best and word.text in text:
            # As articles write it (برشلونة), not as the index folds it (برشلونه).
            text = text.replace(word.text, _written_form(engine, best), 1)
            changed = True
    if not changed:
        return None
    corrected = parse_query(text, mode=request.mode)
    count = engine.search(corrected.query, filters, sort="relevance", offset=0, limit=1)
    return text if count.total > total else None


# --- documents, suggestions, stats ----------------------------------------------


@dataclass(slots=True)
class DocumentView:
    document: StoredDocument
    title_html: str
    body_html: str

    def to_dict(self) -> dict[str, Any]:
        doc = self.document
        return {
            "id": doc.id,
            "title": self.title_html,
            "title_text": doc.title,
            "body_html": self.body_html,
            "body": doc.body,
            "date": doc.date.isoformat() if doc.date else None,
            "date_source": doc.date_source,
            "sources": doc.sources,
            "source_rules": doc.source_rules,
            "url": doc.url,
            "category": doc.category,
            "origin": doc.origin,
        }


def get_document(handle: IndexHandle, doc_id: str, query: str | None = None) -> DocumentView | None:
    """A stored document ready to show; with ``query``, its matching words are marked."""
    doc = handle.engine.get(doc_id)
    if doc is None:
        return None
    highlighter = _highlighter(parse_query(query) if query else None)
    paragraphs = [p for p in re.split(r"\n\s*\n|\n", doc.body) if p.strip()]
    body_html = "\n".join(f"<p>{highlight_all(p.strip(), highlighter)}</p>" for p in paragraphs)
    return DocumentView(doc, highlight_all(doc.title, highlighter), body_html)


def more_like_this(handle: IndexHandle, doc_id: str, limit: int = 5) -> list[dict[str, Any]]:
    """Documents that share the most distinctive terms with ``doc_id``."""
    hits = handle.engine.more_like_this(doc_id, limit)
    return [_hit(h, Highlighter()).to_dict() for h in hits]


def suggest(handle: IndexHandle, prefix: str, limit: int = 8) -> list[str]:
    """Completions of the last word typed, from the index vocabulary.

    Each completion starts with exactly what was typed (a browser hides
    suggestions that do not) and goes on as the articles write the word,
    hamza and ة included, rather than in the folded form the index keeps.
    """
    words = prefix.split()
    if not words:
        return []
    typed = strip_marks(words[-1][:64])
    folded = normalize(typed)
    if len(folded) < 2 or folded in _ARTICLES:
        return []  # too short, or the article alone: thousands of words start so
    head = " ".join(words[:-1])
    engine = handle.engine
    completions = []
    for exact in engine.complete(folded, limit * 2):
        if word_forms(exact).stopped:
            continue  # إلى, التي: no one needs them completed
        surface = _written_form(engine, exact)
        word = surface if surface.startswith(typed) else typed + exact[len(folded) :]
        completions.append(f"{head} {word}".strip())
    return list(dict.fromkeys(completions))[:limit]


@lru_cache(maxsize=4096)
def _written_form(engine: Engine, exact: str) -> str:
    """How one article that contains the exact term writes it (marks removed)."""
    doc = engine.example(exact)
    for text in (doc.title, doc.body) if doc else ():
        for token in analyze(text):
            if token.exact == exact:
                return strip_marks(token.text)
    return exact


def index_stats(handle: IndexHandle) -> dict[str, Any]:
    stats = handle.engine.stats()
    return {
        "documents": stats.documents,
        "date_min": stats.date_min.isoformat() if stats.date_min else None,
        "date_max": stats.date_max.isoformat() if stats.date_max else None,
        "sources": stats.sources,
        "size_bytes": stats.size_bytes,
        "generation": stats.generation,
    }


__all__ = [
    "MAX_PER_PAGE",
    "MAX_RESULT_WINDOW",
    "DocumentView",
    "Hit",
    "IndexHandle",
    "InvalidRequest",
    "SearchRequest",
    "SearchResponse",
    "find",
    "get_document",
    "index_stats",
    "more_like_this",
    "open_index",
    "search",
    "source_label",
    "suggest",
]
