"""A search's timeline: how many of its matches were published in each period.

The engine counts the matches per publication day (the ``day`` facet, asked for only
when a timeline is wanted); this module groups those days into periods:

1. **The range.** From the request's ``from`` day if it has one, else the first day a
   match was published; to its ``to`` day, else the last. Either end is then clipped
   to the archive's own first and last day: an open-ended ``to=9999-12-31`` must not
   draw (or compute) eighty centuries of empty bars.
2. **The interval.** ``auto`` picks it from the range's length: a bar a day up to
   :data:`DAILY_UP_TO` days (two months: at most 62 bars), a bar a week up to
   :data:`WEEKLY_UP_TO` (a year: at most 54), a bar a month up to :data:`MONTHLY_UP_TO`
   (ten years: at most 122), a bar a year beyond. An interval asked for that would draw
   more than :data:`MAX_BUCKETS` bars is widened to the next one that does not.
   Weeks start on Monday (ISO 8601).
3. **The buckets.** Every period of the range, those without a match too (an axis
   without its gaps would lie about when the news happened), each with the first and
   last day of the range it covers (the days a bar's link narrows the search to) and its
   count. With ``calendar=hijri`` months and years are Umm al-Qura Hijri ones (the
   ``hijridate`` table, 1343–1500 AH: outside it the timeline stays Gregorian).

Matches without a date are no period's: they are counted apart (``undated``).
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from hijridate import Gregorian, Hijri

from search.engine import UNDATED

Interval = Literal["day", "week", "month", "year"]
Calendar = Literal["gregorian", "hijri"]
#: What the ``interval`` parameter takes (``auto``: chosen from the range).
INTERVALS = ("auto", "day", "week", "month", "year")
#: What the ``calendar`` parameter takes.
CALENDARS = ("gregorian", "hijri")
#: The longest range (days) drawn a bar a day, a week, a month (``auto``).
DAILY_UP_TO = 62
WEEKLY_UP_TO = 366
MONTHLY_UP_TO = 3653
#: The most bars a timeline draws: a finer interval asked for is widened.
MAX_BUCKETS = 400
#: About how many days a period of each interval lasts (to foresee the bars' number).
_PERIOD_DAYS: dict[Interval, float] = {"day": 1, "week": 7, "month": 30.4, "year": 365.2}
_ORDER: tuple[Interval, ...] = ("day", "week", "month", "year")


@dataclass(frozen=True, slots=True)
class Bucket:
    """One bar: ``period`` names it (``2023-08-16``, ``2023-W33``, ``2023-08``, ``2023``;
    Hijri ``1445-02``, ``1445``), ``start`` and ``end`` are the first and last days
    (inclusive) of the range it covers, ``count`` the matches published in them."""

    period: str
    start: dt.date
    end: dt.date
    count: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "period": self.period,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "count": self.count,
        }


@dataclass(frozen=True, slots=True)
class Timeline:
    """The matches per period (oldest first) and, apart, those without a date."""

    interval: Interval
    calendar: Calendar
    buckets: list[Bucket]
    undated: int

    @property
    def dated(self) -> int:
        return sum(bucket.count for bucket in self.buckets)

    @property
    def highest(self) -> int:
        """The largest count (the bars' scale)."""
        return max((bucket.count for bucket in self.buckets), default=0)

    def to_dict(self) -> dict[str, Any]:
        """The API's ``timeline`` object."""
        return {
            "interval": self.interval,
            "calendar": self.calendar,
            "undated": self.undated,
            "buckets": [bucket.to_dict() for bucket in self.buckets],
        }


def choose_interval(days: int) -> Interval:
    """The interval ``auto`` draws a range of ``days`` days with (see the module's doc)."""
    if days <= DAILY_UP_TO:
        return "day"
    if days <= WEEKLY_UP_TO:
        return "week"
    if days <= MONTHLY_UP_TO:
        return "month"
    return "year"


def build_timeline(
    day_counts: Mapping[str, int],
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    archive: tuple[dt.date | None, dt.date | None] = (None, None),
    interval: str = "auto",
    calendar: str = "gregorian",
) -> Timeline:
    """Group ``day_counts`` (the ``day`` facet: ISO day -> matches, the undated under
    :data:`~search.engine.UNDATED`) into periods from ``start`` to ``end`` (the request's
    date range; ``None``: the matches' first or last day), within ``archive`` (the
    index's first and last day)."""
    undated = int(day_counts.get(UNDATED, 0))
    days = sorted(
        (dt.date.fromisoformat(day).toordinal(), int(n))
        for day, n in day_counts.items()
        if day != UNDATED and n
    )
    wanted_calendar: Calendar = "hijri" if calendar == "hijri" else "gregorian"
    if not days:
        return Timeline(_fixed(interval) or "day", wanted_calendar, [], undated)
    first = start or dt.date.fromordinal(days[0][0])
    last = end or dt.date.fromordinal(days[-1][0])
    if archive[0]:
        first = max(first, archive[0])
    if archive[1]:
        last = min(last, archive[1])
    if first > last:
        return Timeline(_fixed(interval) or "day", wanted_calendar, [], undated)
    span = (last - first).days + 1
    chosen = _fixed(interval) or choose_interval(span)
    while chosen != "year" and span / _PERIOD_DAYS[chosen] > MAX_BUCKETS:
        chosen = _ORDER[_ORDER.index(chosen) + 1]
    ordinals = [day for day, _ in days]
    totals = [0, *itertools.accumulate(n for _, n in days)]

    def count(a: dt.date, b: dt.date) -> int:
        low = bisect.bisect_left(ordinals, a.toordinal())
        high = bisect.bisect_right(ordinals, b.toordinal())
        return totals[high] - totals[low]

    def buckets(periods: Iterator[tuple[str, dt.date, dt.date]]) -> list[Bucket]:
        out = []
        for period, a, b in periods:
            a, b = max(a, first), min(b, last)
            out.append(Bucket(period, a, b, count(a, b)))
        return out

    if wanted_calendar == "hijri" and chosen in ("month", "year"):
        try:
            return Timeline(chosen, "hijri", buckets(_hijri_periods(chosen, first, last)), undated)
        except (OverflowError, ValueError):
            wanted_calendar = "gregorian"  # outside the Umm al-Qura table
    elif wanted_calendar == "hijri" and not (_in_hijri_table(first) and _in_hijri_table(last)):
        wanted_calendar = "gregorian"
    return Timeline(chosen, wanted_calendar, buckets(_periods(chosen, first, last)), undated)


def _fixed(interval: str) -> Interval | None:
    return interval if interval in _ORDER else None  # type: ignore[return-value]


def _in_hijri_table(day: dt.date) -> bool:
    try:
        Gregorian(day.year, day.month, day.day).to_hijri()
    except (OverflowError, ValueError):
        return False
    return True


def _periods(
    interval: Interval, first: dt.date, last: dt.date
) -> Iterator[tuple[str, dt.date, dt.date]]:
    """The Gregorian periods of ``interval`` that meet ``first``…``last``: (name, first
    day, last day)."""
    start, name, following = _GREGORIAN[interval](first)
    while start <= last:
        try:
            after = following(start)
        except (OverflowError, ValueError):  # the last period of the calendar (9999)
            yield name(start), start, dt.date.max
            return
        yield name(start), start, after - dt.timedelta(days=1)
        start = after


def _next_month(day: dt.date) -> dt.date:
    return dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)


