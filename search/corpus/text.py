"""Plain-text articles: the title on the first line, the body after it.

This is how the seed articles were saved (copied from news sites), so the text is kept
exactly as written: diacritics, Persian letters, punctuation and inner blank lines all
survive; only line endings are normalised and a BOM dropped (by the decoder). Date and
sources are not in any field, so they come from :func:`search.metadata.extract_metadata`,
which records the rule that found each. When the text has no date, a date written in
the file name (``2023-08-16-…``, ``…_20230816.txt``) is used, marked ``"filename"``.
"""

from __future__ import annotations

import datetime as dt
import re

from search.corpus.base import MAX_TITLE_CHARS, Entry, ReadContext, short_title, too_long
from search.document import Document
from search.metadata import extract_metadata

_FILENAME_DATE = re.compile(
    r"(?<!\d)(?P<y>(?:19|20)\d\d)(?P<sep>[-_.]?)(?P<m>[01]\d)(?P=sep)(?P<d>[0-3]\d)(?!\d)"
)


def date_from_filename(name: str, now: dt.date | None = None) -> dt.date | None:
    """A calendar date written in a file name, if exactly one valid, non-future one is there.

    Several different dates in one name are ambiguous, so none is used.
    """
    base = name.rsplit("/", 1)[-1].rsplit("!", 1)[-1]
    latest = (now or dt.date.today()) + dt.timedelta(days=1)
    found: set[dt.date] = set()
    for match in _FILENAME_DATE.finditer(base):
        try:
            day = dt.date(int(match["y"]), int(match["m"]), int(match["d"]))
        except ValueError:
            continue
        if day <= latest:
            found.add(day)
    return found.pop() if len(found) == 1 else None


def text_to_document(text: str, entry: Entry, ctx: ReadContext) -> Document | None:
    """One article from decoded text; reports and returns ``None`` when there is no body."""
    stripped = text.lstrip("\n")
    title_line, _, rest = stripped.partition("\n")
    title = title_line.strip()
    body = rest.strip("\n").rstrip()
    if len(title) > MAX_TITLE_CHARS:  # not a headline: keep the line's words in the body
        body = f"{title}\n\n{body}".rstrip()
        title = short_title(title, entry.origin, ctx)
    if not body.strip():
        ctx.report.skip(entry.origin, "no body", "only a title line")
        return None
    if too_long(body, entry.origin, ctx):
        return None
    meta = extract_metadata(text, now=ctx.now)
    doc = Document(
        id=entry.id,
        title=title,
        body=body,
        date=meta.date,
        date_source=meta.date_source if meta.date else None,
        sources=list(meta.sources),
        source_rules=dict(meta.source_rules),
        origin=entry.origin,
    )
    if doc.date is None:
        doc.date = date_from_filename(entry.id, ctx.now)
        if doc.date is not None:
            doc.date_source = "filename"
    return doc
