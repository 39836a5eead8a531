"""What a reader is told about their request: a stable code and its values.

The search layer says *what* happened (a month written ``2023-8``, a query cut short, a
filter typed empty) as a :class:`Notice`; each interface says it in its reader's
language. ``str(notice)`` is the English sentence (what the JSON API's ``error`` and
``warnings`` carry beside the code); the site words the same codes in Arabic
(:mod:`web.messages`), so a new notice is a row here and a row there, and a test checks
that every code has both.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

#: Every code, with its English sentence (``str.format`` fields are the notice's values).
ENGLISH: dict[str, str] = {
    # a parameter that cannot be used (HTTP 400)
    "invalid_year": "year must look like 2023, not {value!r}",
    "invalid_month": "month must look like 2023-08, not {value!r}",
    "invalid_date": "{name} must be a date like 2023-08-16, not {value!r}",
    "invalid_number": "{name} must be a whole number, not {value!r}",
    "invalid_sort": "sort must be one of {choices}",
    "invalid_mode": "mode must be one of {choices}",
    "invalid_group": "group must be one of {choices}",
    "invalid_spell": "spell must be one of {choices}",
    "invalid_interval": "interval must be one of {choices}",
    "invalid_calendar": "calendar must be one of {choices}",
    "per_page_range": "per_page must be between 1 and {max}",
    "page_too_small": "page must be 1 or more",
    "result_window": "page × per_page may not exceed {max}; narrow the search instead",
    "dates_reversed": "from must not be after to",
    # a part of the query that was not used (the search still runs)
    "query_cut": "query cut to its first {max} characters",
    "bad_date_filter": "ignored date filter {value!r} (use 2023, 2023-08 or 2023-08-16)",
    "empty_filter": "ignored empty filter {name}:",
    "bad_hijri_filter": "ignored Hijri month {value!r} (use رمضان 1444 or 1444-09)",
    "too_many_words": "only the first {max} words were used",
    # a filter that matches nothing in this archive
    "unknown_source": "no article in the archive is from {value!r}; its sources include {known}",
}


@dataclass(frozen=True, slots=True)
class Notice:
    """One thing to tell the reader: ``code`` (a key of :data:`ENGLISH`) and the values
    its sentences name."""

    code: str
    values: Mapping[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        return ENGLISH[self.code].format(**self.values)

    def to_dict(self) -> dict[str, Any]:
        """The notice as the API shows it: code, English message, values."""
        return {"code": self.code, "message": str(self), **dict(self.values)}
