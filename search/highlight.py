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

import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from search.analysis import AnalyzedToken, analyze

FRAGMENT_CHARS = 180
MAX_FRAGMENTS = 2
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class Highlighter:
    """Which tokens to mark: stemmed terms, exact terms, and exact phrases."""

    terms: frozenset[str] = frozenset()
    exacts: frozenset[str] = frozenset()
    phrases: tuple[tuple[str, ...], ...] = ()

    def __bool__(self) -> bool:
        return bool(self.terms or self.exacts or self.phrases)

    def marks(self, tokens: Sequence[AnalyzedToken]) -> list[bool]:
        marked = [
            (not t.stopped and t.term in self.terms) or t.exact in self.exacts for t in tokens
        ]
        for phrase in self.phrases:
            n = len(phrase)
            for i in range(len(tokens) - n + 1):
                if all(tokens[i + k].exact == phrase[k] for k in range(n)):
                    for k in range(n):
                        marked[i + k] = True
        return marked


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


def _marked_spans(text: str, highlighter: Highlighter) -> tuple[list[AnalyzedToken], list[bool]]:
    tokens = list(analyze(text))
    return tokens, highlighter.marks(tokens) if highlighter else [False] * len(tokens)


def highlight_all(text: str, highlighter: Highlighter) -> str:
    """The whole text as HTML with matched words marked (titles, document pages)."""
    tokens, marks = _marked_spans(text, highlighter)
    spans = [(t.start, t.end) for t, m in zip(tokens, marks, strict=True) if m]
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
    tokens, marks = _marked_spans(text, highlighter)
    hits = [i for i, m in enumerate(marks) if m]
    if not hits:
        end = _cut_end(text, tokens, chars)
        return escape(text[:end]) + (" …" if end < len(text) else "")

    # Candidate windows start at each marked token (a little before it).
    candidates = []
    for i in hits:
        start = _window_start(tokens, i, chars)
        end = _cut_end(text, tokens, tokens[start].start + chars) if tokens else len(text)
        inside = [
            j for j in hits if tokens[j].start >= tokens[start].start and tokens[j].end <= end
        ]
        distinct = len({tokens[j].exact for j in inside})
        candidates.append((-distinct, -len(inside), tokens[start].start, end))
    candidates.sort()

    chosen: list[tuple[int, int]] = []
    for _, _, s, e in candidates:
        if all(e <= cs or s >= ce for cs, ce in chosen):
            chosen.append((s, e))
        if len(chosen) == fragments:
            break
    chosen.sort()
    spans = [(tokens[j].start, tokens[j].end) for j in hits]
    parts = [_render(text, spans, s, e) for s, e in chosen]
    lead = "… " if chosen[0][0] > 0 else ""
    tail = " …" if chosen[-1][1] < len(text) else ""
    return lead + " … ".join(parts) + tail


def _window_start(tokens: Sequence[AnalyzedToken], i: int, chars: int) -> int:
    """Start a fragment a few words before the match (about a fifth of its size)."""
    lead = chars // 5
    j = i
    while j > 0 and tokens[i].start - tokens[j - 1].start <= lead:
        j -= 1
    return j


def _cut_end(text: str, tokens: Sequence[AnalyzedToken], limit: int) -> int:
    """The end of the last token that ends before ``limit`` (never mid-word)."""
    if limit >= len(text):
        return len(text)
    end = 0
    for token in tokens:
        if token.end > limit:
            break
        end = token.end
    return end or min(limit, len(text))
