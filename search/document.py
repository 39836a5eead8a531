"""The one document model every reader produces, every engine stores and the API shows.

Readers differ wildly (raw text copied from a site, TREC records, JSON
exports); everything downstream of them sees only :class:`Document`, so a new
reader never touches the index or the search code. An engine gives back a
:class:`StoredDocument`: the same document plus the content hash it was stored
with. :func:`to_record` and :func:`from_record` are the one serialisation of
both, used by every engine (what it stores) and by the JSON API (what it
shows), so a field added here reaches all of them at once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(slots=True)
class Document:
    """A news article, with where each piece of metadata came from.

    ``date`` is never a guess presented as fact: when no rule found a date it
    is ``None`` and ``date_source`` is ``None`` too. ``date_source`` is one of
    ``"field"``, ``"text:<pattern>"``, ``"filename"`` or ``None``.
    ``source_rules`` maps each canonical source name to the rule that found it,
    so ``python -m search metadata`` can explain every decision.
    ``origin`` names the file and, for multi-record files, the record
    (``data.jsonl:12``, ``ant.tar.gz!ant/1.txt``). ``author`` is the byline a page's
    markup gives (saved web pages), shown, never searched.
    """

    id: str
    title: str
    body: str
    date: dt.date | None = None
    date_source: str | None = None
    sources: list[str] = field(default_factory=list)
    url: str | None = None
    category: str | None = None
    origin: str = ""
    source_rules: dict[str, str] = field(default_factory=dict)
    author: str | None = None

    @property
    def content_hash(self) -> str:
        """Hash of everything that is indexed, so reindexing can skip unchanged documents."""
        h = hashlib.blake2b(digest_size=16)
        for part in (
            self.title,
            self.body,
            self.date.isoformat() if self.date else "",
            self.date_source or "",
            "\x1f".join(self.sources),
            self.url or "",
            self.category or "",
        ):
            h.update(part.encode("utf-8", "surrogatepass"))
            h.update(b"\x1e")
        if self.author:  # (only when there is one: older documents keep their hashes)
            h.update(self.author.encode("utf-8", "surrogatepass"))
        return h.hexdigest()

    def metadata(self) -> dict[str, Any]:
        """The JSON-ready document without its body (what ``search metadata`` prints)."""
        record = to_record(self)
        del record["body"]
        return record


@dataclass(slots=True)
class StoredDocument(Document):
    """A document as an engine gives it back: a :class:`Document` plus the content
    hash it was stored with (so an incremental reindex compares without rehashing,
    and carrying a stored document over to a new generation is just adding it)."""

    content_hash: str = ""  # type: ignore[assignment]  # the stored value replaces the property


#: The keys of a record, in the order the JSON API shows them.
RECORD_KEYS = (
    "id",
    "title",
    "body",
    "date",
    "date_source",
    "sources",
    "source_rules",
    "url",
    "category",
    "origin",
    "author",
)


def to_record(document: Document) -> dict[str, Any]:
    """A document as plain JSON values (the date as ``YYYY-MM-DD``); every engine stores
    these values and the API shows them."""
    return {
        "id": document.id,
        "title": document.title,
        "body": document.body,
        "date": document.date.isoformat() if document.date else None,
        "date_source": document.date_source,
        "sources": list(document.sources),
        "source_rules": dict(document.source_rules),
        "url": document.url,
        "category": document.category,
        "origin": document.origin,
        "author": document.author,
    }


def from_record(record: Mapping[str, Any], content_hash: str) -> StoredDocument:
    """The inverse of :func:`to_record`, as an engine reads a document back.

    Missing keys read as empty (a field added to the model after an index was built).
    """
    date = record.get("date")
    return StoredDocument(
        id=record["id"],
        title=record.get("title") or "",
        body=record.get("body") or "",
        date=dt.date.fromisoformat(date) if date else None,
        date_source=record.get("date_source"),
        sources=list(record.get("sources") or ()),
        url=record.get("url"),
        category=record.get("category"),
        origin=record.get("origin") or "",
        source_rules=dict(record.get("source_rules") or {}),
        author=record.get("author") or None,
        content_hash=content_hash,
    )
