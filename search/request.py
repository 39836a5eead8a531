"""A search as a user asks for it, and the answer as the CLI and the API print it.

``SearchRequest.from_params`` reads URL-style parameters by the table of
:mod:`search.params` and raises :class:`InvalidRequest` with a message fit to
show; ``SearchResponse.to_dict()`` is the JSON contract of
``python -m search query --json`` and ``GET /api/search``. No engine here:
:mod:`search.searching` runs a request.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from search.document import StoredDocument, to_record
from search.engine import Filters, Mode, Sort
from search.notices import Notice
from search.params import (
    BY_NAME,
    FILTERS,
    GROUPINGS,
    MODES,
    SORTS,
    InvalidRequest,
    merge,
    parse_values,
    to_filters,
    to_json,
)
from search.query import ParsedQuery
from search.timeline import CALENDARS, INTERVALS, Timeline

DEFAULT_PER_PAGE: int = BY_NAME["per_page"].default
MAX_PER_PAGE = 50
# Deep pages cost as much as all pages before them; nobody reads past 1000.
MAX_RESULT_WINDOW = 1000


@dataclass(frozen=True, slots=True)
class SearchRequest:
    """What to search for. ``filters`` holds the narrowing parameters of
    :data:`search.params.FILTERS` by name (``source``, ``year``, ``from``…), parsed."""

    q: str = ""
    filters: Mapping[str, tuple[Any, ...]] = field(default_factory=dict)
    sort: Sort = "relevance"
    page: int = 1
    per_page: int = DEFAULT_PER_PAGE
    mode: Mode = "stemmed"
    #: ``on``: one hit per story (:mod:`search.indexing.stories`), its other matching
    #: versions beside it, pages counted in stories; ``off``: every article.
    group: str = "on"
    #: Count the matches per period too (:mod:`search.timeline`): the page shows it,
    #: ``/api/timeline`` answers it; other searches do not pay for it.
    timeline: bool = False
    #: The timeline's bars (``auto``: chosen from the date range) and calendar.
    interval: str = "auto"
    calendar: str = "gregorian"
    #: ``on``: a query that finds nothing is searched as corrected, when a correction
    #: is sure (:mod:`search.spelling`); ``off``: as typed.
    spell: str = "on"

    def __post_init__(self) -> None:
        if self.sort not in SORTS:
            raise InvalidRequest(Notice("invalid_sort", {"choices": ", ".join(SORTS)}))
        if self.mode not in MODES:
            raise InvalidRequest(Notice("invalid_mode", {"choices": ", ".join(MODES)}))
        if self.group not in GROUPINGS:
            raise InvalidRequest(Notice("invalid_group", {"choices": ", ".join(GROUPINGS)}))
        if self.spell not in GROUPINGS:
            raise InvalidRequest(Notice("invalid_spell", {"choices": ", ".join(GROUPINGS)}))
        if self.interval not in INTERVALS:
            raise InvalidRequest(Notice("invalid_interval", {"choices": ", ".join(INTERVALS)}))
        if self.calendar not in CALENDARS:
            raise InvalidRequest(Notice("invalid_calendar", {"choices": ", ".join(CALENDARS)}))
        if not 1 <= self.per_page <= MAX_PER_PAGE:
            raise InvalidRequest(Notice("per_page_range", {"max": MAX_PER_PAGE}))
        if self.page < 1:
            raise InvalidRequest(Notice("page_too_small"))
        if self.page * self.per_page > MAX_RESULT_WINDOW:
            raise InvalidRequest(Notice("result_window", {"max": MAX_RESULT_WINDOW}))
        start, end = self.filters.get("from", ()), self.filters.get("to", ())
        if start and end and start[0] > end[0]:
            raise InvalidRequest(Notice("dates_reversed"))

    @classmethod
    def from_params(cls, params: Mapping[str, Any], *, timeline: bool = False) -> SearchRequest:
        """Build a request from URL-style parameters (a value may be a list); with
        ``timeline``, one that counts its matches per period too."""

        def values(name: str) -> list[str]:
            value = params.get(name)
            if value is None:
                return []
            items = value if isinstance(value, list | tuple) else [value]
            return [str(v).strip() for v in items if str(v).strip()]

        def one(name: str) -> Any:
            parsed = parse_values(name, values(name)[-1:])
            return parsed[0] if parsed else BY_NAME[name].default

        filters = {}
        for param in FILTERS:
            chosen = values(param.name) if param.repeatable else values(param.name)[-1:]
            parsed = parse_values(param.name, chosen)
            if parsed:
                filters[param.name] = tuple(dict.fromkeys(parsed))
        return cls(
            q=one("q"),
            filters=filters,
            sort=one("sort"),
            page=one("page"),
            per_page=one("per_page"),
            mode=one("mode"),
            group=one("group"),
            spell=one("spell"),
            timeline=timeline,
            interval=one("interval"),
            calendar=one("calendar"),
        )

    def all_filters(self, parsed: ParsedQuery) -> dict[str, tuple[Any, ...]]:
        """The request's filters together with those typed in the query (``source:…``)."""
        return merge(self.filters, parsed.typed)

    def engine_filters(self, parsed: ParsedQuery) -> Filters:
        return to_filters(self.all_filters(parsed))

    def filters_dict(self, parsed: ParsedQuery | None = None) -> dict[str, Any]:
        """The response's ``filters`` object: every filter in force, those typed in the
        query (``parsed``) too, so a client sees what narrowed its results."""
        return to_json(self.all_filters(parsed) if parsed is not None else self.filters)


