"""Unreadable input never costs indexed documents.

When a file (or a folder, or an archive member) that was read before cannot be read
this run, its old documents are *kept*, in both reindex modes, and the summary says
so; they are removed only once the file reads again without them or disappears.
"""

from __future__ import annotations

from collections.abc import Iterable

from search.corpus import Problem, ReadReport
from search.corpus.origin import is_within, normal_origin
from search.document import StoredDocument
from search.engine import IndexReader


def kept_documents(
    reader: IndexReader,
    seen: set[str],
    report: ReadReport,
    candidates: Iterable[str] | None = None,
) -> list[StoredDocument]:
    """Previously indexed documents not read this run whose file had a read problem.

    ``candidates`` are the ids to consider (all of the old index's by default).
    A problem with a whole file, folder or archive member protects everything that
    came from it; a problem with one record of a multi-record file (``data.jsonl:12``)
    protects only the document that came from that record; a corrupt archive protects
    the whole archive, because the reader stops at the damage. A stored document is a
    document: it is added to the new index as it is.
    """
    protected = _protected_origins(report.problems)
    if not protected:
        return []
    if candidates is None:
        candidates = (doc_id for doc_id, _ in reader.content_hashes() if doc_id not in seen)
    kept = []
    for doc_id in candidates:
        stored = reader.get(doc_id)
        if stored is not None and is_within(normal_origin(stored.origin), protected):
            kept.append(stored)
    return kept


def _protected_origins(problems: Iterable[Problem]) -> set[str]:
    out = set()
    for problem in problems:
        if problem.reason == "duplicate id":  # read fine; the id is simply taken
            continue
        origin = problem.origin
        if problem.reason == "corrupt archive":
            origin = origin.split("!", 1)[0]
        out.add(normal_origin(origin))
    return out
