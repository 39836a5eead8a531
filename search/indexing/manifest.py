"""Which corpus files an incremental reindex need not open again.

A reindex stores, with the index (:meth:`~search.engine.Index.save_manifest`), each
document's content hash and, for each corpus file it read without a problem, the
file's size, modification time and the ids it gave. The next incremental run opens
only the files whose size or time changed; for the others it takes the ids from
the manifest. A file that was touched but not changed is read and its documents
compared by content hash (nothing is rewritten). Adding 1,000 articles to a
315k-article archive then reads 1,000 files instead of 315k.

The file part is trusted only when it was written by the same reading code and
field map (:func:`fingerprint`): a new version of Naba that extracts dates or
titles differently reads every file again. A file modified less than
:data:`RACY_NS` before it was read is not trusted either (its next change could
keep the same size and time stamp; git calls this "racily clean").
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import os
import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import search.arabic
import search.corpus
import search.document
import search.metadata
from search.corpus import CorpusFile, FieldMap, ReadReport, read_files
from search.document import Document

FORMAT = 1
#: Files modified this close (in ns) to the moment they were read are read again next time.
RACY_NS = 2_000_000_000
_NEVER = -1  # a size no file has: the entry of a racy file never matches


#: Libraries whose upgrade can change what a file reads as (a page's article text).
_READING_LIBRARIES = ("trafilatura", "feedparser", "lxml")


def fingerprint(field_map: FieldMap | None) -> str:
    """What turns the same bytes into the same documents: the reading and metadata
    code (its source files), the libraries the readers hand pages and feeds to, and the
    field map."""
    h = hashlib.blake2b(digest_size=16)
    for library in _READING_LIBRARIES:
        h.update(f"{library}=={importlib.metadata.version(library)};".encode())
    for module in (search.corpus, search.metadata):
        for path in sorted(Path(module.__file__).parent.rglob("*.py")):  # type: ignore[arg-type]
            h.update(path.read_bytes())
    for module in (search.document, search.arabic):
        h.update(Path(module.__file__).read_bytes())  # type: ignore[arg-type]
    h.update(repr(field_map or FieldMap()).encode())
    return h.hexdigest()


def _key(file: CorpusFile) -> str:
    """The manifest's name for a file: its absolute path (a listed file's path is
    already absolute when the corpus folder was given so)."""
    where = file.location
    return where if where.startswith("/") else os.path.abspath(where)


class CorpusReading:
    """One run's reading of the corpus, skipping the files the previous manifest vouches for.

    :meth:`documents` yields the documents of the files it opened; ``unchanged_ids``
    fills with the ids of those it did not (in file order, so a repeated id is
    resolved as a full read would). :meth:`manifest` is what to store afterwards.
    """

    def __init__(
        self,
        files: list[CorpusFile],
        previous: Mapping[str, Any] | None,
        *,
        fingerprint: str,
        report: ReadReport,
        field_map: FieldMap | None,
    ) -> None:
        self._files = files
        self._keys = [_key(file) for file in files]
        self._fingerprint = fingerprint
        trusted = (
            previous is not None
            and previous.get("format") == FORMAT
            and previous.get("fingerprint") == fingerprint
        )
        self._previous: Mapping[str, list[Any]] = previous["files"] if trusted else {}  # type: ignore[index]
        self._report = report
        self._field_map = field_map
        self._entries: dict[str, list[Any]] = {}
        self.unchanged_ids: list[str] = []
        self.unchanged_files = 0

    def documents(self, done: Callable[[int], None] | None = None) -> Iterator[Document]:
        """The documents of every file that must be read; ``done(size)`` after each file."""
        seen: dict[str, str] = {}
        for key, file in zip(self._keys, self._files, strict=True):
            ids = self._unchanged(key, file, seen)
            if ids is not None:
                origin = file.location
                for doc_id in ids:
                    seen[doc_id] = origin
                self.unchanged_ids.extend(ids)
                self.unchanged_files += 1
                self._entries[key] = self._previous[key]
            else:
                yield from self._read(key, file, seen)
            if done is not None:
                done(file.size)

    def _vouched(self, key: str, file: CorpusFile) -> list[Any] | None:
        """The previous entry of ``file`` if its size and time are still the same."""
        entry = self._previous.get(key)
        if entry is None or entry[0] != file.size or entry[1] != file.mtime_ns:
            return None
        return entry

    def _unchanged(self, key: str, file: CorpusFile, seen: Mapping[str, str]) -> list[str] | None:
        entry = self._vouched(key, file)
        if entry is None:
            return None
        ids: list[str] = entry[2]
        if any(doc_id in seen for doc_id in ids):
            return None  # an id another file now gives first: read it to report the repeat
        return ids

    def _read(self, key: str, file: CorpusFile, seen: dict[str, str]) -> Iterator[Document]:
        problems = self._report.skipped
        started = time.time_ns()
        ids = []
        for doc in read_files([file], field_map=self._field_map, report=self._report, seen=seen):
            ids.append(doc.id)
            yield doc
        if self._report.skipped == problems:  # read cleanly: next time it may be skipped
            racy = file.mtime_ns >= started - RACY_NS
            self._entries[key] = [_NEVER if racy else file.size, file.mtime_ns, ids]

    @property
    def bytes_to_read(self) -> int:
        """The size of the files the manifest does not vouch for (what the run will read)."""
        pairs = zip(self._keys, self._files, strict=True)
        return sum(file.size for key, file in pairs if self._vouched(key, file) is None)

    def manifest(self, hashes: dict[str, str]) -> dict[str, Any]:
        """What to store with the index: ``hashes`` are every indexed document's."""
        return {
            "format": FORMAT,
            "fingerprint": self._fingerprint,
            "hashes": hashes,
            "files": self._entries,
        }


def stored_hashes(previous: Mapping[str, Any] | None) -> dict[str, str] | None:
    """Every indexed document's content hash, as the previous run stored them (the
    manifest's own dict: the run updates it in place)."""
    if previous is None or previous.get("format") != FORMAT:
        return None
    hashes = previous.get("hashes")
    return hashes if isinstance(hashes, dict) else None
