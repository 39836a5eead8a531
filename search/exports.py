"""Every match of a search, as rows to export (CSV, JSON Lines) and read elsewhere.

A researcher's "give me the list": the results of one search with every filter applied,
not one page of them, in a stable set of columns. The rows are produced lazily, a chunk
of hits at a time, so the web app streams a large export without holding it, and the
command line (``query --format csv|jsonl``) writes the same rows. At most ``limit``
rows (``NABA_EXPORT_MAX``): an export is a list to read, not a copy of the archive.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
from collections.abc import Iterable, Iterator
from typing import Any

from search.engine import Index
from search.metadata import source_label
from search.request import Hit, SearchRequest

#: The columns of an export, in order.
EXPORT_FIELDS = ("id", "title", "date", "sources", "category", "url", "snippet", "score")
#: Hits fetched at a time while exporting.
CHUNK = 200
#: UTF-8's byte order mark: spreadsheet programs read a CSV file as UTF-8 only with it.
BOM = "\ufeff"
_TAG = re.compile(r"<[^>]+>")


def export_rows(index: Index, request: SearchRequest, limit: int) -> Iterator[dict[str, Any]]:
    """The matches of ``request`` (its filters, its order), at most ``limit``, as rows."""
    from search.searching import hits_of  # (searching imports this module's callers)

    yield from (row(hit) for hit in hits_of(index, request, limit, CHUNK))


def row(hit: Hit) -> dict[str, Any]:
    """One hit as plain values: the snippet without its marks, sources by their names."""
    return {
        "id": hit.id,
        "title": hit.title_text,
        "date": hit.date.isoformat() if hit.date else None,
        "sources": [source_label(s) for s in hit.sources],
        "category": hit.category,
        "url": hit.url,
        "snippet": html.unescape(_TAG.sub("", hit.snippet)),
        "score": round(hit.score, 4),
    }


def csv_lines(rows: Iterable[dict[str, Any]], *, bom: bool = True) -> Iterator[str]:
    """The rows as CSV text, a line at a time, header first (sources joined by «؛ »)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writerow(EXPORT_FIELDS)
    yield (BOM if bom else "") + flush()
    for values in rows:
        cells = {**values, "sources": "؛ ".join(values["sources"])}
        writer.writerow(["" if cells[f] is None else cells[f] for f in EXPORT_FIELDS])
        yield flush()


def jsonl_lines(rows: Iterable[dict[str, Any]]) -> Iterator[str]:
    """The rows as JSON Lines, Arabic as it is."""
    for values in rows:
        yield json.dumps(values, ensure_ascii=False) + "\n"
