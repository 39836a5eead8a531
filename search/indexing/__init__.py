"""Reindexing: bring an index up to date with a corpus, safely.

``reindex()`` is what ``python -m search reindex`` and ``make index`` run. Two modes:

* **Incremental** (the default): the corpus is read and each document's
  :attr:`~search.document.Document.content_hash` is compared with the one stored in
  the live index; only new documents are added, changed ones replaced and vanished
  ones deleted, all in *one* commit at the end. An unchanged corpus opens no writer
  at all, so the index is not touched. With no live index yet (or one this version
  cannot read), an incremental run is a full one.
* **Full** (``--full``): a rebuild (:meth:`~search.engine.Index.rebuild`) that
  replaces the live index only when it is complete and committed.

How each of those is made crash-safe and durable is the engine's business
(``search/engine/whoosh_index.py`` for the embedded engine); this module only
decides what to write. Two reindexes never run at once: :meth:`Index.lock`.

Unreadable input never costs indexed documents (:mod:`.carryover`), and a run that
reads no document at all changes nothing (an unmounted disk looks like an empty
corpus). Progress goes out through a :class:`Progress` listener: the command line
draws the bar, this module prints nothing.
"""

from __future__ import annotations

import contextlib
import logging
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Protocol

from search.analysis.variants import VERSION as VARIANTS_VERSION
from search.analysis.variants import accepted
from search.corpus import FieldMap, ReadReport, list_corpus_files
from search.corpus.origin import origin_file
from search.document import Document
from search.engine import (
    Index,
    IndexIncompatible,
    IndexMissing,
    IndexWriter,
    create_index,
)

from .carryover import kept_documents
from .manifest import CorpusReading, fingerprint, stored_hashes
from .stories import Grouping
from .summary import EXAMPLES, Mode, ReindexSummary
from .variants import learn as learn_variants

logger = logging.getLogger("search.indexing")

#: Below this many bytes of changed corpus files, an incremental run writes in one
#: process (about 5,000 ANT articles): forking writer processes costs more than it saves.
SMALL_CHANGE_BYTES = 16 << 20
#: Spelling variants are learned again once this share of the archive has changed
#: since they were (they are carried over until then: learning reads thousands of
#: articles, and a few new ones do not change which spellings the archive uses).
RELEARN_SHARE = 0.05


class CorpusMissing(FileNotFoundError):
    """A corpus path given to :func:`reindex` does not exist (nothing was touched)."""


class Progress(Protocol):
    """Hears how a reindex advances (the CLI's progress bar is one)."""

    def start(self, sizes: list[int]) -> None:
        """Reading begins; ``sizes`` are the corpus files' sizes in bytes, in order."""

    def file_done(self, size: int) -> None:
        """One more file has been read through."""

    def document(self) -> None:
        """One more document has been read (and written, if it changed)."""

    def finish(self) -> None:
        """Reading is over (the commit may still take a moment)."""


class _Silent:
    def start(self, sizes: list[int]) -> None:
        pass

    def file_done(self, size: int) -> None:
        pass

    def document(self) -> None:
        pass

    def finish(self) -> None:
        pass


def reindex(
    paths: list[Path],
    *,
    index: str | os.PathLike[str],
    full: bool = False,
    progress: Progress | None = None,
    workers: int | None = None,
    wait: bool = False,
    field_map: FieldMap | None = None,
) -> ReindexSummary:
    """Bring the index at location ``index`` up to date with the corpus at ``paths``.

    ``workers``: processes the engine may use to write (its own default otherwise).

    Raises :class:`CorpusMissing` (a path does not exist; checked before anything is
    touched) and :class:`~search.engine.ReindexRunning` (another reindex holds the
    lock, unless ``wait``). Bad input never raises: it is counted in the summary.
    """
    started = time.perf_counter()
    corpus = [Path(p) for p in paths]
    missing = [p for p in corpus if not p.exists()]
    if missing:
        raise CorpusMissing(
            "no such file or directory: "
            + ", ".join(str(p) for p in missing)
            + " (the index was not touched)"
        )
    listener = progress or _Silent()
    target = create_index(index)
    try:
        with target.lock(wait=wait):
            summary = _run(target, corpus, full, listener, workers, field_map)
    finally:
        target.close()
    summary.seconds = time.perf_counter() - started
    logger.debug("reindex done: %s", summary.format().replace("\n", " |"))
    return summary


