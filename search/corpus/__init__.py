"""Corpus readers: real corpora, in their real formats, into one :class:`Document` model.

``read_corpus(paths)`` takes files, folders and archives and yields documents one at a
time; nothing downstream knows whether they came from a folder of ``.txt`` files, ANT's
TREC files in a ``.tar.gz``, or SaudiNewsNet's JSON arrays in zips.

Modules, in the order data flows through them:

* ``files``: walking folders, skipping hidden and ``*.md`` files, and the registry that
  picks a reader by file type (:func:`register_reader` adds a format);
* ``archives``: zip and tar members, streamed, read like files;
* ``encoding``: bytes to text (UTF-8, BOM, Windows-1256, ISO-8859-6), refusing binary,
  undecodable input and mojibake;
* ``text`` (plain articles), ``trec`` (``<DOC>`` records), ``records`` (JSON, JSON Lines,
  CSV, and the :class:`FieldMap` from record fields to document attributes);
* ``report``: the :class:`ReadReport` every problem goes to.

Ids: a one-article file's id is its path relative to the folder given (or its name when
the file itself was given), ``/``-separated, with ``archive.zip!member`` for archive
members; TREC records use ``DOCNO``; JSON/CSV records use their id field, else their URL,
else a hash of title and body. A repeated id is reported and the later document skipped,
because an index keyed by id would silently overwrite the first (this keeps one set of
ids in memory, a few MB for a million documents).

Origins: the path as given for a one-document file; ``path:line`` (the line the record
starts on) for a record of a multi-record file; ``archive!member`` inside archives, nested
as ``a.tar.gz!x/b.zip!c.txt``; ``path:line#n`` for the n-th item of a list wrapped in one
JSON object (``{"articles": [...]}``), whose items have no line of their own.

Incremental indexing: ``list_corpus_files(paths)`` gives each file's path, id prefix,
size and mtime without opening it; ``read_files(changed)`` reads only those files, with
the same ids and origins as a full ``read_corpus``.

Memory: documents are yielded as they are read. One plain-text article, one TREC record,
one JSON/CSV record, and (for inputs over 1 MiB) a 1 MiB decoding buffer are held at a
time; a zip nested *inside* another archive is the exception and is read into memory.

Encoding detection does not use ``charset-normalizer``. Measured on 55 articles (the
seeds and 50 ANT files) and their 55 titles, each encoded as UTF-8, UTF-8 with BOM,
Windows-1256, ISO-8859-6 and UTF-16: both decoded every file correctly; but
``charset-normalizer`` decoded a Latin-1 French text as cp775 and passed Arabic mojibake
through as valid UTF-8, where the rules in ``encoding`` refuse both, and it took twice as
long. It would add a dependency for no gain on this corpus.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from pathlib import Path

from search.corpus.base import ReadContext
from search.corpus.files import (
    CorpusFile,
    Reader,
    TextReader,
    list_corpus_files,
    read_corpus_file,
    register_reader,
    registered_readers,
    text_reader,
    unregister_reader,
)
from search.corpus.records import DEFAULT_FIELDS, FieldMap
from search.corpus.report import Problem, ReadReport
from search.document import Document

__all__ = [
    "DEFAULT_FIELDS",
    "CorpusFile",
    "FieldMap",
    "Problem",
    "ReadReport",
    "Reader",
    "TextReader",
    "list_corpus_files",
    "read_corpus",
    "read_files",
    "register_reader",
    "registered_readers",
    "text_reader",
    "unregister_reader",
]


def read_corpus(
    paths: Iterable[str | Path],
    *,
    field_map: FieldMap | None = None,
    report: ReadReport | None = None,
    now: dt.date | None = None,
) -> Iterator[Document]:
    """Yield every document under ``paths`` (files, folders or archives), one at a time.

    Bad input never raises: it is recorded in ``report`` (pass one to see it) and logged
    on the ``search.corpus`` logger. ``now`` anchors relative dates found in text
    (``أمس``) and is passed to :mod:`search.metadata`; it defaults to today.
    """
    report = report if report is not None else ReadReport()
    yield from read_files(
        list_corpus_files(paths, report=report), field_map=field_map, report=report, now=now
    )


def read_files(
    files: Iterable[CorpusFile],
    *,
    field_map: FieldMap | None = None,
    report: ReadReport | None = None,
    now: dt.date | None = None,
    seen: dict[str, str] | None = None,
) -> Iterator[Document]:
    """Documents of the given corpus files: what an incremental indexer calls on changed files.

    Ids are checked for repeats within this call, and against ``seen`` (id -> where it was
    read) when given: an indexer reading file by file passes one dict to every call, with
    the ids of the files it did not need to reopen, and it is updated as documents are read.
    """
    ctx = ReadContext(report if report is not None else ReadReport(), field_map or FieldMap(), now)
    seen = {} if seen is None else seen
    for file in files:
        for doc in read_corpus_file(file, ctx):
            first = seen.get(doc.id)
            if first is not None:
                ctx.report.skip(doc.origin, "duplicate id", f"{doc.id!r} already read from {first}")
                continue
            seen[doc.id] = doc.origin
            ctx.report.read += 1
            yield doc
