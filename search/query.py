"""Query syntax a news reader can use without a manual.

* plain words: ranked by BM25F over title and body, in tiers: the articles with
  every word first; for longer queries (a question, a pasted headline) then those
  with :func:`required_matches` of them (three quarters, at least three); then
  those that miss one word more, and so on, down to any one word;
* ``"a phrase"`` (also «…» and “…”), matched word for word on the exact fields;
* ``-word`` / ``-"a phrase"`` to exclude;
* ``OR`` / ``أو`` between words or phrases for alternatives;
* ``source:…`` / ``المصدر:…``, ``date:2023`` / ``التاريخ:2023-08`` (or a full
  day), ``category:…`` / ``القسم:…`` / ``التصنيف:…`` as filters: the operators of
  :data:`search.params.PARAMS`.

Anything else (unbalanced quotes, a lone ``-``, ``AND AND``, ``:::``, control
characters, only stop words, only punctuation) is read as plainly as
possible: the parser never raises. What it had to ignore or cut is reported
in ``warnings``.

The result is engine-neutral (:class:`~search.engine.EngineQuery` plus
:class:`~search.engine.Filters`), and it also tells the highlighter which
terms to mark.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from search.analysis import analyze
from search.engine import Clause, EngineQuery, Filters, Group, Mode, Phrase, Word
from search.notices import Notice
from search.params import OPERATORS, InvalidRequest, merge, to_filters

MAX_QUERY_CHARS = 1000
MAX_GROUPS = 32
# Up to SHORT_QUERY words the first tier has them all; beyond, LONG_QUERY_SHARE of them
# (rounded up, at least SHORT_QUERY). Measured in docs/quality.md.
SHORT_QUERY = 3
LONG_QUERY_SHARE = 3 / 4

_OR = {"or", "أو", "او"}
_AND = {"and"}
_NOT = {"not"}
_QUOTES = str.maketrans({"«": '"', "»": '"', "“": '"', "”": '"', "„": '"', "＂": '"'})
# A quoted chunk (closed), a field with a quoted value, or any other run of
# non-space characters.
_ITEM = re.compile(r'(-?)(?:"([^"]*)"|([^\s:"]+):"([^"]*)"|(\S+))')


def required_matches(groups: int) -> int:
    """How many of a query's words (after stop words) put a document in the first tier.

    All of up to three keywords, as a reader typing "انفجار مرفأ بيروت" expects
    to see first. From four words on, three quarters of them, rounded up: a
    pasted headline or a question shares most but not all of its words with the
    story. Documents with fewer follow, a tier for each word missed (see
    :class:`~search.engine.EngineQuery`), and the page says how many are in the
    first tier. Measured with ``python -m evaluation`` (``docs/quality.md``).
    """
    if groups <= SHORT_QUERY:
        return groups
    return max(SHORT_QUERY, math.ceil(groups * LONG_QUERY_SHARE))


@dataclass(slots=True)
class ParsedQuery:
    """What the parser understood: the engine query, filters, and what to highlight.

    ``typed`` holds the filters typed in the query, by parameter name (``source``,
    ``year``…), to be merged with the request's own (:func:`search.params.merge`).
    """

    text: str
    query: EngineQuery
    typed: Mapping[str, tuple[Any, ...]] = field(default_factory=dict)
    warnings: list[Notice] = field(default_factory=list)
    terms: frozenset[str] = frozenset()  # stemmed terms to highlight
    exacts: frozenset[str] = frozenset()  # exact terms to highlight
    phrases: tuple[tuple[str, ...], ...] = ()

    @property
    def filters(self) -> Filters:
        """The typed filters alone, as the engine takes them."""
        return to_filters(self.typed)

    @property
    def words(self) -> list[Word]:
        """The query's words in order, for "did you mean"."""
        return [c for g in self.query.groups for c in g.alternatives if isinstance(c, Word)]


def _clean(text: str) -> tuple[str, list[Notice]]:
    warnings: list[Notice] = []
    if len(text) > MAX_QUERY_CHARS:
        text = text[:MAX_QUERY_CHARS]
        warnings.append(Notice("query_cut", {"max": MAX_QUERY_CHARS}))
    # Control characters (NUL, bidi overrides…) carry nothing searchable.
    text = "".join(
        " " if unicodedata.category(ch) in ("Cc", "Cs") else ch
        for ch in text
        if unicodedata.category(ch) != "Cf" or ch in "\u200c\u200d"
    )
    return text.translate(_QUOTES), warnings


def _words(text: str) -> list[Word]:
    return [Word(t.text, t.term, t.exact, t.stopped) for t in analyze(text)]


