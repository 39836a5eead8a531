"""The embedded Whoosh engine's :class:`~.base.Index`: a folder of generations.

A location that is a folder path opens as a :class:`WhooshIndex`. Everything the
rest of Naba must not need to know about Whoosh lives here: the generations and
their ``CURRENT`` pointer (:mod:`.whoosh_store`), reopening when a reindex
switched generations or committed, the files a killed Whoosh writer leaves
behind, flushing a new generation to disk before it goes live, and how many
processes a writer uses.

Crash safety (``tests/test_reindex_crash.py`` kills reindexes with SIGKILL):

* a rebuild (:meth:`WhooshIndex.rebuild`) writes a new generation beside the live
  one, commits, fsyncs it and only then switches ``CURRENT`` atomically; killed
  before the switch, it leaves ``CURRENT`` naming the old, untouched generation, and
  its half-built directory is removed by the next reindex (:meth:`WhooshIndex.prune`).
  The generation it replaced is kept until the next reindex, so a searcher that
  opened it just before the switch keeps working;
* an incremental change (:meth:`WhooshIndex.writer`) relies on Whoosh's commit
  protocol: segment files and a temporary TOC are written first, and the commit is
  the rename of the new TOC (``_MAIN_<n>.toc``); deletions live in the TOC's pickled
  segment list, never in old segment files. A killed run leaves the last committed
  TOC as the newest one; what else it left is removed before the next writer opens;
* two reindexes never write at once: :meth:`WhooshIndex.lock` (``flock``, released by
  the kernel when a process dies, so no stale lock survives a crash).
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import threading
from pathlib import Path
from typing import Any

from search.document import Document

from . import whoosh_manifest as manifests
from . import whoosh_store as store
from .base import (
    DEFAULT_CACHE_MB,
    IndexIncompatible,
    IndexMissing,
    IndexOptions,
    ManifestKind,
    ServerHealth,
    StoryGrouping,
)
from .whoosh_engine import WhooshEngine, WhooshWriter
from .whoosh_processes import mark_writing, unmark_writing
from .whoosh_reading import PostingCache

logger = logging.getLogger("search.engine")


def default_workers() -> int:
    """Two writing processes where there are two cores: ``python -m benchmarks index``
    measured one process against two and stock Whoosh (``docs/benchmarks.md``)."""
    return max(1, min(2, os.cpu_count() or 1))


def open_folder(location: str, options: IndexOptions) -> WhooshIndex:
    """The factory's opener for a location that is a folder path (the default engine).
    A query timeout does not apply (a search runs in this process, bounded by the search
    layer's own limits); replicas cannot: a folder has none."""
    if options.replicas:
        raise IndexIncompatible(
            "read replicas (NABA_INDEX_REPLICAS) need a database index location "
            f"(postgresql://…), not the folder {location}"
        )
    variants = Path(options.variants_file) if options.variants_file else None
    return WhooshIndex(Path(location), cache_mb=options.cache_mb, variants_file=variants)


class WhooshIndex:
    """An index folder (``index/``): the live generation to read, and writers."""

    def __init__(
        self, root: Path, *, cache_mb: int = DEFAULT_CACHE_MB, variants_file: Path | None = None
    ) -> None:
        self.root = root
        self.location = str(root)
        #: The editor's spelling variants: ``NABA_VARIANTS``, else the folder's own file
        #: (beside the generations: it outlives every rebuild).
        self.variants_file = variants_file or root / "variants.txt"
        # Decoded postings, shared by every generation this index opens, so memory stays
        # bounded across reindexes; it dies with this object.
        self.cache = PostingCache(max(0, cache_mb) << 20)
        self._lock = threading.Lock()
        self._generation: Path | None = None
        self._engine: WhooshEngine | None = None

    # --- reading ------------------------------------------------------------------------

    def reader(self) -> WhooshEngine:
        live = store.live_generation(self.root)
        with self._lock:
            if self._engine is None or live != self._generation:
                # The previous generation's engine is not closed here: a concurrent
                # request may still be reading from it; the garbage collector closes it.
                self._engine = self._open(live)
                self._generation = live
            else:
                self._engine.refresh()
            return self._engine

    def _open(self, generation: Path) -> WhooshEngine:
        store.check_safe(self.root, generation)
        try:
            return WhooshEngine.open(generation, self.cache)
        except (AttributeError, ImportError) as error:
            # The schema is pickled with the analyzer's classes; an index written by a
            # version whose classes moved cannot be unpickled.
            raise IndexIncompatible(
                f"the index in {self.root} was built by another version of Naba ({error}); "
                "rebuild it with `python -m search reindex --full`"
            ) from None

    def exists(self) -> bool:
        try:
            store.live_generation(self.root)
        except IndexMissing:
            return False
        return True

    def generation(self) -> str | None:
        """The live generation's name (``None``: no index yet)."""
        try:
            return store.live_generation(self.root).name
        except IndexMissing:
            return None

    def size_bytes(self) -> int:
        live = store.live_generation(self.root)
        return sum(p.stat().st_size for p in live.rglob("*") if p.is_file())

    def manifest(self, kind: ManifestKind = "manifest") -> dict[str, Any] | None:
        try:
            live = store.live_generation(self.root)
        except IndexMissing:
            return None
        return manifests.load(live, _latest_commit(live), kind)

    def save_manifest(self, manifest: dict[str, Any], kind: ManifestKind = "manifest") -> None:
        live = store.live_generation(self.root)
        manifests.save(live, _latest_commit(live), manifest, kind)

    def servers(self) -> list[ServerHealth]:
        return []

    def close(self) -> None:
        with self._lock:
            if self._engine is not None:
                self._engine.close()
            self._engine = self._generation = None

    # --- writing ------------------------------------------------------------------------

    def lock(self, *, wait: bool = False) -> contextlib.AbstractContextManager[None]:
        return store.reindex_lock(self.root, wait=wait)

    def prune(self) -> list[str]:
        """Remove every generation but the live one: a rebuild's replaced generation has
        served its last searcher by the next reindex, and a killed one's is garbage.
        Only under :meth:`lock`."""
        return sorted(p.name for p in store.remove_stale_generations(self.root, keep=None))

    def writer(self, *, workers: int | None = None) -> _Writer:
        """An incremental change to the live generation, committed in one Whoosh commit."""
        live = store.live_generation(self.root)
        _remove_writer_leftovers(live)
        engine = self._open(live)
        try:
            return _Writer(engine, workers or default_workers(), batch=False)
        except BaseException:
            engine.close()
            raise

    def rebuild(self, *, workers: int | None = None) -> Rebuild:
        """A new generation beside the live one, made live when it commits."""
        try:
            previous: Path | None = store.live_generation(self.root)
        except IndexMissing:
            previous = None
        generation = store.new_generation(self.root)
        try:
            writer = _Writer(WhooshEngine.create(generation), workers or default_workers(), True)
        except BaseException:
            shutil.rmtree(generation, ignore_errors=True)
            raise
        return Rebuild(self.root, generation, previous, writer)


class _Writer:
    """An :class:`~.base.IndexWriter` that owns the engine it writes to, and closes it."""

    def __init__(self, engine: WhooshEngine, procs: int, batch: bool) -> None:
        self.engine = engine
        self.workers = procs
        if procs > 1:
            mark_writing()  # the writer's worker processes die with this one
        self._writer: WhooshWriter = engine.writer(procs=procs, batch=batch)
        self._group: StoryGrouping | None = None

    def add(self, document: Document) -> None:
        self._writer.add(document)

    def update(self, document: Document) -> None:
        self._writer.update(document)

    def delete(self, doc_id: str) -> None:
        self._writer.delete(doc_id)

    def set_grouping(self, group: StoryGrouping) -> None:
        # The story texts are made by the writing processes and readable once committed;
        # the groups go into the commit's arrays, written right after it.
        self._group = group

    def commit(self) -> None:
        try:
            self._writer.commit()
            self.engine.write_arrays(self._group)
        finally:
            self._finish()

    def cancel(self) -> None:
        try:
            self._writer.cancel()
        finally:
            self._finish()

    def _finish(self) -> None:
        unmark_writing()
        self.engine.close()


class Rebuild:
    """A writer into a new generation; :meth:`commit` makes it live, :meth:`cancel`
    (or any failure) removes it and leaves the live generation as it was.

    After a commit, ``removed`` names the generations deleted (all but the new one and
    the one it replaced).
    """

    def __init__(self, root: Path, generation: Path, previous: Path | None, writer: _Writer):
        self.root = root
        self.path = generation
        self.generation = generation.name
        self.previous = previous
        self.removed: list[str] = []
        self.workers = writer.workers
        self._writer = writer

    def add(self, document: Document) -> None:
        self._writer.add(document)

    def update(self, document: Document) -> None:
        self._writer.add(document)  # a new generation holds no older version

    def delete(self, doc_id: str) -> None:
        raise ValueError("a rebuild starts empty: there is nothing to delete")

    def set_grouping(self, group: StoryGrouping) -> None:
        self._writer.set_grouping(group)

    def commit(self) -> None:
        try:
            self._writer.commit()
            _fsync_tree(self.path)
            logger.info("committed; switching %s to %s", self.root / store.POINTER, self.generation)
            store.switch_to(self.root, self.path)
        except BaseException:
            # An exception (not a kill): leave nothing half-built behind.
            shutil.rmtree(self.path, ignore_errors=True)
            raise
        removed = store.remove_stale_generations(self.root, keep=self.previous)
        self.removed = sorted(p.name for p in removed)

    def cancel(self) -> None:
        try:
            self._writer.cancel()
        finally:
            shutil.rmtree(self.path, ignore_errors=True)


def _latest_commit(generation: Path) -> int:
    """The number of a generation's latest Whoosh commit (its newest TOC)."""
    return max(
        (int(toc.stem.rsplit("_", 1)[1]) for toc in generation.glob("_MAIN_*.toc")), default=-1
    )


def _remove_writer_leftovers(generation: Path) -> None:
    """Delete what a killed Whoosh writer leaves that Whoosh itself would keep.

    A writer killed while writing its table of contents leaves ``_MAIN_<n>.toc.<time>``,
    which Whoosh never reads nor removes; one killed while indexing leaves its posting
    runs in ``MAIN.tmp/``, removed only by the next writer that commits (an unchanged
    run opens none); one killed while storing its arrays or manifest, ``*.tmp``. Safe
    because no Whoosh writer runs without the reindex lock.
    """
    for stale in generation.glob("_*.toc.*"):
        stale.unlink(missing_ok=True)
    for temp in generation.glob("*.tmp"):
        if temp.is_dir():
            shutil.rmtree(temp, ignore_errors=True)
        else:  # a manifest's temporary file
            temp.unlink(missing_ok=True)


def _fsync_tree(path: Path) -> None:
    """Flush a new generation's files to disk before ``CURRENT`` points at it.

    Whoosh does not fsync; without this a power cut shortly after the switch could
    leave ``CURRENT`` naming files the disk never received. (A killed process loses
    nothing either way: its writes are already in the page cache.)
    """
    for item in sorted(path.rglob("*")):
        if item.is_file():
            _fsync(item)
    _fsync(path)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
