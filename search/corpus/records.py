"""Structured records (JSON, JSON Lines, CSV) into documents, through a :class:`FieldMap`.

Exports name their fields differently (``title`` or ``headline``, ``content`` or
``text``, ``published_at`` or ``date_extracted``). A :class:`FieldMap` lists, for each
document attribute, the record fields to try in order; the defaults below cover the
common spellings and the ones of the real corpora (SaudiNewsNet's ``content`` and
``date_extracted``, ANT's TREC tags ``DOCNO``/``SRC``/``CAT``/``TIME``). Field names match
exactly first, then case-insensitively, and ``a.b`` reaches into nested objects
(NewsAPI's ``source.name``). Empty values fall through to the next candidate.

Default field names, tried in this order:

===========  ================================================================
attribute    fields
===========  ================================================================
id           id, doc_id, docid, docno, guid, uuid
title        title, headline, head
body         body, content, text, article, article_body, articlebody
date         date, published, published_at, publishedat, date_published,
             datepublished, publish_date, published_date, pubdate, pub_date,
             date_extracted, date_time, datetime, time
source       source, sources, outlet, publisher, agency, src
url          url, link
category     category, section, cat, categories
===========  ================================================================

Metadata from fields wins; it is only looked for in the text (``extract_metadata``)
when the record has no usable date or source field, so a date is never guessed when
the record states one, and an explicit field can be turned off (``--field date=``)
when it is known to be wrong for a corpus.

Streaming: JSON Lines and CSV are read line by line; a JSON array is decoded element by
element with ``json.JSONDecoder.raw_decode`` over 256 Ki-character chunks, so memory is bounded by
the largest record (capped at :data:`MAX_RECORD_CHARS`), never by the file.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any, TextIO

from search.corpus.base import Entry, ReadContext, short_title, too_long
from search.document import Document
from search.metadata import canonical_sources, extract_metadata, parse_date

_ATTRIBUTES = ("id", "title", "body", "date", "source", "url", "category")
_ALIASES = {"sources": "source"}  # the Document attribute's name, accepted for convenience

DEFAULT_FIELDS: dict[str, tuple[str, ...]] = {
    "id": ("id", "doc_id", "docid", "docno", "guid", "uuid"),
    "title": ("title", "headline", "head"),
    "body": ("body", "content", "text", "article", "article_body", "articlebody"),
    "date": (
        "date",
        "published",
        "published_at",
        "publishedat",
        "date_published",
        "datepublished",
        "publish_date",
        "published_date",
        "pubdate",
        "pub_date",
        "date_extracted",
        "date_time",
        "datetime",
        "time",
    ),
    "source": ("source", "sources", "outlet", "publisher", "agency", "src"),
    "url": ("url", "link"),
    "category": ("category", "section", "cat", "categories"),
}

#: Largest single record (a JSON value in a stream, a JSON Lines line), in characters:
#: an article's body is at most a million characters (``MAX_ARTICLE_CHARS``), so a
#: larger record is a dump or a decompression bomb, and reading it whole would cost
#: hundreds of MB. It is read through in bounded chunks and reported.
MAX_RECORD_CHARS = 4 << 20
_CHUNK_CHARS = 256 << 10


def _as_names(value: str | Sequence[str] | None) -> tuple[str, ...] | None:
    if value is None:
        return None
    if isinstance(value, str):
        return tuple(n.strip() for n in value.split(",") if n.strip())
    return tuple(value)


@dataclass(frozen=True, slots=True)
class FieldMap:
    """Which record fields to read each document attribute from.

    Each attribute is ``None`` (use :data:`DEFAULT_FIELDS`), a field name, a
    comma-separated string or sequence of names to try in order, or empty (``""``/``()``)
    to ignore that attribute entirely. ``FieldMap(title="headline_ar", date="")`` reads
    titles from ``headline_ar`` and takes no date from any field.
    """

    id: str | Sequence[str] | None = None
    title: str | Sequence[str] | None = None
    body: str | Sequence[str] | None = None
    date: str | Sequence[str] | None = None
    source: str | Sequence[str] | None = None
    url: str | Sequence[str] | None = None
    category: str | Sequence[str] | None = None

    def __post_init__(self) -> None:
        for f in fields(self):
            object.__setattr__(self, f.name, _as_names(getattr(self, f.name)))

    @classmethod
    def parse(cls, specs: Iterable[str]) -> FieldMap:
        """Build a map from ``NAME=FIELD[,FIELD…]`` strings (the CLI's ``--field``).

        Raises ``ValueError`` naming the accepted attributes when a spec is malformed.
        """
        overrides: dict[str, tuple[str, ...]] = {}
        for spec in specs:
            name, sep, value = spec.partition("=")
            name = _ALIASES.get(name.strip().lower(), name.strip().lower())
            if not sep or name not in _ATTRIBUTES:
                raise ValueError(
                    f"bad field mapping {spec!r}: expected NAME=FIELD with NAME one of "
                    + ", ".join(_ATTRIBUTES)
                )
            overrides[name] = _as_names(value) or ()
        return cls(**overrides)

    def names(self, attribute: str) -> tuple[str, ...]:
        """The fields to try for ``attribute``: the override if given, else the defaults."""
        value = getattr(self, attribute)
        return DEFAULT_FIELDS[attribute] if value is None else value


class _Record:
    """Field lookup on one record: exact, then case-insensitive, then dotted path."""

    __slots__ = ("_data", "_lower")

    def __init__(self, data: Mapping[str, Any]) -> None:
        self._data = data
        self._lower: dict[str, str] | None = None

    def get(self, name: str) -> Any:
        if name in self._data:
            return self._data[name]
        if self._lower is None:
            self._lower = {}
            for key in self._data:
                self._lower.setdefault(str(key).lower(), key)
        key = self._lower.get(name.lower())
        if key is not None:
            return self._data[key]
        if "." in name:
            value: Any = self._data
            for part in name.split("."):
                if not isinstance(value, Mapping):
                    return None
                value = _Record(value).get(part)
            return value
        return None

    def first(self, names: Sequence[str]) -> tuple[str | None, Any]:
        """The first of ``names`` with a non-empty value, and that value."""
        for name in names:
            value = self.get(name)
            if value is None or value == "" or value == [] or value == {}:
                continue
            if isinstance(value, str) and not value.strip():
                continue
            return name, value
        return None, None

    def keys(self) -> list[str]:
        return [str(k) for k in self._data]


def _text(value: Any) -> str:
    """A field value as text: strings as written (newlines normalised), lists joined."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.replace("\r\n", "\n").replace("\r", "\n").strip()
    if isinstance(value, list):
        return "\n\n".join(t for t in (_text(v) for v in value) if t)
    if isinstance(value, Mapping):
        return _text(_Record(value).first(("name", "title", "text", "value"))[1])
    if isinstance(value, bool):
        return ""
    return str(value)


def _date_from_value(value: Any, now: dt.date | None) -> dt.date | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        # Unix time, in seconds or milliseconds; anything else is not a timestamp.
        seconds = value / 1000 if value > 1e11 else value
        if 1e8 < seconds < 1e10:
            return dt.datetime.fromtimestamp(seconds, tz=dt.UTC).date()
        return None
    text = _text(value)
    return parse_date(text, now=now) if text else None


def _sources_from_value(value: Any) -> list[str]:
    items = value if isinstance(value, list) else [value]
    out: list[str] = []
    for item in items:
        name = _text(item)
        for canonical in canonical_sources(name) if name else ():
            if canonical not in out:
                out.append(canonical)
    return out


def content_id(title: str, body: str) -> str:
    """An id from the text alone, for records that carry neither an id nor a URL.

    Only title and body are hashed, so improving metadata rules never changes ids.
    """
    h = hashlib.blake2b(digest_size=16)
    h.update(title.encode("utf-8", "surrogatepass"))
    h.update(b"\x1e")
    h.update(body.encode("utf-8", "surrogatepass"))
    return h.hexdigest()


def record_to_document(
    data: Mapping[str, Any], origin: str, ctx: ReadContext, field_map: FieldMap | None = None
) -> Document | None:
    """Map one record to a :class:`Document`; report and return ``None`` if it has no body."""
    fmap = field_map or ctx.field_map
    record = _Record(data)
    _, body_value = record.first(fmap.names("body"))
    body = _text(body_value)
    if not body:
        tried = ", ".join(fmap.names("body")) or "(none)"
        ctx.report.skip(origin, "no body", f"tried {tried}; fields: {', '.join(record.keys())}")
        return None
    if too_long(body, origin, ctx):
        return None
    title = short_title(_text(record.first(fmap.names("title"))[1]), origin, ctx)
    url = _text(record.first(fmap.names("url"))[1]) or None
    category = _text(record.first(fmap.names("category"))[1]) or None
    _, id_value = record.first(fmap.names("id"))
    doc_id = _text(id_value) if isinstance(id_value, str | int) else ""
    doc = Document(id=doc_id or url or content_id(title, body), title=title, body=body)
    doc.url, doc.category, doc.origin = url, category, origin

    date_field, date_value = record.first(fmap.names("date"))
    if date_field is not None:
        doc.date = _date_from_value(date_value, ctx.now)
        if doc.date is None:
            ctx.report.note(origin, "unparseable date field", f"{date_field}={date_value!r}")
        else:
            doc.date_source = "field"
    _, source_value = record.first(fmap.names("source"))
    doc.sources = _sources_from_value(source_value)
    doc.source_rules = dict.fromkeys(doc.sources, "field")

    if doc.date is None or not doc.sources:
        meta = extract_metadata(f"{title}\n{body}" if title else body, now=ctx.now)
        if doc.date is None and meta.date is not None:
            doc.date, doc.date_source = meta.date, meta.date_source
        if not doc.sources:
            doc.sources = list(meta.sources)
            doc.source_rules = dict(meta.source_rules)
    return doc


def _records_to_documents(
    items: Iterable[tuple[int | str, Any]], entry: Entry, ctx: ReadContext
) -> Iterator[Document]:
    for line, item in items:
        origin = entry.at(line)
        if not isinstance(item, Mapping):
            ctx.report.skip(origin, "record is not an object", type(item).__name__)
            continue
        doc = record_to_document(item, origin, ctx)
        if doc is not None:
            yield doc


# --- JSON Lines -------------------------------------------------------------------------


def bounded_lines(stream: TextIO, limit: int) -> Iterator[str | None]:
    """The lines of ``stream``; ``None`` for a line longer than ``limit`` characters, which
    is read through in bounded chunks instead of held whole."""
    while line := stream.readline(limit + 1):
        if len(line) <= limit or line.endswith("\n"):
            yield line
            continue
        while (rest := stream.readline(_CHUNK_CHARS)) and not rest.endswith("\n"):
            pass
        yield None


def _jsonl_items(stream: TextIO, entry: Entry, ctx: ReadContext) -> Iterator[tuple[int, Any]]:
    line_no = 0
    try:
        for line_no, line in enumerate(bounded_lines(stream, MAX_RECORD_CHARS), start=1):
            if line is None:
                detail = f"more than {MAX_RECORD_CHARS:,} characters on one line"
                ctx.report.skip(entry.at(line_no), "too large for one record", detail)
                continue
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                ctx.report.skip(entry.at(line_no), "invalid JSON", exc.msg)
                continue
            except RecursionError:  # one hostile line must not cost the rest of the file
                ctx.report.skip(entry.at(line_no), "invalid JSON", "nested too deeply")
                continue
            yield line_no, record
    except UnicodeDecodeError as exc:
        ctx.report.skip(entry.at(line_no + 1), "undecodable text", f"rest of file: {exc.reason}")


def read_jsonl(stream: TextIO, entry: Entry, ctx: ReadContext) -> Iterator[Document]:
    """One JSON object per line; a line that does not parse is reported and skipped."""
    return _records_to_documents(_jsonl_items(stream, entry, ctx), entry, ctx)


# --- JSON (arrays, objects, concatenated values) ----------------------------------------

_WS = re.compile(r"[ \t\n\r]*")


class _JsonStream:
    """Incremental reader of JSON values from a text stream, tracking line numbers."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._decoder = json.JSONDecoder()
        self.buf = ""
        self.pos = 0
        self.eof = False
        self._line = 1  # line number at self._counted
        self._counted = 0

    def _fill(self, at_least: int = _CHUNK_CHARS) -> None:
        if self.pos > _CHUNK_CHARS:  # drop consumed text so memory stays bounded
            self.line()
            self.buf = self.buf[self.pos :]
            self._counted -= self.pos
            self.pos = 0
        chunk = self._stream.read(max(at_least, _CHUNK_CHARS))
        if chunk:
            self.buf += chunk
        else:
            self.eof = True

    def line(self) -> int:
        """Line number of the current position."""
        self._line += self.buf.count("\n", self._counted, self.pos)
        self._counted = self.pos
        return self._line

    def peek(self) -> str:
        """The next non-whitespace character ('' at end of input), without consuming it."""
        while True:
            self.pos = _WS.match(self.buf, self.pos).end()  # type: ignore[union-attr]
            if self.pos < len(self.buf) or self.eof:
                return self.buf[self.pos : self.pos + 1]
            self._fill()

    def take(self) -> None:
        self.pos += 1

    def value(self) -> Any:
        """Decode the value at the current position, reading more input as needed."""
        while True:
            try:
                obj, end = self._decoder.raw_decode(self.buf, self.pos)
            except json.JSONDecodeError:
                if self.eof or len(self.buf) - self.pos > MAX_RECORD_CHARS:
                    raise
                self._fill(len(self.buf) - self.pos)
                continue
            if end == len(self.buf) and not self.eof:  # a number may continue in the next chunk
                self._fill()
                continue
            self.pos = end
            return obj


def _looks_like_wrapper(obj: Mapping[str, Any]) -> list[Any] | None:
    """``{"articles": [...]}``-style exports: the one list of objects in a body-less object."""
    if _Record(obj).first(DEFAULT_FIELDS["body"])[0] is not None:
        return None
    lists = [v for v in obj.values() if isinstance(v, list) and v and isinstance(v[0], Mapping)]
    return lists[0] if len(lists) == 1 else None


def _json_items(stream: TextIO, entry: Entry, ctx: ReadContext) -> Iterator[tuple[int | str, Any]]:
    js = _JsonStream(stream)
    try:
        while (c := js.peek()) != "":
            if c == "[":
                js.take()
                while js.peek() != "]":
                    line = js.line()
                    yield line, js.value()
                    sep = js.peek()
                    if sep == ",":
                        js.take()
                    elif sep != "]":
                        raise json.JSONDecodeError("expected ',' or ']'", js.buf, js.pos)
                js.take()
            else:
                line = js.line()
                obj = js.value()
                inner = _looks_like_wrapper(obj) if isinstance(obj, Mapping) else None
                if inner is None:
                    yield line, obj
                else:
                    # Items of a wrapped list share the wrapper's line: number them.
                    yield from ((f"{line}#{i}", item) for i, item in enumerate(inner, start=1))
    except json.JSONDecodeError as exc:
        ctx.report.skip(entry.at(js.line()), "invalid JSON", f"{exc.msg}; rest of file skipped")
    except RecursionError:
        detail = "nested too deeply; rest of file skipped"
        ctx.report.skip(entry.at(js.line()), "invalid JSON", detail)
    except UnicodeDecodeError as exc:
        ctx.report.skip(entry.at(js.line()), "undecodable text", f"rest of file: {exc.reason}")


def read_json(stream: TextIO, entry: Entry, ctx: ReadContext) -> Iterator[Document]:
    """A JSON array of objects (streamed), one object, or several objects in a row.

    An object whose only content is one list of objects (``{"articles": [...]}``) is read
    as that list; it is decoded whole, unlike a top-level array. A syntax error ends the
    file (a JSON text cannot be resynchronised reliably); records before it are kept.
    """
    return _records_to_documents(_json_items(stream, entry, ctx), entry, ctx)


# --- CSV --------------------------------------------------------------------------------


def _raise_field_limit() -> None:
    """Article bodies exceed csv's default 128 KiB field limit; raise it as far as C allows."""
    limit = 1 << 62
    while True:
        try:
            csv.field_size_limit(limit)
            return
        except OverflowError:
            limit >>= 1


def _csv_items(
    stream: TextIO, head: str, entry: Entry, ctx: ReadContext, delimiter: str | None
) -> Iterator[tuple[int, Any]]:
    _raise_field_limit()
    if delimiter is None:
        header_line = head.split("\n", 1)[0]
        counts = {d: header_line.count(d) for d in ",;\t|"}
        delimiter = max(counts, key=lambda d: (counts[d], d == ","))
    reader = csv.reader(stream, delimiter=delimiter)
    header: list[str] | None = None
    last = 0
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            ctx.report.skip(entry.at(last + 1), "invalid CSV", str(exc))
            last = reader.line_num
            continue
        except UnicodeDecodeError as exc:
            ctx.report.skip(entry.at(last + 1), "undecodable text", f"rest of file: {exc.reason}")
            return
        line, last = last + 1, reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        if header is None:
            header = [cell.strip().lstrip("\ufeff") for cell in row]
            continue
        if len(row) != len(header):
            ctx.report.skip(
                entry.at(line), "invalid CSV", f"{len(row)} fields, header has {len(header)}"
            )
            continue
        yield line, dict(zip(header, row, strict=True))


def read_csv(
    stream: TextIO, head: str, entry: Entry, ctx: ReadContext, *, delimiter: str | None = None
) -> Iterator[Document]:
    """CSV with a header row, mapped like JSON records.

    The delimiter is the most frequent of ``, ; TAB |`` in the header line unless given
    (``.tsv`` files pass TAB). Rows whose field count differs from the header's are
    reported, not guessed at.
    """
    return _records_to_documents(_csv_items(stream, head, entry, ctx, delimiter), entry, ctx)
