"""A search's timeline as ``_timeline.html`` draws it: each bar's place, height, name
and link, worked out here in one pass.

Done in the template, the same work cost about 10 ms a page on ANT (a macro call, a
translated label and a link per bar, and a list rebuilt for every bar): more than the
search itself. The geometry is the SVG's own units; naba.css scales it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from flask import Flask
from flask_babel import gettext

from web.formatting import count_noun, period_label
from web.i18n import text_direction
from web.params import url_with

#: A bar's slot, the gap inside it, and the chart's height, in SVG units.
SLOT, GAP, HEIGHT = 10, 2, 100


@dataclass(frozen=True, slots=True)
class Bar:
    count: int
    shown: str  # the period as the table names it
    label: str  # the period and its count, for screen readers and the tooltip
    url: str  # the search narrowed to the period ('' for an empty period)
    x: float
    height: float


def timeline_bars(timeline: Mapping[str, Any], args: Mapping[str, Sequence[str]]) -> list[Bar]:
    """The bars of ``timeline`` (a response's ``timeline``) in time order, placed from the
    right in a right-to-left page. A bar's link drops the year and month filters it lies
    within (one each at most: with several, a period could reach past them, so they
    stay), and the interval (a new range picks its own)."""
    buckets = timeline["buckets"]
    interval, calendar = timeline["interval"], timeline["calendar"]
    count = len(buckets)
    highest = max((b["count"] for b in buckets), default=0) or 1
    rtl = text_direction() == "rtl"
    drop_dates = len(args.get("year") or []) <= 1 and len(args.get("month") or []) <= 1
    dates: dict[str, Any] = {"year": None, "month": None} if drop_dates else {}
    bars = []
    nouns: dict[int, str] = {}  # most bars share a few counts (zero above all)
    for i, bucket in enumerate(buckets):
        shown = period_label(bucket, interval, calendar)
        articles = nouns.get(bucket["count"]) or nouns.setdefault(
            bucket["count"], count_noun(bucket["count"], "article")
        )
        url = (
            url_with(from_=bucket["start"], to=bucket["end"], interval=None, **dates)
            if bucket["count"]
            else ""
        )
        height = max(bucket["count"] / highest * (HEIGHT - 4), 3) if bucket["count"] else 1
        bars.append(
            Bar(
                count=bucket["count"],
                shown=shown,
                label=gettext("%(period)s: %(articles)s", period=shown, articles=articles),
                url=url,
                x=((count - 1 - i) if rtl else i) * SLOT,
                height=round(height, 2),
            )
        )
    return bars


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(
        timeline_bars=timeline_bars, timeline_slot=SLOT, timeline_gap=GAP, timeline_height=HEIGHT
    )
