"""A document as a row of the PostgreSQL engine, and as postings, by Naba's own analysis
(PostgreSQL's text search configurations are not used: the terms must be the very ones
the embedded engine indexes, so that both engines answer alike).

* the row: stored fields, the four field lengths, and ``exact``, a ``tsvector`` of every
  word's exact form with its positions, for quoted phrases (checked on the documents
  that hold all of a phrase's words).
  A position's weight label tells the field: ``A`` for the title, ``D`` for the body;
  body positions start after the title's and a gap, so a phrase never runs from the
  title into the body;
* the postings: (field, term, frequency) for the stemmed fields (stop words left out:
  Whoosh's ``title`` and ``body``) and the exact ones (``title_exact``, ``body_exact``),
  what the posting lists that rank searches hold.

A vector keeps at most 256 positions per word, positions up to 16,383, words up to
2,047 bytes and 1 MB in all: beyond those a phrase far into an article is missed (none
of this happens in news articles of ordinary length). The postings' frequencies are not
capped.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from typing import Any

import numpy as np

from search.analysis import WordForms, find_words, word_forms
from search.analysis.stories import story_text
from search.document import Document

#: The four scored fields, in the order of the ``lengths`` column and the ``field`` of
#: the ``terms`` table (Whoosh's field names, so the scoring reads the same).
FIELDS = ("title", "body", "title_exact", "body_exact")
TITLE, BODY, TITLE_EXACT, BODY_EXACT = range(4)
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
    "author",
    "date_source",
    "source_rules",
    "content_hash",
    "lengths",
    "exact",
    "story_text",
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
    exact: dict[str, list[str]],
    counts: Counter[tuple[int, str]],
    forms: Iterable[WordForms],
    start: int,
    title: bool,
) -> tuple[int, int, int]:
    """Index one field's words from position ``start``: (stemmed length, exact length,
    the next free position). Lengths count what Whoosh counts: a stemmed field its
    words that are neither empty nor stop words, an exact field its non-empty words."""
    suffix = "A" if title else ""
    stemmed_field, exact_field = (TITLE, TITLE_EXACT) if title else (BODY, BODY_EXACT)
    stemmed_length = exact_length = 0
    position = start
    for position, (word, term, stopped) in enumerate(forms, start):
        if not word:
            continue
        exact.setdefault(word, []).append(f"{min(position, MAX_POSITION)}{suffix}")
        counts[exact_field, word] += 1
        exact_length += 1
        if not stopped:
            counts[stemmed_field, term] += 1
            stemmed_length += 1
    return stemmed_length, exact_length, position + 1


def analyse(title: str, body: str) -> tuple[list[int], dict[str, list[str]], list[Posting]]:
    """A document's field lengths (the order of :data:`FIELDS`), its exact words'
    positions (the ``exact`` vector) and its postings (field, term, frequency: not
    capped, unlike a vector's positions)."""
    exact: dict[str, list[str]] = {}
    counts: Counter[tuple[int, str]] = Counter()
    title_forms = list(map(word_forms, find_words(title)))
    title_stemmed, title_exact, after = _add(exact, counts, title_forms, 1, True)
    body_forms = map(word_forms, find_words(body))
    body_stemmed, body_exact, _ = _add(exact, counts, body_forms, after + BODY_GAP, False)
    postings = [
        (field, term, n)
        for (field, term), n in counts.items()
        if len(term.encode("utf-8")) <= MAX_LEXEME_BYTES
    ]
    return [title_stemmed, body_stemmed, title_exact, body_exact], exact, postings


def row(docnum: int, document: Document) -> tuple[tuple[Any, ...], list[Posting]]:
    """The values of :data:`COLUMNS` for ``document``, and its postings."""
    lengths, exact, postings = analyse(document.title, document.body)
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
        document.author,
        document.date_source,
        json.dumps(document.source_rules, ensure_ascii=False),
        document.content_hash,
        lengths,
        vector(exact),
        # Made here, in the analysing process, beside the document's other analysis.
        story_text(document.body).to_bytes(),
    ), postings


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
