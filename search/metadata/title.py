"""The title of a raw article: its first line that is not page furniture.

Sites put the headline first, but copied text often starts with what sat above
it: a share bar (``أنشرها:``), a font-size control (``+ الخط -``), a "read
more" button or the date. Those are skipped rather than trusted, because a
title of "أنشرها:" would be shown in every result list. When every line is
furniture the title is empty and the caller decides (e.g. the file name).
"""

from __future__ import annotations

from search.metadata.dates import is_date_line
from search.metadata.fold import Folded
from search.metadata.lines import is_boilerplate, split_lines

__all__ = ["extract_title"]


def extract_title(text: str) -> str:
    """The first non-empty, non-boilerplate line, trimmed (``""`` if there is none)."""
    folded = Folded.of(text)
    for line in split_lines(folded):
        stripped = line.stripped
        if not stripped or is_boilerplate(stripped) or is_date_line(stripped):
            continue
        start = line.start + (len(line.text) - len(line.text.lstrip()))
        return folded.original_span(start, start + len(stripped)).strip()
    return ""