def _week_name(day: dt.date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year:04d}-W{week:02d}"


_Period = tuple[dt.date, Callable[[dt.date], str], Callable[[dt.date], dt.date]]
#: Per interval: the period a day falls in as (its first day, its name, the next one's first day).
_GREGORIAN: dict[Interval, Callable[[dt.date], _Period]] = {
    "day": lambda d: (d, dt.date.isoformat, lambda s: s + dt.timedelta(days=1)),
    "week": lambda d: (
        d - dt.timedelta(days=d.weekday()),
        _week_name,
        lambda s: s + dt.timedelta(days=7),
    ),
    "month": lambda d: (d.replace(day=1), lambda s: f"{s.year:04d}-{s.month:02d}", _next_month),
    "year": lambda d: (
        d.replace(month=1, day=1),
        lambda s: f"{s.year:04d}",
        lambda s: s.replace(year=s.year + 1),
    ),
}


def _hijri_periods(
    interval: Interval, first: dt.date, last: dt.date
) -> Iterator[tuple[str, dt.date, dt.date]]:
    """The Umm al-Qura months (or years) that meet ``first``…``last`` (``OverflowError``
    past the table's ends)."""
    hijri = Gregorian(first.year, first.month, first.day).to_hijri()
    year, month = hijri.year, (hijri.month if interval == "month" else 1)
    while True:
        start = _gregorian(Hijri(year, month, 1))
        if start > last:
            return
        if interval == "month":
            name = f"{year:04d}-{month:02d}"
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        else:
            name = f"{year:04d}"
            year += 1
        following = _gregorian(Hijri(year, month, 1))
        yield name, start, following - dt.timedelta(days=1)


def _gregorian(day: Hijri) -> dt.date:
    g = day.to_gregorian()
    return dt.date(g.year, g.month, g.day)
