"""What a reindex did, for the command line (text and ``--json``) and for scripts."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, Literal

Mode = Literal["full", "incremental"]
#: How many examples of each kind of problem a summary keeps.
EXAMPLES = 5


@dataclass(slots=True)
class ReindexSummary:
    """What a reindex did: counts, problems, speed and the resulting index.

    ``kept`` counts previously indexed documents whose file could not be read this run
    and which were kept rather than deleted (``kept_from`` names those files).
    ``skipped`` counts the read problems (files or records), grouped in ``reasons``.
    ``unchanged_files`` counts the files not opened at all: the same size and time as
    when the previous run read them (their documents count in ``unchanged``).
    """

    mode: Mode
    root: str
    added: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0
    unchanged_files: int = 0
    kept: int = 0
    kept_from: list[str] = field(default_factory=list)
    read: int = 0
    skipped: int = 0
    reasons: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0
    procs: int = 1
    documents: int = 0
    size_bytes: int = 0
    generation: str = ""
    previous_generation: str | None = None
    removed_generations: list[str] = field(default_factory=list)
    #: Story groups of two or more articles after the run, and the seconds finding them
    #: took (:mod:`.stories`; none when nothing changed).
    story_groups: int = 0
    story_seconds: float = 0.0
    #: Spelling-variant pairs in force after the run, whether this run learned them
    #: (else they were carried over), and the seconds learning took (:mod:`.variants`).
    variant_pairs: int = 0
    variants_learned: bool = False
    variant_seconds: float = 0.0
    committed: bool = False
    error: str | None = None

    @property
    def changed(self) -> int:
        """Documents added, replaced or deleted by this run."""
        return self.added + self.updated + self.deleted

    @property
    def docs_per_second(self) -> float:
        """Documents read (and, when changed, indexed) per second of the whole run."""
        return self.read / self.seconds if self.seconds > 0 else 0.0

    @property
    def ok(self) -> bool:
        """False when nothing could be indexed (the exit code of the CLI is 1)."""
        return self.error is None

    def as_dict(self) -> dict[str, Any]:
        """The JSON form (``python -m search reindex --json``)."""
        data = dataclasses.asdict(self)
        data["seconds"] = round(self.seconds, 3)
        data["docs_per_second"] = round(self.docs_per_second, 1)
        data["ok"] = self.ok
        return data

    def format(self) -> str:
        """A few lines for a person at a terminal."""
        what = "full rebuild" if self.mode == "full" else "incremental update"
        lines = [
            f"{what} of {self.root}: read {self.read:,} documents in {self.seconds:.1f} s "
            f"({self.docs_per_second:,.0f} docs/s, {self.procs} process"
            f"{'es' if self.procs > 1 else ''})",
            f"  added {self.added:,}, updated {self.updated:,}, deleted {self.deleted:,}, "
            f"unchanged {self.unchanged:,}"
            + (f" ({self.unchanged_files:,} files not reopened)" if self.unchanged_files else ""),
        ]
        if self.kept:
            lines.append(
                f"  kept {self.kept:,} previously indexed documents of {len(self.kept_from)} "
                f"unreadable file(s): {', '.join(self.kept_from[:EXAMPLES])}"
                + (", …" if len(self.kept_from) > EXAMPLES else "")
            )
        if self.skipped:
            reasons = ", ".join(f"{reason}: {n}" for reason, n in self.reasons.items())
            lines.append(f"  skipped {self.skipped:,} ({reasons})")
            lines += [f"    {problem}" for problem in self.problems]
        if self.error:
            lines.append(f"  nothing indexed: {self.error}")
        if self.generation:
            state = "" if self.committed else " (unchanged, nothing to commit)"
            lines.append(
                f"  index: {self.documents:,} documents, {self.size_bytes / 1e6:.1f} MB, "
                f"generation {self.generation}{state}"
            )
        if self.variants_learned:
            lines.append(
                f"  spelling variants: {self.variant_pairs:,} pairs learned in "
                f"{self.variant_seconds:.1f} s"
            )
        if self.removed_generations:
            lines.append(f"  removed old generations: {', '.join(self.removed_generations)}")
        return "\n".join(lines)