@dataclass(slots=True)
class Hit:
    """One result: the stored document, its score, and its title and snippet marked up
    (safe HTML). ``to_dict`` shows the document's own fields through
    :func:`~search.document.to_record`, as the document API does."""

    document: StoredDocument
    title: str  # safe HTML
    snippet: str  # safe HTML
    score: float
    #: The story's other matching versions, oldest first (grouped searches).
    versions: list[StoredDocument] = field(default_factory=list)

    @property
    def id(self) -> str:
        return self.document.id

    @property
    def title_text(self) -> str:
        return self.document.title

    @property
    def date(self) -> dt.date | None:
        return self.document.date

    @property
    def sources(self) -> list[str]:
        return self.document.sources

    @property
    def url(self) -> str | None:
        return self.document.url

    @property
    def category(self) -> str | None:
        return self.document.category

    def to_dict(self) -> dict[str, Any]:
        record = to_record(self.document)
        return {
            "id": record["id"],
            "title": self.title,
            "title_text": record["title"],
            "date": record["date"],
            "sources": record["sources"],
            "url": record["url"],
            "category": record["category"],
            "score": round(self.score, 4),
            "snippet": self.snippet,
            "versions": [version_record(version) for version in self.versions],
        }


def version_record(document: StoredDocument) -> dict[str, Any]:
    """A story's version as a hit's ``versions`` and the article page list it."""
    return {
        "id": document.id,
        "title": document.title,
        "date": document.date.isoformat() if document.date else None,
        "sources": list(document.sources),
    }


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
    warnings: list[Notice] = field(default_factory=list)
    relaxed: bool = False
    #: Of ``total``, the matches with every word (three quarters of a long query's):
    #: they come first; ``None`` for a search without words.
    complete: int | None = None
    #: Whether ``complete`` means every word (a long query's first tier needs three
    #: quarters of them: the page says which).
    every_word: bool = True
    #: The query whose results these are, when Naba corrected what was typed (which
    #: found nothing): the page offers the typed words instead (``spell=off``).
    corrected: str | None = None
    #: The spellings searched beside the typed words (``{"word", "also"}``).
    variants: list[dict[str, Any]] = field(default_factory=list)
    #: The matches per period, when the request asked (else left out of ``to_dict``).
    timeline: Timeline | None = None
    #: Grouped searches: how many stories the matches make (pages count them).
    stories: int | None = None

    @property
    def pages(self) -> int:
        shown = self.total if self.stories is None else self.stories
        return max(1, math.ceil(min(shown, MAX_RESULT_WINDOW) / self.per_page))

    def to_dict(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "total": self.total,
            "complete": self.complete,
            "variants": self.variants,
            "stories": self.stories,
            "page": self.page,
            "per_page": self.per_page,
            "pages": self.pages,
            "sort": self.sort,
            "mode": self.mode,
            "filters": self.filters,
            "hits": [hit.to_dict() for hit in self.hits],
            "facets": self.facets,
            "suggestion": self.suggestion,
            "corrected": self.corrected,
            # The English sentences, and the same as codes with their values.
            "warnings": [str(notice) for notice in self.warnings],
            "notices": [notice.to_dict() for notice in self.warnings],
            "relaxed": self.relaxed,
            **({"timeline": self.timeline.to_dict()} if self.timeline is not None else {}),
        }


@dataclass(slots=True)
class DocumentView:
    """A stored document ready to show: its record plus the marked-up title and body,
    and apart from the body the lines the page it was copied from put around it (date
    and source lines, captions in Latin script, share buttons: ``furniture_html``)."""

    document: StoredDocument
    title_html: str
    body_html: str
    furniture_html: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        record = to_record(self.document)
        return {
            "id": record.pop("id"),
            "title": self.title_html,
            "title_text": record.pop("title"),
            "body_html": self.body_html,
            "furniture_html": self.furniture_html,
            **record,
        }


__all__ = [
    "DEFAULT_PER_PAGE",
    "MAX_PER_PAGE",
    "MAX_RESULT_WINDOW",
    "DocumentView",
    "Hit",
    "InvalidRequest",
    "SearchRequest",
    "SearchResponse",
]