def _run(
    index: Index,
    corpus: list[Path],
    full: bool,
    progress: Progress,
    workers: int | None,
    field_map: FieldMap | None,
) -> ReindexSummary:
    live = index.generation()
    readable = live
    if live is not None:
        try:
            index.reader()
        except IndexIncompatible as error:
            # Its documents cannot be carried over either: a rebuild from the corpus.
            logger.warning("%s; rebuilding it", error)
            full, readable = True, None
    report = ReadReport()
    files = list(list_corpus_files(corpus, report=report))
    summary = ReindexSummary(
        mode="full" if full or live is None else "incremental",
        root=index.location,
        procs=workers or 1,
        previous_generation=live,
    )
    previous = index.manifest() if readable is not None else None
    variants = index.manifest("variants") if readable is not None else None
    reading = CorpusReading(
        files,
        previous if summary.mode == "incremental" else None,
        fingerprint=fingerprint(field_map),
        report=report,
        field_map=field_map,
    )
    progress.start([f.size for f in files])
    try:
        docs = reading.documents(done=progress.file_done)
        if summary.mode == "full":
            hashes = _full(index, readable, docs, report, summary, workers, progress)
        else:
            old = stored_hashes(previous)
            hashes = _incremental(index, docs, reading, old, report, summary, workers, progress)
    finally:
        progress.finish()
    summary.unchanged_files = reading.unchanged_files
    if hashes is not None:
        # The files' sizes and times, for the next run (after the commit: tied to it).
        manifest = reading.manifest(hashes)
        if summary.committed or manifest != previous:
            index.save_manifest(manifest)
        # Also with nothing to commit when the table is missing or of an older format
        # (Naba was upgraded): one nobody can read would leave the archive without any.
        stale = variants is None or variants.get("version") != VARIANTS_VERSION
        if summary.committed or stale:
            _variants(index, variants, summary, len(hashes))
    summary.read = report.read
    summary.skipped = report.skipped
    summary.reasons = dict(report.reasons().most_common())
    summary.problems = [str(p) for p in report.problems[: EXAMPLES * 2]]
    if summary.read == 0 and not reading.unchanged_ids and summary.error is None:
        summary.error = "no documents could be read from " + ", ".join(map(str, corpus))
    _describe_index(index, summary, None if hashes is None else len(hashes))
    return summary


def _variants(
    index: Index, previous: dict[str, Any] | None, summary: ReindexSummary, documents: int
) -> None:
    """Learn the spelling variants again (a rebuild, no table yet, or the archive has
    changed by :data:`RELEARN_SHARE` since they were learned), or carry the previous
    table over to the new commit: learning reads thousands of articles, which a few
    new ones do not change."""
    changed = summary.changed + (previous.get("changed_since", 0) if previous else 0)
    learned_at = previous.get("documents", 0) if previous else 0
    if (
        summary.mode == "full"
        or previous is None
        or previous.get("version") != VARIANTS_VERSION
        or changed >= RELEARN_SHARE * max(1, learned_at)
    ):
        started = time.perf_counter()
        table = learn_variants(index.reader())
        table["documents"] = documents
        table["changed_since"] = 0
        summary.variants_learned = True
        summary.variant_seconds = time.perf_counter() - started
    else:
        table = {**previous, "changed_since": changed}
    index.save_manifest(table, "variants")
    summary.variant_pairs = len(accepted(table))


# --- the two modes -------------------------------------------------------------------------


class _NothingRead(Exception):
    """Internal: a full rebuild read nothing, so the live index stays."""


