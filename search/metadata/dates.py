"""Find an article's publication date in raw Arabic news text.

Two separate questions, kept apart:

* *What dates does a piece of text write?* :func:`find_dates` reads every date
  expression in a line: Arabic month names of the three families
  (Egyptian/Gulf يناير…, Levantine/Iraqi كانون الثاني…, Maghrebi جانفي…, and
  Moroccan يوليوز/غشت/شتنبر), mixed forms (``تشرين الأول/أكتوبر``), English
  (``16th, August 2023``, ``June 19, 2024``, ``Sun, 15 Jul 2018 …``), numeric
  (``dd/mm/yyyy``, ``yyyy-mm-dd``, ``dd-mm-yyyy``, ``dd.mm.yyyy``), any digits
  (ASCII, Arabic-Indic, Persian) and Hijri dates, converted with ``hijridate``
  (Umm al-Qura). Rules are written here rather than borrowed from dateparser:
  it reads ``16th, August 2023`` as the 16th of the *current* month and by
  default fills a missing year with the current one, the two mistakes this
  module exists to avoid.
* *Which of them is the article's own date?* :func:`extract_date` looks only
  where sites print it, strongest rule first:

  1. ``labelled`` — after a publication label at the start of a line or after a
     separator (``تاريخ النشر:``، ``نشرت في:``، ``نشر بتاريخ``، ``Published``…);
     then ``labelled-update`` for ``آخر تحديث:``/``Updated`` (a later date than
     publication, but still the article's own).
  2. ``top-line`` — a line among the first six of the article, before its
     second paragraph, that holds nothing but a date (and perhaps a weekday, a
     time, a time zone).
  3. ``dateline`` — a date opening one of the first body lines, right after the
     city and before the agency (``واشنطن، 16 أغسطس 2023 (رويترز) -``).
  4. ``footer`` — one of the last three lines of the article holding nothing
     but a date (some sites stamp it there, seed 001's second story does).

  A date inside a sentence is never taken, nor a date-only line in the middle
  of the body: list articles ("أبرز الغارات…") head their entries with dates.

  Only the article's own lines are searched (``lines.article_lines``), so a
  trailing "read also" story cannot lend its date (seed 001).

Decisions: a date without a year is no date (nothing is invented); two-digit
years are refused (``16/8/23`` could be several dates); numeric dates are read
day-first, month-first only when day-first is impossible (``6/19/2024``), and
are Hijri only when marked (``1445/2/5 هـ``); a date after ``now`` or before
1900 is refused; a Hijri date followed by ``الموافق`` and its Gregorian date
yields the Gregorian one as written, not a conversion.
Photo captions (English wire captions such as seed 003's ``… June 19, 2024.``)
are sentences, so their dates are never read: they date the photo, not the
article, and a wrong date is worse than none.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import re
from dataclasses import dataclass

from hijridate import Hijri

from search.metadata.fold import Folded, compile_folded, fold_text
from search.metadata.lines import Line, article_lines, split_lines

__all__ = ["DateHit", "DateMatch", "extract_date", "find_dates", "is_date_line", "parse_date"]

MIN_YEAR = 1900
"""Dates before this are refused: Naba indexes news, and such years are history in the text."""

_GREGORIAN_MONTHS: dict[int, tuple[str, ...]] = {
    1: ("يناير", "كانون الثاني", "كانون ثاني", "جانفي", "جانفييه", "January", "Jan"),
    2: ("فبراير", "شباط", "فيفري", "فبرير", "February", "Feb"),
    3: ("مارس", "آذار", "March", "Mar"),
    4: ("أبريل", "إبريل", "ابريل", "نيسان", "أفريل", "April", "Apr"),
    5: ("مايو", "أيار", "ماي", "May"),
    6: ("يونيو", "يونيه", "حزيران", "جوان", "June", "Jun"),
    7: ("يوليو", "يوليه", "تموز", "جويلية", "جويليه", "يوليوز", "July", "Jul"),
    8: ("أغسطس", "اغسطس", "أغسطوس", "آب", "أوت", "غشت", "August", "Aug"),
    9: ("سبتمبر", "أيلول", "شتنبر", "September", "Sept", "Sep"),
    10: ("أكتوبر", "اكتوبر", "تشرين الأول", "تشرين أول", "October", "Oct"),
    11: ("نوفمبر", "تشرين الثاني", "تشرين ثاني", "نونبر", "November", "Nov"),
    12: ("ديسمبر", "كانون الأول", "كانون أول", "دجنبر", "December", "Dec"),
}
_HIJRI_MONTHS: dict[int, tuple[str, ...]] = {
    1: ("محرم", "المحرم"),
    2: ("صفر",),
    3: ("ربيع الأول", "ربيع أول", "ربيع الاول"),
    4: ("ربيع الثاني", "ربيع الآخر", "ربيع ثاني", "ربيع آخر"),
    5: ("جمادى الأولى", "جمادى الأول", "جمادى أولى"),
    6: ("جمادى الآخرة", "جمادى الثانية", "جمادى الآخر", "جمادى الثاني", "جمادى آخرة"),
    7: ("رجب",),
    8: ("شعبان",),
    9: ("رمضان",),
    10: ("شوال",),
    11: ("ذو القعدة", "ذي القعدة", "ذو القعده"),
    12: ("ذو الحجة", "ذي الحجة"),
}


def _month_table(table: dict[int, tuple[str, ...]]) -> dict[str, int]:
    """Folded spelling (internal spaces flexible) → month number."""
    out: dict[str, int] = {}
    for number, names in table.items():
        for name in names:
            out[" ".join(fold_text(name).casefold().split())] = number
    return out


_GREGORIAN = _month_table(_GREGORIAN_MONTHS)
_HIJRI = _month_table(_HIJRI_MONTHS)


def _alternation(names: list[str]) -> str:
    """A regex alternation, longest first, so ``مايو`` is not read as ``ماي`` + ``و``."""
    parts = sorted(set(names), key=len, reverse=True)
    return "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in parts)


_G = _alternation(list(_GREGORIAN))
_H = _alternation(list(_HIJRI))
_ANY_MONTH = rf"(?:{_G}|{_H})(?!\w)\.?"
_G_MONTH = rf"(?:{_G})(?!\w)\.?"
_ORD = r"(?:st|nd|rd|th)?"
_YEAR_WORD = r"(?:(?:من\s+)?(?:عام|العام|سنه|لعام)\s+)?"
_HIJRI_MARK = r"(?:هجري(?:ه)?|للهجره|ه|h|ah)(?!\w)"

_DATE_RE = compile_folded(
    # 16 اغسطس 2023 / 16th, August 2023 / 19 تشرين الاول/اكتوبر 2023 / 5 صفر 1445 هـ
    rf"(?<![\d/.\-])(?P<d1>[0-3]?\d){_ORD}\.?(?:\s+of)?\s*[,،]?\s*(?:من\s+)?(?:شهر\s+)?"
    rf"(?P<m1>{_ANY_MONTH})"
    rf"(?:\s*[/(\-–]\s*(?P<m1b>{_ANY_MONTH})\s*\)?)?"
    rf"\s*[,،]?\s*{_YEAR_WORD}(?P<y1>\d{{4}})(?!\d)"
    # June 19, 2024 / August 16th, 2023 / اغسطس 16، 2023
    rf"|(?<!\w)(?P<m2>{_G_MONTH})\s*(?P<d2>[0-3]?\d){_ORD}(?!\d)\s*[,،]?\s*(?P<y2>\d{{4}})(?!\d)"
    # 20/10/2023, 2023-08-16, 16.08.2023, 1445/2/5
    r"|(?<![\d/.\-])(?P<a>\d{1,4})(?P<sep>[/.\-])(?P<b>\d{1,2})(?P=sep)(?P<c>\d{1,4})"
    r"(?!\d|[/.\-]\d)",
    re.IGNORECASE,
)
_AFTER_HIJRI = compile_folded(rf"\s*{_HIJRI_MARK}", re.IGNORECASE)
_AFTER_GREGORIAN_MARK = compile_folded(r"\s*(?:م|ميلادي(?:ه)?|AD)(?!\w)", re.IGNORECASE)
# What may stand between a Hijri date and its Gregorian equivalent (or the reverse).
_EQUIVALENT = compile_folded(
    rf"^\s*(?:{_HIJRI_MARK}|م(?!\w))?\s*[-–—,،(|/]?\s*"
    r"(?:الموافق|الموافقه|الموافق\s+ل|الموافق\s+لـ|وفق|الموافق\s+له)?\s*(?:ل\s*)?$",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class DateHit:
    """One date expression in a line: folded offsets, and its date if valid (else ``None``)."""

    start: int
    end: int
    date: dt.date | None
    hijri: bool


@dataclass(frozen=True, slots=True)
class DateMatch:
    """The date chosen for an article, the rule that chose it, and the text it read."""

    date: dt.date
    rule: str
    matched: str


def _valid(year: int, month: int, day: int, now: dt.date) -> dt.date | None:
    """A real Gregorian date within [1900, now], else ``None``."""
    if year < MIN_YEAR:
        return None
    try:
        value = dt.date(year, month, day)
    except ValueError:
        return None
    return value if value <= now else None


def _from_hijri(year: int, month: int, day: int, now: dt.date) -> dt.date | None:
    """Convert with ``hijridate``; its table (1343–1500 AH) bounds what is accepted."""
    try:
        g = Hijri(year, month, day).to_gregorian()
    except (ValueError, OverflowError):
        return None
    return _valid(g.year, g.month, g.day, now)


def _read(match: re.Match[str], text: str, now: dt.date) -> DateHit:
    """Turn one regex match into a :class:`DateHit` (validating, converting Hijri)."""
    end = match.end()
    if match.group("m1"):
        day, year = int(match.group("d1")), int(match.group("y1"))
        first = " ".join(match.group("m1").casefold().rstrip(".").split())
        second = match.group("m1b")
        if first in _HIJRI:
            mark = _AFTER_HIJRI.match(text, end)
            if mark:
                end = mark.end()
            if second is not None:
                return DateHit(match.start(), end, None, True)
            return DateHit(match.start(), end, _from_hijri(year, _HIJRI[first], day, now), True)
        month = _GREGORIAN[first]
        if second is not None:
            other = " ".join(second.casefold().rstrip(".").split())
            if _GREGORIAN.get(other) != month:
                return DateHit(match.start(), end, None, False)
        return DateHit(match.start(), end, _valid(year, month, day, now), False)
    if match.group("m2"):
        month = _GREGORIAN[" ".join(match.group("m2").casefold().rstrip(".").split())]
        day, year = int(match.group("d2")), int(match.group("y2"))
        return DateHit(match.start(), end, _valid(year, month, day, now), False)
    a, b, c = match.group("a"), match.group("b"), match.group("c")
    if len(a) == 4 and len(c) <= 2:
        year, month, day = int(a), int(b), int(c)
    elif len(c) == 4 and len(a) <= 2:
        day, month, year = int(a), int(b), int(c)
        if month > 12 and day <= 12:  # 6/19/2024: only month-first makes sense
            day, month = month, day
    else:
        return DateHit(match.start(), end, None, False)
    mark = _AFTER_HIJRI.match(text, end)
    if mark:
        return DateHit(match.start(), mark.end(), _from_hijri(year, month, day, now), True)
    return DateHit(match.start(), end, _valid(year, month, day, now), False)


def find_dates(text: str, now: dt.date | None = None) -> list[DateHit]:
    """Every date expression in folded ``text``, in order; invalid ones have ``date=None``.

    A Hijri date and the Gregorian date given as its equivalent
    (``25 شوال 1436 هـ الموافق 10 اغسطس 2015 م``) become one hit carrying the
    Gregorian date, because it is what the site wrote, whereas a conversion can
    be a day off from the local sighting.
    """
    today = now or dt.date.today()
    hits = [_read(m, text, today) for m in _DATE_RE.finditer(text)]
    merged: list[DateHit] = []
    for hit in hits:
        if merged:
            prev = merged[-1]
            if prev.hijri != hit.hijri and _EQUIVALENT.match(text[prev.end : hit.start]):
                gregorian = hit if prev.hijri else prev
                merged[-1] = DateHit(prev.start, hit.end, gregorian.date, False)
                continue
        merged.append(hit)
    out: list[DateHit] = []
    for hit in merged:
        mark = _AFTER_GREGORIAN_MARK.match(text, hit.end) if not hit.hijri else None
        out.append(DateHit(hit.start, mark.end(), hit.date, False) if mark else hit)
    return out


def _first_valid(hits: list[DateHit]) -> DateHit | None:
    """The first Gregorian-written valid hit, else the first valid Hijri one."""
    valid = [h for h in hits if h.date is not None]
    for hit in valid:
        if not hit.hijri:
            return hit
    return valid[0] if valid else None


# Publication labels, then update labels; both at the start of a line or after
# a separator, so "صورة نشرتها الخارجية بتاريخ …" (a caption) is not a label.
_PUB_LABELS = (
    r"تاريخ\s+(?:النشر|الخبر|الاضافه|الاصدار)|نشر(?:ت)?\s+(?:في|بتاريخ|يوم)|نشر(?:ت)?\s*[:：]"
    r"|تم\s+النشر(?:\s+في)?|بتاريخ|التاريخ|published(?:\s+(?:on|at))?|posted(?:\s+on)?"
    r"|date(?:\s+published)?|publication\s+date"
)
_UPDATE_LABELS = (
    r"(?:اخر|احدث)\s+تحديث|تاريخ\s+التحديث|تم\s+التحديث(?:\s+في)?|محدث(?:\s+في)?"
    r"|(?:last\s+)?updated(?:\s+(?:on|at))?|modified"
)
_LABEL_RE = compile_folded(
    rf"(?:^|[|•·]|\s[-–—]\s)\s*[(\[]?\s*(?:(?P<pub>{_PUB_LABELS})|(?P<upd>{_UPDATE_LABELS}))"
    r"(?!\w)\s*[:：\-–]?",
    re.IGNORECASE,
)
_LABEL_REACH = 40
"""A labelled date must start this close to its label (folded characters)."""

_WEEKDAYS = (
    "الاحد الاثنين الثلاثاء الاربعاء الخميس الجمعه السبت احد اثنين ثلاثاء اربعاء خميس جمعه سبت "
    "sunday monday tuesday wednesday thursday friday saturday "
    "sun mon tue tues wed thu thur thurs fri sat"
)
_FILLER_WORDS = frozenset(
    (
        _WEEKDAYS + " يوم في الساعه ساعه م ص ه مساء مساءا صباحا ظهرا الموافق "
        "am pm gmt utc bst cet est edt pst ksa بتوقيت توقيت غرينتش جرينتش غرينيتش "
        "مكه المكرمه القدس القاهره الرياض بيروت الدوحه ابوظبي دبي بغداد عمان دمشق "
        "المغرب تونس الجزائر السعوديه الامارات ت م on at"
    ).split()
)
_TIME_RE = compile_folded(
    r"\d{1,2}[:.]\d{2}(?:[:.]\d{2})?(?:\s*(?:ص|م|am|pm)(?!\w))?|[+-]\d{2}:?\d{2}(?!\d)",
    re.IGNORECASE,
)
_WORD_RE = re.compile(r"[^\W_]+")


def _only_dates(text: str, hits: list[DateHit]) -> bool:
    """Whether ``hits`` plus weekdays, times and zones are all the line holds."""
    if not hits or len(text) > 120:
        return False
    rest = []
    pos = 0
    for hit in hits:
        rest.append(text[pos : hit.start])
        pos = hit.end
    rest.append(text[pos:])
    residue = _TIME_RE.sub(" ", " ".join(rest))
    return all(word.casefold() in _FILLER_WORDS for word in _WORD_RE.findall(residue))


def is_labelled_date(folded: str) -> bool:
    """Whether a (folded) line opens with a publication or update label and holds a
    date (``آخر تحديث: 14:20 - 21 يناير 2024``)."""
    return bool(_LABEL_RE.match(folded)) and bool(find_dates(folded))


def is_date_line(text: str) -> bool:
    """Whether a line is a date and nothing else of substance (valid or not).

    The title rule needs this: a date line above the headline is furniture
    even when the date itself is refused (say, a year in the future).
    """
    folded = fold_text(text)
    return _only_dates(folded, find_dates(folded))


def _is_bare(text: str, hits: list[DateHit]) -> DateHit | None:
    """The date of a line that holds only a date (plus weekday, time, zone), else ``None``."""
    if not _only_dates(text, hits):
        return None
    return _first_valid(hits)


# A dateline opens with a place (letters, no digits, no sentence punctuation) and
# the date is followed by the agency or a dash, never by a colon: "30 يناير
# 2013: …" opens an entry of a timeline, not the article.
_DATELINE_HEAD = compile_folded(r"^[^\d:!?؟.\"«»“”\-–—•*]*[^\W\d_][^\d:!?؟.\"«»“”]{0,40}$")
_DATELINE_TAIL = re.compile(r"^\s*(?:\(|/|[-–—]+\s*[^\W\d_]|[^\W\d_]+\s*(?:[/(\-–—]|$))")


@dataclass(frozen=True, slots=True)
class _Candidate:
    rule: str
    line: Line
    hit: DateHit


class _Lines:
    """The article's lines with their date hits, each line read at most once."""

    def __init__(self, lines: list[Line], now: dt.date) -> None:
        self.lines = lines
        self.now = now
        self._hits: dict[int, list[DateHit]] = {}

    def hits(self, line: Line) -> list[DateHit]:
        cached = self._hits.get(line.no)
        if cached is None:
            cached = find_dates(line.text, self.now) if _HAS_DIGIT.search(line.text) else []
            self._hits[line.no] = cached
        return cached


