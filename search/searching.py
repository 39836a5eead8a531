"""The search service the command line and the web app share.

``open_index`` opens an index location (a folder, or an engine's URL) as an
:class:`~search.engine.Index` that follows reindexes by itself (each call
reads its live view). ``search`` runs a :class:`~search.request.SearchRequest`:
parses the query, ranks the matches in tiers of words matched, counts facets,
builds snippets and a "did you mean", and returns a
:class:`~search.request.SearchResponse`. Documents, more-like-this and index
statistics are here too; completions are :mod:`search.suggest`. This module is
what the web layer calls, and it re-exports what that layer needs.
"""

from __future__ import annotations

import calendar
import dataclasses
import datetime as dt
import os
import re
from collections.abc import Iterator, Sequence
from typing import Any

from search import engine
from search.corpus.origin import relative_origin
from search.document import StoredDocument
from search.engine import (
    DAY_FACET,
    EngineHit,
    EngineResult,
    FacetSpec,
    Filters,
    Index,
    IndexIncompatible,
    IndexMissing,
    IndexOptions,
    IndexReader,
    Sort,
    UnknownLocation,
)
from search.exports import EXPORT_FIELDS, csv_lines, export_rows, jsonl_lines
from search.highlight import Highlighter, highlight_all, snippet
from search.metadata import source_label, split_furniture
from search.notices import ENGLISH as NOTICE_CODES
from search.notices import Notice
from search.params import (
    BOX_FACETS,
    FACETS,
    PARAMS,
    InvalidRequest,
    facet_filters,
    ordered_counts,
    parse_values,
)
from search.params import FILTERS as FILTER_PARAMS
from search.query import MAX_QUERY_CHARS, ParsedQuery, parse_query, split_typed
from search.request import (
    MAX_PER_PAGE,
    MAX_RESULT_WINDOW,
    DocumentView,
    Hit,
    SearchRequest,
    SearchResponse,
)
from search.spelling import correct, unseen
from search.stories import compare_versions, story_versions, word_diff
from search.suggest import suggest, written_form
from search.timeline import CALENDARS, INTERVALS, Bucket, Timeline, build_timeline
from search.variants import Added, expand, variants_of

# "Did you mean" is looked for when fewer articles than this have every word.
SUGGEST_BELOW = 3


# --- the index ---------------------------------------------------------------


def open_index(location: str | os.PathLike[str], options: IndexOptions | None = None) -> Index:
    """The index at ``location`` (a folder, or an engine's URL), following reindexes;
    ``options`` from the settings (``Settings.index_options``).

    Raises :class:`IndexMissing` when there is no index there yet.
    """
    return engine.open_index(location, options)


# --- searching -------------------------------------------------------------------


def _highlighter(parsed: ParsedQuery | None) -> Highlighter:
    if parsed is None:
        return Highlighter()
    return Highlighter(parsed.terms, parsed.exacts, parsed.phrases)


def _hit(reader: IndexReader, found: EngineHit, highlighter: Highlighter) -> Hit:
    """A hit with its marked title and snippet, memoised on the reader by document and
    query words: scanning an article costs about a millisecond (ten per page, most of
    a warm search), and a popular search, its next page and the same words with other
    filters show the same articles again."""
    doc = found.document

    def mark(key: tuple[str, str, Highlighter]) -> tuple[str, str]:
        return highlight_all(doc.title, highlighter), snippet(article_text(doc), highlighter)

    title, text = reader.memo.get(("hit", doc.id, highlighter), mark)
    return Hit(document=doc, title=title, snippet=text, score=found.score)


def article_text(doc: StoredDocument) -> str:
    """The body without the lines of the page around it (date and source lines,
    captions in Latin script): what a snippet is taken from."""
    return split_furniture(doc.body)[0] or doc.body


def understand(
    index: Index, reader: IndexReader, request: SearchRequest
) -> tuple[ParsedQuery, list[Added]]:
    """The request's query as every search path runs it (the page, its timeline, its
    exports): parsed, each word with its spelling variants (:mod:`search.variants`)."""
    parsed = parse_query(request.q, mode=request.mode)
    return expand(parsed, variants_of(index, reader), reader)


