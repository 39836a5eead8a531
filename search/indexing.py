"""Reindexing: bring an index root up to date with a corpus, safely.

``reindex()`` is what ``python -m search reindex`` and ``make index`` run. Two modes:

* **Incremental** (the default): the corpus is read and each document's
  :attr:`~search.document.Document.content_hash` is compared with the one stored in
  the live generation; only new documents are added, changed ones replaced and
  vanished ones deleted, all in *one* Whoosh commit at the end. An unchanged corpus
  opens no writer at all, so the index is not touched. With no live index yet, an
  incremental run is a full one.
* **Full** (``--full``): a new generation is built beside the live one, committed,
  flushed to disk, and only then made live by :func:`search.store.switch_to`
  (an atomic rename of ``CURRENT``). The generation it replaced is kept until the
  next reindex, so a searcher that opened it just before the switch keeps working;
  older ones are deleted.

Crash safety (``tests/test_reindex_crash.py`` kills reindexes with SIGKILL):

* a full rebuild killed before the switch leaves ``CURRENT`` naming the old,
  untouched generation; the half-built directory is removed by the next run;
* an incremental run relies on Whoosh's commit protocol: segment files and a
  temporary TOC are written first, and the commit is the rename of the new TOC
  (``_MAIN_<n>.toc``); deletions live in the TOC's pickled segment list, not in
  the old segment files, which are never modified. A killed run leaves the last
  committed TOC as the newest one; its orphan files are deleted by the next commit;
* two runs never write at once: :func:`search.store.reindex_lock` (``flock``,
  released by the kernel when a process dies, so no stale lock survives a crash).

Unreadable input never costs indexed documents. When a file (or a folder, or an
archive member) that was read before cannot be read this run, its old documents are
*kept*, in both modes, and the summary says so; they are removed only once the file
reads again without them or disappears. A run that reads no document at all changes
nothing (an unmounted disk looks like an empty corpus).

Both cores: ``procs=2`` hands documents to Whoosh's multi-process writer, whose worker
processes analyse and write segments while this process reads and parses the corpus.
``python -m benchmarks index`` measures it against ``procs=1`` and stock Whoosh
(``docs/benchmarks.md``).
"""

from __future__ import annotations

import contextlib
import ctypes
import dataclasses
import logging
import os
import re
import shutil
import signal
import sys
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from search import config, store
from search.corpus import CorpusFile, FieldMap, Problem, ReadReport, list_corpus_files, read_files
from search.document import Document
from search.engine import StoredDocument, WhooshEngine

logger = logging.getLogger("search.indexing")

Mode = Literal["full", "incremental"]

#: Without a terminal, a progress line is logged this often (seconds); the environment
#: variable ``NABA_PROGRESS_SECONDS`` overrides it (tests set it to 0: a line per document).
LOG_EVERY = 10.0
#: How many examples of each kind of problem a summary keeps.
_EXAMPLES = 5


# --- worker processes die with the reindex ----------------------------------------------------

#: The pid of this process while it runs a reindex (forks then are indexing workers).
_reindexing_pid: int | None = None
_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """In a process forked during a reindex: be killed when the reindex process dies.

    Whoosh's writer processes wait on a queue for work; if the reindex is killed
    (SIGKILL, the OOM killer) they would wait forever, holding memory and open index
    files. Linux's ``PR_SET_PDEATHSIG`` has the kernel kill them with their parent.
    """
    global _reindexing_pid
    parent, _reindexing_pid = _reindexing_pid, None  # (grandchildren are not ours to police)
    if parent is None or not sys.platform.startswith("linux"):
        return
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
        if os.getppid() != parent:  # the parent died before the request took effect
            os._exit(1)


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_die_with_parent)


@contextlib.contextmanager
def _workers_die_with_us() -> Iterator[None]:
    global _reindexing_pid
    _reindexing_pid = os.getpid()
    try:
        yield
    finally:
        _reindexing_pid = None


class CorpusMissing(FileNotFoundError):
    """A corpus path given to :func:`reindex` does not exist (nothing was touched)."""


