"""Finding corpus files and sending each to the reader for its format.

Walking: a folder is walked recursively in sorted order (so ids and output order are
reproducible). Hidden files and folders (``.git``, ``.DS_Store``) and Markdown files
(``*.md``: READMEs and licences shipped with corpora, never articles) are skipped
silently by rule; every other file is either read or reported.

Readers are chosen by extension, because extensions are cheap and almost always
right. They come from a registry keyed by file type (suffix) rather than a chain of
tests, so that a new format is one module plus one registration and cannot disturb
the others. The longest registered suffix a name ends with wins (``x.tar.gz`` is a tar,
``x.jsonl.gz`` a gzip holding JSON Lines); the built-in types:

=================================  ==========================================
``.txt``, ``.text``                plain-text article, or TREC if it starts with ``<DOC>``
``.sgml``, ``.sgm``, ``.trec``     TREC/SGML ``<DOC>`` records
``.json``                          JSON array / object(s)
``.jsonl``, ``.ndjson``,           JSON Lines
``.jsonlines``
``.csv``, ``.tsv``                 CSV with a header row (``.tsv``: tab-separated)
``.html``, ``.htm``                a saved article page (:mod:`.html`)
``.rss``, ``.atom``, ``.xml``      an RSS or Atom feed, an item per document
                                   (:mod:`.feeds`)
``.zip``                           zip archive
``.tar``, ``.tar.gz``, ``.tgz``,   tar archive
``.tar.bz2``, ``.tbz2``,
``.tar.xz``, ``.txz``
``.gz``                            gzip of any of the above (``x.jsonl.gz``)
anything else                      TREC if it starts with ``<DOC>`` (TREC collections
                                   often have no extension), else reported
=================================  ==========================================

Adding a format: write its reader in a module of its own (``trec.py`` is the model: it
takes a decoded text stream, the :class:`~search.corpus.base.Entry` and the
:class:`~search.corpus.base.ReadContext`, yields documents and reports problems to
``ctx.report``), then register it with the built-ins at the end of this module::

    register_reader(".sgml", text_reader(read_trec))

:func:`text_reader` decodes with the rules of :mod:`search.corpus.encoding` (and notes
legacy encodings in the report); a reader that wants the raw bytes, or the file name
it was chosen on, is registered as it is (see :data:`Reader`).
"""

from __future__ import annotations

import codecs
import gzip
import io
import logging
import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import BinaryIO, TextIO, TypeAlias

from search.corpus.archives import ARCHIVE_ERRORS, ReadMember, read_tar, read_zip
from search.corpus.base import MAX_ARTICLE_CHARS, Entry, ReadContext
from search.corpus.encoding import (
    ENCODING_NAMES,
    DecodeProblem,
    PrefixedStream,
    TextInput,
    open_text,
)
from search.corpus.feeds import read_feed
from search.corpus.html import read_html
from search.corpus.records import read_csv, read_json, read_jsonl
from search.corpus.report import ReadReport
from search.corpus.text import text_to_document
from search.corpus.trec import read_trec
from search.document import Document

logger = logging.getLogger("search.corpus")

_IGNORED = (".md",)

#: How a file type is read: ``reader(raw, entry, ctx, name)`` yields the documents of
#: the binary stream ``raw`` and reports problems to ``ctx.report``; ``name`` is the
#: lower-cased file name the reader was chosen on (``x.jsonl`` inside ``x.jsonl.gz``).
#: Exceptions are caught and reported for ``entry`` by the caller.
Reader: TypeAlias = Callable[[BinaryIO, Entry, ReadContext, str], Iterable[Document]]
#: How a text format is read, once decoded: see :func:`text_reader`.
TextReader: TypeAlias = Callable[[TextIO, Entry, ReadContext], Iterable[Document]]

_READERS: dict[str, Reader] = {}


def register_reader(suffixes: str | Iterable[str], reader: Reader) -> None:
    """Read files whose name ends with any of ``suffixes`` (``".html"``) with ``reader``.

    Suffixes start with a dot and are matched case-insensitively; registering a suffix
    again replaces its reader.
    """
    for suffix in (suffixes,) if isinstance(suffixes, str) else suffixes:
        if not suffix.startswith(".") or len(suffix) < 2:
            raise ValueError(f"a file type is a suffix such as '.txt', not {suffix!r}")
        _READERS[suffix.lower()] = reader


