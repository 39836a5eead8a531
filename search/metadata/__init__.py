"""Title, publication date and sources of a raw Arabic news text.

Readers that get only text (a page copied from a site) call
:func:`extract_metadata`; readers with structured fields call
:func:`parse_date` and :func:`canonical_source` on those fields and use the
text rules only for what the fields lack. Every answer carries the rule that
produced it, so ``python -m search metadata`` can explain each decision, and
"not found" is ``None``: nothing is guessed.

Stages, one module each: ``fold`` (a folded copy of the text for matching),
``lines`` (which lines are the article), ``title``, ``dates``, ``sources``; and
``furniture``, the lines those rules read that a reader does not want in a snippet.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from search.metadata.dates import DateMatch, extract_date, hijri_month, parse_date
from search.metadata.furniture import is_furniture, split_furniture
from search.metadata.sources import (
    SOURCES,
    Outlet,
    SourceTable,
    canonical_source,
    canonical_source_or_self,
    canonical_sources,
    extract_sources,
    source_label,
)
from search.metadata.title import extract_title

__all__ = [
    "SOURCES",
    "DateMatch",
    "Outlet",
    "SourceTable",
    "TextMetadata",
    "canonical_source",
    "canonical_source_or_self",
    "canonical_sources",
    "extract_date",
    "extract_metadata",
    "extract_sources",
    "extract_title",
    "hijri_month",
    "is_furniture",
    "parse_date",
    "source_label",
    "split_furniture",
]


@dataclass(slots=True)
class TextMetadata:
    """What the text says about itself; fields map one-to-one onto ``Document``'s.

    ``date_source`` is ``"text:<rule>"`` (``text:labelled``, ``text:top-line``,
    ``text:dateline``…) or ``None`` with ``date``; ``source_rules`` maps each
    canonical source to the rule that found it (``closing-parenthesis``,
    ``dateline``, ``label:المصدر``, ``photo-credit``…).
    """

    title: str
    date: dt.date | None
    date_source: str | None
    sources: list[str] = field(default_factory=list)
    source_rules: dict[str, str] = field(default_factory=dict)


def extract_metadata(text: str, *, now: dt.date | None = None) -> TextMetadata:
    """Title, publication date and sources of a raw article (dates after ``now`` are refused)."""
    found = extract_date(text, now=now)
    rules = extract_sources(text)
    return TextMetadata(
        title=extract_title(text),
        date=found.date if found else None,
        date_source=f"text:{found.rule}" if found else None,
        sources=list(rules),
        source_rules=rules,
    )
