"""Which lines of an article's body are the page's furniture, not the article.

Text copied from a site keeps lines that metadata extraction reads but a reader does
not want in a snippet: a date line («آخر تحديث: 14:20 - 21 يناير 2024»), a source label
(«المصدر: الجزيرة»), a credit line (``فرانس24/ أ ف ب``), tags, share buttons, and an
English photo caption in an Arabic article. Snippets and the welcome page leave them
out; the article page shows them apart from the text. The rules are the metadata
rules' own (:mod:`.dates`, :mod:`.sources`, :mod:`.lines`), so what was read as the
date or the source is what is set aside.
"""

from __future__ import annotations

import re

from search.arabic import ARABIC_BLOCK
from search.metadata.dates import is_date_line, is_labelled_date
from search.metadata.fold import fold_text
from search.metadata.sources import SOURCES, furniture_line

#: Furniture is short: a longer line is a paragraph, whatever it starts with (and is
#: not worth the rules' time, on every snippet); a caption in Latin script may be long.
MAX_FURNITURE_CHARS = 160
_ARABIC = re.compile(f"[{ARABIC_BLOCK}]")
_LATIN = re.compile("[A-Za-z]")


def is_furniture(line: str, *, arabic_text: bool = True) -> bool:
    """Whether one line of a body is furniture (``arabic_text``: the body is Arabic,
    so a line in Latin script only is a caption or a credit)."""
    text = line.strip()
    if not text:
        return False
    if arabic_text and not _ARABIC.search(text) and _LATIN.search(text):
        return True
    if len(text) > MAX_FURNITURE_CHARS:
        return False
    folded = fold_text(text)
    if is_date_line(text):
        return True
    if is_labelled_date(folded):
        return True
    return furniture_line(folded, SOURCES)


def split_furniture(body: str) -> tuple[str, list[str]]:
    """The body without its furniture lines, and those lines, in order."""
    arabic_text = bool(_ARABIC.search(body))
    kept: list[str] = []
    furniture: list[str] = []
    for line in body.split("\n"):
        (furniture if is_furniture(line, arabic_text=arabic_text) else kept).append(line)
    return "\n".join(kept).strip("\n"), [f.strip() for f in furniture]