def unregister_reader(suffixes: str | Iterable[str]) -> None:
    """Stop reading ``suffixes`` (their files are then treated as of unknown type)."""
    for suffix in (suffixes,) if isinstance(suffixes, str) else suffixes:
        _READERS.pop(suffix.lower(), None)


def registered_readers() -> Mapping[str, Reader]:
    """The registry, read-only: each registered suffix and its reader."""
    return MappingProxyType(_READERS)


def text_reader(read: TextReader, *, newline: str | None = None) -> Reader:
    """A :data:`Reader` for a text format: the bytes are decoded first, by the project's rules.

    Decoding refuses binary input, undecodable input and mojibake (reported for the file)
    and notes legacy encodings; ``newline`` is passed to the text stream (``""`` for CSV).
    """

    def reader(raw: BinaryIO, entry: Entry, ctx: ReadContext, name: str) -> Iterator[Document]:
        yield from read(_open_text(raw, entry, ctx, newline=newline).stream, entry, ctx)

    reader.__name__ = reader.__qualname__ = f"text_reader({getattr(read, '__name__', read)})"
    return reader


def reader_for(name: str) -> Reader | None:
    """The reader for a file name: that of the longest registered suffix it ends with."""
    name = name.lower()
    dot = name.find(".")
    while dot != -1:
        reader = _READERS.get(name[dot:])
        if reader is not None:
            return reader
        dot = name.find(".", dot + 1)
    return None


@dataclass(frozen=True, slots=True)
class CorpusFile:
    """A file of the corpus as the file system sees it, before any parsing.

    ``location`` is its path as a string (a corpus of 315k files is listed on every
    reindex, and a ``Path`` costs microseconds to build; :attr:`path` makes one).
    ``id`` is the corpus-relative name (the document id of a one-article file, the
    prefix of archive member ids); ``size`` and ``mtime_ns`` let an incremental indexer
    tell which files changed since the last run without opening them.
    """

    location: str
    id: str
    size: int
    mtime_ns: int

    @property
    def path(self) -> Path:
        return Path(self.location)

    @property
    def mtime(self) -> float:
        """Modification time in seconds since the epoch."""
        return self.mtime_ns / 1e9

    @property
    def entry(self) -> Entry:
        return Entry(self.id, self.location)


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
            yield CorpusFile(str(root), root.name, st.st_size, st.st_mtime_ns)
        elif report is None:
            raise FileNotFoundError(f"no such file or directory: {root}")
        else:
            report.skip(str(root), "not found", "no such file or directory")


def _walk(
    root: Path, report: ReadReport | None, folder: str | None = None, prefix: str = ""
) -> Iterator[CorpusFile]:
    """Files under ``root`` in sorted path order (``a/x.txt`` before ``b.txt``), depth first.

    ``prefix`` is ``folder`` relative to ``root`` (the ids' start). Paths stay strings:
    a corpus of 315k files is listed on every reindex, and ``pathlib`` per file cost
    seconds.
    """
    folder = folder if folder is not None else str(root)
    try:
        with os.scandir(folder) as it:
            entries = sorted(it, key=lambda e: e.name)
    except OSError as exc:
        if report is None:
            raise
        report.skip(folder, "unreadable folder", exc.strerror or str(exc))
        return
    for item in entries:
        name = item.name
        try:
            if item.is_dir(follow_symlinks=False):
                if not name.startswith("."):
                    yield from _walk(root, report, item.path, f"{prefix}{name}/")
                continue
            if item.is_dir():  # a symlink to a folder: could loop, and is read where it points
                if report is not None and not name.startswith("."):
                    report.skip(item.path, "not followed", "symbolic link to a folder")
                continue
            if is_ignored(name):
                continue
            if not item.is_file():  # a FIFO, a device, a link to one, a broken link
                if report is not None:
                    report.skip(item.path, "not a regular file", "skipped unread")
                continue
            if item.is_symlink() and not _inside(item.path, root):
                if report is not None:
                    report.skip(item.path, "not followed", "symbolic link out of the corpus")
                continue
            st = item.stat()
        except OSError as exc:
            if report is None:
                raise
            report.skip(item.path, "unreadable file", exc.strerror or str(exc))
            continue
        yield CorpusFile(item.path, prefix + name, st.st_size, st.st_mtime_ns)


