"""TREC/SGML files: ``<DOC>…</DOC>`` records with one tag per field.

ANT (Arabic News Texts) ships one ``<DOC>`` per ``.txt`` file with ``DOCNO, URL, SRC,
CAT, TITLE, TIME, AUTHOR, ABSTRACT, TEXT``; classic TREC collections put many ``<DOC>``
records in one file and nest ``<HEADLINE>``/``<TEXT>`` in ``<BODY>`` with ``<P>``
paragraphs. Both are handled by the same reader, which streams line by line and holds
one record at a time.

Each record becomes a dict of tag → text (inner tags removed, SGML/HTML entities
unescaped) and goes through the same :class:`~search.corpus.records.FieldMap` as JSON
records (``DOCNO`` is an id field, ``SRC`` a source field, ``TIME`` a date field...), so
TREC input gets the same metadata rules and the same ``--field`` overrides.

The body is ``ABSTRACT`` followed by ``TEXT``, except that the abstract is dropped when
the text already contains it. ANT's abstracts are usually the text's first lines with the
line breaks removed, cut mid-word, or its lead sentence after a dateline (``دبي (CNN)--``),
so containment is tested with all whitespace removed and trailing punctuation ignored;
repeating the lead would only inflate its terms' frequencies.
"""

from __future__ import annotations

import bisect
import html
import re
from collections.abc import Iterator
from typing import TextIO

from search.corpus.base import Entry, ReadContext
from search.corpus.records import MAX_RECORD_CHARS, bounded_lines, record_to_document
from search.document import Document

# Tags are found in one pass and paired by name (``_fields``): a regex pairing them with a
# lazy ``(.*?)</\1>`` scanned to the end of the record for every unclosed tag, so a
# record of 8,000 stray ``<a>`` took a second and a megabyte half an hour. ``[^<>]``
# keeps a tag from running on into the next one (the same scan-to-the-end otherwise).
_TAG_AT = re.compile(r"<(/?)([A-Za-z][\w.-]*)(?:\s[^<>]*)?>")
_TAG = re.compile(r"</?[A-Za-z][^<>]*>")
_BODY_OPEN = re.compile(r"<BODY[^<>]*>", re.IGNORECASE)
_BODY_CLOSE = re.compile(r"</BODY\s*>", re.IGNORECASE)
_PARAGRAPH_END = re.compile(r"</(?:P|p)\s*>")
_BLANK_LINES = re.compile(r"\n\s*\n+")
_TRAILING_PUNCT = ".…،,؛;:!؟? \u00a0"
_OPEN, _CLOSE = "<DOC>", "</DOC>"


def _clean(value: str) -> str:
    """Field text without inner markup, entities unescaped, paragraphs kept as blank lines."""
    value = _PARAGRAPH_END.sub("\n\n", value)
    value = html.unescape(_TAG.sub("", value))
    lines = (line.strip() for line in value.split("\n"))
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def _squash(text: str) -> str:
    return "".join(text.split())


def combine_abstract(abstract: str, text: str) -> str:
    """``ABSTRACT`` + ``TEXT``, without the abstract when the text already contains it."""
    if not abstract:
        return text
    if not text:
        return abstract
    needle = _squash(abstract).rstrip(_TRAILING_PUNCT)
    if needle and needle in _squash(text):
        return text
    return f"{abstract}\n\n{text}"


def _fields(text: str) -> Iterator[tuple[str, str]]:
    """(tag, inner text) of each outermost ``<TAG …>…</TAG>`` in ``text``, left to right:
    an opening tag pairs with the first closing tag of the same name after it, and the
    search goes on after that closing tag; an opening tag never closed is plain text.

    Linear in ``text`` (plus a binary search per tag): every tag is found once.
    """
    opens: list[tuple[int, int, str]] = []  # (start, end, name) of each opening tag
    closes: dict[str, list[tuple[int, int]]] = {}  # name -> (start, end) of its closing tags
    for match in _TAG_AT.finditer(text):
        if match.group(1):
            closes.setdefault(match.group(2), []).append(match.span())
        else:
            opens.append((match.start(), match.end(), match.group(2)))
    resume = 0
    for start, end, name in opens:
        if start < resume:
            continue  # inside the field just read
        spans = closes.get(name)
        if not spans:
            continue
        at = bisect.bisect_left(spans, (end, -1))
        if at == len(spans):
            continue
        close_start, close_end = spans[at]
        yield name, text[end:close_start]
        resume = close_end