def search(index: Index, request: SearchRequest) -> SearchResponse:
    """Run a search: hits for the page, facets over the whole result set, a correction.

    A query no article has every word of, with a confident correction
    (:mod:`search.spelling`), shows the correction's results at once (``corrected``),
    unless the reader asked for the typed words (``spell=off``); any other correction
    is a suggestion."""
    reader = index.reader()
    response, parsed, filters = _respond(index, reader, request)
    if response.complete is None or not parsed.words:
        return response
    if response.complete >= SUGGEST_BELOW and not unseen(reader, parsed):
        return response
    correction = correct(reader, request.q, parsed, filters, response.complete, written_form)
    if correction is None:
        return response
    if correction.confident and response.complete == 0 and request.spell == "on":
        fixed, _, _ = _respond(index, reader, dataclasses.replace(request, q=correction.text))
        return dataclasses.replace(fixed, query=request.q, corrected=correction.text)
    response.suggestion = correction.text
    return response


def _respond(
    index: Index, reader: IndexReader, request: SearchRequest
) -> tuple[SearchResponse, ParsedQuery, Filters]:
    """The response to ``request`` as typed, with the parsed query and the filters in
    force (what a correction is looked for with)."""
    parsed, added = understand(index, reader, request)
    filters = request.engine_filters(parsed)
    counted: dict[str, Filters] = facet_filters(filters)
    if request.timeline:
        counted[DAY_FACET] = filters
    result, relaxed = find(
        reader,
        parsed,
        filters,
        sort=request.sort,
        offset=(request.page - 1) * request.per_page,
        limit=request.per_page,
        facets=FacetSpec(counted),
        collapse=request.group == "on",
    )
    days = result.facets.pop(DAY_FACET, None)
    highlighter = _highlighter(parsed)
    response = SearchResponse(
        query=request.q,
        total=result.total,
        page=request.page,
        per_page=request.per_page,
        sort=request.sort,
        mode=request.mode,
        filters=request.filters_dict(parsed),
        hits=[
            dataclasses.replace(_hit(reader, h, highlighter), versions=h.versions)
            for h in result.hits
        ],
        facets={name: ordered_counts(name, counts) for name, counts in result.facets.items()},
        warnings=[*parsed.warnings, *_unknown_sources(reader, filters.values.get("sources", ()))],
        relaxed=relaxed,
        complete=result.complete,
        every_word=parsed.query.first_tier == len(parsed.query.groups),
        variants=[a.to_dict() for a in added],
        timeline=_timeline(reader, request, filters, days) if days is not None else None,
        stories=result.stories,
    )
    return response, parsed, filters


def timeline(index: Index, request: SearchRequest) -> dict[str, Any]:
    """``request``'s matches per period, without a page of hits (``/api/timeline``,
    ``query --timeline``'s member): the engine counts, no article is read. The object
    says what was counted (the query, the filters in force, whether no match has every
    word) beside ``total`` and ``timeline``."""
    reader = index.reader()
    parsed, _ = understand(index, reader, request)
    filters = request.engine_filters(parsed)
    result, relaxed = find(
        reader,
        parsed,
        filters,
        sort="relevance",
        offset=0,
        limit=0,
        facets=FacetSpec({DAY_FACET: filters}),
    )
    counted = _timeline(reader, request, filters, result.facets.get(DAY_FACET, {}))
    return {
        "query": request.q,
        "total": result.total,
        "filters": request.filters_dict(parsed),
        "relaxed": relaxed,
        "timeline": counted.to_dict(),
    }


