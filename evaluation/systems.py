"""The six systems compared: one analysis each, everything else shared.

Every system is a Whoosh index of the same documents, scored with Naba's
BM25F (the same weighting and field boosts: :func:`search.engine.comparison_index`)
and searched through the same query path: the question is parsed by
:func:`search.query.parse_query` (so phrases, ``-`` and ``OR`` read the same),
its words form one group each, stop words do not count, as many groups as
:func:`search.query.required_matches` asks for must match (any one when no
document has enough, as :func:`search.searching.find` relaxes for users), and
documents with every group rank first (the engine's search does the matching
and the ranking for all six). Only the analysis of the words differs:

1. ``whoosh-standard``: stock Whoosh ``StandardAnalyzer`` (``\\w+`` tokens,
   lower-case, English stop words);
2. ``normalise``: Naba's tokenizer, normaliser and stop words, no stemming;
3. ``snowball``: as 2, then the Snowball Arabic stemmer;
4. ``light10``: as 2, then Larkey et al.'s light10 (Lucene-style);
5. ``isri``: as 2, then nltk's ISRI root stemmer;
6. ``light10-any``: as 4, ranked by score alone with any one word enough (no
   tiers): plain light stemming with any-word matching, the recall baseline;
7. ``naba``: Naba as shipped: the real schema (stemmed and exact fields), the
   real engine and its query translation, spelling variants learned from the index;
8. ``naba-proximity``: as 7, with neighbouring query words scored again where they
   stand side by side (:func:`with_proximity`): a measured option, not shipped;
9. ``naba-postgres``: the same as 7 on the PostgreSQL engine (a cluster of its own,
   :mod:`evaluation.postgres`): its figures must be ``naba``'s.

Systems 2–5 use Naba's tokenizer, normaliser and stop list so that the table
isolates the stemmer; the stemmers run between ``prepare`` and ``fold``, where
Naba's own stemmer runs.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from search import query as query_module
from search.analysis import WordForms, fold, is_stopword, prepare
from search.analysis.variants import EditorRules
from search.arabic import HAMZA_TO_YEH
from search.engine import (
    Clause,
    EngineQuery,
    Group,
    IndexReader,
    Phrase,
    Word,
    comparison_index,
    comparison_query_words,
)
from search.indexing.variants import learn
from search.query import ParsedQuery, parse_query
from search.variants import Variants, combine, expand

from .stemmers import STEMMERS

_ARABIC_WORD = re.compile(f"^[{HAMZA_TO_YEH}]+$")


@lru_cache(maxsize=1 << 18)
def _forms(stemmer: str, surface: str) -> WordForms:
    """A token's term (and whether it is a stop word) for a baseline stemmer; "" if
    nothing searchable. Naba's normaliser and stop words around the baseline stemmer."""
    prepared = prepare(surface)
    if not prepared:
        return WordForms("", "", True)
    stem = STEMMERS[stemmer](prepared) if _ARABIC_WORD.match(prepared) else prepared
    term = fold(stem) or fold(prepared)
    return WordForms(term, term, is_stopword(prepared))


def baseline_forms(stemmer: str) -> Callable[[str], WordForms]:
    """Naba's tokenizer → prepare → ``stemmer`` → fold, Naba's stop words removed."""
    return functools.partial(_forms, stemmer)


@dataclass(frozen=True, slots=True)
class System:
    """A named analysis: how to build its index and how to turn a question into its query."""

    name: str
    label: str
    #: "naba": as shipped; None: stock Whoosh's StandardAnalyzer; else a word → forms.
    forms: Callable[[str], WordForms] | str | None
    #: Any one word is enough (no minimum-should-match): the recall baseline.
    any_word: bool = False
    #: Naba with a proximity bonus (:func:`with_proximity`): measured, not shipped.
    proximity: bool = False

    @property
    def shipped(self) -> bool:
        return self.forms in ("naba", "naba-postgres")

    def build(
        self,
        documents: dict[str, str],
        titles: dict[str, str] | None = None,
        sources: dict[str, list[str]] | None = None,
    ) -> IndexReader:
        """An in-memory index of ``documents`` (id → body) with their ``titles`` and
        ``sources`` (none for the question-answering collections), or for
        ``naba-postgres`` a PostgreSQL one (:mod:`evaluation.postgres`)."""
        if self.forms == "naba-postgres":
            from .postgres import build

            return build(documents, titles or {}, sources or {})
        return comparison_index(self.name, documents, self.forms, titles or {}, sources or {})

    def query(self, text: str, reader: IndexReader | None = None) -> ParsedQuery:
        """The question as this system searches it (see the module docstring); Naba's
        words with the spelling variants learned from ``reader``'s index, as a reindex
        learns them (:func:`naba_variants`)."""
        if self.shipped:
            parsed = parse_query(text)
            if reader is not None:
                parsed, _ = expand(parsed, naba_variants(reader), reader)
            return with_proximity(parsed) if self.proximity else parsed
        parsed = _reanalyse(parse_query(text, mode="exact"), self.forms)
        if self.any_word:
            parsed.query = dataclasses.replace(
                parsed.query, min_match=min(parsed.query.min_match, 1), tiered=False
            )
        return parsed