@dataclass(slots=True)
class ReindexSummary:
    """What a reindex did: counts, problems, speed and the resulting index.

    ``kept`` counts previously indexed documents whose file could not be read this run
    and which were kept rather than deleted (``kept_from`` names those files).
    ``skipped`` counts the read problems (files or records), grouped in ``reasons``.
    """

    mode: Mode
    root: str
    added: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0
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
            f"unchanged {self.unchanged:,}",
        ]
        if self.kept:
            lines.append(
                f"  kept {self.kept:,} previously indexed documents of {len(self.kept_from)} "
                f"unreadable file(s): {', '.join(self.kept_from[:_EXAMPLES])}"
                + (", …" if len(self.kept_from) > _EXAMPLES else "")
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
        if self.removed_generations:
            lines.append(f"  removed old generations: {', '.join(self.removed_generations)}")
        return "\n".join(lines)


def default_procs() -> int:
    """Two processes where there are two cores (the measured sweet spot, see module doc)."""
    return max(1, min(2, os.cpu_count() or 1))


def reindex(
    paths: list[Path] | None = None,
    *,
    index_root: Path | None = None,
    full: bool = False,
    progress: bool | None = None,
    procs: int | None = None,
    wait: bool = False,
    field_map: FieldMap | None = None,
) -> ReindexSummary:
    """Bring the index at ``index_root`` up to date with the corpus at ``paths``.

    Defaults: ``$NABA_CORPUS`` or ``corpus/``, ``$NABA_INDEX`` or ``index/``,
    :func:`default_procs` processes. ``progress``: ``None`` shows a progress bar on a
    terminal and logs a line every :data:`LOG_EVERY` seconds otherwise; ``True``
    forces the bar, ``False`` shows nothing.

    Raises :class:`CorpusMissing` (a path does not exist; checked before anything is
    touched) and :class:`search.store.ReindexRunning` (another reindex holds the lock,
    unless ``wait``). Bad input never raises: it is counted in the summary.
    """
    started = time.perf_counter()
    corpus = [Path(p) for p in paths] if paths else config.corpus_paths()
    missing = [p for p in corpus if not p.exists()]
    if missing:
        raise CorpusMissing(
            "no such file or directory: "
            + ", ".join(str(p) for p in missing)
            + " (the index was not touched)"
        )
    root = config.index_dir(index_root)
    nprocs = max(1, procs if procs is not None else default_procs())
    with store.reindex_lock(root, wait=wait), _workers_die_with_us():
        try:
            live: Path | None = store.live_generation(root)
        except store.IndexMissing:
            live = None
        report = ReadReport()
        files = list(list_corpus_files(corpus, report=report))
        meter = _Meter.create(progress, files)
        summary = ReindexSummary(
            mode="full" if full or live is None else "incremental",
            root=str(root),
            procs=nprocs,
            previous_generation=live.name if live else None,
        )
        try:
            docs = read_files(meter.track(files), field_map=field_map, report=report)
            if summary.mode == "full":
                documents = _full(root, live, docs, report, summary, nprocs, meter)
            else:
                assert live is not None
                documents = _incremental(root, live, docs, report, summary, nprocs, meter)
        finally:
            meter.close()
        summary.read = report.read
        summary.skipped = report.skipped
        summary.reasons = dict(report.reasons().most_common())
        summary.problems = [str(p) for p in report.problems[: _EXAMPLES * 2]]
        if summary.read == 0 and summary.error is None:
            summary.error = "no documents could be read from " + ", ".join(map(str, corpus))
        _describe_index(root, summary, documents)
    summary.seconds = time.perf_counter() - started
    logger.debug("reindex done: %s", summary.format().replace("\n", " |"))
    return summary


# --- the two modes -------------------------------------------------------------------------


def _full(
    root: Path,
    live: Path | None,
    docs: Iterator[Document],
    report: ReadReport,
    summary: ReindexSummary,
    procs: int,
    meter: _Meter,
) -> int | None:
    """Build a new generation, commit, flush, switch; keep the replaced one until next time.

    Returns the number of documents in the live index (``None``: not counted here).
    """
    generation = store.new_generation(root)
    logger.info("building %s (%d process%s)", generation.name, procs, "es" if procs > 1 else "")
    try:
        engine = WhooshEngine.create(generation)
        writer = engine.writer(procs=procs, batch=True)
        seen: set[str] = set()
        try:
            for doc in docs:
                writer.add(doc)
                seen.add(doc.id)
                meter.doc()
            if report.read == 0:
                writer.cancel()
                summary.error = "no documents could be read"
                raise _NothingRead
            if live is not None:
                with _opened(live) as old:
                    kept = _kept_documents(old, seen, report)
                    for doc in kept:
                        writer.add(doc)
                    summary.kept = len(kept)
                    summary.kept_from = sorted({_origin_file(d.origin) for d in kept})
            logger.info("committing %d documents to %s", len(seen) + summary.kept, generation.name)
            writer.commit()
        except BaseException:
            with contextlib.suppress(Exception):
                writer.cancel()
            raise
        finally:
            engine.close()
        _fsync_tree(generation)
        logger.info("committed; switching %s to %s", root / store.POINTER, generation.name)
        store.switch_to(root, generation)
    except _NothingRead:
        shutil.rmtree(generation, ignore_errors=True)
        return None
    except BaseException:
        # An exception (not a kill): leave nothing half-built behind.
        shutil.rmtree(generation, ignore_errors=True)
        raise
    summary.committed = True
    summary.added = len(seen)
    summary.generation = generation.name
    removed = store.remove_stale_generations(root, keep=live)
    summary.removed_generations = sorted(p.name for p in removed)
    logger.info("switched to %s", generation.name)
    return len(seen) + summary.kept


class _NothingRead(Exception):
    """Internal: a full rebuild read nothing, so the live generation stays."""


def _incremental(
    root: Path,
    live: Path,
    docs: Iterator[Document],
    report: ReadReport,
    summary: ReindexSummary,
    procs: int,
    meter: _Meter,
) -> int:
    """Add, replace and delete by content hash in the live generation; one commit.

    Returns the number of documents in the index afterwards.
    """
    # A previous full rebuild's replaced generation (or a killed one's leftovers) has
    # served its last searcher by now: this is "the next reindex" the module doc means.
    summary.removed_generations = sorted(
        p.name for p in store.remove_stale_generations(root, keep=None)
    )
    summary.generation = live.name
    _remove_writer_leftovers(live)
    with _opened(live) as engine:
        old = dict(engine.content_hashes())
        writer: Any = None
        seen: set[str] = set()
        try:
            for doc in docs:
                meter.doc()
                seen.add(doc.id)
                previous = old.get(doc.id)
                if previous == doc.content_hash:
                    summary.unchanged += 1
                    continue
                if writer is None:
                    writer = engine.writer(procs=procs)
                if previous is None:
                    writer.add(doc)
                    summary.added += 1
                else:
                    writer.update(doc)
                    summary.updated += 1
            if report.read == 0:
                summary.error = "no documents could be read (the index was left as it was)"
                summary.added = summary.updated = 0
                if writer is not None:
                    writer.cancel()
                return len(old)
            gone = [doc_id for doc_id in old if doc_id not in seen]
            kept_docs = _kept_documents(engine, seen, report, candidates=gone) if gone else []
            kept_ids = {d.id for d in kept_docs}
            summary.kept = len(kept_docs)
            summary.kept_from = sorted({_origin_file(d.origin) for d in kept_docs})
            for doc_id in gone:
                if doc_id in kept_ids:
                    continue
                if writer is None:
                    writer = engine.writer(procs=procs)
                writer.delete(doc_id)
                summary.deleted += 1
            if writer is not None:
                logger.info("committing %d changes to %s", summary.changed, live.name)
                writer.commit()
                writer = None
                summary.committed = True
        except BaseException:
            if writer is not None:
                with contextlib.suppress(Exception):
                    writer.cancel()
            raise
    return len(old) + summary.added - summary.deleted


def _remove_writer_leftovers(generation: Path) -> None:
    """Delete what a killed Whoosh writer leaves that Whoosh itself would keep.

    A writer killed while writing its table of contents leaves ``_MAIN_<n>.toc.<time>``,
    which Whoosh never reads nor removes; one killed while indexing leaves its posting
    runs in ``MAIN.tmp/``, removed only by the next writer that commits (an unchanged
    run opens none). Safe because no Whoosh writer runs without the reindex lock.
    """
    for stale in generation.glob("_*.toc.*"):
        stale.unlink(missing_ok=True)
    for temp in generation.glob("*.tmp"):
        if temp.is_dir():
            shutil.rmtree(temp, ignore_errors=True)


# --- unreadable files keep their documents --------------------------------------------------


def _kept_documents(
    engine: WhooshEngine,
    seen: set[str],
    report: ReadReport,
    candidates: Iterable[str] | None = None,
) -> list[Document]:
    """Previously indexed documents not read this run whose file had a read problem.

    ``candidates`` are the ids to consider (all of the old generation's by default).
    A problem with a whole file, folder or archive member protects everything that
    came from it; a problem with one record of a multi-record file (``data.jsonl:12``)
    protects only the document that came from that record; a corrupt archive protects
    the whole archive, because the reader stops at the damage.
    """
    protected = _protected_origins(report.problems)
    if not protected:
        return []
    if candidates is None:
        candidates = (doc_id for doc_id, _ in engine.content_hashes() if doc_id not in seen)
    kept = []
    for doc_id in candidates:
        stored = engine.get(doc_id)
        if stored is not None and _is_protected(_normal_origin(stored.origin), protected):
            kept.append(_as_document(stored))
    return kept


def _protected_origins(problems: Iterable[Problem]) -> set[str]:
    out = set()
    for problem in problems:
        if problem.reason == "duplicate id":  # read fine; the id is simply taken
            continue
        origin = problem.origin
        if problem.reason == "corrupt archive":
            origin = origin.split("!", 1)[0]
        out.add(_normal_origin(origin))
    return out


def _is_protected(origin: str, protected: set[str]) -> bool:
    """True if ``origin`` is, or is inside, one of the ``protected`` units."""
    if origin in protected:
        return True
    # Walk up: a/b.tar.gz!x/y.jsonl:3 -> a/b.tar.gz!x/y.jsonl -> a/b.tar.gz -> a -> ...
    unit = re.sub(r":\d+$", "", origin)
    while unit:
        if unit in protected:
            return True
        cut = max(unit.rfind("!"), unit.rfind("/"))
        if cut <= 0:
            return False
        unit = unit[:cut]
    return False


def _normal_origin(origin: str) -> str:
    """An origin with its file path made absolute, so ``corpus/a.txt`` given one run and
    ``/repo/corpus/a.txt`` the next still name the same file."""
    path, bang, member = origin.partition("!")
    suffix = ""
    if not bang:
        match = re.fullmatch(r"(.*?)(:\d+)", path)
        if match:
            path, suffix = match.groups()
    return os.path.abspath(path) + bang + member + suffix


def _origin_file(origin: str) -> str:
    """The file part of an origin (no ``!member``, no ``:line``), for the summary."""
    return re.sub(r":\d+$", "", origin.split("!", 1)[0])


def _as_document(stored: StoredDocument) -> Document:
    """A stored document back as a :class:`Document` (same content hash), to carry over."""
    return Document(
        id=stored.id,
        title=stored.title,
        body=stored.body,
        date=stored.date,
        date_source=stored.date_source,
        sources=list(stored.sources),
        url=stored.url,
        category=stored.category,
        origin=stored.origin,
        source_rules=dict(stored.source_rules),
    )


# --- helpers --------------------------------------------------------------------------------


@contextlib.contextmanager
def _opened(path: Path) -> Iterator[WhooshEngine]:
    engine = WhooshEngine.open(path)
    try:
        yield engine
    finally:
        engine.close()


def _fsync_tree(path: Path) -> None:
    """Flush a new generation's files to disk before ``CURRENT`` points at it.

    Whoosh does not fsync; without this a power cut shortly after the switch could
    leave ``CURRENT`` naming files the disk never received. (A killed process loses
    nothing either way: its writes are already in the page cache.)
    """
    for item in sorted(path.rglob("*")):
        if item.is_file():
            fd = os.open(item, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _describe_index(root: Path, summary: ReindexSummary, documents: int | None) -> None:
    """Fill in the live index's document count, size and generation.

    The count comes from the run's own arithmetic when it has one: opening the index for
    its statistics would read every stored document (seconds on ANT, and as much
    resident memory as the index's size, which would then count as the reindex's peak).
    """
    try:
        live = store.live_generation(root)
    except store.IndexMissing:
        return
    if documents is None:
        with _opened(live) as engine:
            documents = engine.stats().documents
    summary.documents = documents
    summary.size_bytes = sum(p.stat().st_size for p in live.rglob("*") if p.is_file())
    summary.generation = live.name


# --- progress -------------------------------------------------------------------------------


class _Meter:
    """Progress of a run: a bar on a terminal, a log line now and then otherwise.

    The total is known cheaply from the file list (sizes, no file opened): progress is
    measured in bytes of finished files when the corpus is many files of similar size,
    which gives an honest ETA; a corpus of a few big files (one archive, one JSON Lines
    export) shows documents and documents/s without a total instead.
    """

    def __init__(self, mode: Literal["bar", "log", "off"], total_bytes: int | None) -> None:
        self.mode = mode
        self.total_bytes = total_bytes
        self.done_bytes = 0
        self.docs = 0
        self.started = time.monotonic()
        self._log_every = float(os.environ.get("NABA_PROGRESS_SECONDS") or LOG_EVERY)
        self._next_log = self.started + self._log_every
        self._next_bar = 0.0
        self._bar: Any = None
        if mode == "bar":
            from tqdm import tqdm

            # A terminal that reports no size (some CI ptys, serial consoles) would make
            # tqdm print an empty bar; assume 80×24 there.
            try:
                size = os.get_terminal_size(sys.stderr.fileno())
            except (OSError, ValueError):
                size = os.terminal_size((0, 0))
            options: dict[str, Any] = {"desc": "reindex", "file": sys.stderr}
            if not size.columns or not size.lines:
                options.update(ncols=size.columns or 80, nrows=size.lines or 24)
            if total_bytes:
                self._bar = tqdm(
                    total=total_bytes,
                    unit="B",
                    unit_scale=True,
                    bar_format="{desc}: {percentage:3.0f}%|{bar}| {postfix} "
                    "[{elapsed}<{remaining}]",
                    **options,
                )
            else:
                self._bar = tqdm(unit=" docs", **options)

    @classmethod
    def create(cls, progress: bool | None, files: list[CorpusFile]) -> _Meter:
        if progress is False:
            return cls("off", None)
        tty = sys.stderr.isatty()
        mode: Literal["bar", "log"] = "bar" if progress or (progress is None and tty) else "log"
        sizes = [f.size for f in files]
        total = sum(sizes)
        by_bytes = len(sizes) >= 20 and total > 0 and max(sizes) <= total / 10
        return cls(mode, total if by_bytes else None)

    def track(self, files: list[CorpusFile]) -> Iterator[CorpusFile]:
        """The files, counting each one's bytes as done when the reader asks for the next."""
        for file in files:
            yield file
            self.done_bytes += file.size
            if self._bar is not None and self.total_bytes:
                self._bar.update(file.size)

    def doc(self) -> None:
        self.docs += 1
        if self.mode == "off":
            return
        now = time.monotonic()
        if self.mode == "bar":
            if self.total_bytes is None:
                self._bar.update(1)
            elif now >= self._next_bar:
                self._next_bar = now + 0.5
                self._bar.set_postfix_str(f"{self.docs:,} docs, {self.rate(now):,.0f} docs/s")
        elif now >= self._next_log:
            self._next_log = now + self._log_every
            logger.info("reindex: %s", self.line(now))

    def rate(self, now: float) -> float:
        elapsed = now - self.started
        return self.docs / elapsed if elapsed > 0 else 0.0

    def line(self, now: float) -> str:
        """``12,345 docs, 1,234 docs/s, 40%, ETA 0:25`` (percent and ETA when known)."""
        text = f"{self.docs:,} docs, {self.rate(now):,.0f} docs/s"
        if self.total_bytes:
            fraction = self.done_bytes / self.total_bytes
            text += f", {fraction:.0%}"
            if fraction > 0:
                eta = (now - self.started) * (1 - fraction) / fraction
                text += f", ETA {int(eta // 60)}:{int(eta % 60):02d}"
        return text

    def close(self) -> None:
        if self._bar is not None:
            self._bar.set_postfix_str(f"{self.docs:,} docs")
            self._bar.close()
