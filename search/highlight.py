"""Snippets and highlighting that show the article's *original* words.

Pipeline, as in Whoosh's own highlighter: analyse the stored text (the same
analysis as the index, so offsets point into the original) → mark the
tokens the query matched → pick fragments around the densest marks →
format as HTML.

Matching is on index terms but display is on the original characters, so a
query typed without diacritics or hamza marks ``كَتَبَ`` or ``الإستراتيجية`` as
written. Everything that is not a ``<mark>`` tag is HTML-escaped, and bidi
override and isolate controls are dropped so a document cannot reorder the
text around it.
"""

from __future__ import annotations

import bisect
import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from search.analysis import TOKEN_PATTERN, word_forms
from search.arabic import BIDI_CONTROLS

FRAGMENT_CHARS = 180
MAX_FRAGMENTS = 2
_BIDI_CONTROLS = re.compile(f"[{BIDI_CONTROLS}]")
_SPACES = re.compile(r"\s+")
_TOKEN = re.compile(TOKEN_PATTERN)


@dataclass(frozen=True, slots=True)
class Highlighter:
    """Which tokens to mark: stemmed terms, exact terms, and exact phrases."""

    terms: frozenset[str] = frozenset()
    exacts: frozenset[str] = frozenset()
    phrases: tuple[tuple[str, ...], ...] = ()

    def __bool__(self) -> bool:
        return bool(self.terms or self.exacts or self.phrases)


def escape(text: str) -> str:
    """HTML-escape ``text`` and drop bidi overrides."""
    return html.escape(_BIDI_CONTROLS.sub("", text), quote=True)


def _render(text: str, spans: Iterable[tuple[int, int]], start: int, end: int) -> str:
    out: list[str] = []
    pos = start
    for s, e in spans:
        if e <= start or s >= end:
            continue
        out.append(escape(text[pos:s]))
        out.append(f"<mark>{escape(text[s:e])}</mark>")
        pos = e
    out.append(escape(text[pos:end]))
    return "".join(out)


@dataclass(frozen=True, slots=True)
class _Scan:
    """A text's tokens (offsets and exact forms) and which of them the query matched."""

    starts: list[int]
    ends: list[int]
    exacts: list[str]
    marked: list[int]  # token numbers, ascending


def _scan(text: str, highlighter: Highlighter) -> _Scan:
    """Tokenise ``text`` as the index does and mark the matches.

    The same tokenizer pattern and memoised :func:`~search.analysis.word_forms`
    as :func:`~search.analysis.analyze`, without building a token object per
    word: a results page scans ten whole articles, and at about a microsecond
    per token instead of five the snippets stop dominating a search.
    """
    starts: list[int] = []
    ends: list[int] = []
    exacts: list[str] = []
    marked: list[int] = []
    terms, wanted = highlighter.terms, highlighter.exacts
    for match in _TOKEN.finditer(text):
        exact, term, stopped = word_forms(match.group())
        if not exact:
            continue
        if (not stopped and term in terms) or exact in wanted:
            marked.append(len(exacts))
        start, end = match.span()
        starts.append(start)
        ends.append(end)
        exacts.append(exact)
    if highlighter.phrases:
        in_phrase = set(marked)
        for phrase in highlighter.phrases:
            n = len(phrase)
            first = phrase[0]
            for i, exact in enumerate(exacts[: len(exacts) - n + 1]):
                if exact == first and tuple(exacts[i : i + n]) == phrase:
                    in_phrase.update(range(i, i + n))
        marked = sorted(in_phrase)
    return _Scan(starts, ends, exacts, marked)


def highlight_all(text: str, highlighter: Highlighter) -> str:
    """The whole text as HTML with matched words marked (titles, document pages)."""
    scan = _scan(text, highlighter)
    spans = [(scan.starts[i], scan.ends[i]) for i in scan.marked]
    return _render(text, spans, 0, len(text))


def snippet(
    text: str,
    highlighter: Highlighter,
    *,
    chars: int = FRAGMENT_CHARS,
    fragments: int = MAX_FRAGMENTS,
) -> str:
    """One or two fragments of ``text`` around the matches, as HTML.

    Fragments are chosen by how many *different* matched terms they hold,
    then by how many matches; a text with no match gives its opening.
    """
    text = _SPACES.sub(" ", text).strip()
    scan = _scan(text, highlighter)
    starts, ends, hits = scan.starts, scan.ends, scan.marked
    if not hits:
        end = _cut_end(ends, len(text), chars)
        return escape(text[:end]) + (" …" if end < len(text) else "")

    # Candidate windows start at each marked token (a little before it).
    hit_starts = [starts[j] for j in hits]
    hit_ends = [ends[j] for j in hits]
    lead = chars // 5
    candidates = []
    for i in hits:
        # A few words before the match: the first token within ``lead`` characters.
        start = starts[min(i, bisect.bisect_left(starts, starts[i] - lead))]
        end = _cut_end(ends, len(text), start + chars)
        inside = hits[bisect.bisect_left(hit_starts, start) : bisect.bisect_right(hit_ends, end)]
        distinct = len({scan.exacts[j] for j in inside})
        candidates.append((-distinct, -len(inside), start, end))
    candidates.sort()

    chosen: list[tuple[int, int]] = []
    for _, _, s, e in candidates:
        if all(e <= cs or s >= ce for cs, ce in chosen):
            chosen.append((s, e))
        if len(chosen) == fragments:
            break
    chosen.sort()
    spans = list(zip(hit_starts, hit_ends, strict=True))
    parts = [_render(text, spans, s, e) for s, e in chosen]
    lead_text = "… " if chosen[0][0] > 0 else ""
    tail = " …" if chosen[-1][1] < len(text) else ""
    return lead_text + " … ".join(parts) + tail


def _cut_end(ends: Sequence[int], length: int, limit: int) -> int:
    """The end of the last token that ends by ``limit`` (never mid-word)."""
    if limit >= length:
        return length
    last = bisect.bisect_right(ends, limit) - 1
    end = ends[last] if last >= 0 else 0
    return end or min(limit, length)
