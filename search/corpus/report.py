"""What happened while reading a corpus: how many documents, what was skipped and why.

Real corpora always contain something unreadable (a binary dropped into the folder, a
truncated download, a record whose crawler lost the article body). Readers never raise
on such input and never drop it silently: each skipped unit becomes a :class:`Problem`
in a :class:`ReadReport`, and is logged on the ``search.corpus`` logger as it happens,
so a long indexing run shows trouble early and ends with a summary grouped by reason.

A *skipped unit* is whatever could not be read: a file, one record of a multi-record
file, or the unread rest of a corrupt archive. ``skipped`` counts problems, not
documents, because the number of documents inside an unreadable file is unknowable.
Non-fatal observations (a file decoded as Windows-1256, a date field that did not
parse) are *notes*: the document was still read.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field

logger = logging.getLogger("search.corpus")

#: How many example origins ``summary()`` shows per reason.
_EXAMPLES = 3


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing that was skipped (or noted), where it was, and why.

    ``reason`` is a short fixed phrase (``"no body"``, ``"invalid JSON"``) so problems
    can be grouped; ``detail`` carries the specifics (the decoder's message, the fields
    that were present) that a person fixing the input needs.
    """

    origin: str
    reason: str
    detail: str = ""

    def __str__(self) -> str:
        return f"{self.origin}: {self.reason}" + (f" ({self.detail})" if self.detail else "")


@dataclass(slots=True)
class ReadReport:
    """Counts and problems of one or more ``read_corpus`` runs (pass the same report to add up)."""

    read: int = 0
    problems: list[Problem] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)

    @property
    def skipped(self) -> int:
        """Number of skipped units (files, records, or archive remainders)."""
        return len(self.problems)

    def skip(self, origin: str, reason: str, detail: str = "") -> None:
        """Record that ``origin`` was not read, and log it right away."""
        problem = Problem(origin, reason, detail)
        self.problems.append(problem)
        logger.warning("skipped %s", problem)

    def note(self, origin: str, reason: str, detail: str = "") -> None:
        """Record something worth knowing about a document that was still read."""
        problem = Problem(origin, reason, detail)
        self.notes.append(problem)
        logger.info("note: %s", problem)

    def reasons(self) -> Counter[str]:
        """How many units were skipped for each reason."""
        return Counter(p.reason for p in self.problems)

    def summary(self) -> str:
        """A human-readable account: read and skipped counts, then skips and notes by reason."""
        lines = [f"read {self.read} documents, skipped {self.skipped}"]
        for title, items in (("skipped", self.problems), ("notes", self.notes)):
            if not items:
                continue
            lines.append(f"{title}:")
            by_reason: dict[str, list[Problem]] = {}
            for p in items:
                by_reason.setdefault(p.reason, []).append(p)
            for reason, group in sorted(by_reason.items(), key=lambda kv: (-len(kv[1]), kv[0])):
                examples = ", ".join(p.origin for p in group[:_EXAMPLES])
                more = ", …" if len(group) > _EXAMPLES else ""
                lines.append(f"  {reason}: {len(group)} ({examples}{more})")
        return "\n".join(lines)