def _timeline(
    reader: IndexReader, request: SearchRequest, filters: Filters, days: dict[str, int]
) -> Timeline:
    """The ``day`` counts as periods over the range the filters chose (their date range,
    or the span of their years and months), within the archive's first and last day."""
    starts = [filters.date_from] if filters.date_from else []
    ends = [filters.date_to] if filters.date_to else []
    # A year 0000 or a month 0000-01 is a valid filter that finds nothing, and no date.
    years = sorted(int(y) for y in filters["year"] if 1 <= int(y) <= dt.MAXYEAR)
    months = sorted(m for m in filters["month"] if 1 <= int(m[:4]) <= dt.MAXYEAR)
    if years:
        starts.append(dt.date(years[0], 1, 1))
        ends.append(dt.date(years[-1], 12, 31))
    if months:
        starts.append(dt.date.fromisoformat(f"{months[0]}-01"))
        ends.append(_month_end(dt.date.fromisoformat(f"{months[-1]}-01")))
    stats = reader.memo.get(("archive days",), lambda _: reader.stats())
    return build_timeline(
        days,
        start=max(starts, default=None),
        end=min(ends, default=None),
        archive=(stats.date_min, stats.date_max),
        interval=request.interval,
        calendar=request.calendar,
    )


def _month_end(first: dt.date) -> dt.date:
    """The last day of the month that starts on ``first``."""
    return first.replace(day=calendar.monthrange(first.year, first.month)[1])


#: Sources a notice about an unknown one names, the largest first.
KNOWN_SOURCES_SHOWN = 8


def _unknown_sources(reader: IndexReader, chosen: Sequence[str]) -> list[Notice]:
    """A notice for each chosen source no article of the index has (``source:foo``, an
    outlet the archive does not carry), naming the sources it has, rather than an
    empty page that looks like "no news"."""
    if not chosen:
        return []
    known = reader.memo.get(("sources",), lambda _: list(reader.stats().sources))
    listed = "، ".join(source_label(k) for k in known[:KNOWN_SOURCES_SHOWN])
    return [
        Notice("unknown_source", {"value": source_label(name), "known": listed})
        for name in chosen
        if name not in known
    ]


def hits_of(index: Index, request: SearchRequest, limit: int, chunk: int = 200) -> Iterator[Hit]:
    """Every match of ``request`` in its order, at most ``limit``, read ``chunk`` hits at
    a time (exports, feeds): the page window of the site does not apply, and the hits
    are not memoised (an export would push a thousand popular ones out of the memo)."""
    reader = index.reader()
    parsed, _ = understand(index, reader, request)
    filters = request.engine_filters(parsed)
    highlighter = _highlighter(parsed)
    offset = 0
    while offset < limit:
        wanted = min(chunk, limit - offset)
        result, _ = find(reader, parsed, filters, sort=request.sort, offset=offset, limit=wanted)
        for found in result.hits:
            doc = found.document
            title = highlight_all(doc.title, highlighter)
            yield Hit(doc, title, snippet(article_text(doc), highlighter), found.score)
        if len(result.hits) < wanted:
            return
        offset += wanted


def find(
    engine: IndexReader,
    parsed: ParsedQuery,
    filters: Filters,
    *,
    sort: Sort,
    offset: int,
    limit: int,
    facets: FacetSpec | None = None,
    collapse: bool = False,
) -> tuple[EngineResult, bool]:
    """Run a parsed query: the matches in tiers (every word first, then those that miss
    one word, and so on; :class:`~search.engine.EngineQuery`), and whether no match has
    every word (``relaxed``: the page says that what it shows has only some of them).

    An article that lacks one word of «الجفاف في السدود» may well be about the
    drought: a hard all-words cut hid most of them (issue 15), while the tiers keep
    the articles with every word on top. Measured with ``python -m evaluation``
    (``docs/quality.md``), which calls this function for every system.
    """
    result = engine.search(
        parsed.query,
        filters,
        sort=sort,
        offset=offset,
        limit=limit,
        facets=facets,
        collapse=collapse,
    )
    relaxed = bool(result.total) and result.complete == 0 and len(parsed.query.groups) > 1
    return result, relaxed


# --- documents, stats -------------------------------------------------------------


