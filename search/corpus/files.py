"""Finding corpus files and sending each to the reader for its format.

Walking: a folder is walked recursively in sorted order (so ids and output order are
reproducible). Hidden files and folders (``.git``, ``.DS_Store``) and Markdown files
(``*.md``: READMEs and licences shipped with corpora, never articles) are skipped
silently by rule; every other file is either read or reported.

Dispatch is by extension, because extensions are cheap and almost always right:

=================================  ==========================================
``.txt``, ``.text``                plain-text article, or TREC if it starts with ``<DOC>``
``.sgml``, ``.sgm``, ``.trec``     TREC/SGML ``<DOC>`` records
``.json``                          JSON array / object(s)
``.jsonl``, ``.ndjson``,           JSON Lines
``.jsonlines``
``.csv``, ``.tsv``                 CSV with a header row (``.tsv``: tab-separated)
``.zip``                           zip archive
``.tar``, ``.tar.gz``, ``.tgz``,   tar archive
``.tar.bz2``, ``.tbz2``,
``.tar.xz``, ``.txz``
``.gz``                            gzip of any of the above (``x.jsonl.gz``)
anything else                      TREC if it starts with ``<DOC>`` (TREC collections
                                   often have no extension), else reported
=================================  ==========================================
"""

from __future__ import annotations

import codecs
import gzip
import io
import logging
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from search.corpus.archives import ARCHIVE_ERRORS, ReadMember, read_tar, read_zip
from search.corpus.base import Entry, ReadContext
from search.corpus.encoding import DecodeProblem, PrefixedStream, TextInput, open_text
from search.corpus.records import read_csv, read_json, read_jsonl
from search.corpus.report import ReadReport
from search.corpus.text import text_to_document
from search.corpus.trec import read_trec
from search.document import Document

logger = logging.getLogger("search.corpus")

_TEXT = (".txt", ".text")
_TREC = (".sgml", ".sgm", ".trec")
_JSONL = (".jsonl", ".ndjson", ".jsonlines")
_TAR = (".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tar.xz", ".txz")
_IGNORED = (".md",)


@dataclass(frozen=True, slots=True)
class CorpusFile:
    """A file of the corpus as the file system sees it, before any parsing.

    ``id`` is the corpus-relative name (the document id of a one-article file, the
    prefix of archive member ids); ``size`` and ``mtime_ns`` let an incremental indexer
    tell which files changed since the last run without opening them.
    """

    path: Path
    id: str
    size: int
    mtime_ns: int

    @property
    def mtime(self) -> float:
        """Modification time in seconds since the epoch."""
        return self.mtime_ns / 1e9

    @property
    def entry(self) -> Entry:
        return Entry(self.id, str(self.path))


def is_ignored(name: str) -> bool:
    """Skipped silently: hidden files and Markdown (see the module docstring for why)."""
    base = name.rsplit("/", 1)[-1]
    return base.startswith(".") or base.lower().endswith(_IGNORED)


def list_corpus_files(
    paths: Iterable[str | Path], *, report: ReadReport | None = None
) -> Iterator[CorpusFile]:
    """Every corpus file under ``paths`` (files, folders or archives), in a stable order.

    Ids are relative to the folder given, or the file's name for a file given directly.
    A path that does not exist is reported if a ``report`` is passed, else raises
    ``FileNotFoundError``. Nothing is opened, so this is cheap to call on every reindex.
    """
    for given in paths:
        root = Path(given)
        if root.is_dir():
            yield from _walk(root, report)
        elif root.is_file():
            st = root.stat()
            yield CorpusFile(root, root.name, st.st_size, st.st_mtime_ns)
        elif report is None:
            raise FileNotFoundError(f"no such file or directory: {root}")
        else:
            report.skip(str(root), "not found", "no such file or directory")


def _walk(
    root: Path, report: ReadReport | None, folder: Path | None = None
) -> Iterator[CorpusFile]:
    """Files under ``root`` in sorted path order (``a/x.txt`` before ``b.txt``), depth first."""
    folder = folder or root
    try:
        with os.scandir(folder) as it:
            entries = sorted(it, key=lambda e: e.name)
    except OSError as exc:
        if report is None:
            raise
        report.skip(str(folder), "unreadable folder", exc.strerror or str(exc))
        return
    for item in entries:
        path = Path(item.path)
        try:
            if item.is_dir(follow_symlinks=False):
                if not item.name.startswith("."):
                    yield from _walk(root, report, path)
                continue
            if item.is_dir():  # a symlink to a folder: could loop, and is read where it points
                if report is not None and not item.name.startswith("."):
                    report.skip(str(path), "not followed", "symbolic link to a folder")
                continue
            if is_ignored(item.name) or not item.is_file():
                continue
            st = item.stat()
        except OSError as exc:
            if report is None:
                raise
            report.skip(str(path), "unreadable file", exc.strerror or str(exc))
            continue
        yield CorpusFile(path, path.relative_to(root).as_posix(), st.st_size, st.st_mtime_ns)


