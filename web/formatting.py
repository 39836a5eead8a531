"""How values look on the page: dates, counts, source names, and which links are safe.

One form of date everywhere: ``16 أغسطس 2023`` (CLDR's Arabic month names, those of
Egypt and most of the Arab press, with Western digits as in the corpus; ``16 August 2023``
in English), with the Umm al-Qura Hijri date beside it when it can be computed. Counted
nouns follow Arabic grammar (CLDR's zero, one, two, few, many and other) rather than a
single plural that reads wrong for most numbers.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import quote, urlsplit

from flask import Flask
from flask_babel import format_date, gettext, ngettext
from hijridate import Gregorian, Hijri

from search.searching import source_label
from web.i18n import is_english
from web.messages import arabic, rule_label

#: Each counted noun's forms, as ``ngettext`` calls (the msgids are Arabic's singular
#: and plural; the Arabic catalogue gives all six CLDR forms, the English one two).
NOUNS: dict[str, Callable[[int], str]] = {
    "result": lambda n: ngettext("%(num)s نتيجة", "%(num)s نتائج", n),
    "article": lambda n: ngettext("%(num)s مقال", "%(num)s مقالات", n),
    "source": lambda n: ngettext("%(num)s مصدر", "%(num)s مصادر", n),
    # «و3 نسخ أخرى»: the other versions of a story beside a result.
    "version": lambda n: ngettext("و%(num)s نسخة أخرى", "و%(num)s نسخ أخرى", n),
}


def parse_date(value: str | dt.date | None) -> dt.date | None:
    """A ``YYYY-MM-DD`` string (what the search layer returns) as a date, else ``None``."""
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def long_date(value: str | dt.date | None) -> str:
    """``2023-08-16`` -> ``16 أغسطس 2023`` (``16 August 2023``); unknown dates become an
    empty string. Day first in both languages: the order the corpus and its readers use."""
    date = parse_date(value)
    if date is None:
        return ""
    return format_date(date, "d MMMM y")


def hijri_date(value: str | dt.date | None) -> str:
    """``2023-08-16`` -> ``29 محرم 1445 هـ`` (``29 Muharram 1445 AH``); empty outside
    the Umm al-Qura table's range."""
    date = parse_date(value)
    if date is None:
        return ""
    try:
        hijri = Gregorian(date.year, date.month, date.day).to_hijri()
    except (OverflowError, ValueError):
        return ""
    if is_english():
        return f"{hijri.day} {hijri.month_name('en')} {hijri.year} AH"
    return f"{hijri.day} {hijri.month_name('ar')} {hijri.year} هـ"


def month_label(value: str) -> str:
    """``2023-08`` -> ``أغسطس 2023`` (``August 2023``): a month facet's label."""
    match = re.fullmatch(r"(\d{4})-(\d{2})", value)
    # A month 0000-01 is a valid filter (it finds nothing) but no date: a 500 before this.
    if not match or not 1 <= int(match[2]) <= 12 or int(match[1]) < 1:
        return value
    return format_date(dt.date(int(match[1]), int(match[2]), 1), "MMMM y")


def hijri_month_label(value: str) -> str:
    """``1445-02`` -> ``صفر 1445 هـ`` (``Safar 1445 AH``): a Hijri month bar's label."""
    match = re.fullmatch(r"(\d{4})-(\d{2})", value)
    if not match or not 1 <= int(match[2]) <= 12:
        return value
    name = Hijri(int(match[1]), int(match[2]), 1, validate=False).month_name(
        "en" if is_english() else "ar"
    )
    return f"{name} {match[1]} AH" if is_english() else f"{name} {match[1]} هـ"


def period_label(bucket: Mapping[str, Any], interval: str, calendar: str) -> str:
    """What a timeline bar stands for, as its link and its table row name it: the day,
    the week's first and last days, the month or the year (Hijri ones with
    ``calendar=hijri``; a day's or a week's Hijri dates beside the Gregorian ones)."""
    start, end, period = bucket["start"], bucket["end"], bucket["period"]
    hijri = calendar == "hijri"
    if interval == "day":
        shown = long_date(start)
        return f"{shown} ({hijri_date(start)})" if hijri and hijri_date(start) else shown
    if interval == "week":
        if hijri and hijri_date(start) and hijri_date(end):
            return gettext("من %(start)s إلى %(end)s", start=hijri_date(start), end=hijri_date(end))
        return gettext("من %(start)s إلى %(end)s", start=long_date(start), end=long_date(end))
    if interval == "month":
        return hijri_month_label(period) if hijri else month_label(period)
    return gettext("%(year)s هـ", year=period) if hijri else period


def count_noun(number: int, noun: str) -> str:
    """``1`` -> ``مقال واحد``, ``2`` -> ``مقالان``, ``5`` -> ``5 مقالات``, ``23`` -> ``23 مقالًا``,
    ``0`` -> ``لا مقالات`` (in English ``1 article``, ``5 articles``)."""
    return NOUNS[noun](number)


def shown_source(name: str) -> str:
    """A canonical source as the page names it: Arabic readers see its Arabic name
    (``رويترز``), English readers its canonical one (``Reuters``)."""
    return name if is_english() else source_label(name)


def shown_facet(param: Any, value: str) -> str:
    """A facet value as its box reads: the parameter table's ``show`` gives the Arabic
    name (``رويترز``); the English interface shows the canonical value (``Reuters``)."""
    return value if is_english() else str(param.show(value))


def safe_url(value: str | None) -> str | None:
    """``value`` if it is an absolute http(s) URL, else ``None``.

    Article URLs come from the corpus, i.e. from anyone; a ``javascript:`` or ``data:``
    URL in an ``href`` runs code on click. Browsers ignore tabs, newlines and leading
    control characters in a scheme, so those are refused rather than stripped.
    """
    if not value or any(ord(ch) < 0x21 or ord(ch) == 0x7F for ch in value):
        return None
    try:
        parts = urlsplit(value)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return value


#: Characters that show nothing, or change the direction of what follows (U+202E
#: makes ``txt.exe`` read ``exe.txt``): control, format and separator characters.
_INVISIBLE = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs", "Co"})


def visible(value: str | None) -> str:
    """``value`` with every invisible or direction-changing character written as its
    percent-encoding (as a browser's address bar shows it), for URLs, ids and paths shown
    as text: they come from the corpus, and must read as what they are."""
    return "".join(
        quote(ch.encode("utf-8", "surrogatepass"), safe="")
        if unicodedata.category(ch) in _INVISIBLE
        else ch
        for ch in value or ""
    )


def init_app(app: Flask) -> None:
    """Register the filters templates use."""
    app.jinja_env.filters.update(
        long_date=long_date,
        hijri_date=hijri_date,
        month_label=month_label,
        hijri_month_label=hijri_month_label,
        count_noun=count_noun,
        safe_url=safe_url,
        visible=visible,
        source_label=shown_source,
        arabic=arabic,
        rule_label=rule_label,
    )
    app.jinja_env.globals.update(shown_facet=shown_facet, period_label=period_label)
