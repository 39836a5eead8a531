"""Spelling variants learned from the index at reindex time (issue 15).

The rules a pair must fit and the evidence are :mod:`search.analysis.variants`;
this module gathers the evidence from an index through its reader, so that both
engines learn alike:

1. the stems of the bodies in at least :data:`MIN_DOCUMENTS` articles (``vocabulary``);
2. the pairs of them with a variant's form (:func:`candidate_pairs`);
3. for each stem of a pair, the words around it in up to :data:`SAMPLE` articles
   that contain it (found by searching it), read only near its occurrences;
4. for the pairs whose neighbours are at least fairly alike, how often the two stems
   meet in one article (:func:`_together`) and how much their outlets overlap
   (:func:`source_overlap`);
5. :func:`~search.analysis.variants.kept` says which pairs are one word.

The table (``{"pairs": [[a, b, similarity, together, overlap], …], "written": {stem:
form}, …}``) is
kept with the index's commit (``Index.save_manifest(…, kind="variants")``); the
search layer reads it with the editor's file (:mod:`search.variants`).
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Iterable
from typing import Any

from search.analysis import analyze, normalize
from search.analysis.variants import (
    LOW_SIMILARITY,
    VERSION,
    Contexts,
    candidate_pairs,
    context_similarity,
    kept,
    source_overlap,
)
from search.arabic import ARABIC_BLOCK, chars
from search.engine import EngineQuery, FacetSpec, Filters, Group, IndexReader, Word

logger = logging.getLogger("search.indexing")

#: Both forms of a pair are in at least this many articles ("both frequent").
MIN_DOCUMENTS = 5
#: Articles read for each stem's neighbours.
SAMPLE = 8
#: Characters read on each side of an occurrence (about a dozen words).
SPAN = 90
#: Occurrences read for each stem at most.
MAX_WINDOWS = 16


def learn(reader: IndexReader, *, min_documents: int = MIN_DOCUMENTS) -> dict[str, Any]:
    """The variant table of the index ``reader`` reads (every candidate pair with its
    similarity; :func:`accepted` says which are kept)."""
    started = time.perf_counter()
    frequencies = reader.vocabulary(min_documents)
    pairs = candidate_pairs(frequencies, min_documents)
    stems = sorted({stem for pair in pairs for stem in pair})
    contexts = Contexts(frozenset(stems))
    for stem in stems:
        for text in near(reader, stem):
            contexts.add((t.text, t.term, t.stopped) for t in analyze(text))
    # The idf of a neighbour over four times the most frequent stem's articles, as the
    # thresholds were chosen with (evaluation/variant_pairs): not the archive's size.
    documents = max(max(frequencies.values(), default=1) * 4, reader.stats().documents)
    scored = []
    outlets: dict[str, dict[str, int]] = {}
    for a, b in pairs:
        similarity = _similarity(contexts, a, b, frequencies, documents)
        together = overlap = None
        # Only for the pairs the neighbours could let through: a few searches each.
        if similarity >= LOW_SIMILARITY:
            together = _together(reader, a, b, frequencies)
            overlap = round(
                source_overlap(_outlets(reader, a, outlets), _outlets(reader, b, outlets)), 4
            )
        scored.append([a, b, round(similarity, 4), together, overlap])
    written = {stem: contexts.written_form(stem) for stem in stems}
    logger.info(
        "variants: %d candidate pairs of %d stems, %d kept, in %.1f s",
        len(pairs),
        len(stems),
        sum(1 for p in scored if kept(*p[2:])),
        time.perf_counter() - started,
    )
    return {
        "version": VERSION,
        "min_documents": min_documents,
        "pairs": scored,
        "written": written,
        "frequencies": {stem: frequencies[stem] for stem in stems},
    }


def _together(reader: IndexReader, a: str, b: str, frequencies: dict[str, int]) -> float:
    """The share of the rarer stem's articles that have the other stem too: an outlet
    spells a name one way, so two spellings rarely meet in one article, while two words
    of one root (مصدر, مصادر; منطق, مناطق) meet often."""
    words = (Group((Word(a, a, ""),)), Group((Word(b, b, ""),)))
    both = reader.search(
        EngineQuery(groups=words, min_match=2), Filters(), sort="relevance", offset=0, limit=0
    ).complete
    return round((both or 0) / max(1, min(frequencies[a], frequencies[b])), 4)


def _stem_query(stem: str) -> EngineQuery:
    """A search for the articles that have ``stem`` (as an indexed term)."""
    return EngineQuery(groups=(Group((Word(stem, stem, ""),)),), min_match=1, tiered=False)


def _outlets(reader: IndexReader, stem: str, known: dict[str, dict[str, int]]) -> dict[str, int]:
    """The stem's articles per outlet (the sources facet of a search for it)."""
    if stem not in known:
        found = reader.search(
            _stem_query(stem),
            Filters(),
            sort="relevance",
            offset=0,
            limit=0,
            facets=FacetSpec({"sources": Filters()}),
        )
        known[stem] = dict((found.facets or {}).get("sources", {}))
    return known[stem]


def _similarity(contexts: Contexts, a: str, b: str, frequencies: dict[str, int], n: int) -> float:
    around_a, around_b = contexts.around.get(a), contexts.around.get(b)
    if not around_a or not around_b:
        return 0.0
    return context_similarity(around_a, around_b, frequencies, n)


def near(reader: IndexReader, stem: str) -> Iterable[str]:
    """Stretches of text around ``stem`` in some of the articles that contain it.

    The stem is looked for in the articles as written (each folded letter matches the
    letters the index folds to it: ا also أ إ آ, ه also ة), and only the text around
    it is analysed: analysing whole articles for thousands of stems would cost as much
    as indexing them again."""
    found = reader.search(_stem_query(stem), Filters(), sort="relevance", offset=0, limit=SAMPLE)
    pattern = re.compile("".join(_LETTERS.get(letter, re.escape(letter)) for letter in stem))
    windows = 0
    for hit in found.hits:
        text = f"{hit.document.title}\n{hit.document.body}"
        last = 0
        for match in pattern.finditer(text):
            start = max(match.start() - SPAN, last)
            end = match.end() + SPAN
            # From the first space on either side: no word cut in two.
            left = text.find(" ", start, match.start()) if start > 0 else 0
            right = text.rfind(" ", match.end(), end)
            yield text[left if left >= 0 else start : right if right > 0 else end]
            last = end
            windows += 1
            if windows == MAX_WINDOWS:
                return


def _letter_classes() -> dict[str, str]:
    """Each folded letter → a regular-expression class of the letters folded to it."""
    folded: dict[str, set[str]] = {}
    for letter in chars(ARABIC_BLOCK):
        into = normalize(letter)
        if len(into) == 1 and into != letter:
            folded.setdefault(into, {into}).add(letter)
    return {k: "[" + "".join(sorted(v)) + "]" for k, v in folded.items()}


_LETTERS = _letter_classes()
