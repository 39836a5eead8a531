"""The search parameters and facets, declared once.

Every way of asking for a search reads this one table: the URL and JSON API
(``/search?source=…``, :meth:`search.request.SearchRequest.from_params`), the
web app's links and forms (:mod:`web.params`), the command line
(``python -m search query --source …``), the query syntax (``المصدر:…``,
:func:`search.query.parse_query`), the facet counts a search returns and the
API documentation. A new facet is one :class:`Param` row here plus one column
in each engine (``FACET_FIELDS`` in ``search/engine/whoosh_engine.py``);
nothing else changes.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from search.engine import Filters
from search.metadata import canonical_source_or_self, hijri_month, parse_date, source_label
from search.notices import Notice
from search.timeline import CALENDARS, INTERVALS


class InvalidRequest(ValueError):
    """A parameter the user sent cannot be used: ``notice`` says which and why (its
    English sentence is the exception's message, the API's ``error``)."""

    def __init__(self, notice: Notice) -> None:
        super().__init__(str(notice))
        self.notice = notice


@dataclass(frozen=True, slots=True)
class Param:
    """One search parameter.

    ``parse`` turns one sent value into its typed value or raises
    :class:`InvalidRequest` with the notice to show. ``facet`` names the engine facet
    the parameter filters (and whose counts a search returns); parameters of one
    ``group`` are counted under each other's absence (the year facet is counted whatever
    year or month is chosen, within the date range, which its links keep). ``bound``
    marks the two ends of the date range. ``operators`` are the names
    it has in the query syntax (``source:…``, ``المصدر:…``); ``operator`` reads such a
    typed value into parameter values (by default: this parameter, parsed). A facet
    outside any group is a list of boxes on the search page: ``label`` is its heading,
    ``show`` how a value reads there, ``empty`` what to say when there is none (no
    ``empty``: the list is left out). ``schema`` is one value's JSON Schema in the API's
    OpenAPI description (``/api/openapi.json``): what a client should send, while
    ``parse`` stays the judge (it also takes Arabic-Indic digits, say).
    """

    name: str
    help: str
    parse: Callable[[str], Any] = str
    default: Any = None
    repeatable: bool = False
    cli: str | None = None
    metavar: str | None = None
    operators: tuple[str, ...] = ()
    operator: Callable[[str], dict[str, list[Any]]] | None = None
    facet: str | None = None
    facet_order: Literal["count", "value"] = "count"
    group: str | None = None
    bound: Literal["from", "to"] | None = None
    json: str | None = None
    label: str | None = None
    show: Callable[[str], str] = str
    empty: str | None = None
    schema: Mapping[str, Any] = field(default_factory=lambda: {"type": "string"})

    def read_operator(self, value: str) -> dict[str, list[Any]]:
        """Parameter values from a value typed after one of ``operators``."""
        if self.operator is not None:
            return self.operator(value)
        return {self.name: [self.parse(value)]}


# --- value parsers (their messages are shown to the reader) ------------------------------

_MONTH = re.compile(r"^\d{4}-\d{2}$")
_DATE_VALUE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")
SORTS = ("relevance", "newest", "oldest")
MODES = ("stemmed", "exact")
#: ``group``: one result per story (on), or every version of it (off).
GROUPINGS = ("on", "off")


def whole_number(value: str) -> int | None:
    """``value`` as a whole number written in decimal digits (ASCII or Arabic-Indic, as
    a reader may type them), else None. ``str.isdigit`` also accepts ``²`` and ``①``,
    which ``int`` refuses: a 500 on ``year=²²²²`` before this."""
    text = value.strip()
    return int(text) if text.isdecimal() else None


def _year(value: str) -> int:
    year = whole_number(value)
    if year is None or len(value.strip()) != 4:
        raise InvalidRequest(Notice("invalid_year", {"value": value}))
    return year


def _month(value: str) -> str:
    if not _MONTH.match(value) or not 1 <= int(value[5:]) <= 12:
        raise InvalidRequest(Notice("invalid_month", {"value": value}))
    return value


def _date(name: str) -> Callable[[str], dt.date]:
    """ISO (``2023-08-16``, what links carry), or a day as readers write it in the date
    boxes: ``16 أغسطس 2023``, ``١٦/٨/٢٠٢٣``, ``16/08/2023`` (day first)."""

    def parse(value: str) -> dt.date:
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
        written = parse_date(value) if _FULL_DATE.search(value) else None
        if written is None:
            raise InvalidRequest(Notice("invalid_date", {"name": name, "value": value}))
        return written

    return parse


#: A day, month and year (a bare year or month is not a day to start or end at).
_FULL_DATE = re.compile(r"\d\D+\d.*\d|\d{1,2}\s+\D+\s+\d")


def _typed_hijri(value: str) -> dict[str, list[Any]]:
    """``hijri:رمضان 1444``: the Gregorian days of that Hijri month."""
    found = hijri_month(value)
    if found is None:
        raise InvalidRequest(Notice("bad_hijri_filter", {"value": value}))
    return {"from": [found[0]], "to": [found[1]]}


def _whole(name: str) -> Callable[[str], int]:
    def parse(value: str) -> int:
        number = whole_number(value)
        if number is None:
            raise InvalidRequest(Notice("invalid_number", {"name": name, "value": value}))
        return number

    return parse


def _typed_date(value: str) -> dict[str, list[Any]]:
    """``date:2023`` (a year), ``date:2023-08`` (a month) or ``date:2023-08-16`` (a day)."""
    match = _DATE_VALUE.match(value.strip())
    try:
        if not match:
            raise ValueError
        year, month, day = match.groups()
        if day:
            date = dt.date(int(year), int(month), int(day))
            return {"from": [date], "to": [date]}
        if month:
            dt.date(int(year), int(month), 1)
            return {"month": [f"{int(year):04d}-{int(month):02d}"]}
        return {"year": [int(year)]}
    except ValueError:
        raise InvalidRequest(Notice("bad_date_filter", {"value": value})) from None


def _source(value: str) -> str:
    return canonical_source_or_self(value.strip())


# --- the table ----------------------------------------------------------------------------

PARAMS: tuple[Param, ...] = (
    Param("q", 'what to search for (words, "a phrase", -word, OR/أو, filters)', default=""),
    Param(
        "source",
        "only this source (any spelling the source table knows; repeat for several)",
        parse=_source,
        repeatable=True,
        cli="--source",
        metavar="NAME",
        operators=("source", "المصدر", "مصدر"),
        facet="sources",
        json="sources",
        label="المصدر",
        show=source_label,
        empty="لا مصادر.",
    ),
    Param(
        "category",
        "only this section (as the articles name it; repeat for several)",
        parse=str.strip,
        repeatable=True,
        cli="--category",
        metavar="NAME",
        operators=("category", "القسم", "قسم", "التصنيف", "تصنيف"),
        facet="category",
        json="categories",
        label="التصنيف",
    ),
    Param(
        "year",
        "only this year, like 2023 (repeat for several)",
        parse=_year,
        repeatable=True,
        cli="--year",
        metavar="YYYY",
        operators=("date", "التاريخ", "تاريخ"),
        operator=_typed_date,
        facet="year",
        facet_order="value",
        group="dates",
        json="years",
        schema={"type": "string", "pattern": "^[0-9]{4}$", "example": "2023"},
    ),
    Param(
        "month",
        "only this month, like 2023-08 (repeat for several)",
        parse=_month,
        repeatable=True,
        cli="--month",
        metavar="YYYY-MM",
        facet="month",
        facet_order="value",
        group="dates",
        json="months",
        schema={"type": "string", "pattern": "^[0-9]{4}-(0[1-9]|1[0-2])$", "example": "2023-08"},
    ),
    Param(
        "from",
        "published on or after this day",
        parse=_date("from"),
        cli="--from",
        metavar="YYYY-MM-DD",
        # A Hijri month is a range of days: it sets this and ``to``.
        operators=("hijri", "هجري", "الهجري"),
        operator=_typed_hijri,
        group="dates",
        bound="from",
        json="from",
        schema={"type": "string", "format": "date"},
    ),
    Param(
        "to",
        "published on or before this day",
        parse=_date("to"),
        cli="--to",
        metavar="YYYY-MM-DD",
        group="dates",
        bound="to",
        json="to",
        schema={"type": "string", "format": "date"},
    ),
    Param(
        "sort",
        "relevance | newest | oldest",
        default="relevance",
        cli="--sort",
        metavar="ORDER",
        schema={"type": "string", "enum": list(SORTS)},
    ),
    Param(
        "mode",
        "stemmed | exact (--exact: match words exactly)",
        default="stemmed",
        schema={"type": "string", "enum": list(MODES)},
    ),
    Param(
        "group",
        "on: one result per story (its best-ranked version, the others beside it) | off",
        default="on",
        cli="--group",
        metavar="on|off",
        schema={"type": "string", "enum": list(GROUPINGS)},
    ),
    Param(
        "spell",
        "on: a query that finds nothing is searched as corrected, when the correction is"
        " sure | off: as typed",
        default="on",
        cli="--spell",
        metavar="on|off",
        schema={"type": "string", "enum": list(GROUPINGS)},
    ),
    Param(
        "interval",
        "a timeline's bars: auto (from the date range) | day | week | month | year",
        default="auto",
        cli="--interval",
        metavar="UNIT",
        schema={"type": "string", "enum": list(INTERVALS)},
    ),
    Param(
        "calendar",
        "a timeline's months and years: gregorian | hijri (Umm al-Qura)",
        default="gregorian",
        cli="--calendar",
        metavar="NAME",
        schema={"type": "string", "enum": list(CALENDARS)},
    ),
    Param(
        "per_page",
        "results per page",
        parse=_whole("per_page"),
        default=10,
        cli="--per-page",
        metavar="N",
        schema={"type": "integer", "minimum": 1, "maximum": 50},
    ),
    Param(
        "page",
        "page number (page × per_page ≤ 1000)",
        parse=_whole("page"),
        default=1,
        cli="--page",
        metavar="N",
        schema={"type": "integer", "minimum": 1, "maximum": 1000},
    ),
)

BY_NAME: dict[str, Param] = {p.name: p for p in PARAMS}
#: The parameters that narrow a search (a reader who set any of them asked for something).
FILTERS: tuple[Param, ...] = tuple(p for p in PARAMS if p.json is not None)
#: The parameters with facet counts.
FACETS: tuple[Param, ...] = tuple(p for p in PARAMS if p.facet is not None)
#: The facets a reader ticks boxes of (the date facets have a panel of their own).
BOX_FACETS: tuple[Param, ...] = tuple(p for p in FACETS if p.group is None)
#: Query-syntax operator (lower case) → the parameter it sets.
OPERATORS: dict[str, Param] = {op.lower(): p for p in PARAMS for op in p.operators}


def parse_values(name: str, values: Iterable[str]) -> list[Any]:
    """Values of one parameter, parsed (:class:`InvalidRequest` naming the first bad one)."""
    param = BY_NAME[name]
    return [param.parse(v) for v in values]


def merge(*sets: Mapping[str, Iterable[Any]]) -> dict[str, tuple[Any, ...]]:
    """Filter values from several places (the request, the query's own ``source:…``) as one.

    Repeatable values add up; of several range starts the latest wins and of several
    ends the earliest, so every place's restriction holds.
    """
    out: dict[str, tuple[Any, ...]] = {}
    for param in FILTERS:
        values = [v for values in sets for v in values.get(param.name, ())]
        if not values:
            continue
        if param.bound == "from":
            out[param.name] = (max(values),)
        elif param.bound == "to":
            out[param.name] = (min(values),)
        else:
            out[param.name] = tuple(dict.fromkeys(values))
    return out


def to_filters(values: Mapping[str, Iterable[Any]]) -> Filters:
    """Parameter values as the engine's :class:`~search.engine.Filters`."""
    facets = {}
    for param in FACETS:
        chosen = tuple(str(v) for v in values.get(param.name, ()))
        if chosen:
            facets[param.facet] = chosen
    starts = list(values.get("from", ()))
    ends = list(values.get("to", ()))
    return Filters(facets, max(starts, default=None), min(ends, default=None))  # type: ignore[arg-type]


def facet_filters(filters: Filters) -> dict[str, Filters]:
    """What each facet is counted under: every filter but its own group's values.

    So each count is the number of results its link returns, whatever else is chosen
    (ticking a second source adds to the results, it does not narrow them). A date
    range stays: a year's or a month's link keeps it, so a year outside the range is
    not offered with articles its link would not show.
    """
    counts = {}
    for param in FACETS:
        group = [p for p in FILTERS if p is param or (param.group and p.group == param.group)]
        counts[param.facet] = filters.without([p.facet for p in group if p.facet])
    return counts  # type: ignore[return-value]


def ordered_counts(facet: str, counts: Mapping[str, int]) -> dict[str, int]:
    """A facet's counts in the order a reader scans them: most first (sources, sections),
    or newest first (years, months)."""
    param = next(p for p in FACETS if p.facet == facet)
    if param.facet_order == "value":
        return dict(sorted(counts.items(), reverse=True))
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def to_json(values: Mapping[str, Iterable[Any]]) -> dict[str, Any]:
    """The request's filters as the response's ``filters`` object (the API's contract)."""
    out: dict[str, Any] = {}
    for param in FILTERS:
        chosen = list(values.get(param.name, ()))
        if param.bound:
            out[param.json] = chosen[0].isoformat() if chosen else None  # type: ignore[index]
        else:
            out[param.json] = chosen  # type: ignore[index]
    return out