def with_proximity(parsed: ParsedQuery) -> ParsedQuery:
    """Each pair of neighbouring query words also as a phrase, an alternative of the
    first word's group: an article where the two stand side by side scores their words
    once more, and no article matches or misses a tier because of it."""
    groups = list(parsed.query.groups)
    for i in range(len(groups) - 1):
        first, second = groups[i].alternatives[0], groups[i + 1].alternatives[0]
        if isinstance(first, Word) and isinstance(second, Word):
            pair = Phrase(f"{first.text} {second.text}", (first.exact, second.exact))
            groups[i] = Group((*groups[i].alternatives, pair))
    query = dataclasses.replace(parsed.query, groups=tuple(groups))
    return dataclasses.replace(parsed, query=query)


def naba_variants(reader: IndexReader) -> Variants:
    """The spelling variants a reindex would learn for this index (no editor's file),
    learned once per index."""
    return reader.memo.get(
        ("evaluation variants",), lambda _: combine(learn(reader), EditorRules())
    )


def _analyse(forms: object, text: str) -> list[Word]:
    return [
        Word(text, term, term, stopped) for term, stopped in comparison_query_words(forms, text)
    ]


def _reanalyse(parsed: ParsedQuery, forms: object) -> ParsedQuery:
    """Re-analyse a parsed query's words with a baseline analyzer, keeping its structure.

    ``parse_query(mode="exact")`` keeps every word; here, as in Naba's stemmed
    mode, words the baseline's analyzer stops do not count unless the query
    has nothing else, and :func:`required_matches` of the remaining groups
    must match. A word the analyzer splits in two becomes two groups.
    """

    def clauses(clause: Clause) -> list[Clause]:
        if isinstance(clause, Phrase):
            words = [w for w in _analyse(forms, clause.text) if not w.stopped]
            return [Phrase(clause.text, tuple(w.term for w in words))] if words else []
        return list(_analyse(forms, clause.text))

    groups: list[list[Clause]] = []
    for group in parsed.query.groups:
        expanded = [clauses(c) for c in group.alternatives]
        if len(expanded) == 1:
            groups.extend([c] for c in expanded[0])
        else:
            merged = [parts[0] for parts in expanded if parts]
            if merged:
                groups.append(merged)
    content = [g for g in groups if any(not _stopped(c) for c in g)]
    if content:
        groups = [[c for c in g if not _stopped(c)] for g in content]
    excluded = tuple(c for clause in parsed.query.excluded for c in clauses(clause))
    query = EngineQuery(
        groups=tuple(Group(tuple(g)) for g in groups),
        excluded=excluded,
        min_match=query_module.required_matches(len(groups)),
        mode="stemmed",
    )
    return ParsedQuery(parsed.text, query, parsed.typed, parsed.warnings)


def _stopped(clause: Clause) -> bool:
    return isinstance(clause, Word) and clause.stopped


SYSTEMS: tuple[System, ...] = (
    System("whoosh-standard", "stock Whoosh StandardAnalyzer", None),
    System("normalise", "Naba normaliser, no stemming", baseline_forms("none")),
    System("snowball", "Snowball Arabic stemmer", baseline_forms("snowball")),
    System("light10", "light10 (Lucene-style light stemmer)", baseline_forms("light10")),
    System("isri", "ISRI root stemmer (nltk)", baseline_forms("isri")),
    System(
        "light10-any", "light10, any one word is enough", baseline_forms("light10"), any_word=True
    ),
    System("naba", "Naba as shipped (stemmed + exact fields)", "naba"),
    System(
        "naba-proximity",
        "Naba + side-by-side query words score again (measured, not shipped)",
        "naba",
        proximity=True,
    ),
    System("naba-postgres", "Naba as shipped, on the PostgreSQL engine", "naba-postgres"),
)
SYSTEM_NAMES = tuple(s.name for s in SYSTEMS)