def _inside(link: str, root: Path) -> bool:
    """Whether a link's target lies under the corpus folder: a link elsewhere would put
    any file the indexer can read (``/etc/…``, another user's notes) in the archive."""
    target = os.path.realpath(link)
    base = os.path.realpath(root)
    return os.path.commonpath([target, base]) == base


def read_corpus_file(file: CorpusFile, ctx: ReadContext) -> Iterator[Document]:
    """Documents of one corpus file (problems go to ``ctx.report``)."""
    entry = file.entry
    if reader_for(_format_name(file.id)) is _read_zip:
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
    yield from (reader_for(name) or _read_unknown)(raw, entry, ctx, name)


def _read_unknown(raw: BinaryIO, entry: Entry, ctx: ReadContext, name: str) -> Iterator[Document]:
    """A file of no registered type: TREC if it starts with ``<DOC>``, else reported.

    TREC collections often ship their files without an extension.
    """
    head = raw.read(64)
    if not head.removeprefix(codecs.BOM_UTF8).lstrip().startswith(b"<DOC>"):
        suffix = "." + name.rsplit(".", 1)[-1] if "." in name else "(no extension)"
        ctx.report.skip(entry.origin, "unsupported file type", suffix)
        return
    replayed = io.BufferedReader(PrefixedStream(head, raw))
    yield from read_trec(_open_text(replayed, entry, ctx).stream, entry, ctx)


def _read_tar(raw: BinaryIO, entry: Entry, ctx: ReadContext, name: str) -> Iterator[Document]:
    yield from read_tar(raw, entry, ctx, _member_reader(ctx))


def _read_zip(raw: BinaryIO, entry: Entry, ctx: ReadContext, name: str) -> Iterator[Document]:
    yield from read_zip(raw, entry, ctx, _member_reader(ctx))


def _read_gzip(raw: BinaryIO, entry: Entry, ctx: ReadContext, name: str) -> Iterator[Document]:
    """A gzip of any registered type: the name without ``.gz`` chooses the reader."""
    with gzip.GzipFile(fileobj=raw) as unzipped:
        yield from _dispatch(unzipped, entry, ctx, name[: -len(".gz")])  # type: ignore[arg-type]


def _read_csv(raw: BinaryIO, entry: Entry, ctx: ReadContext, name: str) -> Iterator[Document]:
    text = _open_text(raw, entry, ctx, newline="")
    delimiter = "\t" if name.endswith(".tsv") else None
    yield from read_csv(text.stream, text.head, entry, ctx, delimiter=delimiter)


def _read_text(raw: BinaryIO, entry: Entry, ctx: ReadContext, name: str) -> Iterator[Document]:
    """One plain-text article, unless the file is TREC records under a ``.txt`` name."""
    text = _open_text(raw, entry, ctx)
    if text.head.lstrip().startswith("<DOC>"):
        yield from read_trec(text.stream, entry, ctx)
    else:
        # Bounded: a 300 MB member of a small zip is refused without being held whole.
        content = text.stream.read(2 * MAX_ARTICLE_CHARS + 1)
        if len(content) > 2 * MAX_ARTICLE_CHARS:
            ctx.report.skip(
                entry.origin,
                "too large for one article",
                f"more than {2 * MAX_ARTICLE_CHARS:,} characters",
            )
            return
        doc = text_to_document(content, entry, ctx)
        if doc is not None:
            yield doc


def _open_text(
    raw: BinaryIO, entry: Entry, ctx: ReadContext, newline: str | None = None
) -> TextInput:
    """``open_text``, noting legacy encodings so a user can convert the files if they wish."""
    text = open_text(raw, newline=newline)
    if text.encoding in ENCODING_NAMES:
        ctx.report.note(entry.origin, f"decoded as {ENCODING_NAMES[text.encoding]}")
    return text


register_reader((".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tar.xz", ".txz"), _read_tar)
register_reader(".zip", _read_zip)
register_reader(".gz", _read_gzip)
register_reader((".jsonl", ".ndjson", ".jsonlines"), text_reader(read_jsonl))
register_reader(".json", text_reader(read_json))
register_reader((".csv", ".tsv"), _read_csv)
register_reader((".sgml", ".sgm", ".trec"), text_reader(read_trec))
register_reader((".txt", ".text"), _read_text)
# Bytes, not text: a page's or a feed's own declaration says how it is encoded.
register_reader((".html", ".htm"), read_html)
register_reader((".rss", ".atom", ".xml"), read_feed)