def parse_doc(raw: str) -> dict[str, str]:
    """Tag → cleaned text for one ``<DOC>…</DOC>``; the body is combined into ``TEXT``."""
    inner = raw[len(_OPEN) : -len(_CLOSE)]
    fields: dict[str, str] = {}
    for tag, value in _fields(inner):
        fields.setdefault(tag.upper(), _clean(value))
    # <BODY> wraps <HEADLINE> and <TEXT> in some collections: descend into it.
    if "BODY" in fields and "TEXT" not in fields:
        opened = _BODY_OPEN.search(inner)
        closed = _BODY_CLOSE.search(inner, opened.end()) if opened else None
        body = inner[opened.end() : closed.start()] if opened and closed else ""
        for tag, value in _fields(body):
            fields.setdefault(tag.upper(), _clean(value))
    if "TEXT" in fields or "ABSTRACT" in fields:
        fields["TEXT"] = combine_abstract(fields.pop("ABSTRACT", ""), fields.get("TEXT", ""))
        fields.pop("BODY", None)
    return fields


def _raw_docs(stream: TextIO, entry: Entry, ctx: ReadContext) -> Iterator[tuple[int, str]]:
    """Yield (line number, ``<DOC>…</DOC>`` text), reporting unterminated records.

    A scan line by line, linear in the input, holding only the current record, and at
    most :data:`MAX_RECORD_CHARS` of it: a larger record cannot be an article (its body
    would be refused anyway), so it is reported and skipped up to its ``</DOC>``, and a
    line over the cap is read through in bounded chunks, never held whole.
    """
    parts: list[str] = []
    size = 0  # characters of the current record so far
    start_line = 0  # 0: not inside a record
    skipping = False  # inside a record too large to keep
    line_no = 0

    def too_large(at: int) -> None:
        detail = f"more than {MAX_RECORD_CHARS:,} characters"
        ctx.report.skip(entry.at(at), "too large for one record", detail)

    try:
        for line_no, line in enumerate(bounded_lines(stream, MAX_RECORD_CHARS), start=1):
            if line is None:
                if start_line:
                    too_large(start_line)
                    start_line, parts, size, skipping = 0, [], 0, True
                elif not skipping:
                    too_large(line_no)
                continue
            pos = 0
            if skipping:
                end = line.find(_CLOSE)
                if end < 0:
                    continue
                skipping, pos = False, end + len(_CLOSE)
            while True:
                if not start_line:
                    pos = line.find(_OPEN, pos)
                    if pos < 0:
                        break
                    start_line, parts, size = line_no, [_OPEN], len(_OPEN)
                    pos += len(_OPEN)
                end = line.find(_CLOSE, pos)
                reopened = line.find(_OPEN, pos)
                if reopened >= 0 and (end < 0 or reopened < end):
                    ctx.report.skip(entry.at(start_line), "invalid TREC", "<DOC> without </DOC>")
                    start_line, pos = 0, reopened
                    continue
                if end < 0:
                    parts.append(line[pos:])
                    size += len(line) - pos
                    if size > MAX_RECORD_CHARS:
                        too_large(start_line)
                        start_line, parts, size, skipping = 0, [], 0, True
                    break
                parts.append(line[pos : end + len(_CLOSE)])
                yield start_line, "".join(parts)
                start_line, pos = 0, end + len(_CLOSE)
    except UnicodeDecodeError as exc:
        ctx.report.skip(entry.at(line_no + 1), "undecodable text", f"rest of file: {exc.reason}")
        return
    if start_line:
        ctx.report.skip(entry.at(start_line), "invalid TREC", "<DOC> without </DOC> (truncated?)")


def read_trec(stream: TextIO, entry: Entry, ctx: ReadContext) -> Iterator[Document]:
    """Documents from a TREC/SGML stream.

    The origin carries a line number only when the file holds more than one record, so
    one-article-per-file corpora (ANT) keep plain file origins; that needs one record of
    look-ahead.
    """
    problems_before = len(ctx.report.problems)
    found = False
    pending: tuple[int, str] | None = None
    multi = False
    for item in _raw_docs(stream, entry, ctx):
        found = True
        if pending is not None:
            multi = True
            doc = _to_document(pending, entry, ctx, multi)
            if doc is not None:
                yield doc
        pending = item
    if pending is not None:
        doc = _to_document(pending, entry, ctx, multi)
        if doc is not None:
            yield doc
    if not found and len(ctx.report.problems) == problems_before:
        ctx.report.skip(entry.origin, "invalid TREC", "no <DOC> records")


def _to_document(
    item: tuple[int, str], entry: Entry, ctx: ReadContext, multi: bool
) -> Document | None:
    line, raw = item
    origin = entry.at(line) if multi else entry.origin
    return record_to_document(parse_doc(raw), origin, ctx)
