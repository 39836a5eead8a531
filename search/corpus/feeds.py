"""RSS 2.0 and Atom feeds (``.rss``, ``.atom``, and ``.xml`` files that are feeds): one
document per item.

Parsed by feedparser, which knows the formats' many dialects (RSS 0.9x to 2.0, RDF,
Atom 0.3 and 1.0, their namespaces and date formats). Each item gives:

* title and link (the document's ``url``); id: the item's ``guid``/``id``, else its
  link, else a hash of its text (as a JSON record without an id);
* date (``date_source`` ``feed``): ``pubDate``/``published``, else ``updated``, read
  as written, in the feed's own time zone;
* sources (rule ``feed:source`` or ``feed``): the item's own ``<source>``, else the
  feed's title, known outlets by their canonical name;
* body: the full content when the feed carries it (``content:encoded``, Atom
  ``content``), else the summary, HTML stripped to paragraphs;
* category: the item's first category;
* origin: the feed file and the line its item starts on (``feeds/x.rss:14``).

A file that is not well-formed XML is reported and skipped whole: a feed cut off in a
download would otherwise give a last item with half its text.
"""

from __future__ import annotations

import re
import xml.sax
from collections.abc import Iterator
from typing import Any, BinaryIO

import feedparser

from search.corpus.base import Entry, ReadContext, short_title, too_long
from search.corpus.html import html_text
from search.corpus.records import content_id
from search.document import Document
from search.metadata import canonical_sources, extract_metadata, parse_date

#: A feed is a page of recent items; tens of megabytes is something else.
MAX_FEED_BYTES = 50 * 2**20
_ITEM_START = re.compile(rb"<(?:[A-Za-z0-9_]+:)?(?:item|entry)[\s>/]")


def read_feed(raw: BinaryIO, entry: Entry, ctx: ReadContext, name: str) -> Iterator[Document]:
    """The :data:`~search.corpus.files.Reader` of feeds."""
    data = raw.read(MAX_FEED_BYTES + 1)
    if len(data) > MAX_FEED_BYTES:
        ctx.report.skip(entry.origin, "feed too large", f"more than {MAX_FEED_BYTES:,} bytes")
        return
    parsed = parse_feed(data)
    problem = feed_problem(parsed)
    if problem is not None:
        ctx.report.skip(entry.origin, *problem)
        return
    lines = _item_lines(data)
    channel = parsed.feed
    channel_title = _plain(channel.get("title", ""))
    for number, item in enumerate(parsed.entries):
        line = lines[number] if number < len(lines) else 1
        doc = item_to_document(item, channel_title, entry.at(line), ctx)
        if doc is not None:
            yield doc


def parse_feed(data: bytes) -> Any:
    """feedparser's reading of ``data``, without any network access (a feed's
    relative links are not resolved against anything but the feed itself)."""
    return feedparser.parse(data, resolve_relative_uris=False, sanitize_html=True)


def feed_problem(parsed: Any) -> tuple[str, str] | None:
    """Why a parsed file is not a feed to read (``(reason, detail)``), or ``None``."""
    error = parsed.get("bozo_exception")
    if isinstance(error, xml.sax.SAXException):
        return "broken feed", f"not well-formed XML: {error}"
    if not parsed.get("version"):
        return "not a feed", "neither RSS nor Atom"
    return None


def _item_lines(data: bytes) -> list[int]:
    """The line each item starts on, in order (feedparser does not say)."""
    return [data.count(b"\n", 0, m.start()) + 1 for m in _ITEM_START.finditer(data)]


def _plain(text: str) -> str:
    """A title as plain text: feeds put markup and entities in titles too."""
    return html_text(text).replace("\n", " ").strip() if "<" in text else text.strip()


def item_to_document(item: Any, channel: str, origin: str, ctx: ReadContext) -> Document | None:
    """One document from one feed item; reports and returns ``None`` without a body."""
    contents = [c.get("value", "") for c in item.get("content") or ()]
    body = html_text(max(contents, key=len)) if contents else ""
    if not body:
        body = html_text(item.get("summary", ""))
    if not body:
        ctx.report.skip(origin, "no body", "an item with neither content nor summary")
        return None
    if too_long(body, origin, ctx):
        return None
    title = short_title(_plain(item.get("title", "")), origin, ctx)
    link = item.get("link") or None
    doc = Document(
        id=item.get("id") or link or content_id(title, body),
        title=title,
        body=body,
        url=link,
        origin=origin,
        author=_plain(item.get("author", "")) or None,
    )
    tags = item.get("tags") or ()
    doc.category = next((t.get("term") for t in tags if t.get("term")), None)
    for key in ("published", "updated"):
        if item.get(key):
            doc.date = parse_date(item[key], now=ctx.now)
            if doc.date is not None:
                doc.date_source = "feed"
                break
    own = (item.get("source") or {}).get("title", "")
    named, rule = (own, "feed:source") if own else (channel, "feed")
    doc.sources = canonical_sources(named) if named else []
    doc.source_rules = dict.fromkeys(doc.sources, rule)
    if doc.date is None or not doc.sources:
        meta = extract_metadata(f"{title}\n{body}" if title else body, now=ctx.now)
        if doc.date is None and meta.date is not None:
            doc.date, doc.date_source = meta.date, meta.date_source
        if not doc.sources:
            doc.sources, doc.source_rules = list(meta.sources), dict(meta.source_rules)
    return doc
