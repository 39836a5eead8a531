"""How values look in Arabic: dates, counts, and which links are safe to render.

One form of date everywhere: ``16 أغسطس 2023`` (the month names used in Egypt and most of
the Arab press, Western digits as in the corpus), with the Umm al-Qura Hijri date beside
it when it can be computed. Counted nouns follow Arabic grammar (one, two, three to ten,
eleven and more) rather than a single plural that reads wrong for most numbers.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from urllib.parse import quote, urlsplit

from flask import Flask
from hijridate import Gregorian

from search.searching import source_label
from web.messages import arabic, rule_label

MONTHS = (
    "يناير",
    "فبراير",
    "مارس",
    "أبريل",
    "مايو",
    "يونيو",
    "يوليو",
    "أغسطس",
    "سبتمبر",
    "أكتوبر",
    "نوفمبر",
    "ديسمبر",
)

#: (singular, dual, plural for 3-10, accusative singular for 11-99) of the nouns the UI counts.
NOUNS = {
    "result": ("نتيجة", "نتيجتان", "نتائج", "نتيجة"),
    "article": ("مقال", "مقالان", "مقالات", "مقالًا"),
    "source": ("مصدر", "مصدران", "مصادر", "مصدرًا"),
}


def parse_date(value: str | dt.date | None) -> dt.date | None:
    """A ``YYYY-MM-DD`` string (what the search layer returns) as a date, else ``None``."""
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def arabic_date(value: str | dt.date | None) -> str:
    """``2023-08-16`` -> ``16 أغسطس 2023``; unknown dates become an empty string."""
    date = parse_date(value)
    if date is None:
        return ""
    return f"{date.day} {MONTHS[date.month - 1]} {date.year}"


def hijri_date(value: str | dt.date | None) -> str:
    """``2023-08-16`` -> ``29 محرم 1445 هـ``; empty outside the Umm al-Qura table's range."""
    date = parse_date(value)
    if date is None:
        return ""
    try:
        hijri = Gregorian(date.year, date.month, date.day).to_hijri()
    except (OverflowError, ValueError):
        return ""
    return f"{hijri.day} {hijri.month_name('ar')} {hijri.year} هـ"


def month_label(value: str) -> str:
    """``2023-08`` -> ``أغسطس 2023`` (a month facet's label)."""
    match = re.fullmatch(r"(\d{4})-(\d{2})", value)
    if not match or not 1 <= int(match[2]) <= 12:
        return value
    return f"{MONTHS[int(match[2]) - 1]} {match[1]}"


def count_noun(number: int, noun: str) -> str:
    """``1`` -> ``مقال واحد``, ``2`` -> ``مقالان``, ``5`` -> ``5 مقالات``, ``23`` -> ``23 مقالًا``.

    Zero reads ``لا نتائج`` ("no results").
    """
    one, two, few, many = NOUNS[noun]
    if number == 0:
        return f"لا {few}"
    if number == 1:
        return f"{one} {'واحدة' if one.endswith('ة') else 'واحد'}"
    if number == 2:
        return two
    if 3 <= number % 100 <= 10:
        return f"{number} {few}"
    if 11 <= number % 100 <= 99:
        return f"{number} {many}"
    return f"{number} {one}"


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
        arabic_date=arabic_date,
        hijri_date=hijri_date,
        month_label=month_label,
        count_noun=count_noun,
        safe_url=safe_url,
        visible=visible,
        source_label=source_label,
        arabic=arabic,
        rule_label=rule_label,
    )