def read_corpus_file(file: CorpusFile, ctx: ReadContext) -> Iterator[Document]:
    """Documents of one corpus file (problems go to ``ctx.report``)."""
    entry = file.entry
    if _format_name(file.id).endswith(".zip"):
        # zipfile needs random access; give it the path rather than a stream.
        yield from _guarded(
            lambda: read_zip(file.path, entry, ctx, _member_reader(ctx)), entry, ctx
        )
        return
    try:
        raw = file.path.open("rb")
    except OSError as exc:
        ctx.report.skip(entry.origin, "unreadable file", exc.strerror or str(exc))
        return
    with raw:
        yield from read_entry(raw, entry, ctx)


def _format_name(name: str) -> str:
    """The lower-cased last path part of an id: what the format is decided on."""
    return name.rsplit("!", 1)[-1].rsplit("/", 1)[-1].lower()


def _member_reader(ctx: ReadContext) -> ReadMember:
    """How archive readers read their members: the same dispatch as files on disk."""

    def read_member(raw: BinaryIO, entry: Entry) -> Iterator[Document]:
        if is_ignored(entry.id):
            return iter(())
        return read_entry(raw, entry, ctx, inside_archive=True)

    return read_member


def read_entry(
    raw: BinaryIO, entry: Entry, ctx: ReadContext, *, inside_archive: bool = False
) -> Iterator[Document]:
    """Documents from one file or archive member; never raises for bad input.

    Inside an archive, errors that mean the *archive* is damaged are passed up so the
    archive reader can report them once and stop or move on as the format allows.
    """

    def run() -> Iterator[Document]:
        return _dispatch(raw, entry, ctx, _format_name(entry.id))

    return _guarded(run, entry, ctx, inside_archive=inside_archive)


def _guarded(
    run: Callable[[], Iterator[Document]],
    entry: Entry,
    ctx: ReadContext,
    *,
    inside_archive: bool = False,
) -> Iterator[Document]:
    """Run a reader, turning any failure into a reported problem for ``entry``."""
    try:
        yield from run()
    except DecodeProblem as exc:
        ctx.report.skip(entry.origin, exc.reason, exc.detail)
    except (*ARCHIVE_ERRORS, OSError) as exc:
        if inside_archive:
            raise
        ctx.report.skip(entry.origin, "unreadable file", str(exc) or type(exc).__name__)
    except Exception as exc:  # a reader bug must cost one file, not the whole run
        logger.debug("unexpected error reading %s", entry.origin, exc_info=True)
        ctx.report.skip(entry.origin, "read error", f"{type(exc).__name__}: {exc}")


def _dispatch(raw: BinaryIO, entry: Entry, ctx: ReadContext, name: str) -> Iterator[Document]:
    if name.endswith(_TAR):
        yield from read_tar(raw, entry, ctx, _member_reader(ctx))
    elif name.endswith(".zip"):
        yield from read_zip(raw, entry, ctx, _member_reader(ctx))
    elif name.endswith(".gz"):
        with gzip.GzipFile(fileobj=raw) as unzipped:
            yield from _dispatch(unzipped, entry, ctx, name[: -len(".gz")])  # type: ignore[arg-type]
    elif name.endswith(_JSONL):
        yield from read_jsonl(_open_text(raw, entry, ctx).stream, entry, ctx)
    elif name.endswith(".json"):
        yield from read_json(_open_text(raw, entry, ctx).stream, entry, ctx)
    elif name.endswith((".csv", ".tsv")):
        text = _open_text(raw, entry, ctx, newline="")
        delimiter = "\t" if name.endswith(".tsv") else None
        yield from read_csv(text.stream, text.head, entry, ctx, delimiter=delimiter)
    elif name.endswith(_TREC):
        yield from read_trec(_open_text(raw, entry, ctx).stream, entry, ctx)
    elif name.endswith(_TEXT):
        text = _open_text(raw, entry, ctx)
        if text.head.lstrip().startswith("<DOC>"):
            yield from read_trec(text.stream, entry, ctx)
        else:
            doc = text_to_document(text.stream.read(), entry, ctx)
            if doc is not None:
                yield doc
    else:
        head = raw.read(64)
        if not head.removeprefix(codecs.BOM_UTF8).lstrip().startswith(b"<DOC>"):
            suffix = "." + name.rsplit(".", 1)[-1] if "." in name else "(no extension)"
            ctx.report.skip(entry.origin, "unsupported file type", suffix)
            return
        replayed = io.BufferedReader(PrefixedStream(head, raw))
        yield from read_trec(_open_text(replayed, entry, ctx).stream, entry, ctx)


_ENCODING_NAMES = {"cp1256": "Windows-1256", "iso-8859-6": "ISO-8859-6", "utf-16": "UTF-16"}


def _open_text(
    raw: BinaryIO, entry: Entry, ctx: ReadContext, newline: str | None = None
) -> TextInput:
    """``open_text``, noting legacy encodings so a user can convert the files if they wish."""
    text = open_text(raw, newline=newline)
    if text.encoding in _ENCODING_NAMES:
        ctx.report.note(entry.origin, f"decoded as {_ENCODING_NAMES[text.encoding]}")
    return text