_HAS_DIGIT = re.compile(r"\d")


def _labelled(doc: _Lines) -> list[_Candidate]:
    """Dates right after a publication or update label, in text order."""
    found: list[_Candidate] = []
    lines = doc.lines
    for index, line in enumerate(lines):
        labels = list(_LABEL_RE.finditer(line.text))
        for i, label in enumerate(labels):
            stop = labels[i + 1].start() if i + 1 < len(labels) else len(line.text)
            segment_start = label.end()
            hits = [
                h
                for h in doc.hits(line)
                if segment_start <= h.start < stop and h.start - segment_start <= _LABEL_REACH
            ]
            target = line
            if not hits and not line.text[segment_start:stop].strip() and index + 1 < len(lines):
                # "تاريخ النشر:" alone, the date on the next line.
                target = lines[index + 1]
                bare = _is_bare(target.text, doc.hits(target))
                hits = [bare] if bare else []
            chosen = _first_valid(hits)
            if chosen is not None:
                rule = "labelled" if label.group("pub") else "labelled-update"
                found.append(_Candidate(rule, target, chosen))
    return found


TOP_LINES = 6
"""How many first lines of the article count as its head (title, date, byline, caption)."""
_PARAGRAPH_WORDS = 25
"""A line longer than this is a paragraph (or a long caption); the second one starts the body."""
FOOTER_LINES = 3
"""How many last lines of the article count as its foot, where some sites stamp the date."""
DATELINE_LINES = 8
"""How many first lines may open with a dateline."""
_DATELINE_REACH = 40
"""A dateline's date starts this close to the start of its line (folded characters)."""