def parse_query(text: str, *, mode: Mode = "stemmed") -> ParsedQuery:
    """Parse what a reader typed; never raises."""
    original = text
    text, warnings = _clean(text or "")
    groups: list[list[Clause]] = []
    excluded: list[Clause] = []
    found: list[dict[str, list[Any]]] = []
    join_next = False
    negate_next = False

    for match in _ITEM.finditer(text):
        minus, quoted, fname, fquoted, bare = match.groups()
        negate = bool(minus) or negate_next
        negate_next = False
        clauses: list[Clause] = []

        if bare is not None and ":" in bare and not quoted:
            name, _, value = bare.partition(":")
            fname, fvalue = name, value
        elif fname is not None:
            fvalue = fquoted
        else:
            fvalue = None
        kind = OPERATORS.get((fname or "").lower()) if fname is not None else None
        if kind and fvalue and fvalue.strip():
            try:
                found.append(kind.read_operator(fvalue))
            except InvalidRequest as error:
                warnings.append(error.notice)
            continue
        if kind:
            warnings.append(Notice("empty_filter", {"name": fname}))
            continue

        if quoted is not None:
            words = _words(quoted)
            if len(words) == 1:
                clauses = [Phrase(quoted, (words[0].exact,))]
            elif words:
                clauses = [Phrase(quoted, tuple(w.exact for w in words))]
        else:
            raw = match.group(0)[len(minus) :]
            lowered = raw.lower()
            if lowered in _OR and not minus:
                join_next = bool(groups)
                continue
            if lowered in _AND and not minus:
                continue
            if lowered in _NOT and not minus:
                negate_next = True
                continue
            clauses = list(_words(raw))

        if not clauses:
            continue
        if negate:
            excluded.extend(clauses)
            join_next = False
            continue
        if join_next and groups:
            groups[-1].extend(clauses[:1])
            groups.extend([c] for c in clauses[1:])
        else:
            groups.extend([c] for c in clauses)
        join_next = False

    # Stop words do not count in stemmed mode, unless the query is nothing
    # but stop words ("ما بعد"): then they are searched on the exact fields.
    if mode == "stemmed":
        content = [g for g in groups if any(not _is_stopped(c) for c in g)]
        if content:
            groups = [[c for c in g if not _is_stopped(c)] for g in content]
    if len(groups) > MAX_GROUPS:
        warnings.append(Notice("too_many_words", {"max": MAX_GROUPS}))
        groups = groups[:MAX_GROUPS]

    engine_groups = tuple(Group(tuple(g)) for g in groups)
    query = EngineQuery(
        groups=engine_groups,
        excluded=tuple(excluded),
        min_match=required_matches(len(engine_groups)),
        mode=mode,
    )
    positives = [c for g in groups for c in g]
    return ParsedQuery(
        text=original,
        query=query,
        typed=merge(*found),
        warnings=warnings,
        terms=frozenset(c.term for c in positives if isinstance(c, Word) and mode == "stemmed"),
        exacts=frozenset(c.exact for c in positives if isinstance(c, Word)),
        phrases=tuple(c.exacts for c in positives if isinstance(c, Phrase)),
    )


def _is_stopped(clause: Clause) -> bool:
    return isinstance(clause, Word) and clause.stopped


def split_typed(text: str) -> tuple[str, dict[str, list[str]]]:
    """``text`` without the filters typed in it (``source:رويترز``, ``التاريخ:2023-08``),
    and those filters as request parameters (``{"source": ["Reuters"]}``): how the site
    turns what a reader typed into ticked boxes and removable chips, one state with one
    address. A typed filter that cannot be read (``date:2023-99``), or that is negated,
    stays in the text, where the parser reports it."""
    marked = text.translate(_QUOTES)  # one character for one: the positions hold
    kept: list[str] = []
    found: dict[str, list[str]] = {}
    last = 0
    for match in _ITEM.finditer(marked):
        minus, quoted, fname, fquoted, bare = match.groups()
        if bare is not None and ":" in bare and not quoted:
            fname, _, fvalue = bare.partition(":")
        elif fname is not None:
            fvalue = fquoted
        else:
            continue
        kind = OPERATORS.get(fname.lower())
        if kind is None or minus or not (fvalue or "").strip():
            continue
        try:
            values = kind.read_operator(fvalue)
        except InvalidRequest:
            continue
        for name, parsed in values.items():
            found.setdefault(name, []).extend(_as_param(v) for v in parsed)
        kept.append(text[last : match.start()])
        last = match.end()
    kept.append(text[last:])
    return " ".join("".join(kept).split()), found


def _as_param(value: Any) -> str:
    """A parsed filter value as it is written in a URL."""
    return value.isoformat() if isinstance(value, dt.date) else str(value)
