"""Zip and tar archives, read member by member without unpacking to disk.

Members go back through the same dispatch as files in a folder (so an archive can
hold text files, TREC files, JSON, CSV, or further archives), with ids and origins of
the form ``archive.zip!member/path``.

* tar (``.tar``, ``.tar.gz``/``.tgz``, ``.tar.bz2``, ``.tar.xz``) is read in stream mode
  (``r|``): one pass, one member in memory at a time, which is what makes reading
  ANT's 31,525 files fast and small. A corrupt or truncated tar stops at the damage:
  members before it are read, the rest is reported as one problem.
* zip needs random access (its directory is at the end), so a zip on disk is opened in
  place, and a zip *inside another archive* is first read into memory (bounded by that
  member's size). A truncated zip has no directory and is reported as a whole; a member
  whose data is corrupt (bad CRC) is reported and the next member is read.
"""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import tarfile
import zipfile
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

from search.corpus.base import Entry, ReadContext
from search.document import Document

#: Errors that mean the archive (not the member's content) is damaged.
ARCHIVE_ERRORS: tuple[type[BaseException], ...] = (
    zipfile.BadZipFile,
    tarfile.TarError,
    EOFError,
    zlib.error,
    lzma.LZMAError,
    gzip.BadGzipFile,
)

ReadMember = Callable[[BinaryIO, Entry], Iterator[Document]]


def is_ignored_member(name: str) -> bool:
    """macOS resource forks (``__MACOSX/``) and hidden members are not articles."""
    parts = [p for p in name.split("/") if p]
    return not parts or any(p.startswith(".") or p == "__MACOSX" for p in parts)


#: What reading one zip member may raise: RuntimeError for an encrypted member,
#: NotImplementedError for an unknown compression.
_MEMBER_ERRORS = (*ARCHIVE_ERRORS, OSError, NotImplementedError, RuntimeError)


def read_zip(
    source: Path | BinaryIO, entry: Entry, ctx: ReadContext, read_member: ReadMember
) -> Iterator[Document]:
    """Documents from every member of a zip archive, in the archive's order."""
    if not isinstance(source, Path):  # a member of another archive: no cheap random access
        source = io.BytesIO(source.read())
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, EOFError, NotImplementedError, UnicodeDecodeError) as exc:
        # NotImplementedError: a "version needed" zipfile does not know; UnicodeDecodeError:
        # a name flagged UTF-8 that is not (both found by tests/fuzz).
        ctx.report.skip(entry.origin, "corrupt archive", f"unreadable zip: {exc}")
        return
    except OSError as exc:  # permissions, I/O: the file, not its format
        ctx.report.skip(entry.origin, "unreadable file", exc.strerror or str(exc))
        return
    with archive:
        for info in archive.infolist():
            # The name first: ZipInfo.is_dir() fails on an empty one.
            if is_ignored_member(info.filename) or info.is_dir():
                continue
            member = entry.member(info.filename)
            try:
                fh = archive.open(info)
            except (*_MEMBER_ERRORS, UnicodeDecodeError, ValueError) as exc:
                # UnicodeDecodeError: a local header whose name is not the UTF-8 it claims;
                # ValueError: a header offset before the file's start (a negative seek).
                # Both found by tests/fuzz.
                ctx.report.skip(member.origin, "corrupt archive member", str(exc))
                continue
            try:
                with fh:
                    yield from read_member(fh, member)
            except _MEMBER_ERRORS as exc:
                ctx.report.skip(member.origin, "corrupt archive member", str(exc))


class _Counted(io.RawIOBase):
    """A read-only stream that counts the bytes it delivered (to detect a cut-off tar)."""

    def __init__(self, raw: BinaryIO) -> None:
        self._raw = raw
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        data = self._raw.read(len(buffer))
        buffer[: len(data)] = data
        self.count += len(data)
        return len(data)

    def drain(self) -> int:
        """Read to the end; return the total number of bytes in the stream."""
        while self._raw.read(1 << 16):
            pass
        return self.count


def _decompressed(raw: BinaryIO) -> BinaryIO:
    """The tar stream inside gzip/bzip2/xz, decompressed by modules that check integrity.

    tarfile's own stream decompression ends quietly at a truncated gzip; GzipFile,
    BZ2File and LZMAFile raise ``EOFError`` there, and check the gzip CRC.
    """
    peek = io.BufferedReader(raw)  # type: ignore[arg-type]
    magic = peek.peek(6)[:6]
    if magic.startswith(b"\x1f\x8b"):
        return gzip.GzipFile(fileobj=peek)  # type: ignore[return-value]
    if magic.startswith(b"BZh"):
        return bz2.BZ2File(peek)  # type: ignore[return-value]
    if magic.startswith(b"\xfd7zXZ\x00"):
        return lzma.LZMAFile(peek)  # type: ignore[return-value]
    return peek  # type: ignore[return-value]


def read_tar(
    raw: BinaryIO, entry: Entry, ctx: ReadContext, read_member: ReadMember
) -> Iterator[Document]:
    """Documents from every regular file of a (possibly compressed) tar stream.

    A tar cut off between members ends without an error from tarfile; it is detected by
    the missing end-of-archive block (the stream ends less than 512 bytes after the last
    member).
    """
    current: Entry | None = None  # the member being read, if any
    last = ""
    try:
        stream = _Counted(_decompressed(raw))
        with tarfile.open(fileobj=stream, mode="r|") as archive:  # type: ignore[call-overload]
            while (info := archive.next()) is not None:
                archive.members.clear()  # tarfile keeps every header otherwise (~1 KB each)
                if info.isdir() or is_ignored_member(info.name):
                    continue
                member = entry.member(info.name)
                if not info.isfile():
                    ctx.report.skip(member.origin, "unsupported archive member", "link or device")
                    continue
                fh = archive.extractfile(info)
                if fh is not None:
                    current = member
                    yield from read_member(fh, member)
                    current, last = None, info.name
            end_of_members = archive.offset
        if stream.drain() < end_of_members + tarfile.BLOCKSIZE:
            raise tarfile.ReadError("truncated: the end-of-archive block is missing")
    except (*ARCHIVE_ERRORS, OSError) as exc:
        detail = str(exc) or type(exc).__name__
        if current is not None:
            origin = current.origin
            detail += "; this member and the rest of the archive were not read"
        else:
            origin = entry.origin
            detail += f"; the archive was read up to {last}" if last else ""
        ctx.report.skip(origin, "corrupt archive", detail)
