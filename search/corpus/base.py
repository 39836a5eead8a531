"""What every reader is handed: where the input is, and the run's options and report.

Keeping this in one small module lets the format readers (``text``, ``trec``,
``records``, ``archives``) stay independent of each other and of the folder walker.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from search.corpus.report import ReadReport

if TYPE_CHECKING:
    from search.corpus.records import FieldMap


#: The longest body one article may have. News articles run to tens of
#: thousands of characters; a multi-megabyte "article" is a dump or a mistake,
#: and indexing it as one document would make every query that touches it slow.
MAX_ARTICLE_CHARS = 1_000_000


def too_long(body: str, origin: str, ctx: ReadContext) -> bool:
    """Report and refuse a body longer than :data:`MAX_ARTICLE_CHARS`."""
    if len(body) <= MAX_ARTICLE_CHARS:
        return False
    ctx.report.skip(
        origin,
        "too large for one article",
        f"{len(body):,} characters, more than {MAX_ARTICLE_CHARS:,}",
    )
    return True


#: A headline is a line; a longer "title" is a paragraph or a dump, and would weigh on
#: every page that lists the article (a 5-million-character first line made each such
#: page 9.5 MB). Cut at a word, with the reader's report noting it.
MAX_TITLE_CHARS = 300


def short_title(title: str, origin: str, ctx: ReadContext) -> str:
    """``title``, or its first :data:`MAX_TITLE_CHARS` characters cut at a word with ``…``."""
    if len(title) <= MAX_TITLE_CHARS:
        return title
    ctx.report.note(origin, "title cut", f"{len(title):,} characters, more than {MAX_TITLE_CHARS}")
    cut = title[:MAX_TITLE_CHARS]
    space = cut.rfind(" ")
    return (cut[:space] if space > MAX_TITLE_CHARS // 2 else cut).rstrip() + " …"


@dataclass(frozen=True, slots=True)
class Entry:
    """One file or archive member to read.

    ``id`` is the stable, corpus-relative name (``sub/a.txt``, ``news.zip!2023/a.txt``)
    used as the document id for one-document files; ``origin`` is where a person finds it
    (the path as given on the command line, plus ``!member`` inside archives).
    """

    id: str
    origin: str

    def at(self, line: int | str) -> str:
        """The origin of one record of a multi-record file (``data.jsonl:12``)."""
        return f"{self.origin}:{line}"

    def member(self, name: str) -> Entry:
        """The entry for a member of this archive."""
        return Entry(f"{self.id}!{name}", f"{self.origin}!{name}")


@dataclass(slots=True)
class ReadContext:
    """Options shared by one ``read_corpus`` run, plus the report problems go to."""

    report: ReadReport
    field_map: FieldMap
    now: dt.date | None = None