def _choose(lines: list[Line], now: dt.date) -> _Candidate | None:
    """Apply the rules of the module docstring, strongest first."""
    doc = _Lines(lines, now)
    labelled = _labelled(doc)
    for rule in ("labelled", "labelled-update"):
        for cand in labelled:
            if cand.rule == rule:
                return cand
    paragraphs = 0
    for line in lines[:TOP_LINES]:
        bare = _is_bare(line.text, doc.hits(line))
        if bare is not None:
            return _Candidate("top-line", line, bare)
        if len(line.text.split()) > _PARAGRAPH_WORDS:
            paragraphs += 1
            if paragraphs > 1:  # the body has begun: later dates belong to it
                break
    for line in lines[1:DATELINE_LINES]:
        for hit in doc.hits(line):
            if hit.date is None or hit.start > _DATELINE_REACH:
                continue
            head = line.text[: hit.start]
            if not _DATELINE_HEAD.match(head) or len(head.split()) > 4:
                continue
            if _DATELINE_TAIL.match(line.text[hit.end :]):
                return _Candidate("dateline", line, hit)
    for line in lines[max(1, len(lines) - FOOTER_LINES) :]:
        bare = _is_bare(line.text, doc.hits(line))
        if bare is not None:
            return _Candidate("footer", line, bare)
    return None


