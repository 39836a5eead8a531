"""A document as a row of the PostgreSQL engine: stored fields, field lengths, and the
two ``tsvector`` columns Naba's own analysis fills (PostgreSQL's text search
configurations are not used: the terms must be the very ones the embedded engine
indexes, so that both engines answer alike).

* ``stemmed``: the stemmed terms, stop words left out (Whoosh's ``title`` and ``body``);
* ``exact``: every word's exact form (``title_exact``, ``body_exact``), for exact-word
  mode and phrases.

Both carry positions (a term's frequency is its number of positions) and a weight
label telling the field: ``A`` for the title, ``D`` for the body. Body positions
start after the title's and a gap, so a phrase never runs from the title into the body.
PostgreSQL keeps at most 256 positions per term, positions up to 16,383, terms up to
2,047 bytes and a vector up to 1 MB: beyond those a term's frequency is capped, far
positions merge (phrases there are missed) and over-long words are left out; none of
this happens in news articles of ordinary length.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

import numpy as np

from search.analysis import WordForms, find_words, word_forms
from search.document import Document

#: The four scored fields, in the order of the ``lengths`` column and the ``field`` of
#: the ``terms`` table (Whoosh's field names, so the scoring reads the same).
FIELDS = ("title", "body", "title_exact", "body_exact")
TITLE, BODY, TITLE_EXACT, BODY_EXACT = range(4)
#: Weight label -> offset of the field within its column's pair (title, body).
LABELS = {"A": 0, "D": 1}
#: One document's entry in a posting list: (field, term, frequency in that field).
Posting = tuple[int, str, int]

MAX_POSITIONS = 256
MAX_POSITION = 16383
MAX_LEXEME_BYTES = 2046
#: A little under PostgreSQL's 1 MB limit for one tsvector.
MAX_VECTOR_BYTES = 1_000_000
#: Positions between the title's last word and the body's first.
BODY_GAP = 2

COLUMNS = (
    "docnum",
    "id",
    "year",
    "month",
    "date",
    "sources",
    "category",
    "title",
    "body",
    "url",
    "origin",
    "date_source",
    "source_rules",
    "content_hash",
    "lengths",
    "stemmed",
    "exact",
)


def _lexeme(text: str) -> str:
    """A lexeme in ``tsvector`` input syntax: quoted, quotes and backslashes doubled."""
    return "'" + text.replace("\\", "\\\\").replace("'", "''") + "'"


def vector(positions: dict[str, list[str]]) -> str:
    """``{term: ["1A", "7", …]}`` as ``tsvector`` input, within PostgreSQL's limits."""
    parts: list[str] = []
    size = 0
    for term, found in positions.items():
        if len(term.encode("utf-8")) > MAX_LEXEME_BYTES:
            continue
        part = f"{_lexeme(term)}:{','.join(found[:MAX_POSITIONS])}"
        size += len(term.encode("utf-8")) + 2 * min(len(found), MAX_POSITIONS) + 8
        if size > MAX_VECTOR_BYTES:
            break
        parts.append(part)
    return " ".join(parts)


def _add(
    stemmed: dict[str, list[str]],
    exact: dict[str, list[str]],
    forms: Iterable[WordForms],
    start: int,
    label: str,
) -> tuple[int, int, int]:
    """Index one field's words from position ``start``: (stemmed length, exact length,
    the next free position). Lengths count what Whoosh counts: a stemmed field its
    words that are neither empty nor stop words, an exact field its non-empty words."""
    suffix = "" if label == "D" else label
    stemmed_length = exact_length = 0
    position = start
    for position, (word, term, stopped) in enumerate(forms, start):
        if not word:
            continue
        at = f"{min(position, MAX_POSITION)}{suffix}"
        exact.setdefault(word, []).append(at)
        exact_length += 1
        if not stopped:
            stemmed.setdefault(term, []).append(at)
            stemmed_length += 1
    return stemmed_length, exact_length, position + 1


def frequencies(stemmed: dict[str, list[str]], exact: dict[str, list[str]]) -> list[Posting]:
    """Each (field, term, frequency) of a document, from its vectors' positions (a title
    position carries the label ``A``): what its posting lists hold. Unlike the vectors
    (whose positions stop at 256 a term), the frequencies are not capped."""
    found: list[Posting] = []
    for (title, body), positions in (((TITLE, BODY), stemmed), ((TITLE_EXACT, BODY_EXACT), exact)):
        if not positions:
            continue
        for term, at in positions.items():
            if len(term.encode("utf-8")) > MAX_LEXEME_BYTES:
                continue
            in_title = sum(1 for position in at if position.endswith("A"))
            if in_title:
                found.append((title, term, in_title))
            if len(at) > in_title:
                found.append((body, term, len(at) - in_title))
    return found


def row(docnum: int, document: Document) -> tuple[tuple[Any, ...], list[Posting]]:
    """The values of :data:`COLUMNS` for ``document``, and its postings."""
    stemmed: dict[str, list[str]] = {}
    exact: dict[str, list[str]] = {}
    title_forms = list(map(word_forms, find_words(document.title)))
    body_forms = map(word_forms, find_words(document.body))
    title_stemmed, title_exact, after = _add(stemmed, exact, title_forms, 1, "A")
    body_stemmed, body_exact, _ = _add(stemmed, exact, body_forms, after + BODY_GAP, "D")
    date = document.date
    return (
        docnum,
        document.id,
        date.year if date else 0,
        f"{date.year:04d}-{date.month:02d}" if date else None,
        date,
        list(document.sources),
        document.category,
        document.title,
        document.body,
        document.url,
        document.origin,
        document.date_source,
        json.dumps(document.source_rules, ensure_ascii=False),
        document.content_hash,
        [title_stemmed, body_stemmed, title_exact, body_exact],
        vector(stemmed),
        vector(exact),
    ), frequencies(stemmed, exact)


#: A batch's posting lists: (field, term) -> (document numbers, frequencies), as
#: little-endian int32 and uint16 arrays.
Packed = dict[tuple[int, str], tuple[bytes, bytes]]


def rows(numbered: list[tuple[int, Document]]) -> tuple[list[tuple[Any, ...]], Packed]:
    """The rows of some consecutive documents, and their posting lists packed as arrays:
    what a writer's analysing process sends back (one array per term, not a tuple per
    posting, so the writing process has little left to do)."""
    values: list[tuple[Any, ...]] = []
    lists: dict[tuple[int, str], tuple[list[int], list[int]]] = {}
    for docnum, document in numbered:
        made, frequencies = row(docnum, document)
        values.append(made)
        for field, term, tf in frequencies:
            docnums, tfs = lists.setdefault((field, term), ([], []))
            docnums.append(docnum)
            tfs.append(tf)
    packed = {
        key: (np.array(docnums, "<i4").tobytes(), np.minimum(tfs, 65535).astype("<u2").tobytes())
        for key, (docnums, tfs) in lists.items()
    }
    return values, packed