def _full(
    index: Index,
    live: str | None,
    docs: Iterator[Document],
    report: ReadReport,
    summary: ReindexSummary,
    workers: int | None,
    progress: Progress,
) -> dict[str, str] | None:
    """Rebuild; keep the documents of unreadable files. Returns every document's
    content hash in the new live index (``None``: nothing was committed)."""
    writer = index.rebuild(workers=workers)
    summary.procs = writer.workers
    logger.info("building %s", writer.generation)
    hashes: dict[str, str] = {}
    writer.set_grouping(Grouping(summary))
    try:
        for doc in docs:
            writer.add(doc)
            hashes[doc.id] = doc.content_hash
            progress.document()
        if report.read == 0:
            summary.error = "no documents could be read"
            raise _NothingRead
        if live is not None:
            kept = kept_documents(index.reader(), set(hashes), report)
            for doc in kept:
                writer.add(doc)
                hashes[doc.id] = doc.content_hash
            summary.kept = len(kept)
            summary.kept_from = sorted({origin_file(d.origin) for d in kept})
        logger.info("committing %d documents to %s", len(hashes), writer.generation)
        writer.commit()
    except _NothingRead:
        writer.cancel()
        return None
    except BaseException:
        with contextlib.suppress(Exception):
            writer.cancel()
        raise
    summary.committed = True
    summary.added = len(hashes) - summary.kept
    summary.generation = writer.generation
    summary.removed_generations = writer.removed
    logger.info("switched to %s", writer.generation)
    return hashes


def _incremental(
    index: Index,
    docs: Iterator[Document],
    reading: CorpusReading,
    old: dict[str, str] | None,
    report: ReadReport,
    summary: ReindexSummary,
    workers: int | None,
    progress: Progress,
) -> dict[str, str] | None:
    """Add, replace and delete by content hash in the live index; one commit.

    ``old``: every indexed document's content hash as the manifest has them (``None``:
    read from the index). Returns them as they are after the run (``None``: nothing
    could be read, nothing was touched).
    """
    # A previous rebuild's replaced version (or a killed one's leftovers) has served
    # its last searcher by now: this is "the next reindex" the engine keeps it for.
    summary.removed_generations = index.prune()
    summary.generation = index.generation() or ""
    reader = index.reader()
    # One dict, updated in place: at 315k documents each copy weighs tens of MB.
    hashes = old if old is not None else dict(reader.content_hashes())
    old = hashes
    writer: IndexWriter | None = None
    seen: set[str] = set()
    if workers is None and reading.bytes_to_read < SMALL_CHANGE_BYTES:
        # Writer processes are forked from this one (its memory and all); for a few
        # changed files one process writes them sooner.
        workers = 1

    def open_writer() -> IndexWriter:
        opened = index.writer(workers=workers)
        opened.set_grouping(Grouping(summary))
        summary.procs = opened.workers
        return opened

    try:
        for doc in docs:
            progress.document()
            seen.add(doc.id)
            previous = old.get(doc.id)
            if previous == doc.content_hash:
                summary.unchanged += 1
                continue
            if writer is None:
                writer = open_writer()
            if previous is None:
                writer.add(doc)
                summary.added += 1
            else:
                writer.update(doc)
                summary.updated += 1
            hashes[doc.id] = doc.content_hash
        seen.update(reading.unchanged_ids)
        summary.unchanged += len(reading.unchanged_ids)
        if report.read == 0 and not reading.unchanged_ids:
            summary.error = "no documents could be read (the index was left as it was)"
            summary.added = summary.updated = 0
            if writer is not None:
                writer.cancel()
            return None
        gone = [doc_id for doc_id in old if doc_id not in seen]
        kept_docs = kept_documents(reader, seen, report, candidates=gone) if gone else []
        kept_ids = {d.id for d in kept_docs}
        summary.kept = len(kept_docs)
        summary.kept_from = sorted({origin_file(d.origin) for d in kept_docs})
        for doc_id in gone:
            if doc_id in kept_ids:
                continue
            if writer is None:
                writer = open_writer()
            writer.delete(doc_id)
            del hashes[doc_id]
            summary.deleted += 1
        if writer is not None:
            logger.info("committing %d changes to %s", summary.changed, summary.generation)
            writer.commit()
            writer = None
            summary.committed = True
    except BaseException:
        if writer is not None:
            with contextlib.suppress(Exception):
                writer.cancel()
        raise
    return hashes


def _describe_index(index: Index, summary: ReindexSummary, documents: int | None) -> None:
    """Fill in the live index's document count, size and generation.

    The count comes from the run's own arithmetic when it has one: reading the index's
    statistics would build its per-document arrays (as much resident memory as the
    index's size, which would then count as the reindex's peak).
    """
    if not index.exists():
        return
    if documents is None:
        try:
            documents = index.reader().stats().documents
        except IndexMissing:
            return
    summary.documents = documents
    summary.size_bytes = index.size_bytes()
    summary.generation = index.generation() or ""


__all__ = ["CorpusMissing", "Mode", "Progress", "ReindexSummary", "reindex"]