def extract_date(text: str, *, now: dt.date | None = None) -> DateMatch | None:
    """The article's own publication date, or ``None`` (see the module docstring)."""
    today = now or dt.date.today()
    folded = Folded.of(text)
    lines = article_lines(split_lines(folded))
    if not lines:
        return None
    cand = _choose(lines, today)
    if cand is None or cand.hit.date is None:
        return None
    matched = folded.original_span(cand.line.start + cand.hit.start, cand.line.start + cand.hit.end)
    return DateMatch(cand.hit.date, cand.rule, matched.strip())


_RFC2822 = re.compile(r"^\s*(?:[A-Za-z]{3},\s*)?\d{1,2}\s+[A-Za-z]{3}\s+\d{4}\s+\d{1,2}:\d{2}")


def hijri_month(value: str) -> tuple[dt.date, dt.date] | None:
    """The Gregorian first and last days of a Hijri month written ``رمضان 1444``,
    ``1444 رمضان``, ``9 1444`` or ``1444-09`` (any digits), else ``None``."""
    folded = " ".join(fold_text(value).casefold().replace("-", " ").replace("/", " ").split())
    folded = re.sub(r"\s*(?:هـ|ه)$", "", folded)
    year_match = re.search(r"(?<!\d)(\d{3,4})(?!\d)", folded)
    if not year_match:
        return None
    rest = (folded[: year_match.start()] + " " + folded[year_match.end() :]).strip()
    month = _HIJRI.get(rest) or (int(rest) if rest.isdigit() else None)
    year = int(year_match.group(1))
    if month is None or not 1 <= month <= 12:
        return None
    try:
        first = Hijri(year, month, 1)
        start, end = first.to_gregorian(), Hijri(year, month, first.month_length()).to_gregorian()
        return dt.date(start.year, start.month, start.day), dt.date(end.year, end.month, end.day)
    except (ValueError, OverflowError):
        return None


def parse_date(value: str, *, now: dt.date | None = None) -> dt.date | None:
    """One date from a structured field (ANT ``TIME``, SaudiNewsNet ``date_extracted``, ISO…).

    RFC 2822 goes through the standard library's ``email.utils`` parser, which
    knows that format exactly; the date is taken as written, in the article's
    own time zone (``Sun, 15 Jul 2018 21:56:56 +0400`` is the 15th), because
    that is the day its readers saw. Anything else is read by :func:`find_dates`
    and its first valid date wins.
    """
    if not value or not value.strip():
        return None
    today = now or dt.date.today()
    if _RFC2822.match(value):
        parsed = email.utils.parsedate_tz(value.strip())
        if parsed is not None:
            return _valid(parsed[0], parsed[1], parsed[2], today)
    chosen = _first_valid(find_dates(fold_text(value), today))
    return chosen.date if chosen else None