def get_document(
    index: Index,
    doc_id: str,
    query: str | None = None,
    corpus: Sequence[str] | None = None,
) -> DocumentView | None:
    """A stored document ready to show; with ``query``, its matching words are marked.

    With ``corpus`` (the corpus folders), ``origin`` is told relative to them, as the
    site and the API show it: the server's own paths are nobody else's business.
    """
    doc = index.reader().get(doc_id)
    if doc is None:
        return None
    if corpus is not None and doc.origin:
        doc = dataclasses.replace(doc, origin=relative_origin(doc.origin, corpus))
    highlighter = _highlighter(parse_query(query) if query else None)
    text, furniture = split_furniture(doc.body)
    paragraphs = [p for p in re.split(r"\n\s*\n|\n", text) if p.strip()]
    body_html = "\n".join(f"<p>{highlight_all(p.strip(), highlighter)}</p>" for p in paragraphs)
    return DocumentView(
        doc,
        highlight_all(doc.title, highlighter),
        body_html,
        [highlight_all(line, highlighter) for line in furniture],
    )


def more_like_this(index: Index, doc_id: str, limit: int = 5) -> list[dict[str, Any]]:
    """Documents that share the most distinctive terms with ``doc_id``."""
    reader = index.reader()
    return [_hit(reader, h, Highlighter()).to_dict() for h in reader.more_like_this(doc_id, limit)]


def canonical_date(name: str, value: str) -> str | None:
    """A ``from``/``to`` value as written in a link (``2023-08-16``), from how a reader
    typed it in the date boxes (``16 أغسطس 2023``, ``١٦/٨/٢٠٢٣``); ``None`` if unreadable."""
    try:
        (day,) = parse_values(name, [value])
    except InvalidRequest:
        return None
    return str(day.isoformat())


#: The date panel's quick ranges: label, days before the newest article it starts.
QUICK_RANGES = (("آخر 24 ساعة", 0), ("آخر أسبوع", 6), ("آخر شهر", 29), ("آخر سنة", 364))


def quick_ranges(index: Index) -> list[tuple[str, str]]:
    """(label, the ``from`` day) of each quick range, counted back from the newest
    article: in an archive that stopped in 2024, «the last week» is its last week."""
    reader = index.reader()
    newest = reader.memo.get(("newest",), lambda _: reader.stats().date_max)
    if newest is None:
        return []
    return [(label, (newest - dt.timedelta(days=back)).isoformat()) for label, back in QUICK_RANGES]


def index_stats(index: Index) -> dict[str, Any]:
    stats = index.reader().stats()
    return {
        "documents": stats.documents,
        "date_min": stats.date_min.isoformat() if stats.date_min else None,
        "date_max": stats.date_max.isoformat() if stats.date_max else None,
        "sources": stats.sources,
        "size_bytes": stats.size_bytes,
        "generation": stats.generation,
    }


def index_servers(index: Index) -> list[dict[str, Any]]:
    """The database servers searches go to and how each is doing, for ``/healthz``
    (none for the embedded engine)."""
    return [dataclasses.asdict(server) for server in index.servers()]


__all__ = [
    "BOX_FACETS",
    "CALENDARS",
    "EXPORT_FIELDS",
    "FACETS",
    "FILTER_PARAMS",
    "INTERVALS",
    "MAX_PER_PAGE",
    "MAX_QUERY_CHARS",
    "MAX_RESULT_WINDOW",
    "NOTICE_CODES",
    "PARAMS",
    "Bucket",
    "DocumentView",
    "Filters",
    "Hit",
    "Index",
    "IndexIncompatible",
    "IndexMissing",
    "IndexOptions",
    "InvalidRequest",
    "Notice",
    "SearchRequest",
    "SearchResponse",
    "Timeline",
    "UnknownLocation",
    "canonical_date",
    "compare_versions",
    "csv_lines",
    "export_rows",
    "find",
    "get_document",
    "hits_of",
    "index_servers",
    "index_stats",
    "jsonl_lines",
    "more_like_this",
    "open_index",
    "quick_ranges",
    "search",
    "source_label",
    "split_typed",
    "story_versions",
    "suggest",
    "timeline",
    "word_diff",
]
