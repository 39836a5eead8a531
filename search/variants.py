"""A query word searched with its other spellings: the learned table and the editor's.

The reindex learns which of the corpus's words are one word spelled two ways
(:mod:`search.indexing.variants`) and keeps the table with the index; the editor
adds or vetoes pairs in a plain-text file (the index's ``variants_file``,
``NABA_VARIANTS``), read again whenever it changes. :func:`expand` adds each typed
word's variants to its group, as alternatives scored :data:`VARIANT_WEIGHT` of
the typed form (an article with the reader's own spelling ranks above one with
another), and says what it added, for the page («يشمل أيضا: جونج»). Exact mode
adds nothing: the reader asked for the letters typed.
"""

from __future__ import annotations

import dataclasses
import logging
import math
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from search.analysis import term_of
from search.analysis.variants import EditorRules, accepted, pair_key, read_editor_file
from search.engine import Group, Index, IndexReader, Word
from search.query import ParsedQuery
from search.spelling import written_in
from search.suggest import written_form

logger = logging.getLogger("search")

#: A variant's score, relative to the typed form's.
VARIANT_WEIGHT = 0.8


@dataclass(frozen=True, slots=True)
class Variants:
    """Each stem's other spellings (stems), how articles write each stem, and in how
    many articles each was when they were learned."""

    others: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    written: Mapping[str, str] = field(default_factory=dict)
    frequencies: Mapping[str, int] = field(default_factory=dict)
    documents: int = 0
    problems: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.others)


@dataclass(frozen=True, slots=True)
class Added:
    """A typed word and the spellings searched with it."""

    word: str
    also: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"word": self.word, "also": list(self.also)}


def combine(table: dict[str, Any] | None, rules: EditorRules) -> Variants:
    """The learned pairs with the editor's added and without the editor's vetoed."""
    pairs = {pair_key(a, b) for a, b in accepted(table)}
    pairs = (pairs | rules.added) - rules.vetoed
    others: dict[str, set[str]] = defaultdict(set)
    for a, b in pairs:
        others[a].add(b)
        others[b].add(a)
    written = dict(table.get("written", {})) if table else {}
    frequencies = dict(table.get("frequencies", {})) if table else {}
    return Variants(
        {stem: tuple(sorted(found)) for stem, found in others.items()},
        written,
        frequencies,
        int(table.get("documents", 0)) if table else 0,
        rules.problems,
    )


def variants_of(index: Index, reader: IndexReader) -> Variants:
    """The variants in force for ``reader``: memoised with it and with the editor's file's
    modification time, so that a reindex or an edit is seen by the next search."""
    path = index.variants_file
    stamp = _stamp(path)

    def load(key: tuple[str, tuple[int, int] | None]) -> Variants:
        rules = read_editor_file(path, term_of) if path is not None else EditorRules()
        for problem in rules.problems:
            logger.warning("spelling variants: %s", problem)
        return combine(index.manifest("variants"), rules)

    return reader.memo.get(("variants", stamp), load)


def _stamp(path: Path | None) -> tuple[int, int] | None:
    try:
        stat = path.stat() if path is not None else None
    except OSError:
        return None
    return (stat.st_mtime_ns, stat.st_size) if stat else None


def expand(
    parsed: ParsedQuery, variants: Variants, reader: IndexReader
) -> tuple[ParsedQuery, list[Added]]:
    """``parsed`` with each word's variants as alternatives of its group, and what was
    added. Phrases, excluded words, stop words and exact mode are left as they are."""
    if not variants or parsed.query.mode != "stemmed":
        return parsed, []
    groups = []
    added: list[Added] = []
    terms = set(parsed.terms)
    for group in parsed.query.groups:
        alternatives = list(group.alternatives)
        have = {c.term for c in alternatives if isinstance(c, Word)}
        for clause in group.alternatives:
            if not isinstance(clause, Word) or clause.stopped:
                continue
            shown = []
            for other in variants.others.get(clause.term, ()):
                if other in have:
                    continue
                have.add(other)
                word = _variant_word(clause, other, variants, reader)
                alternatives.append(word)
                terms.add(other)
                shown.append(word.text)
            if shown:
                added.append(Added(clause.text, tuple(dict.fromkeys(shown))))
        groups.append(Group(tuple(alternatives)))
    if not added:
        return parsed, []
    query = dataclasses.replace(parsed.query, groups=tuple(groups))
    return dataclasses.replace(parsed, query=query, terms=frozenset(terms)), added


def _idf(frequency: int, documents: int) -> float:
    """BM25F's idf as the engines compute it (:mod:`search.engine.ranking`)."""
    return math.log(documents / (frequency + 1)) + 1


def _variant_word(typed: Word, stem: str, variants: Variants, reader: IndexReader) -> Word:
    """The variant as a query word: the typed word's exact form with the stem swapped
    (الامريكيه → الاميركيه) when the index has it, so that it also earns the exact
    bonus, and shown as an article writes it."""
    exact = typed.exact.replace(typed.term, stem, 1) if typed.term in typed.exact else ""
    if exact and written_in(reader, exact):
        text = written_form(reader, exact)
    else:
        exact, text = "", variants.written.get(stem, stem)
    # A rarer spelling has a higher idf: its weight brings it back under the typed one's.
    typed_df = variants.frequencies.get(typed.term)
    other_df = variants.frequencies.get(stem)
    weight = VARIANT_WEIGHT
    if typed_df and other_df and other_df < typed_df and variants.documents:
        weight *= _idf(typed_df, variants.documents) / _idf(other_df, variants.documents)
    return Word(text, stem, exact, weight=weight)
