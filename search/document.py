"""The one document model every reader produces and every engine stores.

Readers differ wildly (raw text copied from a site, TREC records, JSON
exports); everything downstream of them sees only :class:`Document`, so a new
reader never touches the index or the search code.
"""

from __future__ import annotations

import datetime as dt
import hashlib
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
    (``data.jsonl:12``, ``ant.tar.gz!ant/1.txt``).
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
        return h.hexdigest()

    def metadata(self) -> dict[str, Any]:
        """The JSON-ready document without its body (what ``search metadata`` prints)."""
        return {
            "id": self.id,
            "title": self.title,
            "date": self.date.isoformat() if self.date else None,
            "date_source": self.date_source,
            "sources": list(self.sources),
            "source_rules": dict(self.source_rules),
            "url": self.url,
            "category": self.category,
            "origin": self.origin,
        }
